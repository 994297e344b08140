package export

import (
	"encoding/json"
	"io"
	"math"
	"strconv"
	"time"
)

// WriteNDJSON writes t as newline-delimited JSON (one object per row,
// members in column order, https://github.com/ndjson/ndjson-spec), for
// streaming into tools (jq, pandas read_json(lines=True), DuckDB
// read_json). Values are typed as in JSON (numbers rounded like every
// file, dates ISO 8601, lists as arrays, missing as null). A synthetic
// table whose columns have no synthetic one gives each row
// "synthetic": true, so no line can be read as real data on its own.
func WriteNDJSON(w io.Writer, t Table, m Meta) error {
	cols := t.Cols()
	keys := make([][]byte, len(cols))
	flag := t.Synthetic || m.Synthetic
	for i, c := range cols {
		k, _ := json.Marshal(c.Name)
		sep := ","
		if i == 0 {
			sep = "{"
		}
		keys[i] = append([]byte(sep), append(k, ':')...)
		if c.Name == "synthetic" {
			flag = false
		}
	}
	if l, ok := t.storeLines(true, ""); ok {
		l.Synthetic = flag
		return t.Lines(l, w)
	}
	var line []byte
	var buf []any
	return t.Each(func(row []any) error {
		buf = t.Pick(row, buf)
		line = line[:0]
		if len(cols) == 0 {
			line = append(line, '{')
		}
		for i, v := range buf {
			line = append(line, keys[i]...)
			line = appendJSON(line, Norm(v))
		}
		if flag {
			if len(cols) == 0 {
				line = append(line, `"synthetic":true`...)
			} else {
				line = append(line, `,"synthetic":true`...)
			}
		}
		line = append(line, '}', '\n')
		_, err := w.Write(line)
		return err
	})
}

// appendJSON appends a normalised value as JSON.
func appendJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		s, _ := json.Marshal(x)
		return append(b, s...)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(b, "null"...)
		}
		return strconv.AppendFloat(b, x, 'f', -1, 64)
	case bool:
		return strconv.AppendBool(b, x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return strconv.AppendQuote(b, x.Format(time.DateOnly))
		}
		return strconv.AppendQuote(b, x.UTC().Format(time.RFC3339))
	case []string:
		if x == nil {
			x = []string{}
		}
		s, _ := json.Marshal(x)
		return append(b, s...)
	}
	s, _ := json.Marshal(v)
	return append(b, s...)
}
