package tabular

import (
	"archive/zip"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestSheetReaderMatchesExcelize reads workbooks with the sheet reader and
// with excelize (raw values) and compares every cell: text alike, numbers
// equal as numbers, date-formatted cells the ISO form of excelize's own
// date conversion. (The embedded BMO 2024 CSV, made by SheetCSV, is the
// same check on 53,443 rows: regenerating it gives the same bytes as when
// excelize made it.)
func TestSheetReaderMatchesExcelize(t *testing.T) {
	built := buildXLSX(t, "mixed.xlsx", func(f *excelize.File) {
		must(t, f.SetSheetRow("Sheet1", "A1", &[]any{"Intitulé", "Ville", "Nombre", "Date", "Actif", "Note"}))
		must(t, f.SetSheetRow("Sheet1", "A2", &[]any{"Développeur web & mobile", "Saint-Étienne", 0.1 + 0.2, 42403, true, "a<b>c"}))
		must(t, f.SetSheetRow("Sheet1", "A3", &[]any{"  espaces  ", "ligne 1\nligne 2", -1234567.125, 45000.75, false, "_x0041_ literal"}))
		must(t, f.SetSheetRow("Sheet1", "A5", &[]any{"après un trou", "", 1e21, 1, nil, "«guillemets»"}))
		must(t, f.SetCellRichText("Sheet1", "F4", []excelize.RichTextRun{{Text: "gras "}, {Text: "et normal"}}))
		must(t, f.SetCellFormula("Sheet1", "C4", "C2*2"))
		date := style(t, f, &excelize.Style{NumFmt: 14})
		stamp := style(t, f, &excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy hh:mm")})
		must(t, f.SetCellStyle("Sheet1", "D2", "D2", date))
		must(t, f.SetCellStyle("Sheet1", "D3", "D3", stamp))
		must(t, f.SetCellStyle("Sheet1", "D5", "D5", date))
		_, err := f.NewSheet("Deuxième")
		must(t, err)
		must(t, f.SetSheetRow("Deuxième", "C3", &[]any{"seul", 7}))
	})
	for _, p := range []string{built, bmo2024Extract, "../testdata/gen-formations-synthetique.xlsx"} {
		t.Run(p[strings.LastIndexByte(p, '/')+1:], func(t *testing.T) {
			compareWithExcelize(t, p)
		})
	}
}

func compareWithExcelize(t *testing.T, path string) {
	zr, err := zip.OpenReader(path)
	must(t, err)
	defer zr.Close()
	wb, ok := readStructure(&zr.Reader)
	if !ok {
		t.Fatal("no workbook")
	}
	wb.readStyles()
	must(t, wb.readSharedStrings(1<<20))
	ef, err := excelize.OpenFile(path)
	must(t, err)
	defer ef.Close()
	if got, want := len(wb.sheets), len(ef.GetSheetList()); got != want {
		t.Fatalf("%d sheets, excelize %d", got, want)
	}
	cells := 0
	for _, sh := range wb.sheets {
		want, err := ef.GetRows(sh.name, excelize.Options{RawCellValue: true})
		must(t, err)
		r, err := newSheetReader(wb, sh, "f.xlsx", 1<<20)
		must(t, err)
		var got [][]string
		for {
			row, err := r.next()
			if err == io.EOF {
				break
			}
			must(t, err)
			got = append(got, row.cells)
		}
		r.close()
		for len(got) > 0 && len(got[len(got)-1]) == 0 {
			got = got[:len(got)-1] // GetRows drops trailing blank rows
		}
		if len(got) != len(want) {
			t.Fatalf("sheet %q: %d rows, excelize %d", sh.name, len(got), len(want))
		}
		for i := range want {
			if len(got[i]) != len(want[i]) {
				t.Errorf("sheet %q row %d: %q, excelize %q", sh.name, i+1, got[i], want[i])
				continue
			}
			for j := range want[i] {
				cells++
				ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if !sameCell(t, ef, sh.name, ref, got[i][j], want[i][j], wb.date1904) {
					t.Errorf("sheet %q %s: %q, excelize raw %q", sh.name, ref, got[i][j], want[i][j])
				}
			}
		}
	}
	t.Logf("%d cells compared", cells)
	if cells == 0 {
		t.Error("no cell compared")
	}
}

// sameCell compares one cell read by the sheet reader with excelize's raw
// value.
func sameCell(t *testing.T, ef *excelize.File, sheet, ref, got, raw string, date1904 bool) bool {
	if got == raw || got == "TRUE" && raw == "1" || got == "FALSE" && raw == "0" {
		return true // excelize's raw booleans are 1 and 0
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return false
	}
	if g, err := strconv.ParseFloat(got, 64); err == nil {
		return g == v || strconv.FormatFloat(v, 'G', 15, 64) == got
	}
	// A date-formatted cell: ISO form of excelize's date conversion.
	tm, err := excelize.ExcelDateToTime(v, date1904)
	if err != nil {
		return false
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04:05", "15:04:05"} {
		if tm.Format(layout) == got {
			return true
		}
	}
	return false
}
