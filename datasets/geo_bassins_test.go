package datasets

import (
	"io/fs"
	"maps"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gen-numerique/observatory/observatory"
)

// The embedded bassins: the table's 404 less 501 Saint-Pierre-et-Miquelon,
// whose communes have no outline.
func TestBassinCounts(t *testing.T) {
	g := geography(t)
	bs := g.Bassins()
	if len(bs) != 403 {
		t.Errorf("%d bassins, want 403", len(bs))
	}
	if _, ok := g.Bassin("501"); ok {
		t.Error("bassin 501 (Saint-Pierre-et-Miquelon) is drawn")
	}
	for code, want := range map[string]string{"1107": "T1 Paris", "8457": "CLERMONT FERRAND", "102": "BASSIN GRANDE-TERRE", "601": "MAYOTTE"} {
		if b, ok := g.Bassin(code); !ok || b.Name != want {
			t.Errorf("Bassin(%s) = %q, %v; want %q", code, b.Name, ok, want)
		}
	}
	// Bassins crossing département borders, as BMO 2024 splits them.
	for code, want := range map[string][]string{"1119": {"93", "95", "77"}, "1129": {"94", "91"}} {
		if b, _ := g.Bassin(code); !slices.Equal(b.Departements, want) {
			t.Errorf("bassin %s: départements %v, want %v", code, b.Departements, want)
		}
	}
	missing, err := MissingBassins()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, m := range missing {
		names[m.Code] = m.Name
		if m.Reason == "" {
			t.Errorf("missing bassin %s: no reason", m.Code)
		}
		if _, ok := g.Bassin(m.Code); ok {
			t.Errorf("missing bassin %s is drawn", m.Code)
		}
	}
	if want := map[string]string{"104": "BASSIN ILES DU NORD", "304": "MATOURY", "7549": "Aiguillon", "501": "SAINT PIERRE ET MIQUELON"}; !maps.Equal(names, want) {
		t.Errorf("bassins without outline %v, want %v", names, want)
	}
}

// Every commune is in exactly one bassin; a bassin's population is its
// communes', its départements and régions theirs, in order of population.
func TestBassinsOfCommunes(t *testing.T) {
	g := geography(t)
	type acc struct {
		pop      int64
		dep, reg map[string]int64
	}
	accs := map[string]*acc{}
	var total int64
	for _, c := range g.Communes() {
		if c.Bassin == "" {
			t.Errorf("commune %s %s has no bassin", c.Code, c.Name)
			continue
		}
		a := accs[c.Bassin]
		if a == nil {
			a = &acc{dep: map[string]int64{}, reg: map[string]int64{}}
			accs[c.Bassin] = a
		}
		a.pop += c.Population
		a.dep[c.Departement] += c.Population
		a.reg[c.Region] += c.Population
		total += c.Population
	}
	for _, b := range g.Bassins() {
		a := accs[b.Code]
		if a == nil {
			t.Errorf("bassin %s has no commune", b.Code)
			continue
		}
		if a.pop != b.Population {
			t.Errorf("bassin %s: population %d, its communes add up to %d", b.Code, b.Population, a.pop)
		}
		for _, l := range []struct {
			name  string
			got   []string
			share map[string]int64
		}{{"départements", b.Departements, a.dep}, {"régions", b.Regions, a.reg}} {
			if !slices.Equal(slices.Sorted(slices.Values(l.got)), slices.Sorted(maps.Keys(l.share))) ||
				!slices.IsSortedFunc(l.got, func(x, y string) int { return int(l.share[y] - l.share[x]) }) {
				t.Errorf("bassin %s: %s %v, its communes' %v", b.Code, l.name, l.got, l.share)
			}
		}
		if d, _ := g.Departement(b.Parent); b.Parent != b.Departements[0] || d.Zone != b.Zone {
			t.Errorf("bassin %s: parent %s, zone %s", b.Code, b.Parent, b.Zone)
		}
	}
	var deps int64
	for _, d := range g.Departements() {
		deps += d.Population
	}
	if total != deps {
		t.Errorf("communes in a bassin add up to %d inhabitants, départements to %d", total, deps)
	}
	// Arrondissements municipaux are in their commune's bassin.
	for arr, commune := range map[string]string{"75112": "75056", "69383": "69123", "13208": "13055"} {
		a, _ := g.Commune(arr)
		c, _ := g.Commune(commune)
		if a.Bassin == "" || a.Bassin != c.Bassin {
			t.Errorf("arrondissement %s in bassin %q, its commune in %q", arr, a.Bassin, c.Bassin)
		}
	}
}

func communeShapes(t testing.TB) *observatory.CommuneShapes {
	t.Helper()
	s, err := geography(t).CommuneShapes()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Every commune has an outline, arrondissements municipaux none (the
// contours draw Paris, Lyon and Marseille whole); a sample is valid.
func TestCommuneOutlines(t *testing.T) {
	g := geography(t)
	s := communeShapes(t)
	if n := len(g.Communes()); s.Len() != n || n != 34875 {
		t.Errorf("%d outlines for %d communes, want 34,875", s.Len(), n)
	}
	for i, c := range g.Communes() {
		mp, ok := s.Shape(c.Code)
		if !ok {
			t.Errorf("commune %s has no outline", c.Code)
			continue
		}
		if i%20 != 0 {
			continue
		}
		for _, is := range observatory.CheckGeometry(mp) {
			t.Errorf("commune %s: %v", c.Code, is)
		}
	}
	for _, arr := range []string{"75101", "69381", "13201"} {
		if _, ok := s.Shape(arr); ok {
			t.Errorf("arrondissement %s has an outline", arr)
		}
	}
}

// The bassins are the union of their communes: valid outlines, each
// commune's area inside its bassin's, areas that add up (no gap, no
// overlap).
func TestBassinOutlines(t *testing.T) {
	g := geography(t)
	s := communeShapes(t)
	area := map[string]float64{}
	for _, c := range g.Communes() {
		mp, _ := s.Shape(c.Code)
		area[c.Bassin] += planar.Area(mp)
		// A point inside the commune is inside its bassin.
		if c.Lat == 0 || !planar.MultiPolygonContains(mp, orb.Point{c.Lon, c.Lat}) {
			continue
		}
		b, _ := g.Bassin(c.Bassin)
		if !planar.MultiPolygonContains(b.Geometry.(orb.MultiPolygon), orb.Point{c.Lon, c.Lat}) {
			t.Errorf("commune %s: its centroid is outside its bassin %s", c.Code, c.Bassin)
		}
	}
	for _, b := range g.Bassins() {
		mp, ok := b.Geometry.(orb.MultiPolygon)
		if !ok {
			t.Errorf("bassin %s: geometry %T", b.Code, b.Geometry)
			continue
		}
		for _, is := range observatory.CheckGeometry(mp) {
			t.Errorf("bassin %s: %v", b.Code, is)
		}
		if got := planar.Area(mp); math.Abs(got-area[b.Code]) > 1e-9*area[b.Code] {
			t.Errorf("bassin %s: area %v, its communes' %v", b.Code, got, area[b.Code])
		}
	}
}

func TestCommuneAtReal(t *testing.T) {
	g := geography(t)
	for _, c := range []struct {
		name     string
		lon, lat float64
		want     string
	}{
		{"Lyon, place Bellecour", 4.8320, 45.7578, "69123"},
		{"Paris, Notre-Dame", 2.3499, 48.8530, "75056"},
		{"Ajaccio", 8.7369, 41.9192, "2A004"},
		{"Saint-Denis (La Réunion)", 55.4504, -20.8823, "97411"},
		{"Cayenne", -52.3260, 4.9372, "97302"},
		{"Mamoudzou", 45.2279, -12.7806, "97611"},
		{"Verdun", 5.3844, 49.1598, "55545"},
		// In no outline, but within CommuneToleranceKm of one.
		{"Brest harbour", -4.4920, 48.3780, "29019"},
		{"off La Rochelle", -1.2, 46.14, "17300"},
		{"Bay of Biscay, far out", -5, 45, ""},
		{"Quiberon bay", -3, 47.5, ""},
	} {
		got, ok, err := g.CommuneAt(c.lon, c.lat)
		if err != nil || got.Code != c.want || ok != (c.want != "") {
			t.Errorf("%s: CommuneAt(%v, %v) = %s %s, %v, %v; want %q", c.name, c.lon, c.lat, got.Code, got.Name, ok, err, c.want)
		}
	}
	// The 2018 centroids fall in their commune, but for communes that
	// merged or split since (their code is another commune's now) and a
	// few crescent-shaped ones whose centroid lies outside.
	var n, other int
	for _, c := range g.Communes() {
		if c.Lat == 0 {
			continue
		}
		n++
		if got, _, _ := g.CommuneAt(c.Lon, c.Lat); got.Code != c.Code {
			other++
		}
	}
	if n < 34000 || other > n/200 {
		t.Errorf("%d of %d commune centroids found in another commune", other, n)
	}
	t.Logf("%d of %d commune centroids found in another commune", other, n)
}

// The outlines stay a small part of the binary.
func TestOutlineFilesSize(t *testing.T) {
	for name, max := range map[string]int64{"communes.topojson.gz": 3 << 20, "bassins.topojson.gz": 300 << 10} {
		fi, err := fs.Stat(GeoFiles(), name)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > max {
			t.Errorf("%s is %d bytes, want at most %d", name, fi.Size(), max)
		}
	}
}
