package export

import (
	"archive/zip"
	"bytes"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestXLSXIsExcelizes: the streamed workbook holds, part for part, the
// bytes excelize writes when every row goes through its StreamWriter (the
// writer WriteXLSX used before it streamed): same sheets, styles, cells,
// filter range and metadata, for both dialects, hostile text, every type,
// a selection of columns and an empty table. Only the zip around the
// parts differs (compression level, data descriptors).
func TestXLSXIsExcelizes(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("é", 32760) + "😀😀😀😀" + "tail"
	rows := [][]any{
		{"plain", int64(1), 0.1, true, time.Date(2016, 2, 3, 0, 0, 0, 0, time.UTC), []string{"low_n", "synthetic"}, "adequate"},
		{" lead", int64(-42), 1.0 / 3, false, time.Date(2019, 7, 14, 18, 30, 0, 0, paris), []string{}, "none"},
		{"trail\n", int64(math.MaxInt64), 1e20, nil, time.Date(1900, 1, 15, 0, 0, 0, 0, time.UTC), nil, nil},
		{"\ttab", 0, 123456789012345678.0, true, time.Date(1899, 6, 1, 0, 0, 0, 0, time.UTC), []string{"=x"}, "unknown"},
		{"x\ry\x01z\x1f", int64(7), 1e-7, false, time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC), nil, nil},
		{`<a href="x">&'</a>`, int64(8), math.NaN(), nil, time.Date(1900, 3, 1, 12, 0, 0, 0, time.UTC), nil, nil},
		{"_x0041_ _x005F_x0041_ _x005f_xD800_ _xD800_ _x00zz_ _x005F_", int64(9), math.Inf(1), nil, nil, nil, nil},
		{"bad \xff utf8 \uFFFE \uFFFF end", int64(10), math.Inf(-1), nil, nil, nil, nil},
		{long, int64(11), math.MaxFloat64, nil, nil, nil, nil},
		{"=1+1", int64(12), -0.0, nil, nil, nil, nil},
		{"+33 1 23", int64(13), 2.5e-300, nil, nil, nil, nil},
		{"", nil, nil, nil, nil, nil, nil},
		{"emoji 😀 ok", int64(14), 99999.99999999999, nil, nil, nil, nil},
	}
	table := func(n int) Table {
		return Table{
			Name: "hostile",
			Columns: []Column{
				{Name: "text", Type: "string", Title: "Texte"},
				{Name: "count", Type: "integer", Title: "Nombre"},
				{Name: "value", Type: "number", Title: "Valeur"},
				{Name: "ok", Type: "boolean", Title: "Vrai"},
				{Name: "on", Type: "date", Title: "Date"},
				{Name: "flags", Type: "string", Title: "Signalements", LabelsFR: map[string]string{"low_n": "effectif faible"}},
				{Name: "class", Type: "string", Title: "Classe", LabelsFR: map[string]string{"none": "aucune", "adequate": "suffisante"}},
			},
			Each: func(yield func([]any) error) error {
				for _, r := range rows[:n] {
					if err := yield(r); err != nil {
						return err
					}
				}
				return nil
			},
		}
	}
	meta := Meta{Snapshot: "20260101T000000Z-abcdef", Date: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Synthetic: true, Notice: "synthetic =notice", URL: "https://example.test/x?a=1&b=2",
		Columns: table(0).Columns}
	meta.Dataset.Name = "hostile"
	for _, c := range []struct {
		name string
		t    Table
		d    Dialect
	}{
		{"rfc4180", table(len(rows)), RFC4180},
		{"fr", table(len(rows)), French},
		{"selected", table(len(rows)).Select([]string{"class", "text", "on"}), French},
		{"empty", table(0), RFC4180},
		{"one row", table(1), French},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got, want bytes.Buffer
			if err := WriteXLSX(&got, c.t, meta, c.d); err != nil {
				t.Fatal(err)
			}
			if err := writeXLSXWhole(&want, c.t, meta, c.d); err != nil {
				t.Fatal(err)
			}
			g, w := parts(t, got.Bytes()), parts(t, want.Bytes())
			if len(g) != len(w) {
				t.Errorf("%d parts, excelize writes %d", len(g), len(w))
			}
			for name, wb := range w {
				if gb, ok := g[name]; !ok {
					t.Errorf("no part %s", name)
				} else if !bytes.Equal(gb, wb) {
					i := 0
					for i < len(gb) && i < len(wb) && gb[i] == wb[i] {
						i++
					}
					t.Errorf("%s differs at byte %d:\n got %.200q\nwant %.200q", name, i, gb[max(0, i-60):], wb[max(0, i-60):])
				}
			}
			// And excelize reads it back.
			f, err := excelize.OpenReader(bytes.NewReader(got.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got, err := f.GetRows("hostile"); err != nil || len(got) != 1+countRows(c.t) {
				t.Errorf("excelize reads %d rows (%v), want %d", len(got), err, 1+countRows(c.t))
			}
		})
	}
}

func countRows(t Table) int {
	n := 0
	_ = t.Each(func([]any) error { n++; return nil })
	return n
}

// parts is every part of an XLSX package, decompressed, by name.
func parts(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, f := range zr.File {
		p, err := readPart(f)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		m[f.Name] = p
	}
	return m
}

// writeXLSXWhole is WriteXLSX as it was before it streamed: every row
// through excelize's StreamWriter, the package built in memory.
func writeXLSXWhole(w io.Writer, t Table, m Meta, d Dialect) error {
	f, _, err := workbook(t, m, d, func(sw *excelize.StreamWriter, st xlsxStyles) (int, error) {
		return eachCells(t, d, st, func(r int, cells []any) error {
			row := make([]any, len(cells))
			for i, v := range cells {
				row[i] = v
				if tm, ok := v.(time.Time); ok {
					row[i] = excelize.Cell{StyleID: st.date, Value: tm}
				}
			}
			ref, err := excelize.CoordinatesToCellName(1, r)
			if err != nil {
				return err
			}
			return sw.SetRow(ref, row)
		})
	})
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteTo(w)
	return err
}

// BenchmarkXLSX writes 100,000 rows of eight typed columns with the
// streamed writer and with excelize alone, reporting the time to the
// first byte and the rows per second.
//
//	go test -run '^$' -bench XLSX -benchtime 3x ./api/export/
func BenchmarkXLSX(b *testing.B) {
	const n = 100_000
	day := time.Date(2016, 2, 3, 0, 0, 0, 0, time.UTC)
	t := Table{
		Name: "bench",
		Columns: []Column{{Name: "id", Type: "string"}, {Name: "title", Type: "string"}, {Name: "commune", Type: "string"},
			{Name: "lat", Type: "number"}, {Name: "lon", Type: "number"}, {Name: "seats", Type: "integer"},
			{Name: "start", Type: "date"}, {Name: "gen", Type: "boolean"}},
		Each: func(yield func([]any) error) error {
			for i := range n {
				if err := yield([]any{"GEN-" + strings.Repeat("0", 3), "Développeur·se web et web mobile", "Saint-Étienne",
					45.43 + float64(i%1000)/1e4, 4.39, int64(i % 30), day.AddDate(0, 0, i%2000), i%2 == 0}); err != nil {
					return err
				}
			}
			return nil
		},
	}
	meta := Meta{Snapshot: "s", Date: day}
	meta.Dataset.Name = "bench"
	for _, w := range []struct {
		name  string
		write func(io.Writer, Table, Meta, Dialect) error
	}{{"stream", WriteXLSX}, {"excelize", writeXLSXWhole}} {
		b.Run(w.name, func(b *testing.B) {
			var first time.Duration
			var size int64
			for b.Loop() {
				fw := &firstWrite{start: time.Now()}
				if err := w.write(fw, t, meta, French); err != nil {
					b.Fatal(err)
				}
				first += fw.first
				size = fw.n
			}
			b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "ms-to-first-byte")
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(size), "bytes")
		})
	}
}

// firstWrite counts what is written and when the first byte came.
type firstWrite struct {
	start time.Time
	first time.Duration
	n     int64
}

func (w *firstWrite) Write(p []byte) (int, error) {
	if w.n == 0 && len(p) > 0 {
		w.first = time.Since(w.start)
	}
	w.n += int64(len(p))
	return len(p), nil
}
