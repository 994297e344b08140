package tabular

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/gen-numerique/observatory/ingest/internal/hostile"
	"github.com/gen-numerique/observatory/observatory"
)

// fuzzLimits keep each fuzzed file cheap and put the limits within reach.
var fuzzLimits = Limits{MaxCellBytes: 64, HeaderScanRows: 5, MaxRows: 1000, MaxUnzipBytes: 1 << 20}

// drainFuzzTable opens data and reads every record, checking what any
// file must give: errors of the documented kinds only, increasing rows,
// values only for mapped keys and within the cell limit, valid UTF-8,
// formula cells named, and an end.
func drainFuzzTable(t *testing.T, data []byte, name string) {
	lim := fuzzLimits
	tb, err := OpenReader(context.Background(), bytes.NewReader(data), int64(len(data)), name, catSchema, lim)
	if err != nil {
		if observatory.ErrorCode(err) == observatory.EINTERNAL {
			t.Fatalf("unexpected error type: %v", err)
		}
		return
	}
	defer tb.Close()
	if note := tb.EncodingNote(); note != "" && !strings.HasPrefix(note, "encoding detected: ") {
		t.Fatalf("encoding note %q", note)
	}
	last := tb.HeaderRow()
	for i := 0; ; i++ {
		rec, err := tb.Next()
		if err == io.EOF {
			break
		}
		var re *RowError
		if err != nil && !errors.As(err, &re) {
			if observatory.ErrorCode(err) == observatory.EINTERNAL {
				t.Fatalf("unexpected error type: %v", err)
			}
			break
		}
		if re != nil && (re.Row != rec.Row || re.Reason == "") {
			t.Fatalf("row error %+v for record on row %d", re, rec.Row)
		}
		if rec.Row <= last {
			t.Fatalf("row %d after row %d", rec.Row, last)
		}
		last = rec.Row
		for k, v := range rec.Values {
			if _, ok := tb.Columns()[k]; !ok {
				t.Fatalf("value for unmapped key %q", k)
			}
			if len(v) > lim.MaxCellBytes {
				t.Fatalf("value of %d bytes passed the limit", len(v))
			}
			if !utf8.ValidString(v) {
				t.Fatalf("invalid UTF-8 in %s: %q", k, v)
			}
		}
		for _, fc := range rec.Formulas {
			if fc.Column == "" || (fc.Key != "" && tb.Columns()[fc.Key] != fc.Column) {
				t.Fatalf("formula cell %+v, columns %v", fc, tb.Columns())
			}
		}
		if i > len(data)+10 {
			t.Fatal("more records than bytes")
		}
	}
	if _, err := tb.Next(); err == nil {
		t.Fatal("Next after the end returned a record")
	}
}

// FuzzOpenXLSX feeds arbitrary bytes named .xlsx: small workbooks built
// by excelize and the hostile archives as seeds. Most mutations break a
// CRC and are refused early; FuzzXLSXSheet explores the sheet contents.
func FuzzOpenXLSX(f *testing.F) {
	for _, fill := range []func(x *excelize.File){
		func(x *excelize.File) {
			x.SetSheetRow("Sheet1", "A1", &[]any{"Nom de la formation", "Code postal", "Durée (mois)", "Date de labellisation"})
			x.SetSheetRow("Sheet1", "A2", &[]any{"Développeur web", "01000", 7.5, 42403})
			x.SetCellFormula("Sheet1", "C3", "C2*2")
			x.SetSheetRow("Sheet1", "A4", &[]any{"Source : GEN"})
		},
		func(x *excelize.File) {
			x.SetSheetRow("Sheet1", "A1", &[]any{"Catalogue synthétique"})
			x.SetSheetRow("Sheet1", "B3", &[]any{"Intitulé", "Ville", "Latitude"})
			x.SetSheetRow("Sheet1", "B4", &[]any{"Sécurité des réseaux", "Saint-Étienne", 45.43})
			x.MergeCell("Sheet1", "B5", "D5")
			x.NewSheet("Lisez-moi")
			x.SetCellValue("Lisez-moi", "A1", "Note")
		},
	} {
		f.Add(readFileF(f, buildXLSX(f, "seed.xlsx", fill)))
	}
	dir := hostile.Dir(f, "../testdata/bad")
	for _, n := range []string{"not-a-zip.xlsx", "truncated.xlsx", "zip-bomb.xlsx"} {
		f.Add(readFileF(f, filepath.Join(dir, n)))
	}
	f.Add(zipOf(f, map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}))
	f.Add(zipOf(f, map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		drainFuzzTable(t, data, "fuzz.xlsx")
	})
}

// FuzzXLSXSheet wraps fuzzed worksheet and shared-strings XML in a valid
// package, so that excelize's row reader, the value formats and the
// formula scanner see arbitrary sheet contents.
func FuzzXLSXSheet(f *testing.F) {
	row := func(n string, cells ...string) string {
		return `<row r="` + n + `">` + strings.Join(cells, "") + `</row>`
	}
	is := func(ref, s string) string { return `<c r="` + ref + `" t="inlineStr"><is><t>` + s + `</t></is></c>` }
	header := row("1", is("A1", "Nom de la formation"), is("B1", "Durée (mois)"), `<c r="C1" t="s"><v>0</v></c>`)
	sst := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Code postal</t></si><si><t>Développeur</t></si></sst>`
	for _, data := range []string{
		header + row("2", `<c r="A2" t="s"><v>1</v></c>`, `<c r="B2"><v>7.5</v></c>`, `<c r="C2" t="str"><f>"0"&amp;"1000"</f></c>`),
		header + row("3", is("A3", "Médiateur"), `<c r="B3"><f t="shared" ref="B3:B4" si="0">B2+1</f></c>`) + `<row r="4"><c r="B4"><f t="shared" si="0"/></c></row>`,
		header + `<row><c><is><t>sans r</t></is></c><c><f>A1</f></c></row><row r="9"/>`,
		header + row("2", `<c r="XFD2"><f>1</f></c>`, `<c r="A2" t="e"><v>#DIV/0!</v></c>`) + `<!-- <f>x</f> -->`,
	} {
		f.Add([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+data+`</sheetData></worksheet>`), []byte(sst))
	}
	f.Fuzz(func(t *testing.T, sheet, sst []byte) {
		drainFuzzTable(t, minimalWorkbook(t, sheet, sst), "fuzz.xlsx")
	})
}

// minimalWorkbook is the smallest package excelize opens, around the given
// worksheet and shared strings.
func minimalWorkbook(t testing.TB, sheet, sst []byte) []byte {
	const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	return zipOf(t, map[string]string{
		"[Content_Types].xml": `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
		"_rels/.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + rel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="` + rel + `">` +
			`<sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + rel + `/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="` + rel + `/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml": string(sheet),
		"xl/sharedStrings.xml":     string(sst),
	})
}

// zipOf builds an archive of the given entries, in name order.
func zipOf(t testing.TB, entries map[string]string) []byte {
	t.Helper()
	names := make([]string, 0, len(entries))
	for n := range entries {
		names = append(names, n)
	}
	slices.Sort(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		must(t, err)
		_, err = w.Write([]byte(entries[n]))
		must(t, err)
	}
	must(t, zw.Close())
	return buf.Bytes()
}

func readFileF(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	return b
}
