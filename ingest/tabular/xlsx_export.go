package tabular

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// SheetCSV writes one sheet of a trusted XLSX workbook as CSV (UTF-8,
// comma, CRLF-free), every cell as Open reads it: numbers as stored, dates
// in ISO form, rows as long as their last non-blank cell. It makes the
// embedded CSV copy of a large workbook (datasets/internal/genbmo), which
// ingests to the same rows in a fraction of the time; the ingest tests
// check that it does. It returns the number of rows written. Formulas are
// written as their cached values, as Open reads them.
func SheetCSV(path, sheet string, w io.Writer) (int, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if err := neutraliseNumFmts(f); err != nil {
		return 0, err
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return 0, fmt.Errorf("%s: sheet %q: %w", path, sheet, err)
	}
	defer rows.Close()
	cw := csv.NewWriter(w)
	n := 0
	for rows.Next() {
		cells, err := rows.Columns()
		if err != nil {
			return n, fmt.Errorf("%s: sheet %q row %d: %w", path, sheet, n+1, err)
		}
		if err := cw.Write(cells); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Error(); err != nil {
		return n, fmt.Errorf("%s: sheet %q after row %d: %w", path, sheet, n, err)
	}
	cw.Flush()
	return n, cw.Error()
}
