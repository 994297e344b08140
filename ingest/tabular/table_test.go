package tabular

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/observatory"
)

// catSchema is a catalogue-like schema, as the catalogue ingest declares it.
var catSchema = Schema{Name: "catalogue", Columns: []Column{
	{Key: "id", Names: []string{"Identifiant", "ID"}},
	{Key: "title", Names: []string{"Nom de la formation", "Intitulé de la formation", "Intitulé", "Formation"}, Required: true},
	{Key: "structure", Names: []string{"Structure porteuse", "Structure", "Organisme"}},
	{Key: "postcode", Names: []string{"Code postal", "CP"}},
	{Key: "city", Names: []string{"Commune", "Ville"}},
	{Key: "lat", Names: []string{"Latitude"}},
	{Key: "lon", Names: []string{"Longitude"}},
	{Key: "duration", Names: []string{"Durée (mois)", "Durée"}},
	{Key: "labelled", Names: []string{"Date de labellisation"}},
}}

// bmoSchema is a BMO-like schema: the bassin columns carry the year.
var bmoSchema = Schema{Name: "bmo", Columns: []Column{
	{Key: "year", Names: []string{"annee", "année"}, Required: true},
	{Key: "fap", Names: []string{"Code métier BMO", "code_metier_bmo"}, Required: true},
	{Key: "bassin", Patterns: []*regexp.Regexp{regexp.MustCompile(`^be\d{2}$`)}, Required: true},
	{Key: "bassin_name", Patterns: []*regexp.Regexp{regexp.MustCompile(`^nombe\d{2}$`)}},
	{Key: "dept", Names: []string{"Dept"}},
	{Key: "met", Names: []string{"met"}, Required: true},
	{Key: "xmet", Names: []string{"xmet"}},
	{Key: "smet", Names: []string{"smet"}},
}}

// fullSchema maps every column of the synthetic catalogue, keyed by its
// normalised name.
func fullSchema() Schema {
	names := []string{"Identifiant", "Nom de la formation", "Structure porteuse", "Code postal", "Commune",
		"Code commune INSEE", "Département", "Région", "Latitude", "Longitude", "Codes ROME", "Famille de métiers",
		"Durée (mois)", "Date de labellisation", "Vague", "Fin de labellisation", "Places par session",
		"Sessions réalisées", "Apprenants formés", "dont femmes", "dont peu ou pas qualifiés", "dont résidents QPV"}
	s := Schema{Name: "full"}
	for _, n := range names {
		s.Columns = append(s.Columns, Column{Key: Normalize(n), Names: []string{n}, Required: true})
	}
	return s
}

// result is everything a Table yields.
type result struct {
	recs    []Record
	rowErrs []*RowError
	errRecs []Record // the records that came with a RowError
}

func readAll(t testing.TB, tb Table) result {
	t.Helper()
	var res result
	for i := 0; ; i++ {
		if i > 10_000_000 {
			t.Fatal("Next never returns io.EOF")
		}
		rec, err := tb.Next()
		if err == io.EOF {
			// io.EOF is sticky.
			if _, err := tb.Next(); err != io.EOF {
				t.Fatalf("Next after EOF: %v", err)
			}
			return res
		}
		var re *RowError
		if errors.As(err, &re) {
			res.rowErrs = append(res.rowErrs, re)
			res.errRecs = append(res.errRecs, rec)
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		res.recs = append(res.recs, rec)
	}
}

func openFile(t testing.TB, path string, s Schema, lim Limits) Table {
	t.Helper()
	tb, err := Open(context.Background(), path, filepath.Base(path), s, lim)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { tb.Close() })
	return tb
}

func openString(t testing.TB, name, content string, s Schema, lim Limits) (Table, error) {
	t.Helper()
	tb, err := OpenReader(context.Background(), strings.NewReader(content), int64(len(content)), name, s, lim)
	if err == nil {
		t.Cleanup(func() { tb.Close() })
	}
	return tb, err
}

func wantErr(t testing.TB, err error, code string, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want a %s error containing %q, got nil", code, parts)
	}
	if got := observatory.ErrorCode(err); got != code {
		t.Fatalf("error code = %s, want %s (%v)", got, code, err)
	}
	msg := observatory.ErrorMessage(err)
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("error %q does not contain %q", msg, p)
		}
	}
}

func findRecord(t testing.TB, recs []Record, key, value string) Record {
	t.Helper()
	for _, r := range recs {
		if r.Values[key] == value {
			return r
		}
	}
	t.Fatalf("no record with %s=%q", key, value)
	return Record{}
}

func TestSyntheticCSVAndXLSXAgree(t *testing.T) {
	csvPath := syntheticCSV
	xlsxPath := syntheticXLSX

	c := openFile(t, csvPath, fullSchema(), Limits{})
	x := openFile(t, xlsxPath, fullSchema(), Limits{})
	if c.HeaderRow() != 1 || c.Sheet() != "" {
		t.Errorf("CSV header row %d sheet %q, want 1 and \"\"", c.HeaderRow(), c.Sheet())
	}
	if x.HeaderRow() != 4 || x.Sheet() != "Formations" {
		t.Errorf("XLSX header row %d sheet %q, want 4 and Formations", x.HeaderRow(), x.Sheet())
	}
	if got := c.Format(); got != `CSV (UTF-8 with BOM, ";" separated)` {
		t.Errorf("CSV format = %q", got)
	}
	if len(c.Unmapped()) != 0 || len(x.Unmapped()) != 0 {
		t.Errorf("unmapped: %q / %q", c.Unmapped(), x.Unmapped())
	}
	cr, xr := readAll(t, c), readAll(t, x)
	if len(cr.recs) != 539 || len(xr.recs) != 539 {
		t.Fatalf("records: CSV %d, XLSX %d, want 539 each", len(cr.recs), len(xr.recs))
	}
	if len(cr.rowErrs)+len(xr.rowErrs) != 0 {
		t.Fatalf("row errors: %v %v", cr.rowErrs, xr.rowErrs)
	}
	// Same values, row for row; CSV line n is XLSX row n+3.
	for i := range cr.recs {
		a, b := cr.recs[i], xr.recs[i]
		if a.Row != i+2 || b.Row != i+5 {
			t.Fatalf("record %d: CSV line %d, XLSX row %d", i, a.Row, b.Row)
		}
		for k, v := range a.Values {
			if b.Values[k] != v {
				t.Errorf("line %d / row %d: %s = %q (CSV) vs %q (XLSX)", a.Row, b.Row, k, v, b.Values[k])
			}
		}
	}
	g := findRecord(t, cr.recs, "identifiant", "GEN-0001")
	want := map[string]string{
		"identifiant":           "GEN-0001",
		"nom de la formation":   "Codeur·se créatif·ve",
		"structure porteuse":    "Fabrique numérique de Le Bouscat (synthétique n°17)",
		"code postal":           "33110",
		"commune":               "Le Bouscat",
		"code commune insee":    "33069",
		"region":                "Nouvelle-Aquitaine",
		"latitude":              "44.87253",
		"longitude":             "-0.59889",
		"codes rome":            "M1805",
		"duree mois":            "8",
		"date de labellisation": "2016-02-03",
		"dont residents qpv":    "11",
	}
	for _, r := range []Record{g, findRecord(t, xr.recs, "identifiant", "GEN-0001")} {
		for k, v := range want {
			if r.Values[k] != v {
				t.Errorf("%s row %d: %s = %q, want %q", r.File, r.Row, k, r.Values[k], v)
			}
		}
		if r.Cols["duree mois"] != "Durée (mois)" {
			t.Errorf("Cols[duree mois] = %q", r.Cols["duree mois"])
		}
	}
	if g.Row != 2 {
		t.Errorf("GEN-0001 on CSV line %d, want 2", g.Row)
	}
	if r := findRecord(t, xr.recs, "identifiant", "GEN-0001"); r.Row != 5 || r.Sheet != "Formations" {
		t.Errorf("GEN-0001 on XLSX %q row %d, want Formations row 5", r.Sheet, r.Row)
	}
	// The deliberate defects come through verbatim, for the catalogue ingest
	// to judge.
	var text, noTitle int
	for _, r := range cr.recs {
		if _, _, err := ParseNumber(r.Values["duree mois"]); err != nil {
			text++
		}
		if r.Values["nom de la formation"] == "" {
			noTitle++
		}
	}
	if text != 2 || noTitle != 2 {
		t.Errorf("duration as text %d, missing titles %d; want 2 and 2", text, noTitle)
	}
}

func TestSyntheticOpenReaderMatchesOpen(t *testing.T) {
	for _, p := range []string{syntheticCSV, syntheticXLSX} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		tb, err := OpenReader(context.Background(), bytes.NewReader(b), int64(len(b)), "upload", catSchema, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		got := readAll(t, tb)
		tb.Close()
		want := readAll(t, openFile(t, p, catSchema, Limits{}))
		if len(got.recs) != len(want.recs) || len(got.recs) != 539 {
			t.Fatalf("%s: OpenReader %d records, Open %d", p, len(got.recs), len(want.recs))
		}
		if got.recs[538].Values["title"] != want.recs[538].Values["title"] || got.recs[0].File != "upload" {
			t.Errorf("%s: OpenReader and Open disagree", p)
		}
	}
}

// TestBadFiles runs every hostile file: each must give its expected clean
// outcome, never a panic. A new file without an expectation fails the test.
func TestBadFiles(t *testing.T) {
	dir := hostileDir(t)
	citySchema := Schema{Name: "city", Columns: []Column{
		{Key: "city", Names: []string{"Ville"}, Required: true},
		{Key: "name", Names: []string{"Nom"}},
	}}
	type check func(t *testing.T, tb Table, err error)
	fails := func(code string, parts ...string) check {
		return func(t *testing.T, tb Table, err error) { wantErr(t, err, code, parts...) }
	}
	cases := map[string]struct {
		s     Schema
		check check
	}{
		"bad-codes.csv": {catSchema, func(t *testing.T, tb Table, err error) {
			if err != nil {
				t.Fatal(err)
			}
			res := readAll(t, tb)
			if len(res.recs) != 3 || len(res.rowErrs) != 0 {
				t.Fatalf("%d records, %d row errors", len(res.recs), len(res.rowErrs))
			}
			// Codes are not this layer's business: they come through as written.
			r := res.recs[1]
			if r.Values["postcode"] != "2C000" || r.Values["city"] != "Corse?" || r.Row != 3 {
				t.Errorf("record = %+v", r)
			}
			if res.recs[2].Values["postcode"] != "" {
				t.Errorf("empty postcode = %q", res.recs[2].Values["postcode"])
			}
		}},
		"binary.csv":           {catSchema, fails(observatory.EINVALID, "binary.csv: not a text file")},
		"catalogue-cp1252.csv": {catSchema, checkCP1252},
		"catalogue-injection.csv": {catSchema, func(t *testing.T, tb Table, err error) {
			if err != nil {
				t.Fatal(err)
			}
			res := readAll(t, tb)
			if len(res.recs) != 2 {
				t.Fatalf("%d records", len(res.recs))
			}
			want := [][2]string{
				{`=HYPERLINK("http://example.invalid","clic")`, `+cmd|' /C calc'!A0`},
				{`Robert'); DROP TABLE formations;--`, `@SUM(1+1)`},
			}
			for i, w := range want {
				if res.recs[i].Values["title"] != w[0] || res.recs[i].Values["structure"] != w[1] {
					t.Errorf("record %d = %q / %q, want %q / %q", i, res.recs[i].Values["title"], res.recs[i].Values["structure"], w[0], w[1])
				}
			}
			if res.recs[1].Values["postcode"] != "2A004" {
				t.Errorf("postcode = %q", res.recs[1].Values["postcode"])
			}
		}},
		"duplicate-headers.csv": {citySchema, fails(observatory.EINVALID,
			`duplicate-headers.csv: line 1: column 1 "Ville" and column 2 "Ville" both match "city"`)},
		"empty.csv": {catSchema, fails(observatory.EINVALID, "empty.csv: empty file")},
		"header-only.csv": {catSchema, func(t *testing.T, tb Table, err error) {
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tb.Next(); err != io.EOF {
				t.Fatalf("Next = %v, want io.EOF", err)
			}
			if len(tb.Columns()) != 4 || tb.HeaderRow() != 1 {
				t.Errorf("columns %v header row %d", tb.Columns(), tb.HeaderRow())
			}
		}},
		"huge-cell.csv": {catSchema, func(t *testing.T, tb Table, err error) {
			if err != nil {
				t.Fatal(err)
			}
			res := readAll(t, tb)
			if len(res.recs) != 0 || len(res.rowErrs) != 1 {
				t.Fatalf("%d records, %d row errors", len(res.recs), len(res.rowErrs))
			}
			re := res.rowErrs[0]
			if re.Row != 2 || re.Column != "Nom de la formation" || !strings.Contains(re.Reason, "32768-byte limit") {
				t.Errorf("row error = %+v", re)
			}
			if r := res.errRecs[0]; r.Values["structure"] != "S" || r.Values["title"] != "" {
				t.Errorf("record with the error = %v", r.Values)
			}
			if got := re.Error(); got != `huge-cell.csv: line 2: column "Nom de la formation": cell is larger than the 32768-byte limit` {
				t.Errorf("Error() = %q", got)
			}
		}},
		"not-a-zip.xlsx": {catSchema, fails(observatory.EINVALID, "not-a-zip.xlsx: not a readable XLSX file")},
		"truncated.xlsx": {catSchema, fails(observatory.EINVALID, "truncated.xlsx: not a readable XLSX file")},
		"zip-bomb.xlsx":  {catSchema, fails(observatory.ETOOLARGE, "zip-bomb.xlsx", "zip bomb", "2.0 GiB")},
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, name := range names {
		c, ok := cases[name]
		if !ok {
			t.Errorf("%s: no expected outcome; add one", name)
			continue
		}
		path := filepath.Join(dir, name)
		t.Run(name, func(t *testing.T) {
			tb, err := Open(context.Background(), path, name, c.s, Limits{})
			if tb != nil {
				defer tb.Close()
			}
			c.check(t, tb, err)
		})
		t.Run(name+"/reader", func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			tb, err := OpenReader(context.Background(), bytes.NewReader(b), int64(len(b)), name, c.s, Limits{})
			if tb != nil {
				defer tb.Close()
			}
			c.check(t, tb, err)
		})
	}
}

func checkCP1252(t *testing.T, tb Table, err error) {
	if err != nil {
		t.Fatal(err)
	}
	if got := tb.Format(); got != `CSV (Windows-1252, ";" separated)` {
		t.Errorf("format = %q", got)
	}
	if tb.Columns()["duration"] != "Durée (mois)" {
		t.Errorf("columns = %v", tb.Columns())
	}
	res := readAll(t, tb)
	if len(res.recs) != 2 {
		t.Fatalf("%d records", len(res.recs))
	}
	r := res.recs[0]
	if r.Values["title"] != "Développeur web" || r.Values["structure"] != "Fabrique Numérique" {
		t.Errorf("record = %v", r.Values)
	}
	if v, ok, err := ParseNumber(r.Values["duration"]); err != nil || !ok || v != 7.5 {
		t.Errorf("duration %q = %v %v %v, want 7.5", r.Values["duration"], v, ok, err)
	}
	if res.recs[1].Values["structure"] != "Association Éclair" || res.recs[1].Values["title"] != "Codeur créatif" {
		t.Errorf("record 2 = %v", res.recs[1].Values)
	}
}

// TestDuplicateHeadersRagged reads the duplicate-headers file with a schema
// that leaves the duplicated column unmapped: short rows are padded, extra
// cells kept in Extra.
func TestDuplicateHeadersRagged(t *testing.T) {
	s := Schema{Columns: []Column{{Key: "name", Names: []string{"Nom"}, Required: true}}}
	tb := openFile(t, "../testdata/bad/duplicate-headers.csv", s, Limits{})
	if got := tb.Unmapped(); len(got) != 2 || got[0] != "Ville" || got[1] != "Ville" {
		t.Errorf("unmapped = %q", got)
	}
	res := readAll(t, tb)
	if len(res.recs) != 3 || len(res.rowErrs) != 0 {
		t.Fatalf("%d records, %d row errors", len(res.recs), len(res.rowErrs))
	}
	if r := res.recs[0]; r.Values["name"] != "A" || r.Extra != nil {
		t.Errorf("line 2 = %+v", r)
	}
	if r := res.recs[1]; r.Row != 3 || r.Values["name"] != "" {
		t.Errorf("short line 3 = %+v", r)
	}
	r := res.recs[2]
	want := []ExtraCell{{"column 4", "D"}, {"column 5", "E"}}
	if r.Row != 4 || r.Values["name"] != "C" || len(r.Extra) != 2 || r.Extra[0] != want[0] || r.Extra[1] != want[1] {
		t.Errorf("long line 4 = %+v", r)
	}
}

func TestMissingRequired(t *testing.T) {
	s := Schema{Columns: []Column{
		{Key: "title", Names: []string{"Nom de la formation", "Intitulé"}, Required: true},
		{Key: "postcode", Names: []string{"Code postal"}, Required: true},
		{Key: "city", Names: []string{"Ville"}},
	}}
	_, err := openString(t, "gen.csv", "Titre;Code postal;Ville\nx;75011;Paris\n", s, Limits{})
	wantErr(t, err, observatory.EINVALID,
		`gen.csv: no header row with the required columns in the first 30 lines; best candidate is line 1 (2 of 3 columns recognised); missing "title" (Nom de la formation, Intitulé)`)
	if e := (*observatory.Error)(nil); errors.As(err, &e) && e.Param != "title" {
		t.Errorf("Param = %q", e.Param)
	}

	_, err = openString(t, "gen.csv", "a;b\n1;2\n", s, Limits{})
	wantErr(t, err, observatory.EINVALID, "no row matches any expected column", `"postcode" (Code postal)`)

	// Duplicates in a header that also misses a column are reported together.
	_, err = openString(t, "d.csv", "Ville,Ville\n1,2\n", s, Limits{})
	wantErr(t, err, observatory.EINVALID, `missing "title"`, `also, column 1 "Ville" and column 2 "Ville" both match "city"`)

	// No required column and nothing recognised.
	opt := Schema{Columns: []Column{{Key: "x", Names: []string{"X"}}}}
	_, err = openString(t, "n.csv", "a,b\n1,2\n", opt, Limits{})
	wantErr(t, err, observatory.EINVALID, "n.csv: no header row in the first 30 lines")
}

func TestSchemaErrors(t *testing.T) {
	for _, s := range []Schema{
		{},
		{Columns: []Column{{Names: []string{"a"}}}},
		{Columns: []Column{{Key: "a"}}},
		{Columns: []Column{{Key: "a", Names: []string{"a"}}, {Key: "a", Names: []string{"b"}}}},
	} {
		if _, err := openString(t, "x.csv", "a\n1\n", s, Limits{}); err == nil || observatory.ErrorCode(err) != observatory.EINTERNAL {
			t.Errorf("schema %+v: err = %v, want a programming error", s, err)
		}
	}
}

func TestLimits(t *testing.T) {
	s := Schema{Columns: []Column{{Key: "a", Names: []string{"a"}, Required: true}}}
	_, err := openString(t, "big.csv", "a\n"+strings.Repeat("x\n", 100), s, Limits{MaxFileBytes: 50})
	wantErr(t, err, observatory.ETOOLARGE, "big.csv: file is 202 bytes, over the 50 bytes limit")

	tb, err := openString(t, "rows.csv", "a\n1\n2\n3\n4\n", s, Limits{MaxRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := tb.Next(); err != nil {
			t.Fatal(err)
		}
	}
	_, err = tb.Next()
	wantErr(t, err, observatory.ETOOLARGE, "rows.csv: more than 2 rows")
	if _, err2 := tb.Next(); err2 != err {
		t.Errorf("fatal error not sticky: %v", err2)
	}

	// The header must be within HeaderScanRows.
	_, err = openString(t, "deep.csv", strings.Repeat("note\n", 5)+"a\n1\n", s, Limits{HeaderScanRows: 3})
	wantErr(t, err, observatory.EINVALID, "first 3 lines")
	tb, err = openString(t, "deep.csv", strings.Repeat("note\n", 5)+"a\n1\n", s, Limits{HeaderScanRows: 6})
	if err != nil || tb.HeaderRow() != 6 {
		t.Fatalf("header row: %v", err)
	}
}

func TestContextCancel(t *testing.T) {
	s := Schema{Columns: []Column{{Key: "a", Names: []string{"a"}, Required: true}}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	content := "a\n" + strings.Repeat("1\n", 5000)
	tb, err := OpenReader(ctx, strings.NewReader(content), int64(len(content)), "c.csv", s, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	for i := 0; i < 10; i++ {
		if _, err := tb.Next(); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	for i := 0; ; i++ {
		_, err := tb.Next()
		if errors.Is(err, context.Canceled) {
			if i > 256 {
				t.Errorf("cancellation seen after %d rows", i)
			}
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
	}
	if _, err := OpenReader(ctx, strings.NewReader(content), int64(len(content)), "c.csv", s, Limits{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Open with a cancelled context: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	_, err := Open(context.Background(), filepath.Join(t.TempDir(), "nope.csv"), "nope.csv", catSchema, Limits{})
	wantErr(t, err, observatory.ENOTFOUND, "nope.csv: file not found")
	_, err = Open(context.Background(), t.TempDir(), "dir", catSchema, Limits{})
	wantErr(t, err, observatory.EINVALID, "is a directory")
	_, err = openString(t, "old.xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"+strings.Repeat("\x00", 600), catSchema, Limits{})
	wantErr(t, err, observatory.EINVALID, "old.xls", "legacy Excel 97-2003")
	_, err = openString(t, "page.xls", "<!DOCTYPE html>\n<html><table><tr><td>Nom de la formation</td></tr></table></html>", catSchema, Limits{})
	wantErr(t, err, observatory.EINVALID, "page.xls: an HTML or XML document")
	_, err = openString(t, "blank.csv", "\ufeff\r\n  \r\n;;\r\n", catSchema, Limits{})
	wantErr(t, err, observatory.EINVALID, "blank.csv: empty file")
}

func TestCloseIdempotent(t *testing.T) {
	tb, err := openString(t, "a.csv", "Nom de la formation\nx\n", catSchema, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tb.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.Next(); err == nil || err == io.EOF {
		t.Errorf("Next after Close = %v", err)
	}
}
