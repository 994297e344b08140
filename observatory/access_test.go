package observatory_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
)

// commune is an outline [lon0, lat0]–[lon1, lat1] (see square).
func commune(lon0, lat0, lon1, lat1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{square(lon0, lat0, lon1, lat1)}}
}

// accessGazetteer is a constructed département of three communes: A and
// B share a border (30 km apart, centroid to centroid), C is an island.
func accessGazetteer() *observatory.Gazetteer {
	communes := []observatory.Commune{
		{Code: "01001", Name: "A", Departement: "01", Region: "84", Population: 1000, Lat: 45, Lon: 3},
		{Code: "01002", Name: "B", Departement: "01", Region: "84", Population: 3000, Lat: 45.3, Lon: 3},
		{Code: "01003", Name: "C", Departement: "01", Region: "84", Population: 500, Lat: 45, Lon: 4},
	}
	shapes := map[string]orb.MultiPolygon{
		"01001": commune(2.9, 44.85, 3.1, 45.15),
		"01002": commune(2.9, 45.15, 3.1, 45.45), // shares A's northern edge
		"01003": commune(3.95, 44.95, 4.05, 45.05),
	}
	return observatory.NewGazetteerFrom(observatory.GazetteerData{
		Regions:       []observatory.Territory{{Level: observatory.LevelRegion, Code: "84", Name: "R", Zone: "metro", Population: 4500}},
		Departements:  []observatory.Territory{{Level: observatory.LevelDepartement, Code: "01", Name: "D", Parent: "84", Zone: "metro", Population: 4500}},
		Communes:      communes,
		CommuneShapes: func() (map[string]orb.MultiPolygon, error) { return shapes, nil },
	})
}

// TestE2SFCAByHand: 20 seats in A. Step 1: R = 20 / (1000 × 1 + 3000 × 0.68),
// B being 33 km away (weight of the 20–40 km band); C, 79 km away, is out
// of the 60 km catchment. Step 2: A gets R × 1, B gets R × 0.68 (per 100,000
// inhabitants), C nothing; C's nearest formation is across the sea.
func TestE2SFCAByHand(t *testing.T) {
	g := accessGazetteer()
	shapes, err := g.CommuneShapes()
	if err != nil {
		t.Fatal(err)
	}
	lands := observatory.NewLandmasses(shapes)
	if lands.Of("01001") != lands.Of("01002") || lands.Of("01001") == lands.Of("01003") || lands.Count() != 2 {
		t.Fatalf("landmasses: A %d, B %d, C %d", lands.Of("01001"), lands.Of("01002"), lands.Of("01003"))
	}
	supply := []observatory.Supply{{Commune: "01001", Dep: "01", Point: orb.Point{3, 45}, Formations: 1, Seats: 20}}
	got := map[string]observatory.CommuneAccess{}
	for _, a := range observatory.Access(g, lands, supply) {
		got[a.Code] = a
	}
	r := 20.0 / (1000*1 + 3000*0.68)
	for code, want := range map[string]float64{"01001": r * 1e5, "01002": r * 0.68 * 1e5, "01003": 0} {
		if math.Abs(got[code].Accessibility-want) > 1e-9 {
			t.Errorf("%s: accessibility %v, want %v", code, got[code].Accessibility, want)
		}
	}
	if a := got["01001"]; a.NearestKm != 0 || a.OverSea || !a.Reachable {
		t.Errorf("A: %+v", a)
	}
	if b := got["01002"]; math.Abs(b.NearestKm-33.36) > 0.1 || b.OverSea {
		t.Errorf("B: %+v", b)
	}
	if c := got["01003"]; !c.OverSea || math.Abs(c.NearestKm-78.6) > 0.5 {
		t.Errorf("C: %+v", c)
	}
	by := observatory.AccessBy(g, observatory.LevelDepartement, observatory.Access(g, lands, supply))["01"]
	if by.Population != 4500 || by.Beyond30 != 3500 || by.Beyond60 != 500 || by.OverSea != 500 {
		t.Errorf("département: %+v", by)
	}
	if want := (1000*0 + 3000*got["01002"].NearestKm + 500*got["01003"].NearestKm) / 4500; math.Abs(by.MeanKm-want) > 1e-9 {
		t.Errorf("mean %v, want %v", by.MeanKm, want)
	}
}

// TestLandmassesOfFrance: on the embedded outlines, the mainland is one
// landmass, Corsica another, islands their own; no overseas commune shares
// a landmass with the mainland.
func TestLandmassesOfFrance(t *testing.T) {
	g := datasetstest.Geo(t)
	shapes, err := g.CommuneShapes()
	if err != nil {
		t.Fatal(err)
	}
	l := observatory.NewLandmasses(shapes)
	paris, lyon, brest := l.Of("75056"), l.Of("69123"), l.Of("29019")
	if paris < 0 || paris != lyon || paris != brest {
		t.Errorf("mainland split: Paris %d, Lyon %d, Brest %d", paris, lyon, brest)
	}
	ajaccio, bastia := l.Of("2A004"), l.Of("2B033")
	if ajaccio != bastia || ajaccio == paris {
		t.Errorf("Corsica: Ajaccio %d, Bastia %d, mainland %d", ajaccio, bastia, paris)
	}
	// Île d'Yeu, Ouessant, Marie-Galante's Grand-Bourg, Saint-Denis de La Réunion.
	for _, code := range []string{"85113", "29155", "97112", "97411"} {
		if l.Of(code) < 0 || l.Of(code) == paris {
			t.Errorf("%s is on the mainland's landmass", code)
		}
	}
	t.Logf("%d landmasses", l.Count())
}
