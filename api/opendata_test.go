package api_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/xuri/excelize/v2"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/ingest"
)

// fetch GETs path with headers given as name, value pairs and returns the
// response with its body read.
func (e *env) fetch(t testing.TB, path string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	// Go's transport would ask for gzip and decode it silently; tests say
	// what they accept.
	if req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

func (e *env) total(t testing.TB, query string) int {
	t.Helper()
	var l list
	if res := e.get(t, "/api/v1/formations?limit=1&"+query, &l); res.StatusCode != 200 {
		t.Fatalf("%s: %d", query, res.StatusCode)
	}
	return l.Total
}

func (e *env) snapshotDate(t testing.TB) string {
	var s struct {
		Items []struct {
			ID      string `json:"id"`
			Created string `json:"created"`
		} `json:"items"`
	}
	e.get(t, "/api/v1/snapshots", &s)
	for _, it := range s.Items {
		if it.ID == e.hub.Current() {
			return it.Created[:10]
		}
	}
	t.Fatal("current snapshot not listed")
	return ""
}

func readCSV(t testing.TB, body []byte, comma rune) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(body))
	r.Comma = comma
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func col(t testing.TB, head []string, name string) int {
	for i, h := range head {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %s in %v", name, head)
	return -1
}

// TestFormationFormats downloads the formations of a région in every
// format and checks each against the JSON total.
func TestFormationFormats(t *testing.T) {
	e := newEnv(t)
	const filter = "region=84"
	total := e.total(t, filter)
	if total < 10 {
		t.Fatalf("only %d formations in 84", total)
	}
	date := e.snapshotDate(t)

	t.Run("csv", func(t *testing.T) {
		res, body := e.fetch(t, "/api/v1/formations.csv?"+filter)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("%d %s: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="formations-region-84-`+date+`.csv"` {
			t.Errorf("Content-Disposition %q", cd)
		}
		if res.Header.Get("X-Observatory-Synthetic") != "true" || res.Header.Get("X-Total-Count") != strconv.Itoa(total) {
			t.Errorf("headers %v", res.Header)
		}
		if bytes.HasPrefix(body, []byte("\uFEFF")) || !bytes.Contains(body, []byte("\r\n")) {
			t.Error("RFC 4180 CSV has CRLF line ends and no BOM")
		}
		recs := readCSV(t, body, ',')
		if len(recs)-1 != total {
			t.Fatalf("%d rows, JSON total %d", len(recs)-1, total)
		}
		lat := col(t, recs[0], "lat")
		if !regexp.MustCompile(`^4\d\.\d+$`).MatchString(recs[1][lat]) {
			t.Errorf("lat %q", recs[1][lat])
		}
		if reg := recs[1][col(t, recs[0], "region")]; reg != "84" {
			t.Errorf("region %q", reg)
		}
	})

	t.Run("csv-fr", func(t *testing.T) {
		res, body := e.fetch(t, "/api/v1/formations.csv?dialect=fr&"+filter)
		if res.StatusCode != 200 {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
		b, ok := bytes.CutPrefix(body, []byte("\uFEFF"))
		if !ok {
			t.Fatal("no BOM")
		}
		recs := readCSV(t, b, ';')
		if len(recs)-1 != total || len(recs[0]) < 20 {
			t.Fatalf("%d rows of %d columns, JSON total %d", len(recs)-1, len(recs[0]), total)
		}
		// French headers: the Table Schema's French titles.
		lat, dur, labelled := col(t, recs[0], "Latitude"), col(t, recs[0], "Durée (mois)"), col(t, recs[0], "Date de labellisation")
		if !regexp.MustCompile(`^4\d,\d+$`).MatchString(recs[1][lat]) {
			t.Errorf("lat %q has no decimal comma", recs[1][lat])
		}
		for _, r := range recs[1:] {
			if strings.Contains(r[dur], ".") || strings.Contains(r[lat], ".") {
				t.Fatalf("decimal point in %v", r)
			}
			if r[labelled] != "" && !regexp.MustCompile(`^\d\d/\d\d/\d{4}$`).MatchString(r[labelled]) {
				t.Fatalf("date %q", r[labelled])
			}
		}
	})

	t.Run("file names", func(t *testing.T) {
		for path, want := range map[string]string{
			"/api/v1/formations.csv?region=84&dialect=fr":         "formations-region-84-fr-" + date + ".csv",
			"/api/v1/formations.csv?dialect=rfc4180&limit=10":     "formations-" + date + ".csv",
			"/api/v1/formations.geojson?family=donnees&fields=id": "formations-family-donnees-" + date + ".geojson",
			"/api/v1/formations.csv?q=Cyber%20S%C3%A9curit%C3%A9": "formations-q-cyber-securite-" + date + ".csv",
		} {
			res, _ := e.fetch(t, path)
			if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="`+want+`"` {
				t.Errorf("%s: Content-Disposition %q, want %s", path, cd, want)
			}
		}
	})
	t.Run("xlsx", func(t *testing.T) {
		res, body := e.fetch(t, "/api/v1/formations.xlsx?"+filter)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
			res.Header.Get("Content-Encoding") != "" {
			t.Fatalf("%d %v", res.StatusCode, res.Header)
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="formations-region-84-`+date+`.xlsx"`) {
			t.Errorf("Content-Disposition %q", cd)
		}
		checkXLSX(t, body, total)
	})

	t.Run("parquet", func(t *testing.T) {
		res, body := e.fetch(t, "/api/v1/formations.parquet?"+filter)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/vnd.apache.parquet" ||
			res.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
			t.Fatalf("%d %v", res.StatusCode, res.Header)
		}
		path := filepath.Join(t.TempDir(), "f.parquet")
		if err := os.WriteFile(path, body, 0o600); err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("duckdb", "")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n, n84 int
		var typ, romeType string
		if err := db.QueryRow(`SELECT count(*), count(*) FILTER (region = '84'), typeof(any_value(labelled_on)), typeof(any_value(rome))
			FROM read_parquet(?)`, path).Scan(&n, &n84, &typ, &romeType); err != nil {
			t.Fatal(err)
		}
		if n != total || n84 != total || typ != "DATE" || romeType != "VARCHAR[]" {
			t.Fatalf("parquet: %d rows (%d in 84), labelled_on %s, rome %s; JSON total %d", n, n84, typ, romeType, total)
		}
		var synth string
		if err := db.QueryRow(`SELECT decode(value) FROM parquet_kv_metadata(?) WHERE decode(key) = 'synthetic'`, path).Scan(&synth); err != nil || synth != "true" {
			t.Fatalf("synthetic metadata: %q %v", synth, err)
		}
		// fields= picks the Parquet columns too.
		_, body = e.fetch(t, "/api/v1/formations.parquet?fields=id,learners&"+filter)
		os.WriteFile(path, body, 0o600)
		var cols string
		db.QueryRow(`SELECT string_agg(name, ',' ORDER BY name) FROM parquet_schema(?) WHERE num_children IS NULL`, path).Scan(&cols)
		if cols != "id,learners" {
			t.Fatalf("parquet columns with fields=: %q", cols)
		}
	})

	t.Run("geojson", func(t *testing.T) {
		res, body := e.fetch(t, "/api/v1/formations.geojson?"+filter)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/geo+json" {
			t.Fatalf("%d %v", res.StatusCode, res.Header)
		}
		var fc struct {
			Type      string `json:"type"`
			Synthetic bool   `json:"synthetic"`
			Features  []struct {
				Type     string `json:"type"`
				ID       string `json:"id"`
				Geometry struct {
					Type        string     `json:"type"`
					Coordinates [2]float64 `json:"coordinates"`
				} `json:"geometry"`
				Properties map[string]any `json:"properties"`
			} `json:"features"`
		}
		if err := json.Unmarshal(body, &fc); err != nil {
			t.Fatal(err)
		}
		if fc.Type != "FeatureCollection" || !fc.Synthetic || len(fc.Features) != total {
			t.Fatalf("%s synthetic=%v, %d features of %d", fc.Type, fc.Synthetic, len(fc.Features), total)
		}
		f := fc.Features[0]
		if f.Geometry.Type != "Point" || f.Geometry.Coordinates[0] < 2 || f.Geometry.Coordinates[1] < 44 || f.Properties["region"] != "84" || f.ID == "" {
			t.Fatalf("feature %+v", f)
		}
	})

	t.Run("accept", func(t *testing.T) {
		res, body := e.fetch(t, "/api/v1/formations?"+filter, "Accept", "text/csv")
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || len(readCSV(t, body, ','))-1 != total {
			t.Fatalf("Accept: text/csv gave %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		res, _ = e.fetch(t, "/api/v1/formations?format=xlsx&"+filter)
		if !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("format=xlsx gave %s", res.Header.Get("Content-Type"))
		}
		res, _ = e.fetch(t, "/api/v1/formations?"+filter, "Accept", "text/html, application/json;q=0.9, */*;q=0.1")
		if res.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("browser-like Accept gave %s", res.Header.Get("Content-Type"))
		}
	})
}

// checkXLSX opens a formations workbook and checks its types and layout.
func checkXLSX(t *testing.T, body []byte, total int) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 2 || sheets[0] != "formations" || sheets[1] != "Métadonnées – Metadata" {
		t.Fatalf("sheets %v", sheets)
	}
	rows, err := f.GetRows("formations")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows)-1 != total {
		t.Fatalf("%d rows, want %d", len(rows)-1, total)
	}
	head := rows[0]
	cell := func(name string, row int) string {
		ref, _ := excelize.CoordinatesToCellName(col(t, head, name)+1, row)
		return ref
	}
	// Numbers are numbers, dates are dates shown as dates, booleans are booleans.
	for _, c := range []struct{ name, want string }{{"lat", "n"}, {"learners", "n"}, {"labelled_on", "d"}, {"synthetic", "b"}, {"title", "s"}} {
		ref := cell(c.name, 2)
		typ, _ := f.GetCellType("formations", ref)
		raw, _ := f.GetCellValue("formations", ref, excelize.Options{RawCellValue: true})
		shown, _ := f.GetCellValue("formations", ref)
		switch c.want {
		case "n":
			if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
				t.Errorf("%s %s is of type %v", c.name, ref, typ)
			}
			if _, err := strconv.ParseFloat(raw, 64); err != nil {
				t.Errorf("%s %s = %q, not a number", c.name, ref, raw)
			}
		case "d":
			if _, err := strconv.ParseFloat(raw, 64); err != nil || !regexp.MustCompile(`^\d{4}-\d\d-\d\d$`).MatchString(shown) {
				t.Errorf("%s %s: raw %q shown %q, want a date serial shown yyyy-mm-dd", c.name, ref, raw, shown)
			}
		case "b":
			if typ != excelize.CellTypeBool || raw != "1" {
				t.Errorf("%s %s: %v %q", c.name, ref, typ, raw)
			}
		case "s":
			if typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
				t.Errorf("%s %s: %v", c.name, ref, typ)
			}
		}
	}
	panes, err := f.GetPanes("formations")
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes %+v %v", panes, err)
	}
	last, _ := excelize.CoordinatesToCellName(len(head), total+1)
	found := false
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" && dn.Scope == "formations" && strings.HasSuffix(dn.RefersTo, "$A$1:"+absRef(last)) {
			found = true
		}
	}
	if !found {
		t.Errorf("no autofilter over A1:%s: %+v", last, f.GetDefinedName())
	}
	style, _ := f.GetCellStyle("formations", "A1")
	if st, err := f.GetStyle(style); err != nil || st.Font == nil || !st.Font.Bold || st.Fill.Pattern != 1 {
		t.Errorf("header style %+v %v", st, err)
	}
	meta, _ := f.GetRows("Métadonnées – Metadata")
	text := ""
	for _, r := range meta {
		text += strings.Join(r, " | ") + "\n"
	}
	for _, want := range []string{"SYNTHETIC DATA", "Licence Ouverte", "etalab.gouv.fr", "SHA-256", "Snapshot", "gen-formations-synthetique.csv"} {
		if !strings.Contains(text, want) {
			t.Errorf("metadata sheet lacks %q:\n%s", want, text)
		}
	}
	if !regexp.MustCompile(`SHA-256 [0-9a-f]{64}`).MatchString(text) {
		t.Errorf("metadata sheet lacks the input's SHA-256:\n%s", text)
	}
}

func absRef(ref string) string {
	c, r, _ := excelize.CellNameToCoordinates(ref)
	name, _ := excelize.ColumnNumberToName(c)
	return "$" + name + "$" + strconv.Itoa(r)
}

// TestFormulaInjection ingests a catalogue whose cells are formulas and
// checks no download lets a spreadsheet run them.
func TestFormulaInjection(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f, c, err := ingest.OpenFile("../ingest/testdata/bad/catalogue-injection.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// It replaces the default catalogue on purpose: AllowShrink.
	if _, err := ingest.Run(context.Background(), e.w, "catalogue", []ingest.File{f}, ingest.Options{Ref: datasetstest.Reference(t), AllowShrink: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.hub.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	dangerous := func(s string) bool { return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) }
	seen := 0
	for _, path := range []string{"/api/v1/formations.csv", "/api/v1/snapshots/current/quarantine.csv"} {
		for _, dialect := range []string{"", "?dialect=fr"} {
			_, body := e.fetch(t, path+dialect)
			comma := ','
			if dialect != "" {
				comma = ';'
				body = bytes.TrimPrefix(body, []byte("\uFEFF"))
			}
			for _, r := range readCSV(t, body, comma)[1:] {
				for _, v := range r {
					if dangerous(v) {
						t.Errorf("%s%s: cell %q is a formula", path, dialect, v)
					}
					if strings.HasPrefix(v, "'=") || strings.HasPrefix(v, "'+") || strings.HasPrefix(v, "'@") {
						seen++
					}
				}
			}
		}
	}
	for _, path := range []string{"/api/v1/formations.xlsx", "/api/v1/snapshots/current/quarantine.xlsx"} {
		_, body := e.fetch(t, path)
		x, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for _, sheet := range x.GetSheetList() {
			rows, _ := x.GetRows(sheet)
			for i, r := range rows {
				for j, v := range r {
					ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
					if formula, _ := x.GetCellFormula(sheet, ref); formula != "" || dangerous(v) {
						t.Errorf("%s %s!%s: %q (formula %q)", path, sheet, ref, v, formula)
					}
				}
			}
		}
		x.Close()
	}
	if seen < 3 {
		t.Fatalf("only %d neutralised cells seen; the hostile file was not exercised", seen)
	}
}
