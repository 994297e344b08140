package tabular

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"

	"github.com/gen-numerique/observatory/observatory"
)

func TestCSVHeaderVariants(t *testing.T) {
	type want struct {
		format    string
		headerRow int
		rows      []int
		values    []map[string]string
		unmapped  []string
	}
	cases := map[string]want{
		// Other order, other names, ',' separator, CRLF, quoted separators,
		// doubled quotes and a line break inside a quoted field.
		"variant-comma.csv": {
			format:    `CSV (UTF-8, "," separated)`,
			headerRow: 1,
			rows:      []int{2, 3, 5},
			values: []map[string]string{
				{"postcode": "69003", "city": "Lyon", "title": "Développeur web, option mobile", "structure": "Fabrique Numérique", "duration": "7,5"},
				{"postcode": "13001", "city": "Marseille", "title": "Codeur \"créatif\"\nsur deux lignes", "structure": "Association Éclair", "duration": "12"},
				{"postcode": "01000", "city": "Bourg-en-Bresse", "title": "Médiateur numérique", "duration": "3"},
			},
			unmapped: []string{"Remarque libre"},
		},
		// Title rows and a blank line above the header.
		"variant-title-rows.csv": {
			format:    `CSV (UTF-8, ";" separated)`,
			headerRow: 4,
			rows:      []int{5, 6},
			values: []map[string]string{
				{"id": "GEN-1", "title": "Médiateur numérique", "postcode": "01000", "city": "Bourg-en-Bresse"},
				{"id": "GEN-2", "title": "Développeur web", "postcode": "75011", "city": "Paris"},
			},
		},
		// Tab separated, upper-case names with underscores and no accents.
		"variant-tab.tsv": {
			format:    `CSV (UTF-8, tab separated)`,
			headerRow: 1,
			rows:      []int{2, 3},
			values: []map[string]string{
				{"title": "Technicien réseau", "postcode": "33000", "city": "Bordeaux", "duration": "1 234,5"},
				{"title": "Administrateur systèmes", "postcode": "31000", "city": "Toulouse", "duration": "6"},
			},
		},
	}
	for name, w := range cases {
		t.Run(name, func(t *testing.T) {
			tb := openFile(t, filepath.Join("testdata", name), catSchema, Limits{})
			if tb.Format() != w.format || tb.HeaderRow() != w.headerRow {
				t.Errorf("format %q header row %d, want %q %d", tb.Format(), tb.HeaderRow(), w.format, w.headerRow)
			}
			if strings.Join(tb.Unmapped(), "|") != strings.Join(w.unmapped, "|") {
				t.Errorf("unmapped = %q, want %q", tb.Unmapped(), w.unmapped)
			}
			res := readAll(t, tb)
			if len(res.recs) != len(w.rows) || len(res.rowErrs) != 0 {
				t.Fatalf("%d records, row errors %v", len(res.recs), res.rowErrs)
			}
			for i, r := range res.recs {
				if r.Row != w.rows[i] {
					t.Errorf("record %d on line %d, want %d", i, r.Row, w.rows[i])
				}
				for k, v := range w.values[i] {
					if r.Values[k] != v {
						t.Errorf("line %d: %s = %q, want %q", r.Row, k, r.Values[k], v)
					}
				}
				if _, ok := r.Values["lat"]; ok {
					t.Errorf("absent optional column present in Values")
				}
			}
		})
	}
}

func TestCSVFootnotes(t *testing.T) {
	tb := openFile(t, filepath.Join("testdata", "footnotes.csv"), catSchema, Limits{})
	res := readAll(t, tb)
	if len(res.recs) != 2 || res.recs[1].Values["title"] != "B" {
		t.Fatalf("records = %+v", res.recs)
	}
	sk := tb.Skipped()
	if len(sk) != 3 || tb.SkippedCount() != 3 {
		t.Fatalf("skipped = %+v", sk)
	}
	for i, w := range []struct {
		row  int
		text string
	}{{5, "* Données synthétiques."}, {6, "Source : GEN, traitement observatoire"}, {7, "les chiffres sont arrondis"}} {
		if sk[i].Row != w.row || sk[i].Text != w.text || sk[i].Reason != "footnote" || sk[i].File != "footnotes.csv" {
			t.Errorf("skipped[%d] = %+v, want line %d %q", i, sk[i], w.row, w.text)
		}
	}

	// A single-cell row that does not read like a note is data, and so is
	// a row with two cells, even starting with '*'.
	s := Schema{Columns: []Column{{Key: "a", Names: []string{"a"}, Required: true}, {Key: "b", Names: []string{"b"}}}}
	tb, err := openString(t, "n.csv", "a;b\nx;1\nseul\n*;2\n(1) note\nsuite de la note\ny;3\n", s, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	res = readAll(t, tb)
	var got []string
	for _, r := range res.recs {
		got = append(got, r.Values["a"])
	}
	if strings.Join(got, ",") != "x,seul,*,y" || tb.SkippedCount() != 2 {
		t.Errorf("records %q, skipped %+v", got, tb.Skipped())
	}
}

func TestCSVRepeatedHeader(t *testing.T) {
	tb, err := openString(t, "twice.csv", "Nom de la formation;Ville\nA;Paris\nnom de la formation ; VILLE\nB;Lyon\n", catSchema, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	res := readAll(t, tb)
	if len(res.recs) != 2 || res.recs[1].Values["title"] != "B" {
		t.Fatalf("records = %+v", res.recs)
	}
	if sk := tb.Skipped(); len(sk) != 1 || sk[0].Row != 3 || sk[0].Reason != "repeated header" {
		t.Errorf("skipped = %+v", sk)
	}
}

func TestCSVStrayQuotes(t *testing.T) {
	s := catSchema
	tb := openFile(t, filepath.Join("testdata", "stray-quotes.csv"), s, Limits{})
	res := readAll(t, tb)
	want := []string{`Ecran 15" et plus`, `Codeur junior" web"`, `abcdef`, `last`}
	if len(res.recs) != len(want) {
		t.Fatalf("records = %+v", res.recs)
	}
	for i, w := range want {
		if res.recs[i].Values["title"] != w {
			t.Errorf("line %d: title %q, want %q", res.recs[i].Row, res.recs[i].Values["title"], w)
		}
	}
	if res.recs[2].Values["structure"] != "S3" || res.recs[2].Values["city"] != "Nice" {
		t.Errorf("after a stray quote: %v", res.recs[2].Values)
	}
	// The unterminated quote is one RowError on its line, read with the
	// quote as a plain character; the line after it is read normally.
	if len(res.rowErrs) != 1 || res.rowErrs[0].Row != 5 || res.rowErrs[0].Column != "Nom de la formation" ||
		!strings.Contains(res.rowErrs[0].Reason, "unterminated quote on line 5") {
		t.Fatalf("row errors = %v", res.rowErrs)
	}
	if v := res.errRecs[0].Values; v["title"] != "" || v["structure"] != "S4" || v["city"] != "Brest" {
		t.Errorf("record with the error = %v", v)
	}
	if res.recs[3].Row != 6 {
		t.Errorf("last record on line %d", res.recs[3].Row)
	}
}

func TestCSVCellLimitThenContinue(t *testing.T) {
	s := Schema{Columns: []Column{{Key: "a", Names: []string{"a"}, Required: true}, {Key: "b", Names: []string{"b"}}}}
	big := strings.Repeat("é", 100)
	content := "a,b\r\nok1,1\r\n\"" + big + "\",2\r\nok2," + big + big + "\r\nok3,3\r\n"
	tb, err := openString(t, "c.csv", content, s, Limits{MaxCellBytes: 150})
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	var errs []*RowError
	for {
		rec, err := tb.Next()
		if err == io.EOF {
			break
		}
		var re *RowError
		if errors.As(err, &re) {
			errs = append(errs, re)
		} else if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, rec.Values["a"]+"/"+rec.Values["b"])
	}
	if strings.Join(rows, " ") != "ok1/1 /2 ok2/ ok3/3" {
		t.Errorf("rows = %q", rows)
	}
	if len(errs) != 2 || errs[0].Row != 3 || errs[0].Column != "a" || errs[1].Row != 4 || errs[1].Column != "b" {
		t.Errorf("row errors = %v", errs)
	}
	if errs[0].Sheet != "" || !strings.Contains(errs[0].Error(), "c.csv: line 3: column \"a\": cell is larger than the 150-byte limit") {
		t.Errorf("message = %q", errs[0].Error())
	}
}

// TestCSVHugeCellMemory reads the 10 MB cell: the cell is dropped on the
// way, so allocations stay far below its size.
func TestCSVHugeCellMemory(t *testing.T) {
	p := filepath.Join(hostileDir(t), "huge-cell.csv")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tb := openFile(t, p, catSchema, Limits{})
	res := readAll(t, tb)
	runtime.ReadMemStats(&after)
	if len(res.rowErrs) != 1 {
		t.Fatalf("row errors = %v", res.rowErrs)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("reading a 10 MB cell allocated %d bytes", alloc)
	}
}

func TestCSVEncodings(t *testing.T) {
	s := Schema{Columns: []Column{{Key: "title", Names: []string{"Intitulé"}, Required: true}, {Key: "n", Names: []string{"Nombre"}}}}
	text := "Intitulé;Nombre\r\nDéveloppeur;1 234,5\r\nŒuvre\u202fnumérique;12\r\n"
	utf16le := func(bom bool) string {
		var b bytes.Buffer
		if bom {
			b.WriteString("\xff\xfe")
		}
		for _, u := range utf16.Encode([]rune(text)) {
			b.WriteByte(byte(u))
			b.WriteByte(byte(u >> 8))
		}
		return b.String()
	}
	cp1252 := strings.NewReplacer("é", "\xe9", "Œ", "\x8c", "\u202f", " ").Replace(text)
	cases := []struct {
		name, content, format string
	}{
		{"utf8.csv", text, `CSV (UTF-8, ";" separated)`},
		{"bom.csv", "\ufeff" + text, `CSV (UTF-8 with BOM, ";" separated)`},
		{"utf16.txt", utf16le(true), `CSV (UTF-16, ";" separated)`},
		{"cp1252.csv", cp1252, `CSV (Windows-1252, ";" separated)`},
	}
	for _, c := range cases {
		tb, err := openString(t, c.name, c.content, s, Limits{})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		res := readAll(t, tb)
		if tb.Format() != c.format || len(res.recs) != 2 || res.recs[0].Values["title"] != "Développeur" ||
			!strings.HasPrefix(res.recs[1].Values["title"], "Œuvre") || res.recs[0].Values["n"] != "1 234,5" {
			t.Errorf("%s: format %q records %+v", c.name, tb.Format(), res.recs)
		}
	}
	// UTF-16 without BOM has NUL bytes: refused as binary.
	_, err := openString(t, "nobom.txt", utf16le(false), s, Limits{})
	wantErr(t, err, observatory.EINVALID, "not a text file")
	// Mostly UTF-8 with a stray Windows-1252 byte far from the start (two
	// exports pasted together): each stray byte is read as Windows-1252 and
	// the rest stays UTF-8.
	long := "Intitulé\nDéveloppeur réseau\n" + strings.Repeat("abc\n", 40000) + "caf\xe9 \x80\n"
	for name, content := range map[string]string{"late.csv": long, "bom.csv": "\ufeff" + long} {
		tb, err := openString(t, name, content, s, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		res := readAll(t, tb)
		if got := res.recs[len(res.recs)-1].Values["title"]; got != "café €" || !strings.Contains(tb.Format(), "with some Windows-1252 bytes") {
			t.Errorf("%s: last = %q format %q", name, got, tb.Format())
		}
	}
	// Pure Windows-1252 with many accents.
	tb, err := openString(t, "w.csv", "Intitul\xe9\n\xc9t\xe9 \x96 \xe9t\xe9\n", s, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if res := readAll(t, tb); res.recs[0].Values["title"] != "Été – été" || tb.Format() != `CSV (Windows-1252, "," separated)` {
		t.Errorf("cp1252: %q %q", res.recs[0].Values["title"], tb.Format())
	}
}

func TestCSVLineEndings(t *testing.T) {
	s := Schema{Columns: []Column{{Key: "a", Names: []string{"a"}, Required: true}, {Key: "b", Names: []string{"b"}}}}
	for name, content := range map[string]string{
		"lf":      "a,b\n1,x\n\n2,\"y\nz\"\n3,w",
		"crlf":    "a,b\r\n1,x\r\n\r\n2,\"y\r\nz\"\r\n3,w\r\n",
		"cr":      "a,b\r1,x\r\r2,\"y\rz\"\r3,w\r",
		"mixed":   "a,b\r\n1,x\n\r\n2,\"y\nz\"\r3,w\n",
		"trailsp": "a , b \n 1 ,x\n\n2,\"y\nz\"\n3,w\n\n\n",
	} {
		tb, err := openString(t, name, content, s, Limits{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		res := readAll(t, tb)
		var got []string
		for _, r := range res.recs {
			got = append(got, r.Values["a"]+"="+r.Values["b"]+"@"+string(rune('0'+r.Row)))
		}
		if strings.Join(got, " ") != "1=x@2 2=y\nz@4 3=w@6" {
			t.Errorf("%s: %q", name, got)
		}
	}
}

func TestSniffSeparators(t *testing.T) {
	for in, want := range map[string]string{
		"a;b;c\n1;2,5;3\n":                ";,\t",
		"a,b,c\n1,2,3\n":                  ",;\t",
		"a\tb\n1\t2\n":                    "\t,;",
		"\"a;b\",c\n\"1;2\",3\n":          ",;\t",
		"single\ncolumn\n":                ",;\t",
		"titre, avec virgule\na;b\n1;2\n": ";,\t",
	} {
		if got := string(sniffSeparators([]byte(in))); got != want {
			t.Errorf("sniff(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzOpenCSV feeds arbitrary bytes to OpenReader and reads every record:
// it must never panic, and what it returns must be consistent (see
// drainFuzzTable).
func FuzzOpenCSV(f *testing.F) {
	for _, p := range []string{"footnotes.csv", "stray-quotes.csv", "variant-comma.csv", "variant-tab.tsv", "variant-title-rows.csv"} {
		if b, err := os.ReadFile(filepath.Join("testdata", p)); err == nil {
			f.Add(b)
		}
	}
	if entries, err := os.ReadDir(filepath.Join("..", "testdata", "bad")); err == nil {
		for _, e := range entries {
			if info, err := e.Info(); err == nil && info.Size() < 8<<10 {
				if b, err := os.ReadFile(filepath.Join("..", "testdata", "bad", e.Name())); err == nil {
					f.Add(b)
				}
			}
		}
	}
	// The first lines of the Mac Roman Parcoursup file, and the same words
	// in the other single-byte encodings.
	if b, err := os.ReadFile(filepath.Join("testdata", "parcoursup-apprentissage-extrait.csv")); err == nil {
		f.Add(b[:min(len(b), 2<<10)])
	}
	text := "Intitulé;Commune\nCœur de métier : 1 500 €;Saint-Étienne\nPâtisserie;Île-de-France\n"
	for _, cm := range []*charmap.Charmap{charmap.Windows1252, charmap.ISO8859_15, charmap.Macintosh} {
		if b, err := cm.NewEncoder().String(text); err == nil {
			f.Add([]byte(b))
		}
	}
	f.Add([]byte("Nom de la formation;Ville\n\"a\"\"b\";c\r\n\"open"))
	f.Add([]byte("Nom de la formation;Ville\n\"open;x\n2;y\n\"q\";z\n"))
	f.Add([]byte("Nom de la formation;Ville\n\"multi\nline\";\"bad\nnext;\"three\r\nfour\"\n"))
	f.Add([]byte("\ufeffNom de la formation\tCP\n\x00"))
	f.Add([]byte("\xff\xfeN\x00o\x00m\x00"))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		drainFuzzTable(t, data, "fuzz.csv")
	})
}

// BenchmarkOpenCatalogueCSV reads the synthetic catalogue CSV (539 rows).
func BenchmarkOpenCatalogueCSV(b *testing.B) {
	p := syntheticCSV
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		tb, err := Open(context.Background(), p, "gen.csv", fullSchema(), Limits{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := tb.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rows++
		}
		tb.Close()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
