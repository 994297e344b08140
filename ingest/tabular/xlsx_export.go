package tabular

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"io"
)

// SheetCSV writes one sheet of a trusted XLSX workbook as CSV (UTF-8,
// comma, CRLF-free), every cell as Open reads it: numbers as stored, dates
// in ISO form, rows as long as their last non-blank cell. It makes the
// embedded CSV copy of a large workbook (datasets/internal/genbmo), which
// ingests to the same rows in a fraction of the time; the ingest tests
// check that it does. It returns the number of rows written. Formulas are
// written as their cached values, as Open reads them.
func SheetCSV(path, sheet string, w io.Writer) (int, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return 0, err
	}
	defer zr.Close()
	wb, ok := readStructure(&zr.Reader)
	if !ok {
		return 0, fmt.Errorf("%s: no workbook part", path)
	}
	wb.readStyles()
	if err := wb.readSharedStrings(1 << 30); err != nil {
		return 0, fmt.Errorf("%s: shared strings: %w", path, err)
	}
	var src *sheetReader
	for _, s := range wb.sheets {
		if s.name == sheet {
			if src, err = newSheetReader(wb, s, path, 1<<30); err != nil {
				return 0, err
			}
		}
	}
	if src == nil {
		return 0, fmt.Errorf("%s: no sheet %q", path, sheet)
	}
	defer src.close()
	cw := csv.NewWriter(w)
	n := 0
	for {
		row, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, err
		}
		if err := cw.Write(row.cells); err != nil {
			return n, err
		}
		n++
	}
	cw.Flush()
	return n, cw.Error()
}
