package observatory_test

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
)

func bassinAdjacency(t testing.TB) (*observatory.Gazetteer, *observatory.Adjacency) {
	t.Helper()
	g := datasetstest.Geo(t)
	return g, observatory.NewAdjacency(g.Bassins(), observatory.AdjacencyOptions{})
}

// sharedBorders measures, from the outlines alone, the length of border
// each pair of bassins shares exactly: the segments one has and the other
// has reversed (their outlines are unions of the same commune arcs).
func sharedBorders(ts []observatory.Territory) map[[2]string]float64 {
	type seg struct{ a, b orb.Point }
	owner := map[seg]string{}
	km := map[[2]string]float64{}
	for _, t := range ts {
		for _, p := range t.Geometry.(orb.MultiPolygon) {
			for _, r := range p {
				for i := 1; i < len(r); i++ {
					s := seg{r[i-1], r[i]}
					if o, ok := owner[seg{s.b, s.a}]; ok {
						kx := math.Cos(s.a[1]*math.Pi/180) * 111.2
						km[[2]string{min(o, t.Code), max(o, t.Code)}] += math.Hypot((s.b[0]-s.a[0])*kx, (s.b[1]-s.a[1])*111.2)
					}
					owner[s] = t.Code
				}
			}
		}
	}
	return km
}

// TestAdjacencyBassins computes the bassins' adjacency once (it takes a
// fraction of a second) for the checks below.
func TestAdjacencyBassins(t *testing.T) {
	g, adj := bassinAdjacency(t)
	t.Run("exact", func(t *testing.T) { testAdjacencyBassinsExact(t, g, adj) })
	t.Run("pairs", func(t *testing.T) { testAdjacencyBassinsPairs(t, g, adj) })
	t.Run("components", func(t *testing.T) { testAdjacencyBassinsConnected(t, g, adj) })
}

// The adjacency of the bassins is the graph of the borders they share
// exactly, of at least AdjacencyMinSharedKm: 1,050 pairs touch, all but
// two over more than that.
func testAdjacencyBassinsExact(t *testing.T, g *observatory.Gazetteer, adj *observatory.Adjacency) {
	shared := sharedBorders(g.Bassins())
	n := 0
	for pair, km := range shared {
		if want := km >= observatory.AdjacencyMinSharedKm; adj.Adjacent(pair[0], pair[1]) != want {
			t.Errorf("%v: shared border %.3f km, adjacent %v (estimated %.3f km)", pair, km, !want, adj.BorderKm(pair[0], pair[1]))
		}
		if km >= observatory.AdjacencyMinSharedKm {
			n++
		}
	}
	pairs := 0
	for code, ns := range adj.Map() {
		for _, o := range ns {
			if _, ok := shared[[2]string{min(code, o), max(code, o)}]; !ok {
				t.Errorf("%s and %s adjacent without a shared border", code, o)
			}
			pairs++
		}
	}
	if len(shared) != 1050 || n != 1048 || pairs != 2*n {
		t.Errorf("%d pairs share a border, %d over 0.3 km, %d adjacent pairs; want 1050, 1048, 1048", len(shared), n, pairs/2)
	}
}

// Pairs checked on the map.
func testAdjacencyBassinsPairs(t *testing.T, g *observatory.Gazetteer, adj *observatory.Adjacency) {
	for code, want := range map[string][]string{
		// Paris borders the établissements territoriaux of the petite
		// couronne (Boucle Nord de Seine over 1.4 km only), not Roissy.
		"1107": {"1129", "1137", "1138", "1139", "1146", "1147", "1148", "1151"},
		// Brest and the Nord Cotentin: the sea all round but one side.
		"5301": {"5327"},
		"2822": {"2824"},
		// Marie-Galante and Mayotte: islands of their own.
		"103": nil,
		"601": nil,
		// Guadeloupe: Basse-Terre and Grande-Terre meet through the centre.
		"105": {"101", "102"},
	} {
		if got := adj.Neighbours(code); !slices.Equal(got, want) {
			t.Errorf("Neighbours(%s) = %v, want %v", code, got, want)
		}
	}
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"1107", "1119", false}, // Paris, Roissy - Le Bourget: apart
		{"1117", "1119", true},  // Marne-la-Vallée, Roissy: 1.1 km
		{"9316", "9332", true},  // Sud Vaucluse, Haut Var: 0.6 km at the Durance, as 84 and 83
		// Four bassins nearly meet at a point in the Monts d'Arrée:
		// Morlaix and Douarnenez touch over 115 m, Carhaix and Landerneau
		// not at all.
		{"5303", "5323", false},
		{"5304", "5327", false},
		{"3203", "3205", false}, // Santerre Somme, Chauny: one 180 m segment, a corner
	} {
		if got := adj.Adjacent(c.a, c.b); got != c.want {
			t.Errorf("Adjacent(%s, %s) = %v, want %v (border %.3f km)", c.a, c.b, got, c.want, adj.BorderKm(c.a, c.b))
		}
	}
	// No overseas bassin has a neighbour outside its département.
	for _, b := range g.Bassins() {
		for _, n := range adj.Neighbours(b.Code) {
			if o, _ := g.Bassin(n); b.Zone == "drom" && o.Parent != b.Parent {
				t.Errorf("overseas bassin %s borders %s", b.Code, n)
			}
		}
	}
	// At the départements' tolerance, the Monts d'Arrée corner joins
	// Morlaix and Douarnenez.
	wide := observatory.NewAdjacency(g.Bassins(), observatory.AdjacencyOptions{ToleranceKm: observatory.AdjacencyToleranceKm})
	if !wide.Adjacent("5303", "5323") {
		t.Error("at 1 km, Morlaix and Douarnenez are not adjacent")
	}
}

// The mainland bassins form one component, Corsica another; overseas,
// each island is its own.
func testAdjacencyBassinsConnected(t *testing.T, g *observatory.Gazetteer, adj *observatory.Adjacency) {
	byDep := map[string][]string{"metro": nil}
	for _, b := range g.Bassins() {
		k := "metro"
		if b.Zone == "drom" {
			k = b.Parent
		}
		byDep[k] = append(byDep[k], b.Code)
	}
	for k, want := range map[string]int{"metro": 2, "971": 2, "972": 1, "973": 1, "974": 1, "976": 1} {
		comps := adj.Components(byDep[k])
		if len(comps) != want {
			t.Errorf("%s: %d components, want %d: %v", k, len(comps), want, comps)
		}
		if k == "metro" && (len(comps) != 2 || len(comps[1]) != 5 || comps[1][0] != "9407") {
			t.Errorf("metro components: want the mainland and Corsica's 5 bassins, got %d and %v", len(comps[0]), comps[1:])
		}
	}
}

func BenchmarkAdjacencyBassins(b *testing.B) {
	g := datasetstest.Geo(b)
	bs := g.Bassins()
	for b.Loop() {
		observatory.NewAdjacency(bs, observatory.AdjacencyOptions{})
	}
}

// Bassins take the smaller tolerance by default: two 0.5 km apart are not
// neighbours, as départements would be.
func TestAdjacencyBassinDefaults(t *testing.T) {
	gap := 0.5 * adjKmLat
	ts := []observatory.Territory{adjBox("A", 0, 0, 0.1, 0.1), adjBox("B", 0.1+gap, 0, 0.2, 0.1)}
	if !observatory.NewAdjacency(ts, observatory.AdjacencyOptions{}).Adjacent("A", "B") {
		t.Error("départements 0.5 km apart are not adjacent")
	}
	for i := range ts {
		ts[i].Level = observatory.LevelBassin
	}
	if observatory.NewAdjacency(ts, observatory.AdjacencyOptions{}).Adjacent("A", "B") {
		t.Error("bassins 0.5 km apart are adjacent")
	}
}
