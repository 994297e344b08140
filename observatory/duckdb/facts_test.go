package duckdb_test

import (
	"context"
	"math"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/ingest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// defaults is one snapshot built from the embedded default inputs (the
// real geography, BMO 2024 and the synthetic catalogue) for the whole test
// binary, opened read-only: reading 53,000 BMO rows costs a minute under
// -race, and no test writes to it.
var defaults struct {
	once sync.Once
	root string
	db   *duckdb.DB
	err  error
}

func defaultsDB(t testing.TB) (*duckdb.DB, *observatory.Gazetteer) {
	t.Helper()
	ref := datasetstest.Reference(t)
	defaults.once.Do(func() {
		ctx := context.Background()
		if defaults.root, defaults.err = os.MkdirTemp("", "observatory-duckdb-test-"); defaults.err != nil {
			return
		}
		dir := duckdb.Dir{Root: defaults.root}
		rep, err := ingest.Defaults(ctx, duckdb.Writer{Dir: dir, Ref: ref, Version: "test"}, ingest.Options{Ref: ref})
		if err != nil {
			defaults.err = err
			return
		}
		defaults.db, defaults.err = duckdb.Open(ctx, dir, rep.Snapshot)
	})
	if defaults.err != nil {
		t.Fatal(defaults.err)
	}
	return defaults.db, ref.Geo
}

func TestMain(m *testing.M) {
	code := m.Run()
	if defaults.db != nil {
		defaults.db.Close()
	}
	if defaults.root != "" {
		os.RemoveAll(defaults.root)
	}
	os.Exit(code)
}

func allFormations(t testing.TB, db *duckdb.DB) []observatory.Formation {
	t.Helper()
	page, err := db.Formations(context.Background(), observatory.FormationFilter{Limit: duckdb.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	if page.Next != "" {
		t.Fatal("more formations than one page")
	}
	return page.Items
}

// TestIndicatorsByHand recomputes the offer indicators in plain Go from the
// loaded rows and the gazetteer, and compares them with what the indicator
// service gives through SQL.
func TestIndicatorsByHand(t *testing.T) {
	ctx := context.Background()
	db, g := defaultsDB(t)
	// The offer at the reference date (the latest labelling), in force.
	ref := reference(allFormations(t, db))
	forms := inForce(allFormations(t, db), ref)
	if n := len(allFormations(t, db)); len(forms) == 0 || len(forms) == n {
		t.Fatalf("%d of %d formations in force on %s: the test would not tell the views apart", len(forms), n, ref)
	}
	type hand struct {
		n           int
		structs     map[string]bool
		learners    int64
		women, base int64
	}
	by := map[string]*hand{}
	for _, f := range forms {
		h := by[f.Departement]
		if h == nil {
			h = &hand{structs: map[string]bool{}}
			by[f.Departement] = h
		}
		h.n++
		h.structs[f.Structure] = true
		if f.Learners != nil {
			h.learners += int64(*f.Learners)
			if f.Women != nil {
				h.women += int64(*f.Women)
				h.base += int64(*f.Learners)
			}
		}
	}
	svc := observatory.Indicators{Facts: db, Geo: g}
	get := func(id string) map[string]observatory.Value {
		res, err := svc.Values(ctx, observatory.IndicatorQuery{ID: id, Level: observatory.LevelDepartement})
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if !res.At.Equal(ref) || res.View != observatory.ViewInForce {
			t.Fatalf("%s: read at %s in %s, want the reference date %s in force", id, res.At, res.View, ref)
		}
		vals := res.Values
		if len(vals) != len(g.Departements()) {
			t.Fatalf("%s: %d values for %d départements", id, len(vals), len(g.Departements()))
		}
		m := map[string]observatory.Value{}
		for _, v := range vals {
			m[v.Code] = v
		}
		return m
	}
	count, structs, per100k, women, cover := get("formations"), get("structures"), get("formations_per_100k"), get("women_share"), get("coverage_class")
	natPop := int64(0)
	for _, d := range g.Departements() {
		natPop += d.Population
	}
	natRate := float64(len(forms)) / float64(natPop)
	classes := map[string]int{}
	for _, d := range g.Departements() {
		h := by[d.Code]
		if h == nil {
			h = &hand{}
		}
		if got := *count[d.Code].Value; got != float64(h.n) {
			t.Errorf("%s formations = %v, by hand %d", d.Code, got, h.n)
		}
		if got := *structs[d.Code].Value; got != float64(len(h.structs)) {
			t.Errorf("%s structures = %v, by hand %d", d.Code, got, len(h.structs))
		}
		if want := float64(h.n) / float64(d.Population) * 1e5; !near(*per100k[d.Code].Value, want) {
			t.Errorf("%s per 100k = %v, by hand %v", d.Code, *per100k[d.Code].Value, want)
		}
		switch w := women[d.Code].Value; {
		case h.base == 0 && w != nil:
			t.Errorf("%s women share = %v with no learners", d.Code, *w)
		case h.base > 0 && (w == nil || !near(*w, 100*float64(h.women)/float64(h.base))):
			t.Errorf("%s women share = %v, by hand %d/%d", d.Code, w, h.women, h.base)
		}
		want := observatory.ClassAdequate
		switch rate := float64(h.n) / float64(d.Population); {
		case h.n == 0:
			want = observatory.ClassNone
		case rate/natRate < observatory.LowCoverageShare:
			want = observatory.ClassLow
		}
		if got := cover[d.Code].Class; got != want {
			t.Errorf("%s coverage class = %q, by hand %q", d.Code, got, want)
		}
		classes[want]++
	}
	// The synthetic catalogue covers most départements, not all: all three
	// classes must occur, or the thresholds test nothing.
	for _, c := range []string{observatory.ClassNone, observatory.ClassLow, observatory.ClassAdequate} {
		if classes[c] == 0 {
			t.Errorf("no département in class %s: %v", c, classes)
		}
	}
	t.Logf("coverage classes of the départements: %v", classes)
}

// TestRegionsAddUp: each région's formations are the sum of its
// départements', and the family shares of a territory add up to 100 %.
func TestRegionsAddUp(t *testing.T) {
	ctx := context.Background()
	db, g := defaultsDB(t)
	deps, err := db.OfferFacts(ctx, observatory.FactQuery{Level: observatory.LevelDepartement})
	if err != nil {
		t.Fatal(err)
	}
	regs, err := db.OfferFacts(ctx, observatory.FactQuery{Level: observatory.LevelRegion})
	if err != nil {
		t.Fatal(err)
	}
	sum := map[string]int{}
	for _, d := range deps {
		dep, _ := g.Departement(d.Code)
		sum[dep.Parent] += d.Formations
	}
	total := 0
	for _, r := range regs {
		total += r.Formations
		if r.Formations != sum[r.Code] {
			t.Errorf("région %s: %d formations, its départements %d", r.Code, r.Formations, sum[r.Code])
		}
	}
	if n := len(allFormations(t, db)); total != n {
		t.Errorf("régions add up to %d formations, the catalogue has %d", total, n)
	}
	svc := observatory.Indicators{Facts: db, Geo: g}
	res, err := svc.Values(ctx, observatory.IndicatorQuery{ID: observatory.IndFamilyShare, Level: observatory.LevelRegion})
	if err != nil {
		t.Fatal(err)
	}
	shares := map[string]float64{}
	for _, v := range res.Values {
		if v.Value != nil {
			shares[v.Code] += *v.Value
		}
	}
	for code, s := range shares {
		if !near(s, 100) {
			t.Errorf("région %s: family shares add up to %v %%", code, s)
		}
	}
}

// TestSeriesIsTheStock: a territory's series gives, for each year, the
// offer in force on 1 July (by hand from the rows), and in the labelled
// view it never falls.
func TestSeriesIsTheStock(t *testing.T) {
	ctx := context.Background()
	db, g := defaultsDB(t)
	svc := observatory.Indicators{Facts: db, Geo: g}
	all := allFormations(t, db)
	for _, view := range []string{observatory.ViewInForce, observatory.ViewLabelled} {
		res, err := svc.Values(ctx, observatory.IndicatorQuery{ID: "formations", Level: observatory.LevelRegion, Territory: "84", View: view,
			Programmes: []string{observatory.ProgrammeGEN}})
		if err != nil {
			t.Fatal(err)
		}
		prev := -1.0
		for _, v := range res.Values {
			at := time.Date(v.Year, time.July, 1, 0, 0, 0, 0, time.UTC)
			want := 0
			for _, f := range all {
				if f.Region == "84" && f.LabelledOn != nil && !f.LabelledOn.After(at) &&
					(view == observatory.ViewLabelled || f.LabelEnd == nil || f.LabelEnd.After(at)) {
					want++
				}
			}
			if v.Code != "84" || v.Value == nil || *v.Value != float64(want) || v.At != at.Format(time.DateOnly) {
				t.Errorf("%s %d: %+v, by hand %d on %s", view, v.Year, v, want, at.Format(time.DateOnly))
			}
			if view == observatory.ViewLabelled && *v.Value < prev {
				t.Errorf("labelled %d: %v after %v, the cumulative count fell", v.Year, *v.Value, prev)
			}
			prev = *v.Value
		}
		if len(res.Values) < 5 {
			t.Errorf("%s series has %d years", view, len(res.Values))
		}
	}
}

// reference is the latest labelling date of fs.
func reference(fs []observatory.Formation) time.Time {
	var ref time.Time
	for _, f := range fs {
		if f.LabelledOn != nil && f.LabelledOn.After(ref) {
			ref = *f.LabelledOn
		}
	}
	return ref
}

// inForce keeps the formations whose label is in force at d.
func inForce(fs []observatory.Formation, d time.Time) []observatory.Formation {
	var out []observatory.Formation
	for _, f := range fs {
		if (f.LabelledOn == nil || !f.LabelledOn.After(d)) && (f.LabelEnd == nil || f.LabelEnd.After(d)) {
			out = append(out, f)
		}
	}
	return out
}

// TestDistanceByHand checks the nearest-formation distance of some
// départements against a brute-force great-circle computation over the
// formations in force at the reference date (none of them has islands, so
// the nearest is on the same land), and that Corsica's communes, with no
// formation on the island, are measured across the sea and flagged.
func TestDistanceByHand(t *testing.T) {
	ctx := context.Background()
	db, g := defaultsDB(t)
	cal, err := db.Calendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	q := observatory.FactQuery{Level: observatory.LevelDepartement, At: cal.Reference, View: observatory.ViewInForce,
		Programmes: []string{observatory.ProgrammeGEN}}
	pts, err := db.FormationPoints(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	lands, err := g.Landmasses()
	if err != nil {
		t.Fatal(err)
	}
	supply, _ := observatory.SupplyOf(pts)
	by := observatory.AccessBy(g, observatory.LevelDepartement, observatory.Access(g, lands, supply))
	for _, code := range []string{"23", "48", "75", "974"} {
		var sum, pop float64
		for _, c := range g.Communes() {
			if c.Departement != code || c.Population == 0 || (c.Lat == 0 && c.Lon == 0) {
				continue
			}
			best := math.Inf(1)
			for _, p := range pts {
				if (len(code) == 3) != (len(p.Departement) == 3) || len(code) == 3 && p.Departement != code {
					continue
				}
				best = math.Min(best, geo.Distance(orb.Point{c.Lon, c.Lat}, p.Point)/1000)
			}
			sum += best * float64(c.Population)
			pop += float64(c.Population)
		}
		want := sum / pop
		r, ok := by[code]
		if math.IsInf(want, 1) || math.IsNaN(want) {
			if ok && r.Population > 0 {
				t.Errorf("%s: distance %v with no formation in reach", code, r)
			}
			continue
		}
		if math.Abs(r.MeanKm-want) > 0.01*want+0.05 || r.Population != int64(pop) || r.OverSea != 0 {
			t.Errorf("%s: distance %.3f km over %d inhabitants (%d over sea), brute force %.3f km over %.0f", code, r.MeanKm, r.Population, r.OverSea, want, pop)
		}
		t.Logf("%s: %.1f km", code, r.MeanKm)
	}
	corsica := false
	for _, p := range pts {
		corsica = corsica || p.Departement == "2A" || p.Departement == "2B"
	}
	if c := by["2A"]; !corsica && (c.OverSea != c.Population || c.Population == 0) {
		t.Errorf("2A with no formation on the island: %+v", c)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// BenchmarkAccess computes every commune's access to the whole catalogue.
func BenchmarkAccess(b *testing.B) {
	db, g := defaultsDB(b)
	pts, err := db.FormationPoints(context.Background(), observatory.FactQuery{})
	if err != nil {
		b.Fatal(err)
	}
	lands, err := g.Landmasses()
	if err != nil {
		b.Fatal(err)
	}
	supply, _ := observatory.SupplyOf(pts)
	for b.Loop() {
		observatory.Access(g, lands, supply)
	}
}

// BenchmarkIndicatorValues computes indicators per département, with and
// without explanations (explain=1 costs the sentences and drill-downs).
func BenchmarkIndicatorValues(b *testing.B) {
	db, g := defaultsDB(b)
	svc := observatory.Indicators{Facts: db, Geo: g}
	ctx := context.Background()
	for _, id := range []string{"formations", "coverage_class", "family_share", "supply_demand_ratio", "distance_nearest_km"} {
		for _, explain := range []bool{false, true} {
			name := id
			if explain {
				name += "/explain"
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					if _, err := svc.Values(ctx, observatory.IndicatorQuery{ID: id, Level: observatory.LevelDepartement, Explain: explain}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
