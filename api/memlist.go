package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/observatory"
)

// Lists computed in memory (indicator values, gap zones) take sort,
// limit, cursor and fields like formations: sort by any column of the
// list's Table Schema (missing values last either way), fields to keep
// some columns, limit to page (every item when absent, as before), with
// a next cursor. Fields and sort keys are the files' column names; in
// JSON a nested object's members (a gap's orientation) count as the
// item's own.

// memListParams are the parameters of in-memory lists.
var memListParams = []string{"sort", "limit", "cursor", "fields"}

// memQuery is what a request asks of an in-memory list.
type memQuery struct {
	Sort   []observatory.SortKey
	Fields []string
	Limit  int // 0: every item
	Offset int
}

const memCursorTag = "m1:"

// memList reads sort, fields, limit and cursor for a list whose columns
// are cols.
func (p *params) memList(f Format, cols []export.Column) memQuery {
	names := export.ColumnNames(cols)
	q := memQuery{Sort: p.sort("sort", names), Fields: p.fields("fields", names)}
	if p.str("limit") != "" {
		q.Limit = p.limit(f)
	}
	if v := p.str("cursor"); v != "" {
		b, err := base64.RawURLEncoding.DecodeString(v)
		s, ok := strings.CutPrefix(string(b), memCursorTag)
		n, aerr := strconv.Atoi(s)
		if err != nil || !ok || aerr != nil || n < 0 || q.Limit == 0 {
			p.fail("cursor", "cursor is not one this API gave for this list (it needs the same limit); start again without it")
		}
		q.Offset = n
	}
	return q
}

// flatJSON is an item as its JSON members, a nested object's members
// added when the item has none of that name.
func flatJSON(it any) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(it)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for _, v := range m {
		if len(v) > 0 && v[0] == '{' {
			var sub map[string]json.RawMessage
			if json.Unmarshal(v, &sub) == nil {
				for k, sv := range sub {
					if _, ok := m[k]; !ok {
						m[k] = sv
					}
				}
			}
		}
	}
	return m, nil
}

// apply sorts, pages and projects items; it returns the items to send
// (projected when fields are set), the page's items, and the next cursor.
func applyMem[T any](items []T, q memQuery) (any, []T, string, error) {
	rows := make([]map[string]json.RawMessage, len(items))
	if len(q.Sort) > 0 || q.Fields != nil {
		for i, it := range items {
			m, err := flatJSON(it)
			if err != nil {
				return nil, nil, "", err
			}
			rows[i] = m
		}
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	if len(q.Sort) > 0 {
		slices.SortStableFunc(idx, func(a, b int) int {
			for _, k := range q.Sort {
				if c := compareJSON(rows[a][k.Field], rows[b][k.Field], k.Desc); c != 0 {
					return c
				}
			}
			return 0
		})
	}
	next := ""
	start := min(q.Offset, len(idx))
	idx = idx[start:]
	if q.Limit > 0 && len(idx) > q.Limit {
		idx = idx[:q.Limit]
		next = base64.RawURLEncoding.EncodeToString([]byte(memCursorTag + strconv.Itoa(start+q.Limit)))
	}
	page := make([]T, len(idx))
	for i, j := range idx {
		page[i] = items[j]
	}
	if q.Fields == nil {
		return page, page, next, nil
	}
	out := make([]export.Object, len(idx))
	for i, j := range idx {
		o := make(export.Object, 0, len(q.Fields))
		for _, f := range q.Fields {
			v, ok := rows[j][f]
			if !ok {
				v = json.RawMessage("null")
			}
			o = append(o, export.Member{Key: f, Value: v})
		}
		out[i] = o
	}
	return out, page, next, nil
}

// compareJSON orders two JSON values: numbers as numbers, the rest as
// text; missing and null last whatever the direction.
func compareJSON(a, b json.RawMessage, desc bool) int {
	na, nb := isNull(a), isNull(b)
	switch {
	case na && nb:
		return 0
	case na:
		return 1
	case nb:
		return -1
	}
	var c int
	fa, ea := strconv.ParseFloat(string(a), 64)
	fb, eb := strconv.ParseFloat(string(b), 64)
	if ea == nil && eb == nil {
		switch {
		case fa < fb:
			c = -1
		case fa > fb:
			c = 1
		}
	} else {
		var sa, sb string
		if json.Unmarshal(a, &sa) != nil {
			sa = string(a)
		}
		if json.Unmarshal(b, &sb) != nil {
			sb = string(b)
		}
		c = strings.Compare(sa, sb)
	}
	if desc {
		c = -c
	}
	return c
}

func isNull(v json.RawMessage) bool {
	return len(v) == 0 || bytes.Equal(v, []byte("null"))
}
