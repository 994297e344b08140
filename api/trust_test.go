package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/api"
	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/ingest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// newCatalogueEnv serves a fresh data directory holding only the given
// catalogue (CSV text), for constructed cases with known answers.
func newCatalogueEnv(t *testing.T, csv string) *env {
	t.Helper()
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	ref := datasetstest.Reference(t)
	w := duckdb.Writer{Dir: dir, Ref: ref, Version: "test"}
	path := filepath.Join(t.TempDir(), "catalogue.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	f, c, err := ingest.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := ingest.Run(ctx, w, "catalogue", []ingest.File{f}, ingest.Options{Ref: ref}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := duckdb.NewHub(dir, log)
	if _, err := hub.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	srv, err := api.New(api.Config{Version: "test"}, hub, ref, log)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{hub: hub, dir: dir, w: w, srv: httptest.NewServer(srv.Handler())}
	t.Cleanup(func() { e.srv.Close(); hub.Close() })
	return e
}

// value finds the item of code in v.
func (v values) value(t *testing.T, code string) valueItem {
	t.Helper()
	for _, it := range v.Items {
		if it.Code == code {
			return it
		}
	}
	t.Fatalf("no value for %s", code)
	return valueItem{}
}

// TestOfferAtADate: a label counts from its labelling date to the day
// before its end; without an end date it counts, flagged; the labelled
// view keeps what has expired.
func TestOfferAtADate(t *testing.T) {
	t.Parallel()
	e := newCatalogueEnv(t, "Identifiant;Nom de la formation;Structure porteuse;Code commune INSEE;Date de labellisation;Fin de labellisation;Vague\n"+
		"A;Développeur web;Fabrique A;69123;2019-03-01;2022-03-01;1\n"+
		"B;Développeur web;Fabrique B;69123;2021-01-15;;2\n"+
		"C;Technicien réseaux;Fabrique C;38185;2019-03-01;2022-03-01;1\n")
	count := func(query, code string) valueItem {
		var v values
		if res := e.get(t, "/api/v1/indicators/formations?level=departement&"+query, &v); res.StatusCode != 200 {
			t.Fatalf("%s: %d", query, res.StatusCode)
		}
		return v.value(t, code)
	}
	for _, c := range []struct {
		query string
		want  float64
		end   bool // label_end_unknown expected
	}{
		{"at=2019-02-28", 0, false},               // before any labelling: a counted zero
		{"at=2019-03-01", 1, false},               // in force from its labelling day
		{"at=2022-02-28", 2, true},                // the day before A ends
		{"at=2022-03-01", 1, true},                // A's label ended: out
		{"at=2022-03-01&view=labelled", 2, false}, // labelled by then, expired or not: end dates do not matter
		{"wave=1", 1, false},                      // just after wave 1 (2019-03-01)
		{"year=2021", 2, true},                    // 1 July 2021
		{"", 2, true},                             // the reference date, B's labelling (2021-01-15): A is still in force
	} {
		v := count(c.query, "69")
		if v.Value == nil || *v.Value != c.want || slices.Contains(v.Flags, "label_end_unknown") != c.end {
			t.Errorf("%q: %v flags %v, want %v (label_end_unknown %t)", c.query, v.Value, v.Flags, c.want, c.end)
		}
		if v.Reason != "" {
			t.Errorf("%q: a counted value has reason %q", c.query, v.Reason)
		}
	}
	// The list gives the same formations as the count.
	var l list
	e.get(t, "/api/v1/formations?departement=69&at=2022-03-01", &l)
	if l.Total != 1 || l.Items[0].ID != "B" {
		t.Errorf("formations in force on 2022-03-01: %+v", l)
	}
	var p problem
	if res := e.get(t, "/api/v1/indicators/formations?at=2022-03-01&wave=1", &p); res.StatusCode != 400 || p.Param != "at" {
		t.Errorf("at and wave together: %d %+v", res.StatusCode, p)
	}
}

// TestNullIsNotZero: every null carries a reason and both sentences, and
// what BMO keeps secret or does not code is never 0.
func TestNullIsNotZero(t *testing.T) {
	e := newEnv(t)
	seen := map[string]bool{}
	for _, path := range []string{
		"/api/v1/indicators/hiring_projects?level=bassin",
		"/api/v1/indicators/difficult_share?level=departement",
		"/api/v1/indicators/supply_demand_ratio?level=departement&family=integration",
		"/api/v1/indicators/hiring_projects?level=region&year=2023",
		"/api/v1/indicators/distance_nearest_km?level=departement&wave=1",
		"/api/v1/indicators/women_share?level=departement",
	} {
		var v values
		e.get(t, path, &v)
		for _, it := range v.Items {
			if it.Flags == nil {
				t.Fatalf("%s %s: no flags array", path, it.Code)
			}
			if it.Value != nil {
				continue
			}
			if !slices.Contains(observatory.Reasons, it.Reason) || it.Note == "" || it.NoteFR == "" {
				t.Errorf("%s %s: null with reason %q, notes %q / %q", path, it.Code, it.Reason, it.Note, it.NoteFR)
			}
			seen[it.Reason] = true
			if it.Reason == observatory.ReasonSecret && (it.Secret == 0 || !slices.Contains(it.Flags, "secret_rows")) {
				t.Errorf("%s %s: secret without its cells counted: %+v", path, it.Code, it)
			}
			if it.Reason == observatory.ReasonSuppressed && !slices.Contains(it.Flags, "suppressed") {
				t.Errorf("%s %s: suppressed without the flag", path, it.Code)
			}
		}
	}
	for _, r := range observatory.Reasons {
		if !seen[r] {
			t.Errorf("no value null for reason %s on the default data", r)
		}
	}
}

// TestBreakInSeries: a BMO series crossing 2023–2024 (FAP 2009 → FAP 2021)
// flags the first value of the new nomenclature.
func TestBreakInSeries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f, c, err := ingest.OpenFile("../ingest/testdata/bmo-2022-synthetique.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := ingest.Run(context.Background(), e.w, "bmo", []ingest.File{f}, ingest.Options{Ref: datasetstest.Reference(t)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.hub.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	var v values
	e.get(t, "/api/v1/indicators/hiring_projects?level=departement&code=69", &v)
	byYear := map[int]valueItem{}
	for _, it := range v.Items {
		byYear[it.Year] = it
	}
	if y := byYear[2022]; y.Value == nil || slices.Contains(y.Flags, "break_in_series") {
		t.Errorf("2022: %+v", y)
	}
	if y := byYear[2024]; y.Value == nil || !slices.Contains(y.Flags, "break_in_series") || !strings.Contains(y.Note, "FAP2021") {
		t.Errorf("2024: %+v", y)
	}
	if _, ok := byYear[2023]; ok || len(byYear) != 2 {
		t.Errorf("the series covers the surveys, 2022 and 2024: %v", byYear)
	}
}

// TestExplainDrillDown: for every indicator, explain=1 gives the numbers
// behind each value and a drill-down that lists exactly the rows counted.
func TestExplainDrillDown(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	type row struct {
		Structure           string
		Learners, Women     *float64
		LowQualified        *float64 `json:"low_qualified"`
		QPV                 *float64 `json:"qpv_residents"`
		Projects, Difficult *float64
		Rows                int
	}
	drill := func(url string) (int, []row) {
		t.Helper()
		res, body := e.fetch(t, url)
		var l struct {
			Total int   `json:"total"`
			Items []row `json:"items"`
		}
		if res.StatusCode != 200 || json.Unmarshal(body, &l) != nil {
			t.Fatalf("%s: %d %s", url, res.StatusCode, body)
		}
		return l.Total, l.Items
	}
	sum := func(rs []row, f func(row) (*float64, bool)) float64 {
		var s float64
		for _, r := range rs {
			if v, ok := f(r); ok && v != nil {
				s += *v
			}
		}
		return s
	}
	both := func(a, b *float64) bool { return a != nil && b != nil }
	for _, ind := range observatory.Registry() {
		if ind.ID == observatory.IndTargets {
			continue
		}
		path := "/api/v1/indicators/" + ind.ID + "?level=departement&explain=1"
		if ind.PerFamily {
			path += "&family=developpement"
		}
		var v values
		e.get(t, path, &v)
		checked := 0
		for _, it := range v.Items {
			ex := it.Explain
			if it.Value == nil || ex == nil || ex.Numerator == nil || *ex.Numerator == 0 || checked >= 3 {
				continue
			}
			if ex.SentenceEN == "" || !strings.HasPrefix(ex.SentenceFR, it.Name) || ex.URL == "" {
				t.Errorf("%s %s: explanation %+v", ind.ID, it.Code, ex)
			}
			var total int
			var rows []row
			if !strings.Contains(ex.URL, "level=commune") {
				total, rows = drill(ex.URL)
			}
			num := *ex.Numerator
			var got float64
			switch ind.ID {
			case observatory.IndStructures:
				s := map[string]bool{}
				for _, r := range rows {
					s[r.Structure] = true
				}
				got = float64(len(s))
			case observatory.IndLearners:
				got = sum(rows, func(r row) (*float64, bool) { return r.Learners, true })
			case observatory.IndWomenShare:
				got = sum(rows, func(r row) (*float64, bool) { return r.Women, both(r.Women, r.Learners) })
			case observatory.IndLowQualShare:
				got = sum(rows, func(r row) (*float64, bool) { return r.LowQualified, both(r.LowQualified, r.Learners) })
			case observatory.IndQPVShare:
				got = sum(rows, func(r row) (*float64, bool) { return r.QPV, both(r.QPV, r.Learners) })
			case observatory.IndHiring:
				got = sum(rows, func(r row) (*float64, bool) { return r.Projects, true })
				if total != ex.Rows {
					t.Errorf("%s %s: %d cells listed, %d counted", ind.ID, it.Code, total, ex.Rows)
				}
			case observatory.IndDifficultShare:
				got = sum(rows, func(r row) (*float64, bool) { return r.Difficult, both(r.Difficult, r.Projects) })
			case observatory.IndDistance, observatory.IndBeyond30, observatory.IndBeyond60, observatory.IndAccess:
				// The drill-down gives the same indicator for the
				// territory's communes, whose numerators add up.
				var cv values
				e.get(t, ex.URL, &cv)
				for _, c := range cv.Items {
					if c.Explain != nil && c.Explain.Numerator != nil {
						got += *c.Explain.Numerator
					}
				}
				if len(cv.Items) != ex.Rows {
					t.Errorf("%s %s: %d communes listed, %d counted", ind.ID, it.Code, len(cv.Items), ex.Rows)
				}
				if math.Abs(got-num) <= 1e-6*math.Max(1, num) {
					got = num
				}
			default: // counts of formations: formations, per 100k, family share, coverage, supply/demand
				got = float64(total)
			}
			if math.Abs(got-num) > 1e-9 {
				t.Errorf("%s %s: drill-down gives %v, numerator %v (%s)", ind.ID, it.Code, got, num, ex.URL)
			}
			checked++
		}
		if checked == 0 {
			t.Errorf("%s: no value to check", ind.ID)
		}
	}
}
