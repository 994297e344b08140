package api

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"
)

// utf8BOM tells Excel the file is UTF-8; without it a French Excel reads
// accents as Windows-1252.
const utf8BOM = "\uFEFF"

// writeCSVTable writes t as CSV: RFC 4180 (commas, CRLF, no BOM) or, with
// fr, the dialect a French spreadsheet opens by double-click: semicolons,
// a BOM and decimal commas. Text cells a spreadsheet would run as a formula
// are neutralised in both (see neutralise).
func writeCSVTable(w io.Writer, t Table, fr bool) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if fr {
		cw.Comma = ';'
		if _, err := io.WriteString(w, utf8BOM); err != nil {
			return err
		}
	}
	cols := t.cols()
	if err := cw.Write(columnNames(cols)); err != nil {
		return err
	}
	rec := make([]string, len(cols))
	var buf []any
	err := t.Each(func(row []any) error {
		buf = t.pick(row, buf)
		for i, v := range buf {
			rec[i] = csvCell(v, fr)
		}
		return cw.Write(rec)
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return err
}

// csvCell formats one value: numbers in full precision (a decimal comma
// for fr), dates as ISO 8601, lists joined with |, text neutralised.
func csvCell(v any, fr bool) string {
	switch x := norm(v).(type) {
	case nil:
		return ""
	case float64:
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if fr {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.UTC().Format(time.RFC3339)
	default:
		return cell(x)
	}
}
