package tabular

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
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

// TestFormulaScanner reads XML as other producers write it: namespace
// prefixes, rows and cells without r attributes, comments, '>' inside
// attribute values, empty and self-closing values.
func TestFormulaScanner(t *testing.T) {
	xml := `<?xml version="1.0"?><x:worksheet xmlns:x="urn:x"><x:sheetData>` +
		`<!-- <x:f>not a formula</x:f> -->` +
		`<x:row r="2"><x:c r="B2" t="str" x:note="a>b"><x:f>SUM(A1:A9)</x:f></x:c><x:c><x:f>C1</x:f><x:v>3</x:v></x:c></x:row>` +
		`<x:row><x:c r="A3"><x:f>1</x:f><x:v/></x:c><x:c><x:f t="shared" si="0"/></x:c><x:c r="E3" t="inlineStr"><x:f>X</x:f><x:is><x:t>x</x:t></x:is></x:c></x:row>` +
		`<x:row r="5"/>` +
		`<x:row r="6"><x:c r="AB6"><x:f>&quot;a&quot;&amp;&#34;b&#34;</x:f></x:c></x:row>` +
		`</x:sheetData><x:f>after the data</x:f></x:worksheet>`
	fs, err := newFormulaScanner(sheetZip(t, xml))
	must(t, err)
	defer fs.close()
	var got []string
	for n := 1; n <= 8; n++ {
		got = append(got, fmt.Sprint(n, fs.row(n)))
	}
	want := `[1 [] 2 [{1 SUM(A1:A9)}] 3 [{1 }] 4 [] 5 [] 6 [{27 "a"&"b"}] 7 [] 8 []]`
	if fmt.Sprint(got) != want {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

// TestFormulaSniffer: a formula tag cut between two writes is still seen.
func TestFormulaSniffer(t *testing.T) {
	for _, parts := range [][]string{
		{"<c><f>A1</f>"}, {"<c><", "f>A1"}, {"<c>", "<f", " t=\"shared\"/>"}, {"<x", ":f>"}, {"<c><x:", "f", "/>"},
	} {
		var s formulaSniffer
		for _, p := range parts {
			s.Write([]byte(p))
		}
		if !s.found {
			t.Errorf("%q: not found", parts)
		}
	}
	for _, parts := range [][]string{{"<c><v>1</v></c>"}, {"<font", "><family/>"}, {"<x:fo", "nt>"}} {
		var s formulaSniffer
		for _, p := range parts {
			s.Write([]byte(p))
		}
		if s.found {
			t.Errorf("%q: found", parts)
		}
	}
}

// BenchmarkFormulaSniffer runs the formula sniffer over the BMO 2024 data
// sheet (27 MB of XML without a formula), the cost every XLSX sheet pays
// in the CRC pass.
func BenchmarkFormulaSniffer(b *testing.B) {
	zr, err := zip.OpenReader(bmo2024XLSX)
	if err != nil {
		b.Fatal(err)
	}
	defer zr.Close()
	var data []byte
	for _, zf := range zr.File {
		if zf.Name == "xl/worksheets/sheet2.xml" {
			rc, err := zf.Open()
			must(b, err)
			data, err = io.ReadAll(rc)
			must(b, err)
			rc.Close()
		}
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		s := &formulaSniffer{}
		for i := 0; i < len(data); i += 32 << 10 {
			s.Write(data[i:min(len(data), i+32<<10)])
		}
		if s.found {
			b.Fatal("a formula in the BMO sheet")
		}
	}
}
