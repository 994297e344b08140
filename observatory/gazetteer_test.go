package observatory_test

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
)

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"Auvergne-Rhône-Alpes":       "auvergne rhone alpes",
		"  auvergne   rhone--alpes ": "auvergne rhone alpes",
		"Côtes-d’Armor":              "cotes d armor",
		"CÔTES D'ARMOR":              "cotes d armor",
		"Hœdic":                      "hoedic",
		"Île-de-France":              "ile de france",
		"Provence-Alpes-Côte d'Azur": "provence alpes cote d azur",
		"Saint-Denis (974)":          "saint denis 974",
		"":                           "",
		" - ":                        "",
	} {
		if got := observatory.NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsArrondissementMunicipal(t *testing.T) {
	for code, want := range map[string]bool{
		"75101": true, "75120": true, "13201": true, "13216": true, "69381": true, "69389": true,
		"75056": false, "75121": false, "13217": false, "69380": false, "69123": false, "7510": false,
	} {
		if got := observatory.IsArrondissementMunicipal(code); got != want {
			t.Errorf("IsArrondissementMunicipal(%q) = %v", code, got)
		}
	}
}

// square returns a counter-clockwise ring around [x0,x1]×[y0,y1].
func square(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

// TestGazetteerGeometry checks the tolerance rules on outlines simple
// enough to reason about: 69 is a square with a large hole, 01 its eastern
// neighbour, given as a Polygon rather than a MultiPolygon.
func TestGazetteerGeometry(t *testing.T) {
	hole := square(4.4, 45.4, 4.6, 45.6)
	hole.Reverse()
	g := observatory.NewGazetteer(
		[]observatory.Territory{{Level: observatory.LevelRegion, Code: "84", Name: "Auvergne-Rhône-Alpes"}},
		[]observatory.Territory{
			{Level: observatory.LevelDepartement, Code: "69", Name: "Rhône", Parent: "84",
				Geometry: orb.MultiPolygon{{square(4, 45, 5, 46), hole}}},
			{Level: observatory.LevelDepartement, Code: "01", Name: "Ain", Parent: "84",
				Geometry: orb.Polygon{square(5, 45, 6, 46)}},
		}, nil)
	for _, c := range []struct {
		lon, lat float64
		want     string
	}{
		{4.2, 45.2, "69"},
		{5.5, 45.5, "01"},
		{5.01, 45.5, "01"},   // inside 01 beats near 69
		{3.99, 45.5, "69"},   // 0.8 km west of 69
		{4.41, 45.5, "69"},   // 0.8 km into the hole
		{4.5, 45.5, ""},      // 8 km into the hole
		{3.9, 45.5, ""},      // 8 km west
		{4.5, 44.99, "69"},   // 1.1 km south
		{4.5, 44.97, ""},     // 3.3 km south
		{6.02, 45.5, "01"},   // 1.6 km east of 01
		{6.03, 45.5, ""},     // 2.3 km east
		{-52.3, 4.9, ""},     // nowhere near
		{4.5, 145.5, ""},     // not a latitude
		{180.5, 45.5, ""},    // not a longitude
		{4.0, 45.0, "69"},    // on a corner
		{4.99, 46.001, "69"}, // just north, nearer 69 than 01
	} {
		if got, ok := g.LocateDepartement(c.lon, c.lat); got != c.want || ok != (c.want != "") {
			t.Errorf("LocateDepartement(%v, %v) = %q, %v; want %q", c.lon, c.lat, got, ok, c.want)
		}
	}
	if !g.InDepartement("69", 5.01, 45.5) || g.InDepartement("69", 5.1, 45.5) || g.InDepartement("75", 4.2, 45.2) {
		t.Error("InDepartement ignores the tolerance or the code")
	}
	if d, ok := g.Territory(observatory.LevelDepartement, "01"); !ok || d.Name != "Ain" {
		t.Errorf("Territory(departement, 01) = %+v, %v", d, ok)
	}
	if _, ok := g.Territory(observatory.LevelBassin, "01"); ok || g.Territories(observatory.LevelBassin) != nil {
		t.Error("the gazetteer claims bassins")
	}
	// Returned slices are copies: changing them leaves the gazetteer intact.
	deps := g.Territories(observatory.LevelDepartement)
	if deps[0].Code != "01" {
		t.Errorf("départements not sorted: %v first", deps[0].Code)
	}
	deps[0].Name = "changed"
	if d, _ := g.Departement("01"); d.Name != "Ain" {
		t.Error("Departements returned the gazetteer's own slice")
	}
}

func TestGazetteerCommunes(t *testing.T) {
	g := observatory.NewGazetteer(nil, []observatory.Territory{
		{Code: "01", Name: "Ain"}, {Code: "39", Name: "Jura"}, {Code: "69", Name: "Rhône"},
	}, []observatory.Commune{
		{Code: "69383", Name: "Lyon 3e Arrondissement", Departement: "69", Population: 100, Postcodes: []string{"69003"}},
		{Code: "69123", Name: "Lyon", Departement: "69", Population: 500, Postcodes: []string{"69001", "69003"}},
		{Code: "01001", Name: "A", Departement: "01", Postcodes: []string{"01410"}},
		{Code: "39001", Name: "B", Departement: "39", Postcodes: []string{"01410"}},
	})
	if cs := g.Communes(); len(cs) != 3 || cs[0].Code != "01001" || cs[2].Code != "69123" {
		t.Errorf("Communes() = %+v, want 3 communes by code, no arrondissement", cs)
	}
	if c, ok := g.Commune("69383"); !ok || c.Population != 100 {
		t.Errorf("Commune(69383) = %+v, %v", c, ok)
	}
	if cs := g.CommunesByPostcode(" 69003 "); len(cs) != 2 || cs[0].Code != "69123" {
		t.Errorf("CommunesByPostcode(69003) = %+v", cs)
	}
	if cs := g.CommunesByPostcode("75001"); len(cs) != 0 {
		t.Errorf("CommunesByPostcode(75001) = %+v", cs)
	}
	// 01410 serves communes of 01 and 39: the postal rule decides.
	for pc, want := range map[string]string{"01410": "01", "69003": "69", "39000": "39", "75001": ""} {
		if got, ok := g.DepartementOfPostcode(pc); got != want && ok || ok != (want != "") {
			t.Errorf("DepartementOfPostcode(%q) = %q, %v; want %q", pc, got, ok, want)
		}
	}
}

// The real gazetteer: names and codes as publishers write them.
func TestGazetteerNormalizeReal(t *testing.T) {
	g := datasetstest.Geo(t)
	for in, want := range map[string]string{
		"Guadeloupe": "971", "guyane": "973", "Mayotte": "976", "Réunion": "974", "2B - Haute-Corse": "2B",
		"Seine-Saint-Denis": "93", "Val-d'Oise": "95", "Rhône (13)": "",
	} {
		got, ok := g.NormalizeDepartement(in)
		if got != want && ok || ok != (want != "") {
			t.Errorf("NormalizeDepartement(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for in, want := range map[string]string{"Guadeloupe": "01", "06": "06", "6": "06", "Grand-Est": "44", "Corse": "94"} {
		if got, ok := g.NormalizeRegion(in); got != want || !ok {
			t.Errorf("NormalizeRegion(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
