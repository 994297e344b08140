package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// checkAccounted asserts that a catalogue ingest accounted for every row of
// every file: rows read = loaded + quarantined, one reject per quarantined
// row, and no row both loaded and quarantined. When lines is given (file
// name -> the line or row number of every record of the file), every one
// of them is loaded or quarantined exactly once, and nothing else is.
func checkAccounted(t *testing.T, db *duckdb.DB, rep *observatory.Report, lines map[string][]int) {
	t.Helper()
	loaded := map[string][]int{}
	err := db.EachFormation(context.Background(), observatory.FormationFilter{}, func(f *observatory.Formation) error {
		loaded[f.Source] = append(loaded[f.Source], f.SourceRow)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	quarantined := map[string][]int{}
	for _, r := range rep.Rejects {
		quarantined[r.File] = append(quarantined[r.File], r.Row)
	}
	for _, in := range rep.Inputs {
		if in.RowsRead != in.Loaded+in.Quarantined {
			t.Errorf("%s: read %d != loaded %d + quarantined %d", in.Name, in.RowsRead, in.Loaded, in.Quarantined)
		}
		if len(quarantined[in.Name]) != in.Quarantined || len(loaded[in.Name]) != in.Loaded {
			t.Errorf("%s: %d rejects for %d quarantined, %d formations for %d loaded",
				in.Name, len(quarantined[in.Name]), in.Quarantined, len(loaded[in.Name]), in.Loaded)
		}
		all := append(slices.Clone(loaded[in.Name]), quarantined[in.Name]...)
		slices.Sort(all)
		if len(slices.Compact(slices.Clone(all))) != len(all) {
			t.Errorf("%s: a row counted twice: %v", in.Name, all)
		}
		if want, ok := lines[in.Name]; ok && !slices.Equal(all, want) {
			t.Errorf("%s: rows loaded or quarantined %v,\nwant %v", in.Name, all, want)
		}
	}
}

// TestUnterminatedQuoteAccounted ingests the synthetic catalogue's first
// rows with an unterminated quote in the middle and a legitimate multi-line
// cell further down: the bad line is quarantined with its reason, and every
// line after it is loaded or quarantined under its own line number.
func TestUnterminatedQuoteAccounted(t *testing.T) {
	b, err := os.ReadFile(syntheticCSV)
	if err != nil {
		t.Fatal(err)
	}
	src := strings.SplitAfter(string(b), "\n")[:41] // header and 40 rows
	var out strings.Builder
	var lines []int
	line := 1
	for i, l := range src {
		switch i {
		case 12: // line 13: the title opens a quote it never closes
			f := strings.SplitN(l, ";", 3)
			l = f[0] + ";\"" + f[1] + ";" + f[2]
		case 25: // line 26: a title on two lines, quoted as it should be
			f := strings.SplitN(l, ";", 3)
			l = f[0] + ";\"" + f[1] + "\n(sur deux lignes)\";" + f[2]
		}
		out.WriteString(l)
		if i > 0 {
			lines = append(lines, line)
		}
		line += strings.Count(l, "\n")
	}
	path := filepath.Join(t.TempDir(), "quote-ouverte.csv")
	if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := duckdb.Dir{Root: t.TempDir()}
	rep, err := ingestFiles(t, dir, path)
	if err != nil {
		t.Fatal(err)
	}
	if lines[len(lines)-1] != 42 || lines[24] != 26 || lines[25] != 28 {
		t.Fatalf("test file lines: %v", lines)
	}
	checkAccounted(t, openCurrent(t, dir), rep, map[string][]int{"quote-ouverte.csv": lines})
	i := slices.IndexFunc(rep.Rejects, func(r observatory.Reject) bool { return r.Row == 13 })
	if i < 0 {
		t.Fatalf("line 13 not quarantined: %+v", rep.Rejects)
	}
	if r := rep.Rejects[i]; r.Column != "Nom de la formation" || !strings.HasPrefix(r.Reason, "unterminated quote on line 13") {
		t.Errorf("reject = %+v", r)
	}
	if in := rep.Inputs[0]; in.RowsRead != 40 || in.Loaded < 35 {
		t.Errorf("input = %+v", in)
	}
}

// TestFormulaWithoutValueQuarantined ingests a catalogue workbook written
// by a program that does not calculate: a row whose duration is a formula
// without a computed value is quarantined with the way out; a formula in a
// column the catalogue does not read leaves its row loaded.
func TestFormulaWithoutValueQuarantined(t *testing.T) {
	b, err := os.ReadFile(syntheticCSV)
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Split(string(b), "\n")
	f := excelize.NewFile()
	defer f.Close()
	header := []any{"Identifiant", "Nom de la formation", "Structure porteuse", "Code postal", "Commune", "Code commune INSEE", "Durée (mois)", "Remarque"}
	if err := f.SetSheetRow("Sheet1", "A1", &header); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 4; i++ {
		c := strings.Split(src[i], ";")
		row := []any{c[0], c[1], c[2], c[3], c[4], c[5], c[12], "vu"}
		if err := f.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+1), &row); err != nil {
			t.Fatal(err)
		}
	}
	// Formulas without a value: in the duration column, in an unread one.
	for cell, formula := range map[string]string{"G3": "G2+1", "H4": `"à revoir"`} {
		if err := f.SetCellValue("Sheet1", cell, nil); err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellFormula("Sheet1", cell, formula); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "formules.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	dir := duckdb.Dir{Root: t.TempDir()}
	rep, err := ingestFiles(t, dir, path)
	if err != nil {
		t.Fatal(err)
	}
	checkAccounted(t, openCurrent(t, dir), rep, map[string][]int{"formules.xlsx": {2, 3, 4, 5}})
	if len(rep.Rejects) != 1 {
		t.Fatalf("rejects = %+v", rep.Rejects)
	}
	want := observatory.Reject{File: "formules.xlsx", Sheet: "Sheet1", Row: 3, Column: "Durée (mois)", Value: "=G2+1",
		Reason: `formula without a computed value in column "Durée (mois)": open and save the file in a spreadsheet, or export it as CSV`}
	if rep.Rejects[0] != want {
		t.Errorf("reject = %+v", rep.Rejects[0])
	}
}

// TestRepositoryFilesAccounted: every catalogue file of the repository is
// accounted for row by row.
func TestRepositoryFilesAccounted(t *testing.T) {
	for _, p := range []string{syntheticCSV, syntheticXLSX, filepath.Join(badDir, "catalogue-cp1252.csv"), filepath.Join(badDir, "catalogue-injection.csv")} {
		t.Run(filepath.Base(p), func(t *testing.T) {
			dir := duckdb.Dir{Root: t.TempDir()}
			rep, err := ingestFiles(t, dir, p)
			if err != nil {
				t.Fatal(err)
			}
			checkAccounted(t, openCurrent(t, dir), rep, nil)
		})
	}
}
