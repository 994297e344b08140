package export

import (
	"encoding/csv"
	"io"
	"strings"
	"time"
)

// Dialect is a flavour of CSV.
type Dialect string

// The CSV dialects.
const (
	// RFC4180: commas, CRLF, UTF-8 without BOM: what tools and scripts read.
	RFC4180 Dialect = "rfc4180"
	// French: what a French spreadsheet opens by double-click: semicolons,
	// a BOM (without it French Excel reads UTF-8 accents as Windows-1252)
	// and decimal commas.
	//
	// French files also read as French: headers are the columns' French
	// titles, enumerated values their French labels, dates jj/mm/aaaa.
	French Dialect = "fr"
)

const utf8BOM = "\uFEFF"

// WriteCSV writes t as CSV in the dialect d. Text cells a spreadsheet would
// run as a formula are neutralised in both dialects (see Neutralise).
func WriteCSV(w io.Writer, t Table, d Dialect) error {
	fr := d == French
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if fr {
		cw.Comma = ';'
		if _, err := io.WriteString(w, utf8BOM); err != nil {
			return err
		}
	}
	cols := t.Cols()
	head := ColumnNames(cols)
	if fr {
		head = FrenchTitles(cols)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	if l, ok := t.storeLines(false, d); ok {
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		return t.Lines(l, w)
	}
	rec := make([]string, len(cols))
	var buf []any
	err := t.Each(func(row []any) error {
		buf = t.Pick(row, buf)
		for i, v := range buf {
			if fr {
				rec[i] = frenchCell(v, cols[i])
			} else {
				rec[i] = CSVCell(v, d)
			}
		}
		return cw.Write(rec)
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return err
}

// FrenchTitles are the headers of a French file: each column's French
// title, its name when it has none. A title two columns share would make
// the file ambiguous, so the second keeps its name in parentheses.
func FrenchTitles(cols []Column) []string {
	out := make([]string, len(cols))
	seen := map[string]bool{}
	for i, c := range cols {
		h := c.Title
		if h == "" {
			h = c.Name
		}
		if seen[h] {
			h += " (" + c.Name + ")"
		}
		seen[h] = true
		out[i] = Neutralise(h)
	}
	return out
}

// frenchCell formats one value of column c for the French dialect:
// decimal comma, French labels for enumerated values, dates as
// jj/mm/aaaa (and a time, when there is one, as hh:mm:ss UTC).
func frenchCell(v any, c Column) string {
	switch x := Norm(frenchLabels(v, c)).(type) {
	case string, []string:
		return text(x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("02/01/2006")
		}
		return x.UTC().Format("02/01/2006 15:04:05")
	default:
		return CSVCell(x, French)
	}
}

// frenchLabels replaces the machine names of an enumerated column's
// values by their French labels (and a free-text column's values by their
// French text), keeping every other value as it is: the French CSV and
// XLSX both go through it.
func frenchLabels(v any, c Column) any {
	if c.LabelsFR == nil && c.TextFR == nil {
		return v
	}
	switch x := Norm(v).(type) {
	case string:
		return FrenchLabel(c, x)
	case []string:
		ls := make([]string, len(x))
		for i, s := range x {
			ls[i] = FrenchLabel(c, s)
		}
		return ls
	}
	return v
}

// FrenchLabel is the French label of value s of column c: s itself when
// the column is not enumerated or s has no label.
func FrenchLabel(c Column, s string) string {
	if l, ok := c.LabelsFR[s]; ok {
		return l
	}
	if c.TextFR != nil {
		return c.TextFR(s)
	}
	return s
}

// CSVCell formats one value for CSV in dialect d.
func CSVCell(v any, d Dialect) string {
	v = Norm(v)
	s := text(v)
	if _, ok := v.(float64); ok && d == French {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
