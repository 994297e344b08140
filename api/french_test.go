package api_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// fetch GETs path and returns the body, failing on a status other than 200.
func fetch(t *testing.T, e *env, path string) ([]byte, http.Header) {
	t.Helper()
	res, err := http.Get(e.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", path, res.StatusCode, b)
	}
	return b, res.Header
}

// frenchCSV parses a French CSV as French Excel would: BOM, semicolons.
func frenchCSV(t *testing.T, b []byte) (head []string, rows []map[string]string) {
	t.Helper()
	b, ok := bytes.CutPrefix(b, []byte("\uFEFF"))
	if !ok {
		t.Fatal("French CSV without BOM")
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("French CSV: %d records, %v", len(recs), err)
	}
	return records(recs)
}

func records(recs [][]string) (head []string, rows []map[string]string) {
	head = recs[0]
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range head {
			m[h] = rec[i]
		}
		rows = append(rows, m)
	}
	return head, rows
}

// decimals counts the decimals of a number as written (either mark).
func decimals(s string) int {
	if i := strings.IndexAny(s, ".,"); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

// frNumber reads a French decimal.
func frNumber(t *testing.T, s string) float64 {
	t.Helper()
	if strings.Contains(s, ".") {
		t.Fatalf("%q: a decimal point in a French file", s)
	}
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestFrenchCSVReadsAsFrench downloads the coverage classes as the French
// page offers them: French headers, French classes, indices to 2
// decimals with a decimal comma, equal to the JSON value rounded; the
// English dialect keeps machine names, rounded alike.
func TestFrenchCSVReadsAsFrench(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	var js struct {
		Values []struct {
			Code  string   `json:"code"`
			Value *float64 `json:"value"`
			Class string   `json:"class"`
		} `json:"items"`
	}
	e.get(t, "/api/v1/indicators/coverage_class?level=departement", &js)
	want := map[string]float64{}
	for _, v := range js.Values {
		if v.Value != nil {
			want[v.Code] = *v.Value
		}
	}
	if len(want) == 0 {
		t.Fatal("no coverage value in JSON")
	}

	b, h := fetch(t, e, "/api/v1/indicators/coverage_class.csv?level=departement&dialect=fr")
	if !strings.Contains(h.Get("Content-Disposition"), "-fr-") {
		t.Errorf("Content-Disposition %q does not name the French dialect", h.Get("Content-Disposition"))
	}
	head, rows := frenchCSV(t, b)
	for _, title := range []string{"Indicateur", "Niveau", "Code", "Territoire", "Valeur", "Classe de couverture", "Signalements", "Note"} {
		if !slices.Contains(head, title) {
			t.Errorf("French header %q missing from %q", title, head)
		}
	}
	if slices.Contains(head, "class") || slices.Contains(head, "value") {
		t.Errorf("machine names in the French header: %q", head)
	}
	classes, checked, fractional := map[string]int{}, 0, 0
	for _, r := range rows {
		classes[r["Classe de couverture"]]++
		if r["Niveau"] != "département" {
			t.Fatalf("level %q, want département", r["Niveau"])
		}
		if r["Valeur"] == "" {
			continue
		}
		if d := decimals(r["Valeur"]); d > 2 {
			t.Errorf("%s: value %q has %d decimals, want at most 2", r["Code"], r["Valeur"], d)
		} else if d > 0 {
			fractional++
		}
		if got, w := frNumber(t, r["Valeur"]), math.Round(want[r["Code"]]*100)/100; got != w {
			t.Errorf("%s: CSV %v, JSON %v rounded %v", r["Code"], got, want[r["Code"]], w)
		}
		checked++
	}
	if checked == 0 || fractional == 0 {
		t.Errorf("%d values checked, %d with decimals", checked, fractional)
	}
	for c := range classes {
		if c != "aucune" && c != "faible" && c != "suffisante" {
			t.Errorf("class %q is not French", c)
		}
	}
	if classes["suffisante"] == 0 {
		t.Errorf("no adequate class in %v", classes)
	}

	b, _ = fetch(t, e, "/api/v1/indicators/coverage_class.csv?level=departement")
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head, rows = records(recs)
	if !slices.Contains(head, "class") || !slices.Contains(head, "value") {
		t.Fatalf("English header %q", head)
	}
	for _, r := range rows {
		if c := r["class"]; c != "" && c != "none" && c != "low" && c != "adequate" {
			t.Errorf("English dialect class %q", c)
		}
		if decimals(r["value"]) > 2 || strings.Contains(r["value"], ",") {
			t.Errorf("English dialect value %q", r["value"])
		}
	}
}

// TestFrenchCSVSharesDatesAndTitles: shares to 0.1 point, counts as
// integers, dates jj/mm/aaaa in the French formations file only.
func TestFrenchCSVSharesDatesAndTitles(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	b, _ := fetch(t, e, "/api/v1/indicators/women_share.csv?level=region&dialect=fr")
	_, rows := frenchCSV(t, b)
	for _, r := range rows {
		if d := decimals(r["Valeur"]); d > 1 {
			t.Errorf("share %q: %d decimals, want at most 1", r["Valeur"], d)
		}
	}
	b, _ = fetch(t, e, "/api/v1/indicators/formations.csv?level=region&dialect=fr")
	_, rows = frenchCSV(t, b)
	for _, r := range rows {
		if decimals(r["Valeur"]) > 0 {
			t.Errorf("count %q has decimals", r["Valeur"])
		}
	}

	date := regexp.MustCompile(`^\d\d/\d\d/\d{4}$`)
	b, _ = fetch(t, e, "/api/v1/formations.csv?region=84&fields=id,labelled_on,lat,family&dialect=fr")
	head, rows := frenchCSV(t, b)
	if !slices.Equal(head, []string{"Identifiant", "Date de labellisation", "Latitude", "Famille de métiers"}) {
		t.Errorf("French header %q", head)
	}
	for _, r := range rows {
		if d := r["Date de labellisation"]; d != "" && !date.MatchString(d) {
			t.Errorf("date %q is not jj/mm/aaaa", d)
		}
		if decimals(r["Latitude"]) > 5 {
			t.Errorf("latitude %q over 5 decimals", r["Latitude"])
		}
	}
	b, _ = fetch(t, e, "/api/v1/formations.csv?region=84&fields=id,labelled_on&limit=5")
	if recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll(); err != nil || recs[0][1] != "labelled_on" ||
		!regexp.MustCompile(`^\d{4}-\d\d-\d\d$`).MatchString(recs[1][1]) {
		t.Errorf("English dialect: %q, %v", recs, err)
	}

	// Every column of every dataset has a French and an English title,
	// and every number column states its precision.
	var cat struct {
		Datasets []struct {
			Name   string `json:"name"`
			Schema struct {
				Fields []struct {
					Name, Type, Title, Precision string
					TitleFR                      string `json:"title_fr"`
					TitleEN                      string `json:"title_en"`
				} `json:"fields"`
			} `json:"schema"`
		} `json:"items"`
	}
	e.get(t, "/api/v1/datasets", &cat)
	if len(cat.Datasets) == 0 {
		t.Fatal("no dataset")
	}
	for _, d := range cat.Datasets {
		for _, f := range d.Schema.Fields {
			if f.Title == "" || f.TitleFR != f.Title || f.TitleEN == "" {
				t.Errorf("%s.%s: title %q, title_fr %q, title_en %q", d.Name, f.Name, f.Title, f.TitleFR, f.TitleEN)
			}
			if f.Type == "number" && f.Precision == "" {
				t.Errorf("%s.%s: a number column without precision", d.Name, f.Name)
			}
		}
	}
}

// TestFrenchXLSXRounded: the workbook rounds like the CSV.
func TestFrenchXLSXRounded(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	b, _ := fetch(t, e, "/api/v1/indicators/coverage_class.xlsx?level=departement")
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0), excelize.Options{RawCellValue: true})
	if err != nil || len(rows) < 2 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	col := slices.Index(rows[0], "value")
	n := 0
	for _, r := range rows[1:] {
		if col < len(r) && r[col] != "" {
			n++
			if decimals(r[col]) > 2 {
				t.Errorf("XLSX value %q over 2 decimals", r[col])
			}
		}
	}
	if n == 0 {
		t.Error("no value in the workbook")
	}
}

// TestFrenchXLSX: dialect=fr gives the workbook the French CSV's headers
// and labels, with typed cells and dates shown jj/mm/aaaa; the default
// keeps the machine names.
func TestFrenchXLSX(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	read := func(path string) (*excelize.File, [][]string) {
		b, _ := fetch(t, e, path)
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil || len(rows) < 2 {
			t.Fatalf("%s: %d rows, %v", path, len(rows), err)
		}
		return f, rows
	}
	body, _ := fetch(t, e, "/api/v1/indicators/coverage_class.csv?level=departement&dialect=fr")
	head, _, _ := strings.Cut(strings.TrimPrefix(string(body), "\ufeff"), "\r\n")
	_, rows := read("/api/v1/indicators/coverage_class.xlsx?level=departement&dialect=fr")
	if got := strings.Join(rows[0], ";"); got != head {
		t.Errorf("French XLSX header\n%s\nwant the French CSV's\n%s", got, head)
	}
	class := slices.Index(rows[0], "Classe de couverture")
	level := slices.Index(rows[0], "Niveau")
	if class < 0 || level < 0 {
		t.Fatalf("header %v", rows[0])
	}
	classes := map[string]bool{}
	for _, r := range rows[1:] {
		if class < len(r) {
			classes[r[class]] = true
		}
		if r[level] != "département" {
			t.Fatalf("level %q, want département", r[level])
		}
	}
	for c := range classes {
		if c != "" && !slices.Contains([]string{"aucune", "faible", "suffisante"}, c) {
			t.Errorf("class %q is not French", c)
		}
	}
	// Dates: typed, shown jj/mm/aaaa.
	f, rows := read("/api/v1/formations.xlsx?dialect=fr&limit=3")
	date := slices.Index(rows[0], "Date de labellisation")
	if date < 0 || !regexp.MustCompile(`^\d\d/\d\d/20\d\d$`).MatchString(rows[1][date]) {
		t.Fatalf("date column %d: %v", date, rows[1])
	}
	cell, _ := excelize.CoordinatesToCellName(date+1, 2)
	if typ, _ := f.GetCellType(f.GetSheetName(0), cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("date cell %s is text, want a typed date", cell)
	}
	_, en := read("/api/v1/formations.xlsx?limit=3")
	if en[0][0] != "id" || !slices.Contains(en[0], "labelled_on") {
		t.Errorf("English XLSX header %v", en[0])
	}
}

// TestFrenchPage: the French page offers the French CSV, writes its units
// and errors in French; the English page the RFC 4180 file.
func TestFrenchPage(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	b, _ := fetch(t, e, "/?indicator=access_e2sfca&level=departement")
	page := string(b)
	if !strings.Contains(page, "/api/v1/indicators/access_e2sfca.csv?dialect=fr&amp;level=departement") &&
		!strings.Contains(page, "/api/v1/indicators/access_e2sfca.csv?level=departement&amp;dialect=fr") {
		t.Error("the French page's CSV link is not the French dialect")
	}
	if strings.Contains(page, "seats per 100,000 inhabitants") || !strings.Contains(page, "places pour 100 000 habitants") {
		t.Error("the French page shows the unit in English")
	}
	b, _ = fetch(t, e, "/?indicator=access_e2sfca&level=departement&lang=en")
	if strings.Contains(string(b), "dialect=fr") {
		t.Error("the English page offers the French dialect")
	}
	if !strings.Contains(string(b), `href="/api/v1/docs?lang=en"`) {
		t.Error("the English page links to the French docs")
	}
	res, err := http.Get(e.srv.URL + "/?wave=abc")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 400 || !strings.Contains(string(b), "La valeur « abc » du paramètre « wave » n&#39;est pas valide") {
		t.Errorf("French error page: %d %s", res.StatusCode, b)
	}
}

// TestFrenchQuarantineReasons: the French quarantine file gives every
// reason in French (observatory.ReasonFR), the default file in English.
func TestFrenchQuarantineReasons(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	read := func(path string, sep rune) [][]string {
		b, _ := fetch(t, e, path)
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
		r.Comma = sep
		rows, err := r.ReadAll()
		if err != nil || len(rows) < 2 {
			t.Fatalf("%s: %d rows, %v", path, len(rows), err)
		}
		return rows
	}
	en := read("/api/v1/snapshots/current/quarantine.csv", ',')
	fr := read("/api/v1/snapshots/current/quarantine.csv?dialect=fr", ';')
	if len(en) != len(fr) || fr[0][len(fr[0])-1] != "Raison" {
		t.Fatalf("%d and %d rows, French header %v", len(en), len(fr), fr[0])
	}
	for i := 1; i < len(en); i++ {
		reasonEN, reasonFR := en[i][len(en[i])-1], fr[i][len(fr[i])-1]
		if reasonEN == reasonFR {
			t.Errorf("row %d: reason %q is not translated", i, reasonEN)
		}
	}
	if !slices.ContainsFunc(fr, func(r []string) bool { return r[len(r)-1] == "la formation n'a pas d'intitulé" }) {
		t.Error(`no "la formation n'a pas d'intitulé" in the French file`)
	}
}
