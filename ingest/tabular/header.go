package tabular

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/gen-numerique/observatory/observatory"
)

// compiled is a Schema prepared for matching: names normalised once.
type compiled struct {
	s        Schema
	names    [][]string // per column, normalised accepted names
	required []int      // indexes of required columns
}

func compileSchema(s Schema) (*compiled, error) {
	c := &compiled{s: s, names: make([][]string, len(s.Columns))}
	seen := map[string]bool{}
	for i, col := range s.Columns {
		if col.Key == "" {
			return nil, fmt.Errorf("ingest: schema %q: column %d has no key", s.Name, i)
		}
		if seen[col.Key] {
			return nil, fmt.Errorf("ingest: schema %q: key %q declared twice", s.Name, col.Key)
		}
		seen[col.Key] = true
		if len(col.Names) == 0 && len(col.Patterns) == 0 && col.Match == nil {
			return nil, fmt.Errorf("ingest: schema %q: column %q has neither names, patterns nor a matcher", s.Name, col.Key)
		}
		for _, n := range col.Names {
			if nn := Normalize(n); nn != "" && col.Match == nil {
				c.names[i] = append(c.names[i], nn)
			}
		}
		if col.Required {
			c.required = append(c.required, i)
		}
	}
	if len(s.Columns) == 0 {
		return nil, fmt.Errorf("ingest: schema %q has no columns", s.Name)
	}
	return c, nil
}

// match returns the index of the schema column a header cell belongs to, or
// -1. Exact (normalised) names win over patterns and matchers, and earlier
// columns over later ones.
func (c *compiled) match(header string) int {
	h := Normalize(header)
	if h == "" {
		return -1
	}
	for i, names := range c.names {
		for _, n := range names {
			if n == h {
				return i
			}
		}
	}
	for i, col := range c.s.Columns {
		for _, p := range col.Patterns {
			if p.MatchString(h) {
				return i
			}
		}
		if col.Match != nil && col.Match(trimCell(header)) {
			return i
		}
	}
	return -1
}

// score counts the distinct schema columns a candidate header row matches:
// required ones first, then all.
type score struct{ req, total int }

func (a score) better(b score) bool {
	if a.req != b.req {
		return a.req > b.req
	}
	return a.total > b.total
}

func (c *compiled) score(cells []string) score {
	var got []bool
	var sc score
	for _, cell := range cells {
		i := c.match(cell)
		if i < 0 {
			continue
		}
		if got == nil {
			got = make([]bool, len(c.s.Columns))
		}
		if got[i] {
			continue
		}
		got[i] = true
		sc.total++
		if c.s.Columns[i].Required {
			sc.req++
		}
	}
	return sc
}

// header is the mapping decided from the chosen header row.
type header struct {
	keyAt    []string          // cell index -> key, "" when unmapped or blank
	named    []bool            // cell index -> the header cell is not blank
	texts    []string          // cell index -> trimmed header text
	cols     map[string]string // key -> header text
	unmapped []string
	firstCol int // index of the first non-blank header cell
}

// duplicate describes two header cells mapping to the same key.
type duplicate struct {
	key    string
	detail string // `columns 1 "Ville" and 2 "Ville" both match "city"`
}

// buildHeader maps the cells of the chosen header row. colName formats a cell
// index for messages. A key named by two cells is returned as a duplicate.
func (c *compiled) buildHeader(cells []string, colName func(int) string) (*header, *duplicate) {
	h := &header{
		keyAt:    make([]string, len(cells)),
		named:    make([]bool, len(cells)),
		texts:    make([]string, len(cells)),
		cols:     map[string]string{},
		firstCol: -1,
	}
	where := map[string]int{}
	for j, cell := range cells {
		text := trimCell(cell)
		if text == "" {
			continue
		}
		h.named[j] = true
		h.texts[j] = text
		if h.firstCol < 0 {
			h.firstCol = j
		}
		i := c.match(text)
		if i < 0 {
			h.unmapped = append(h.unmapped, text)
			continue
		}
		key := c.s.Columns[i].Key
		if prev, dup := where[key]; dup {
			return nil, &duplicate{key: key, detail: fmt.Sprintf("%s %q and %s %q both match %q",
				colName(prev), h.texts[prev], colName(j), text, key)}
		}
		where[key] = j
		h.keyAt[j] = key
		h.cols[key] = text
	}
	return h, nil
}

func (h *header) text(j int) string {
	if j < len(h.texts) {
		return h.texts[j]
	}
	return ""
}

// describe lists a column's accepted names for messages, at most three.
func (c *compiled) describe(i int) string {
	col := c.s.Columns[i]
	var parts []string
	for _, n := range col.Names {
		if len(parts) == 3 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, n)
	}
	if len(parts) < 3 {
		for _, p := range col.Patterns {
			parts = append(parts, "/"+p.String()+"/")
		}
	}
	return fmt.Sprintf("%q (%s)", col.Key, strings.Join(parts, ", "))
}

// candidate is the best header row found in one sheet (or with one CSV
// separator).
type candidate struct {
	sheet string
	row   int // 1-based; 0 when no row matched anything
	cells []string
	sc    score
}

// missingError builds the message for a file where no scanned row has all
// the required columns.
func (c *compiled) missingError(file string, sheets []string, best candidate, unit string, scanRows int) *observatory.Error {
	var b strings.Builder
	b.WriteString(file)
	b.WriteString(": ")
	switch len(sheets) {
	case 0:
	case 1:
		fmt.Fprintf(&b, "sheet %q: ", sheets[0])
	default:
		b.WriteString("sheets ")
		for i, s := range sheets {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q", s)
		}
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "no header row with the required columns in the first %d %ss", scanRows, unit)
	var have []bool
	if best.row > 0 {
		where := fmt.Sprintf("%s %d", unit, best.row)
		if len(sheets) > 1 {
			where = fmt.Sprintf("sheet %q %s", best.sheet, where)
		}
		fmt.Fprintf(&b, "; best candidate is %s (%d of %d columns recognised)", where, best.sc.total, len(c.s.Columns))
		have = make([]bool, len(c.s.Columns))
		for _, cell := range best.cells {
			if i := c.match(cell); i >= 0 {
				have[i] = true
			}
		}
	} else {
		b.WriteString("; no row matches any expected column")
	}
	b.WriteString("; missing ")
	var keys []string
	n := 0
	for _, i := range c.required {
		if have != nil && have[i] {
			continue
		}
		if n > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.describe(i))
		keys = append(keys, c.s.Columns[i].Key)
		n++
	}
	return &observatory.Error{Code: observatory.EINVALID, Message: b.String(), Param: strings.Join(keys, ",")}
}

// noHeaderError is for schemas without required columns where nothing at all
// matched.
func (c *compiled) noHeaderError(file string, sheets []string, unit string, scanRows int) error {
	var names []string
	for i := range c.s.Columns {
		names = append(names, c.describe(i))
		if len(names) == 4 {
			names = append(names, "…")
			break
		}
	}
	where := ""
	if len(sheets) > 0 {
		q := make([]string, len(sheets))
		for i, s := range sheets {
			q[i] = strconv.Quote(s)
		}
		where = "sheets " + strings.Join(q, ", ") + ": "
		if len(sheets) == 1 {
			where = "sheet " + q[0] + ": "
		}
	}
	return observatory.Errorf(observatory.EINVALID, "%s: %sno header row in the first %d %ss: no cell matches an expected column (%s)",
		file, where, scanRows, unit, strings.Join(names, ", "))
}

// xlsxColName formats a 0-based cell index as a spreadsheet column ("A").
func xlsxColName(i int) string {
	n, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return strconv.Itoa(i + 1)
	}
	return "column " + n
}

// csvColName formats a 0-based cell index as a CSV field number ("column 3").
func csvColName(i int) string { return "column " + strconv.Itoa(i+1) }
