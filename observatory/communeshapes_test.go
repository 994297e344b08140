package observatory_test

import (
	"errors"
	"math"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
)

// A small gazetteer: two communes side by side, one with an enclave of a
// third, two bassins; the outlines are counted as they are loaded.
func bassinGazetteer(t *testing.T, loads *atomic.Int32, fail bool) *observatory.Gazetteer {
	t.Helper()
	hole := square(4.2, 45.2, 4.4, 45.4)
	hole.Reverse()
	shapes := map[string]orb.MultiPolygon{
		"69001": {{square(4, 45, 5, 46), hole}},
		"69002": {{square(5, 45, 6, 46)}},
		"69003": {{square(4.2, 45.2, 4.4, 45.4)}},
	}
	return observatory.NewGazetteerFrom(observatory.GazetteerData{
		Regions:      []observatory.Territory{{Level: observatory.LevelRegion, Code: "84", Name: "Auvergne-Rhône-Alpes", Zone: "metro"}},
		Departements: []observatory.Territory{{Level: observatory.LevelDepartement, Code: "69", Name: "Rhône", Parent: "84", Zone: "metro"}},
		Bassins: []observatory.Territory{
			{Level: observatory.LevelBassin, Code: "8428", Name: "LYON CENTRE", Parent: "69", Departements: []string{"69"}, Regions: []string{"84"}, Population: 30},
			{Level: observatory.LevelBassin, Code: "8401", Name: "AILLEURS", Parent: "69", Departements: []string{"69"}, Regions: []string{"84"}, Population: 5},
		},
		Communes: []observatory.Commune{
			{Code: "69001", Name: "A", Departement: "69", Region: "84", Bassin: "8428", Population: 10},
			{Code: "69002", Name: "B", Departement: "69", Region: "84", Bassin: "8401", Population: 5},
			{Code: "69003", Name: "C", Departement: "69", Region: "84", Bassin: "8428", Population: 20},
			{Code: "69381", Name: "A 1er", Departement: "69", Region: "84", Bassin: "8428", Population: 1},
		},
		CommuneShapes: func() (map[string]orb.MultiPolygon, error) {
			loads.Add(1)
			if fail {
				return nil, errors.New("corrupt")
			}
			return shapes, nil
		},
	})
}

func TestGazetteerBassins(t *testing.T) {
	var loads atomic.Int32
	g := bassinGazetteer(t, &loads, false)
	bs := g.Territories(observatory.LevelBassin)
	if len(bs) != 2 || bs[0].Code != "8401" || bs[1].Name != "LYON CENTRE" {
		t.Errorf("Territories(bassin) = %+v, want 2 by code", bs)
	}
	if b, ok := g.Territory(observatory.LevelBassin, "8428"); !ok || b.Parent != "69" || b.Regions[0] != "84" {
		t.Errorf("Territory(bassin, 8428) = %+v, %v", b, ok)
	}
	if _, ok := g.Bassin("9999"); ok {
		t.Error("Bassin(9999) found")
	}
	if c, _ := g.Commune("69003"); c.Bassin != "8428" {
		t.Errorf("commune 69003 in bassin %q", c.Bassin)
	}
	if loads.Load() != 0 {
		t.Error("outlines loaded before any query needed them")
	}
}

func TestCommuneAt(t *testing.T) {
	var loads atomic.Int32
	g := bassinGazetteer(t, &loads, false)
	for _, c := range []struct {
		lon, lat float64
		want     string
	}{
		{4.1, 45.5, "69001"},
		{5.5, 45.5, "69002"},
		{4.3, 45.3, "69003"},   // in the enclave, not in the commune around it
		{4.2, 45.3, "69003"},   // on the enclave's border: the hole excludes it from 69001
		{5, 45.5, "69001"},     // on a border: the lowest code
		{3.995, 45.5, "69001"}, // 0.4 km west of every outline: the nearest
		{6.02, 45.5, ""},       // 1.6 km east
		{4.5, 46.5, ""},        // far north
		{math.NaN(), 45.5, ""},
		{190, 45.5, ""},
	} {
		got, ok, err := g.CommuneAt(c.lon, c.lat)
		if err != nil || got.Code != c.want || ok != (c.want != "") {
			t.Errorf("CommuneAt(%v, %v) = %q, %v, %v; want %q", c.lon, c.lat, got.Code, ok, err, c.want)
		}
	}
	ts := g.Territories(observatory.LevelCommune)
	if len(ts) != 3 || ts[0].Parent != "69" || ts[0].Zone != "" && ts[0].Zone != "metro" || ts[2].Geometry == nil {
		t.Errorf("Territories(commune) = %+v, want the 3 communes (not the arrondissement) with outlines", ts)
	}
	if _, ok := g.Territory(observatory.LevelCommune, "69381"); ok {
		t.Error("an arrondissement is a commune territory")
	}
	if c, ok := g.Territory(observatory.LevelCommune, "69002"); !ok || c.Geometry == nil || c.Population != 5 || c.Zone != "metro" {
		t.Errorf("Territory(commune, 69002) = %+v, %v", c, ok)
	}
	s, err := g.CommuneShapes()
	if err != nil || s.Len() != 3 {
		t.Fatalf("CommuneShapes() = %v, %v", s, err)
	}
	if _, ok := s.Shape("69381"); ok {
		t.Error("the arrondissement has an outline")
	}
	if n := loads.Load(); n != 1 {
		t.Errorf("outlines loaded %d times, want once", n)
	}
}

func TestCommuneShapesErrors(t *testing.T) {
	var loads atomic.Int32
	g := bassinGazetteer(t, &loads, true)
	if _, ok, err := g.CommuneAt(4.5, 45.5); err == nil || ok {
		t.Errorf("CommuneAt with corrupt outlines: %v, %v", ok, err)
	}
	if ts := g.Territories(observatory.LevelCommune); ts != nil {
		t.Errorf("Territories(commune) with corrupt outlines = %v", ts)
	}
	g.CommuneShapes()
	if n := loads.Load(); n != 1 {
		t.Errorf("a failed load was tried %d times, want once", n)
	}
	plain := observatory.NewGazetteer(nil, nil, nil)
	if _, err := plain.CommuneShapes(); err == nil {
		t.Error("a gazetteer without outlines gave some")
	}
}

// BenchmarkCommuneAt looks up points spread over France (commune
// centroids, every 7th), once the outlines are loaded.
func BenchmarkCommuneAt(b *testing.B) {
	g := datasetstest.Geo(b)
	s, err := g.CommuneShapes()
	if err != nil {
		b.Fatal(err)
	}
	var pts []orb.Point
	for i, c := range g.Communes() {
		if i%7 == 0 && c.Lat != 0 {
			pts = append(pts, orb.Point{c.Lon, c.Lat})
		}
	}
	for i := 0; b.Loop(); i++ {
		p := pts[i%len(pts)]
		s.At(p[0], p[1])
	}
}

// BenchmarkCommuneAtOffshore looks up points just off the coast, in no
// outline, which fall back to the nearest outline within the tolerance.
func BenchmarkCommuneAtOffshore(b *testing.B) {
	g := datasetstest.Geo(b)
	s, err := g.CommuneShapes()
	if err != nil {
		b.Fatal(err)
	}
	pts := []orb.Point{{-4.4920, 48.3780} /* Brest harbour */, {5.3500, 43.2950} /* off Marseille */, {-1.2, 46.14} /* off La Rochelle */}
	for i := 0; b.Loop(); i++ {
		p := pts[i%len(pts)]
		s.At(p[0], p[1])
	}
}
