package datasets

import (
	"io/fs"
	"math"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gen-numerique/observatory/observatory"
)

// sourcePopulation is the sum of "population" over the commune-actuelle
// entries outside the COM of @etalab/decoupage-administratif 6.0.0
// (../shared/data/raw/geo/communes.json, which tests cannot read), as
// SOURCES.md says to add them up.
const sourcePopulation = 68_350_798

// parsed is the embedded geography, parsed once for the test binary.
var parsed = sync.OnceValues(Geography)

func geography(t testing.TB) *observatory.Gazetteer {
	t.Helper()
	g, err := parsed()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGeographyCounts(t *testing.T) {
	g := geography(t)
	if n := len(g.Regions()); n != 18 {
		t.Errorf("%d régions, want 18", n)
	}
	if n := len(g.Departements()); n != 101 {
		t.Errorf("%d départements, want 101", n)
	}
	if n := len(g.Communes()); n < 34000 {
		t.Errorf("%d communes, want at least 34,000", n)
	}
	// Every commune has a region consistent with its département.
	for _, c := range g.Communes() {
		if d, _ := g.Departement(c.Departement); d.Parent != c.Region {
			t.Fatalf("commune %s: région %s, its département %s is in %s", c.Code, c.Region, d.Code, d.Parent)
		}
	}
}

func TestGeographyPopulation(t *testing.T) {
	g := geography(t)
	var communes, regions, deps int64
	for _, c := range g.Communes() {
		communes += c.Population
	}
	for _, r := range g.Regions() {
		regions += r.Population
	}
	for _, d := range g.Departements() {
		deps += d.Population
	}
	if communes != regions || communes != deps {
		t.Errorf("population: communes %d, régions %d, départements %d", communes, regions, deps)
	}
	if communes < 65e6 || communes > 70e6 {
		t.Errorf("national population %d, not about 68 million", communes)
	}

	want := int64(sourcePopulation)
	if math.Abs(float64(communes-want)) > 0.01*float64(want) {
		t.Errorf("national population %d, source says %d", communes, want)
	}
}

func TestGeographyRings(t *testing.T) {
	g := geography(t)
	for _, ts := range [][]observatory.Territory{g.Regions(), g.Departements()} {
		for _, tr := range ts {
			mp, ok := tr.Geometry.(orb.MultiPolygon)
			if !ok || len(mp) == 0 {
				t.Errorf("%s %s: geometry %T, want a non-empty MultiPolygon", tr.Level, tr.Code, tr.Geometry)
				continue
			}
			for _, p := range mp {
				for i, r := range p {
					want := orb.CCW // RFC 7946: exteriors counter-clockwise, holes clockwise
					if i > 0 {
						want = orb.CW
					}
					switch {
					case len(r) < 4:
						t.Errorf("%s %s: ring of %d points", tr.Level, tr.Code, len(r))
					case !r.Closed():
						t.Errorf("%s %s: open ring", tr.Level, tr.Code)
					case r.Orientation() != want:
						t.Errorf("%s %s: ring %d wound %v", tr.Level, tr.Code, i, r.Orientation())
					}
				}
			}
		}
	}
}

// Every embedded outline is valid by observatory.CheckGeometry (rings,
// winding, no self-intersection), except small islands that Douglas–Peucker
// folded into figures of eight (one in the bassin d'Arcachon, in the
// Gironde and Nouvelle-Aquitaine outlines), which observatory.CleanGeometry
// drops before serving. Any other defect fails, as does a folded polygon
// that is not small.
func TestGeometriesValid(t *testing.T) {
	g := geography(t)
	for _, ts := range [][]observatory.Territory{g.Regions(), g.Departements()} {
		for _, tr := range ts {
			mp, ok := tr.Geometry.(orb.MultiPolygon)
			if !ok {
				continue // TestGeographyRings reports it
			}
			var total float64
			for _, p := range mp {
				total += planar.Area(p)
			}
			for _, is := range observatory.CheckGeometry(mp) {
				if is.Kind == observatory.IssueSelfIntersection && planar.Area(mp[is.Polygon]) < 0.01*total {
					t.Logf("%s %s: folded island, dropped when served: %v", tr.Level, tr.Code, is)
					continue
				}
				t.Errorf("%s %s: %v", tr.Level, tr.Code, is)
			}
		}
	}
}

func TestGeoFilesSize(t *testing.T) {
	fi, err := fs.Stat(GeoFiles(), "departements.geojson")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() >= 1<<20 {
		t.Errorf("departements.geojson is %d bytes, want under 1 MB", fi.Size())
	}
}

func TestParisCentroid(t *testing.T) {
	g := geography(t)
	paris, ok := g.Commune("75056")
	if !ok || paris.Departement != "75" {
		t.Fatalf("Commune(75056) = %+v, %v", paris, ok)
	}
	d, _ := g.Departement("75")
	if !planar.MultiPolygonContains(d.Geometry.(orb.MultiPolygon), orb.Point{paris.Lon, paris.Lat}) {
		t.Errorf("Paris centroid %v,%v outside département 75", paris.Lon, paris.Lat)
	}
	if !g.InDepartement("75", paris.Lon, paris.Lat) || g.InDepartement("13", paris.Lon, paris.Lat) {
		t.Error("InDepartement is wrong about Paris")
	}
	// Arrondissements are found by code but not counted among communes.
	if a, ok := g.Commune("75101"); !ok || a.Departement != "75" {
		t.Errorf("Commune(75101) = %+v, %v", a, ok)
	}
	for _, c := range g.Communes() {
		if observatory.IsArrondissementMunicipal(c.Code) {
			t.Fatalf("Communes lists arrondissement %s", c.Code)
		}
	}
}

func TestLocateDepartement(t *testing.T) {
	g := geography(t)
	for _, c := range []struct {
		name     string
		lon, lat float64
		want     string
	}{
		{"Lyon", 4.835, 45.76, "69"},
		{"Ajaccio", 8.7369, 41.9192, "2A"},
		{"Bastia", 9.45, 42.70, "2B"},
		{"Saint-Denis (La Réunion)", 55.45, -20.88, "974"},
		{"Cayenne", -52.33, 4.93, "973"},
		{"Pointe-à-Pitre", -61.53, 16.24, "971"},
		{"Mamoudzou", 45.227, -12.78, "976"},
		{"Brest", -4.486, 48.39, "29"},
		{"Strasbourg", 7.75, 48.58, "67"},
	} {
		if got, ok := g.LocateDepartement(c.lon, c.lat); got != c.want || !ok {
			t.Errorf("%s: LocateDepartement(%v, %v) = %q, %v; want %q", c.name, c.lon, c.lat, got, ok, c.want)
		}
	}
	for _, p := range [][2]float64{{-30, 45}, {0, 0}, {-3.5, 50.5} /* the Channel, off Devon */, {math.NaN(), 45}} {
		if got, ok := g.LocateDepartement(p[0], p[1]); ok {
			t.Errorf("LocateDepartement(%v, %v) = %q, want none", p[0], p[1], got)
		}
	}
}

// Every commune centroid lies in its own département, within the
// tolerance. LocateDepartement may name a neighbour for a few communes on a
// border (the simplified outlines move borders by up to a kilometre or so),
// which is why coordinates are checked with InDepartement.
func TestCommuneCentroidsLocate(t *testing.T) {
	g := geography(t)
	var n, miss, other int
	for _, c := range g.Communes() {
		if c.Lat == 0 && c.Lon == 0 {
			continue
		}
		n++
		if !g.InDepartement(c.Departement, c.Lon, c.Lat) {
			if miss++; miss <= 10 {
				t.Errorf("commune %s %s: centroid %v,%v outside département %s", c.Code, c.Name, c.Lon, c.Lat, c.Departement)
			}
		}
		if d, _ := g.LocateDepartement(c.Lon, c.Lat); d != c.Departement {
			other++
		}
	}
	if n < 34000 || other > n/500 {
		t.Errorf("%d of %d commune centroids located in another département", other, n)
	}
}

func TestDepartementOfPostcode(t *testing.T) {
	g := geography(t)
	for pc, want := range map[string]string{
		"69003": "69", "20000": "2A", "20200": "2B", "97400": "974", "01000": "01",
		"94390": "91", // Orly airport: a 94 postcode for communes of the 91
		"20199": "2A", // unknown postcodes go by the rule
		"2110":  "", "99999": "", "00100": "", "96000": "", "97133": "", "20500": "", "6900a": "",
	} {
		got, ok := g.DepartementOfPostcode(pc)
		if got != want && ok || ok != (want != "") {
			t.Errorf("DepartementOfPostcode(%q) = %q, %v; want %q", pc, got, ok, want)
		}
	}
	if cs := g.CommunesByPostcode("69003"); len(cs) != 2 || cs[0].Code != "69123" || cs[1].Code != "69383" {
		t.Errorf("CommunesByPostcode(69003) = %+v, want Lyon and its 3rd arrondissement", cs)
	}
}

func TestNormalizeDepartement(t *testing.T) {
	g := geography(t)
	for in, want := range map[string]string{
		"1": "01", "01": "01", " 01 ": "01", "2a": "2A", "2A": "2A", "971": "971", "976": "976",
		"Rhône": "69", "rhone": "69", "69 - Rhône": "69", "Rhône (69)": "69", "69.0": "69", "069": "69",
		"Côtes-d'Armor": "22", "cotes d armor": "22", "Réunion": "974", "la reunion": "974",
		"Corse-du-Sud": "2A", "HAUTE CORSE": "2B", "Territoire de Belfort": "90",
		"20": "", "97": "", "975": "", "0": "", "": "", "Corse": "", "13 - Rhône": "", "Atlantis": "",
	} {
		got, ok := g.NormalizeDepartement(in)
		if got != want && ok || ok != (want != "") {
			t.Errorf("NormalizeDepartement(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestNormalizeRegion(t *testing.T) {
	g := geography(t)
	for in, want := range map[string]string{
		"84": "84", "Auvergne-Rhône-Alpes": "84", "auvergne rhone alpes": "84", "1": "01",
		"Provence-Alpes-Côte d’Azur": "93", "Île-de-France": "11", "ile de france": "11",
		"La Réunion": "04", "84 - Auvergne-Rhône-Alpes": "84",
		"Rhône-Alpes": "", "975": "", "": "",
	} {
		got, ok := g.NormalizeRegion(in)
		if got != want && ok || ok != (want != "") {
			t.Errorf("NormalizeRegion(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func BenchmarkLocateDepartement(b *testing.B) {
	g := geography(b)
	var pts []orb.Point
	for i, c := range g.Communes() {
		if i%50 == 0 && c.Lat != 0 {
			pts = append(pts, orb.Point{c.Lon, c.Lat})
		}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := pts[i%len(pts)]
		g.LocateDepartement(p[0], p[1])
	}
}
