package observatory

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// Constructed places for the siting tests: small gazetteers whose answers
// can be worked out by hand.

func box(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

// gridGazetteer is a département of 5 × 4 communes, squares of 0.2°
// sharing their edges (one landmass), populations 1,000 to 20,000, and
// an island commune 0.6° east of it.
func gridGazetteer() (*Gazetteer, *Landmasses) {
	var cs []Commune
	shapes := map[string]orb.MultiPolygon{}
	n := 0
	for x := range 5 {
		for y := range 4 {
			n++
			code := fmt.Sprintf("01%03d", n)
			lon, lat := 3+0.2*float64(x), 45+0.2*float64(y)
			cs = append(cs, Commune{Code: code, Name: "C" + code, Departement: "01", Region: "84", Bassin: "101",
				Population: int64(1000 * n), Lon: lon + 0.1, Lat: lat + 0.1})
			shapes[code] = box(lon, lat, lon+0.2, lat+0.2)
		}
	}
	cs = append(cs, Commune{Code: "01999", Name: "Island", Departement: "01", Region: "84", Bassin: "101", Population: 800, Lon: 4.7, Lat: 45.3})
	shapes["01999"] = box(4.65, 45.25, 4.75, 45.35)
	g := NewGazetteerFrom(GazetteerData{
		Regions:       []Territory{{Level: LevelRegion, Code: "84", Name: "R", Zone: "metro"}},
		Departements:  []Territory{{Level: LevelDepartement, Code: "01", Name: "D", Parent: "84", Zone: "metro"}},
		Bassins:       []Territory{{Level: LevelBassin, Code: "101", Name: "B", Parent: "01", Zone: "metro"}},
		Communes:      cs,
		CommuneShapes: func() (map[string]orb.MultiPolygon, error) { return shapes, nil },
	})
	lands, err := g.Landmasses()
	if err != nil {
		panic(err)
	}
	return g, lands
}

// TestSiteAddMatchesAccess: adding sites one by one to the state gives
// every commune exactly the access Access computes from scratch with the
// sites among the supply: nearest distance, across the sea or not, and
// the E2SFCA index (other formations' ratios depend on population only).
func TestSiteAddMatchesAccess(t *testing.T) {
	g, lands := gridGazetteer()
	supply := []Supply{{Commune: "01001", Dep: "01", Point: orb.Point{3.1, 45.1}, Formations: 1, Seats: 12}}
	b := newSitingBase(g, lands, Access(g, lands, supply), 12)
	st := b.state()
	sites := []Supply{
		{Commune: "01020", Dep: "01", Point: orb.Point{3.9, 45.7}, Formations: 1, Seats: 20},
		{Commune: "01999", Dep: "01", Point: orb.Point{4.7, 45.3}, Formations: 1, Seats: 5}, // the island gets its own
		{Commune: "01001", Dep: "01", Point: orb.Point{3.1, 45.1}, Formations: 1, Seats: 8}, // where one already is
	}
	for k, s := range sites {
		st.add(s.Point, area(s.Dep), lands.Of(s.Commune), s.Seats)
		want := Access(g, lands, append(slices.Clone(supply), sites[:k+1]...))
		for i, w := range want {
			got := st.access[i]
			if got.Code != w.Code || got.Reachable != w.Reachable || got.OverSea != w.OverSea ||
				math.Abs(got.NearestKm-w.NearestKm) > 1e-9 || math.Abs(got.Accessibility-w.Accessibility) > 1e-9*math.Max(1, w.Accessibility) {
				t.Fatalf("after site %d, %s: got %+v, want %+v", k, w.Code, got, w)
			}
		}
	}
	// Before the island had one, its nearest was across the sea.
	if a := b.access[b.idx["01999"]]; !a.OverSea || a.NearestKm < 100 {
		t.Errorf("island before: %+v", a)
	}
}

// TestSiteInCoveredCommuneChangesLittle: a formation where one already is
// brings nobody closer; only the E2SFCA index of the communes around
// moves, by the new seats over the same weighted population.
func TestSiteInCoveredCommuneChangesLittle(t *testing.T) {
	g, lands := gridGazetteer()
	supply := []Supply{{Commune: "01010", Dep: "01", Point: orb.Point{3.5, 45.3}, Formations: 1, Seats: 12}}
	b := newSitingBase(g, lands, Access(g, lands, supply), 12)
	st := b.state()
	changed := st.add(orb.Point{3.5, 45.3}, "metro", lands.Of("01010"), 12)
	for _, i := range changed {
		was, now := b.access[i], st.access[i]
		if was.NearestKm != now.NearestKm || was.OverSea != now.OverSea || was.Reachable != now.Reachable {
			t.Errorf("%s: nearest %v → %v", was.Code, was.NearestKm, now.NearestKm)
		}
		// The same seats again at the same place: the index doubles.
		if math.Abs(now.Accessibility-2*was.Accessibility) > 1e-9 {
			t.Errorf("%s: E2SFCA %v → %v, want twice", was.Code, was.Accessibility, now.Accessibility)
		}
	}
	n0, n1 := b.national, nationalAccess(st.access)
	if n0.MeanKm != n1.MeanKm || n0.Beyond30 != n1.Beyond30 || n0.Beyond60 != n1.Beyond60 {
		t.Errorf("national: %+v → %+v", n0, n1)
	}
}

// rowGazetteer is three départements in a row, 1° squares A (01), B (02)
// and C (03), one commune each at its centre, one région.
func rowGazetteer() *Gazetteer {
	var deps []Territory
	var cs []Commune
	for i, code := range []string{"01", "02", "03"} {
		x := 2 + float64(i)
		deps = append(deps, Territory{Level: LevelDepartement, Code: code, Name: "D" + code, Parent: "84", Zone: "metro",
			Population: 10000, Geometry: box(x, 45, x+1, 46)})
		cs = append(cs, Commune{Code: code + "001", Name: "T" + code, Departement: code, Region: "84", Population: 10000, Lon: x + 0.5, Lat: 45.5})
	}
	return NewGazetteerFrom(GazetteerData{
		Regions:      []Territory{{Level: LevelRegion, Code: "84", Name: "R", Zone: "metro", Population: 30000, Geometry: box(2, 45, 5, 46)}},
		Departements: deps, Communes: cs,
	})
}

// TestSiteRemovesOneDepartementGap: B has no formation, between A and C
// which have one: a gap zone of one département. One site in B removes it;
// a site in A (covered) changes no zone.
func TestSiteRemovesOneDepartementGap(t *testing.T) {
	g := rowGazetteer()
	ts := g.Departements()
	adj := NewAdjacency(ts, AdjacencyOptions{})
	if !slices.Equal(adj.Neighbours("02"), []string{"01", "03"}) {
		t.Fatalf("B's neighbours: %v", adj.Neighbours("02"))
	}
	formations := map[string]int{"01": 2, "02": 0, "03": 1}
	uncovered := func(extra map[string]int) map[string]bool {
		m := map[string]bool{}
		for code, n := range formations {
			m[code] = n+extra[code] <= 0
		}
		return m
	}
	before := uncovered(nil)
	got, after := simGaps(ts, adj, before, uncovered(map[string]int{"02": 1}), "formations ≤ 0")
	if len(got) != 1 || got[0].ID != "gap-02" || got[0].Status != GapVanished || !slices.Equal(got[0].Removed, []string{"02"}) ||
		got[0].MembersAfter != 0 || got[0].PopulationBefore != 10000 || got[0].PopulationAfter != 0 || len(got[0].Into) != 0 {
		t.Fatalf("site in B: %+v", got)
	}
	if len(after) != 0 {
		t.Fatalf("zones after: %+v", after)
	}
	if got, after := simGaps(ts, adj, before, uncovered(map[string]int{"01": 1}), "formations ≤ 0"); len(got) != 0 || len(after) != 1 {
		t.Fatalf("site in A: %+v", got)
	}
	// A zone of the three, cut in its middle, splits in two.
	none := map[string]bool{"01": true, "02": true, "03": true}
	got, _ = simGaps(ts, adj, none, map[string]bool{"01": true, "03": true}, "formations ≤ 0")
	if len(got) != 1 || got[0].Status != GapSplit || !slices.Equal(got[0].Into, []string{"gap-01", "gap-03"}) && !slices.Equal(got[0].Into, []string{"gap-03", "gap-01"}) {
		t.Fatalf("split: %+v", got)
	}
}

// lineOfTowns is nine towns T0–T8 on a parallel, 25 km apart, each its
// own bassin, with a formation in T0. Populations (thousands): T0 20,
// T1 10, T2 12, T3 10, T4 100, T5 11, T6 10, T7 10, T8 40.
func lineOfTowns() (*sitingBase, *siteDemand) {
	pops := []int64{20, 10, 12, 10, 100, 11, 10, 10, 40}
	var cs []Commune
	var bs []Territory
	step := 25 / (kmPerDegree * math.Cos(45*math.Pi/180)) // degrees of longitude for 25 km at 45°N
	for i, p := range pops {
		code := fmt.Sprintf("0100%d", i)
		bassin := fmt.Sprintf("10%d", i)
		cs = append(cs, Commune{Code: code, Name: fmt.Sprintf("T%d", i), Departement: "01", Region: "84", Bassin: bassin,
			Population: p * 1000, Lon: 2 + step*float64(i), Lat: 45})
		bs = append(bs, Territory{Level: LevelBassin, Code: bassin, Name: "B" + bassin, Parent: "01", Zone: "metro", Population: p * 1000})
	}
	g := NewGazetteerFrom(GazetteerData{
		Regions:      []Territory{{Level: LevelRegion, Code: "84", Name: "R", Zone: "metro"}},
		Departements: []Territory{{Level: LevelDepartement, Code: "01", Name: "D", Parent: "84", Zone: "metro"}},
		Bassins:      bs, Communes: cs,
	})
	lands := &Landmasses{}
	supply := []Supply{{Commune: "01000", Dep: "01", Point: orb.Point{cs[0].Lon, cs[0].Lat}, Formations: 1, Seats: 12}}
	b := newSitingBase(g, lands, Access(g, lands, supply), 12)
	// One hiring project a thousand inhabitants in every bassin, none
	// judged difficult, no outlines (so no gap area): the score is the
	// population brought within 30 km, in thousands.
	n := len(b.bassins)
	d := &siteDemand{family: "f", survey: 2024, projects: make([]float64, n), difficult: make([]*float64, n), reason: make([]string, n),
		perCap: make([]float64, n), rawCap: make([]float64, n), areaKm2: make([]float64, n), lambda: 1}
	for i, t := range b.bassins {
		d.projects[i] = float64(t.Population) / 1000
		d.perCap[i], d.rawCap[i] = 0.001, 0.001
	}
	return b, d
}

// TestGreedyLineOfTowns: with 30 km of reach and towns 25 km apart, a
// site reaches its town and both neighbours. Alone, T3 scores most
// (T2 + T3 + T4 = 122, T0 and T1 being already within reach of T0);
// given T3, T7 (T6 + T7 + T8 = 60); given both, only T5 is left, which
// T4, T5 and T6 reach alike (11): the largest town, T4, is chosen. Then
// nobody is left and the choice stops.
func TestGreedyLineOfTowns(t *testing.T) {
	b, dem := lineOfTowns()
	var cands []Candidate
	for i := range b.communes {
		cands = append(cands, b.candidate(i, "population"))
	}
	r := &Recommendation{Family: "f"}
	Indicators{Geo: b.g}.rankAndChoose(b, dem, cands, RecommendQuery{Level: LevelCommune, K: 4}, r)
	var order []string
	var scores []float64
	for _, c := range r.Greedy {
		order, scores = append(order, c.Name), append(scores, c.Score)
	}
	if !slices.Equal(order, []string{"T3", "T7", "T4"}) || !slices.Equal(scores, []float64{122, 60, 11}) {
		t.Fatalf("greedy: %v %v", order, scores)
	}
	if c := r.Greedy[2]; *c.Cumulative != 193 || c.Brought30 != 11000 || c.Order != 3 {
		t.Errorf("third: %+v", c)
	}
	if len(r.Notes) == 0 {
		t.Error("no note that the choice stopped")
	}
	// The ranking alone: T3, then T4 and T5 (120 each, T4 the larger).
	var ranked []string
	for _, c := range r.Items[:3] {
		ranked = append(ranked, c.Name)
	}
	if !slices.Equal(ranked, []string{"T3", "T4", "T5"}) || r.Items[0].Brought30 != 122000 || r.Items[0].Projects != 122 {
		t.Fatalf("ranking: %v %+v", ranked, r.Items[0])
	}
	if r.Items[0].ExplainEN == "" || r.Items[0].ExplainFR == "" {
		t.Error("no explanation")
	}
	// At bassin level each town is its own bassin: the same order.
	r2 := &Recommendation{Family: "f"}
	Indicators{Geo: b.g}.rankAndChoose(b, dem, slices.Clone(cands), RecommendQuery{Level: LevelBassin, K: 2}, r2)
	if len(r2.Greedy) != 2 || r2.Greedy[0].Name != "T3" || r2.Greedy[1].Name != "T7" {
		t.Fatalf("bassin level: %+v", r2.Greedy)
	}
}

// TestNearWith: the landmass rules of Access for one new formation.
func TestNearWith(t *testing.T) {
	for _, c := range []struct {
		name      string
		a         CommuneAccess
		d         float64
		own, land int
		want      CommuneAccess
		changed   bool
	}{
		{"nearer", CommuneAccess{NearestKm: 50, Reachable: true}, 10, 0, 0, CommuneAccess{NearestKm: 10, Reachable: true}, true},
		{"farther", CommuneAccess{NearestKm: 5, Reachable: true}, 10, 0, 0, CommuneAccess{NearestKm: 5, Reachable: true}, false},
		{"none in the area", CommuneAccess{}, 80, 1, 0, CommuneAccess{NearestKm: 80, Reachable: true, OverSea: true}, true},
		{"first on its island, though farther", CommuneAccess{NearestKm: 30, Reachable: true, OverSea: true}, 40, 1, 1,
			CommuneAccess{NearestKm: 40, Reachable: true}, true},
		{"across the sea, its island has one", CommuneAccess{NearestKm: 30, Reachable: true}, 5, 1, 0, CommuneAccess{NearestKm: 30, Reachable: true}, false},
		{"across the sea, nearer", CommuneAccess{NearestKm: 90, Reachable: true, OverSea: true}, 60, 1, 0,
			CommuneAccess{NearestKm: 60, Reachable: true, OverSea: true}, true},
		{"no outline", CommuneAccess{NearestKm: 90, Reachable: true}, 60, -1, 0, CommuneAccess{NearestKm: 60, Reachable: true}, true},
	} {
		got, ok := nearWith(c.a, c.d, c.own, c.land)
		if got != c.want || ok != c.changed {
			t.Errorf("%s: got %+v %v, want %+v %v", c.name, got, ok, c.want, c.changed)
		}
	}
}
