package tabular

import (
	"io"
	"regexp"
	"strconv"

	"github.com/gen-numerique/observatory/observatory"
)

// maxXLSXRows is the most rows a worksheet can hold (Excel's and the
// format's limit).
const maxXLSXRows = 1 << 20

// dimensionRef finds a worksheet's declared range, <dimension ref="A1:D20"/>,
// which writers put before the rows.
var dimensionRef = regexp.MustCompile(`<(?:[A-Za-z0-9_]+:)?dimension\s+ref="(?:\$?[A-Za-z]{1,3}\$?[0-9]+:)?\$?[A-Za-z]{1,3}\$?([0-9]{1,12})"`)

// checkDimensions refuses, before any row is read, a workbook whose sheet
// declares more rows than the format holds or than the row limit allows:
// a file over a limit is refused early, with the limit named, rather than
// after minutes of reading. A sheet without a dimension (or one that lies)
// is still stopped by the row limit while it is read.
func checkDimensions(name string, sheets []wbSheet, lim Limits) error {
	for _, s := range sheets {
		sheet := s.name
		rc, err := s.part.Open()
		if err != nil {
			continue // verifyZip says what is wrong with it
		}
		head, _ := io.ReadAll(io.LimitReader(rc, 64<<10))
		rc.Close()
		m := dimensionRef.FindSubmatch(head)
		if m == nil {
			continue
		}
		last, err := strconv.ParseInt(string(m[1]), 10, 64)
		if err != nil {
			continue
		}
		switch {
		case last > maxXLSXRows:
			return observatory.Errorf(observatory.ETOOLARGE,
				"%s: sheet %q declares %s rows, beyond the %s rows an XLSX sheet can hold; split it or export it as CSV (limit %s data rows)",
				name, sheet, thousands(int(last)), thousands(maxXLSXRows), thousands(lim.MaxRows))
		case last > int64(lim.MaxRows+lim.HeaderScanRows):
			return observatory.Errorf(observatory.ETOOLARGE,
				"%s: sheet %q declares %s rows, over the limit of %s data rows after the header",
				name, sheet, thousands(int(last)), thousands(lim.MaxRows))
		}
	}
	return nil
}
