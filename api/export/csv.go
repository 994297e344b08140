package export

import (
	"encoding/csv"
	"io"
	"strings"
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
	if err := cw.Write(ColumnNames(cols)); err != nil {
		return err
	}
	rec := make([]string, len(cols))
	var buf []any
	err := t.Each(func(row []any) error {
		buf = t.Pick(row, buf)
		for i, v := range buf {
			rec[i] = CSVCell(v, d)
		}
		return cw.Write(rec)
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return err
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
