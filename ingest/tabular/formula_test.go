package tabular

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestXLSXFormulaWithoutValue builds a workbook as a program that does not
// calculate writes it: formulas without cached values come out as "" and
// are listed in Record.Formulas, with their column and key.
func TestXLSXFormulaWithoutValue(t *testing.T) {
	p := buildXLSX(t, "formules.xlsx", func(f *excelize.File) {
		must(t, f.SetSheetRow("Sheet1", "A1", &[]any{"Nom de la formation", "Durée (mois)", "Places", "Remarque"}))
		must(t, f.SetSheetRow("Sheet1", "A2", &[]any{"Développeur web", 7, 12, "ok"}))
		// A cached value: excelize keeps the one already in the cell.
		must(t, f.SetCellFormula("Sheet1", "C2", "B2+5"))
		must(t, f.SetSheetRow("Sheet1", "A3", &[]any{"Sécurité des réseaux"}))
		must(t, f.SetCellFormula("Sheet1", "B3", `B2*2&"<mois>"`))
		must(t, f.SetCellFormula("Sheet1", "D3", "A3"))  // an unmapped column
		must(t, f.SetCellFormula("Sheet1", "F3", "1+1")) // beyond the header
		// A shared formula over C4:C5: its first cell holds the text.
		must(t, f.SetSheetRow("Sheet1", "A4", &[]any{"Médiateur numérique", 3}))
		must(t, f.SetSheetRow("Sheet1", "A5", &[]any{"Pâtisserie", 4}))
		must(t, f.SetCellFormula("Sheet1", "C4", "B4*3", excelize.FormulaOpts{Type: ptr(excelize.STCellFormulaTypeShared), Ref: ptr("C4:C5")}))
		// A row made only of formulas without values is not blank.
		must(t, f.SetCellFormula("Sheet1", "A7", "A2"))
		must(t, f.SetSheetRow("Sheet1", "A8", &[]any{"Hôtellerie", 2, 8}))
	})
	s := Schema{Columns: []Column{
		{Key: "title", Names: []string{"Nom de la formation"}, Required: true},
		{Key: "duration", Names: []string{"Durée (mois)"}},
		{Key: "seats", Names: []string{"Places"}},
	}}
	tb := openFile(t, p, s, Limits{})
	res := readAll(t, tb)
	if len(res.rowErrs) != 0 {
		t.Fatalf("row errors: %v", res.rowErrs)
	}
	got := map[int]string{}
	for _, r := range res.recs {
		got[r.Row] = fmt.Sprintf("%v %v", r.Values, r.Formulas)
	}
	want := map[int]string{
		2: "map[duration:7 seats:12 title:Développeur web] []",
		3: `map[duration: seats: title:Sécurité des réseaux] [{Durée (mois) duration B2*2&"<mois>"} {Remarque  A3} {column F  1+1}]`,
		4: "map[duration:3 seats: title:Médiateur numérique] [{Places seats B4*3}]",
		5: "map[duration:4 seats: title:Pâtisserie] [{Places seats }]",
		7: "map[duration: seats: title:] [{Nom de la formation title A2}]",
		8: "map[duration:2 seats:8 title:Hôtellerie] []",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("records:\n got %v\nwant %v", got, want)
	}
}

// sheetZip wraps raw worksheet XML in a ZIP entry.
func sheetZip(t *testing.T, xml string) *zip.File {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	must(t, err)
	_, err = w.Write([]byte(xml))
	must(t, err)
	must(t, zw.Close())
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	must(t, err)
	return zr.File[0]
}

// TestSheetReaderXML reads XML as other producers write it: namespace
// prefixes, rows and cells without r attributes, comments, '>' inside
// attribute values, empty and self-closing values, entities, CDATA, rich
// and phonetic runs, and a gap between rows.
func TestSheetReaderXML(t *testing.T) {
	xml := `<?xml version="1.0"?><x:worksheet xmlns:x="urn:x"><x:sheetData>` +
		`<!-- <x:f>not a formula</x:f> -->` +
		`<x:row r="2"><x:c r="B2" t="str" x:note="a>b"><x:f>SUM(A1:A9)</x:f></x:c><x:c><x:f>C1</x:f><x:v>3</x:v></x:c></x:row>` +
		`<x:row><x:c r="A3"><x:f>1</x:f><x:v/></x:c><x:c><x:f t="shared" si="0"/></x:c><x:c r="E3" t="inlineStr"><x:f>X</x:f><x:is><x:t>x</x:t></x:is></x:c></x:row>` +
		`<x:row r="5"/>` +
		`<x:row r="6"><x:c r="AB6"><x:f>&quot;a&quot;&amp;&#34;b&#34;</x:f></x:c>` +
		`<x:c r="AC6" t="inlineStr"><x:is><x:r><x:t>Saint-</x:t></x:r><x:r><x:t xml:space="preserve">&#201;tienne </x:t></x:r><x:rPh><x:t>ignored</x:t></x:rPh></x:is></x:c>` +
		`<x:c r="AD6" t="inlineStr"><x:is><x:t><![CDATA[a<b & c]]>&lt;d&gt;</x:t></x:is></x:c>` +
		`<x:c r="AE6" t="inlineStr"><x:is><x:t>line&#13;&#10;two_x000D_</x:t></x:is></x:c>` +
		`<x:c r="AF6" t="b"><x:v>0</x:v></x:c><x:c r="AG6" t="e"><x:v>#N/A</x:v></x:c><x:c r="AH6"><x:v>1.01E2</x:v></x:c></x:row>` +
		`</x:sheetData><x:f>after the data</x:f></x:worksheet>`
	r, err := newSheetReader(&workbook{}, wbSheet{name: "S", part: sheetZip(t, xml)}, "f.xlsx", 1000)
	must(t, err)
	defer r.close()
	var got []string
	for {
		row, err := r.next()
		if err == io.EOF {
			break
		}
		must(t, err)
		got = append(got, fmt.Sprintf("%d %q %v", row.num, row.cells, row.formulas))
	}
	want := []string{
		`1 [] []`,
		`2 ["" "" "3"] [{1 SUM(A1:A9)}]`,
		`3 ["" "" "" "" "x"] [{1 }]`,
		`4 [] []`,
		`5 [] []`,
		`6 ["" "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" "Saint-Étienne " "a<b & c<d>" "line\r\ntwo\r" "FALSE" "#N/A" "101"] [{27 "a"&"b"}]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSheetReaderDamage: a part cut short, a bad row number or cell
// reference is an error naming the file, sheet and row, never a crash.
func TestSheetReaderDamage(t *testing.T) {
	for xml, want := range map[string]string{
		`<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2`:   `f.xlsx: sheet "S" after row 1: the worksheet ends in the middle of its data`,
		`<worksheet><sheetData><row r="x"></row></sheetData></worksheet>`:                          `f.xlsx: sheet "S" after row 0: unreadable row number "x"`,
		`<worksheet><sheetData><row r="4"><c r="ZZZZ4"><v>1</v></c></row></sheetData></worksheet>`: `f.xlsx: sheet "S" row 4: unreadable cell reference "ZZZZ4"`,
		`<worksheet><sheetData><row r="1048577"/></sheetData></worksheet>`:                         `f.xlsx: sheet "S" has rows beyond row 1,048,576`,
	} {
		r, err := newSheetReader(&workbook{}, wbSheet{name: "S", part: sheetZip(t, xml)}, "f.xlsx", 1000)
		must(t, err)
		for err == nil {
			_, err = r.next()
		}
		r.close()
		if err == io.EOF || !strings.Contains(err.Error(), want) {
			t.Errorf("%s:\n got %v\nwant %s…", xml, err, want)
		}
	}
}
