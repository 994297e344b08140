package observatory_test

import (
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
)

// ignDepartements rewrites testdata/adjacency-ign.golden from the
// full-resolution IGN outlines the embedded ones were simplified from
// (../shared/data/raw/geo/departements-avec-outre-mer.geojson, which
// tests cannot rely on): go test -run AdjacencyFullResolution -ign PATH.
var ignDepartements = flag.String("ign", "", "full-resolution départements GeoJSON to rebuild testdata/adjacency-ign.golden from")

const ignGolden = "testdata/adjacency-ign.golden"

// adjKmLat is the degrees of latitude in one km, as the package measures.
const adjKmLat = 1 / 111.2

// box is a square-ish territory [lon0, lat0]–[lon1, lat1], counter-clockwise.
func adjBox(code string, lon0, lat0, lon1, lat1 float64) observatory.Territory {
	return observatory.Territory{
		Level: observatory.LevelDepartement, Code: code, Name: "Box " + code, Population: 1000,
		Geometry: orb.Polygon{{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}}},
	}
}

func TestAdjacencyConstructed(t *testing.T) {
	// At the equator a degree is 111.3 km both ways. Four 0.1° squares
	// meet at (0.1, 0.1): A B on top, C D below; A and D, B and C only
	// touch at that corner.
	d := 0.1
	ts := []observatory.Territory{
		adjBox("A", 0, d, d, 2*d), adjBox("B", d, d, 2*d, 2*d),
		adjBox("C", 0, 0, d, d), adjBox("D", d, 0, 2*d, d),
		// E: east of B across a 3 km strait.
		adjBox("E", 2*d+3*adjKmLat, d, 3*d, 2*d),
		// F: north of A, 0.3 km off and with its own vertices (outlines
		// that do not match), which the tolerance joins.
		{Code: "F", Geometry: orb.Polygon{{{0, 2*d + 0.3*adjKmLat}, {0.03, 2*d + 0.3*adjKmLat}, {0.07, 2*d + 0.35*adjKmLat}, {d, 2*d + 0.3*adjKmLat}, {d, 3 * d}, {0, 3 * d}, {0, 2*d + 0.3*adjKmLat}}}},
		// G: east of D, touching it along 0.1 km only (under MinSharedKm).
		adjBox("G", 2*d, -0.05, 2*d+0.05, 0.1*adjKmLat),
		// H has no outline.
		{Code: "H"},
	}
	adj := observatory.NewAdjacency(ts, observatory.AdjacencyOptions{})
	want := map[string][]string{
		"A": {"B", "C", "F"}, "B": {"A", "D"}, "C": {"A", "D"}, "D": {"B", "C"},
		"F": {"A"},
	}
	for _, tr := range ts {
		if got := adj.Neighbours(tr.Code); !slices.Equal(got, want[tr.Code]) {
			t.Errorf("Neighbours(%s) = %v, want %v", tr.Code, got, want[tr.Code])
		}
	}
	if got := adj.Map(); len(got) != len(want) {
		t.Errorf("Map() = %v, want %v", got, want)
	}
	// The common border is estimated without the tolerance's share.
	if km := adj.BorderKm("A", "B"); math.Abs(km-11.13) > 0.25 {
		t.Errorf("BorderKm(A, B) = %.2f, want about 11.13", km)
	}
	if km := adj.BorderKm("A", "D"); km > 0.2 {
		t.Errorf("BorderKm(A, D) = %.2f for a corner, want about 0", km)
	}
	if !adj.Adjacent("B", "A") || adj.Adjacent("A", "D") || adj.Adjacent("A", "A") || adj.Adjacent("B", "E") || adj.Adjacent("D", "G") {
		t.Error("Adjacent disagrees with Neighbours")
	}
	// A wider tolerance joins the strait.
	wide := observatory.NewAdjacency(ts, observatory.AdjacencyOptions{ToleranceKm: 4})
	if !wide.Adjacent("B", "E") {
		t.Error("with a 4 km tolerance, B and E across a 3 km strait should be adjacent")
	}
	// Neighbours returns a copy.
	adj.Neighbours("A")[0] = "Z"
	if adj.Neighbours("A")[0] != "B" {
		t.Error("Neighbours shares its slice")
	}
}

func TestComponents(t *testing.T) {
	d := 0.1
	ts := []observatory.Territory{adjBox("A", 0, 0, d, d), adjBox("B", d, 0, 2*d, d), adjBox("C", 2*d, 0, 3*d, d), adjBox("D", 5*d, 0, 6*d, d)}
	adj := observatory.NewAdjacency(ts, observatory.AdjacencyOptions{})
	for _, c := range []struct {
		in   []string
		want [][]string
	}{
		{[]string{"C", "A", "B", "D"}, [][]string{{"A", "B", "C"}, {"D"}}},
		{[]string{"C", "A", "A"}, [][]string{{"A"}, {"C"}}}, // B is not in: A and C apart
		{[]string{"X"}, [][]string{{"X"}}},                  // unknown code: alone
		{nil, nil},
	} {
		if got := adj.Components(c.in); !slices.EqualFunc(got, c.want, slices.Equal) {
			t.Errorf("Components(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func depAdjacency(t testing.TB) (*observatory.Gazetteer, *observatory.Adjacency) {
	t.Helper()
	g := datasetstest.Geo(t)
	return g, observatory.NewAdjacency(g.Departements(), observatory.AdjacencyOptions{})
}

func TestAdjacencyDepartements(t *testing.T) {
	g, adj := depAdjacency(t)
	for code, want := range map[string][]string{
		"75": {"92", "93", "94"},
		// IGN Admin Express 2018 (full resolution as well as simplified)
		// has no 04–13 border: at the Durance, a 0.7 km Var–Vaucluse
		// border separates them (see TestAdjacencyFullResolution).
		"13": {"30", "83", "84"},
		"29": {"22", "56"},
		// Nord borders the Somme over about 8 km near Cambrai, beside
		// Pas-de-Calais and Aisne; Belgium is not ours.
		"59": {"02", "62", "80"},
		"2A": {"2B"},
		"2B": {"2A"},
		"06": {"04", "83"},
		"90": {"25", "68", "70", "88"},
	} {
		if got := adj.Neighbours(code); !slices.Equal(got, want) {
			t.Errorf("Neighbours(%s) = %v, want %v", code, got, want)
		}
	}
	if adj.Adjacent("04", "13") || !adj.Adjacent("83", "84") {
		t.Errorf("04–13 adjacent %v, 83–84 adjacent %v; want false, true", adj.Adjacent("04", "13"), adj.Adjacent("83", "84"))
	}
	for _, code := range []string{"971", "972", "973", "974", "976"} {
		if ns := adj.Neighbours(code); ns != nil {
			t.Errorf("overseas %s has neighbours %v", code, ns)
		}
	}
	// Symmetric, and every mainland département has a neighbour.
	for _, d := range g.Departements() {
		ns := adj.Neighbours(d.Code)
		if d.Zone == "metro" && len(ns) == 0 {
			t.Errorf("%s %s has no neighbour", d.Code, d.Name)
		}
		for _, n := range ns {
			if !slices.Contains(adj.Neighbours(n), d.Code) {
				t.Errorf("%s lists %s but not the reverse", d.Code, n)
			}
		}
	}
}

func TestAdjacencyRegions(t *testing.T) {
	g, deps := depAdjacency(t)
	regs := observatory.NewAdjacency(g.Regions(), observatory.AdjacencyOptions{})
	if got, want := regs.Neighbours("11"), []string{"24", "27", "28", "32", "44"}; !slices.Equal(got, want) {
		t.Errorf("Île-de-France: neighbours %v, want %v", got, want)
	}
	for _, code := range []string{"94", "01", "02", "03", "04", "06"} {
		if ns := regs.Neighbours(code); ns != nil {
			t.Errorf("région %s has neighbours %v", code, ns)
		}
	}
	// Two régions are adjacent exactly when one of their départements are.
	depsOf := map[string][]string{}
	for _, d := range g.Departements() {
		depsOf[d.Parent] = append(depsOf[d.Parent], d.Code)
	}
	for _, r1 := range g.Regions() {
		for _, r2 := range g.Regions() {
			if r1.Code >= r2.Code {
				continue
			}
			viaDeps := false
			for _, a := range depsOf[r1.Code] {
				for _, b := range depsOf[r2.Code] {
					viaDeps = viaDeps || deps.Adjacent(a, b)
				}
			}
			if regs.Adjacent(r1.Code, r2.Code) != viaDeps {
				t.Errorf("régions %s–%s adjacent %v, through their départements %v", r1.Code, r2.Code, regs.Adjacent(r1.Code, r2.Code), viaDeps)
			}
		}
	}
	// The départements of each région form one connected piece.
	for r, codes := range depsOf {
		if comps := deps.Components(codes); len(comps) != 1 {
			t.Errorf("région %s: départements in %d pieces %v", r, len(comps), comps)
		}
	}
}

// The graph of the simplified, embedded outlines is the graph of the
// full-resolution IGN outlines they come from, kept in a golden file.
func TestAdjacencyFullResolution(t *testing.T) {
	if *ignDepartements != "" {
		b, err := os.ReadFile(*ignDepartements)
		if err != nil {
			t.Fatal(err)
		}
		fc, err := geojson.UnmarshalFeatureCollection(b)
		if err != nil {
			t.Fatal(err)
		}
		var ts []observatory.Territory
		for _, f := range fc.Features {
			ts = append(ts, observatory.Territory{Code: f.Properties.MustString("code"), Geometry: f.Geometry})
		}
		full := observatory.NewAdjacency(ts, observatory.AdjacencyOptions{}).Map()
		codes := make([]string, len(ts))
		for i, tr := range ts {
			codes[i] = tr.Code
		}
		slices.Sort(codes)
		var out strings.Builder
		for _, code := range codes {
			fmt.Fprintf(&out, "%s:%s\n", code, strings.Join(append([]string{""}, full[code]...), " "))
		}
		if err := os.WriteFile(ignGolden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(ignGolden)
	if err != nil {
		t.Fatal(err)
	}
	_, adj := depAdjacency(t)
	simplified := adj.Map()
	pairs, lines := 0, strings.Split(strings.TrimSpace(string(b)), "\n")
	for _, line := range lines {
		code, list, _ := strings.Cut(line, ":")
		want := strings.Fields(list)
		if !slices.Equal(want, simplified[code]) {
			t.Errorf("%s: full resolution %v, simplified %v", code, want, simplified[code])
		}
		pairs += len(want)
	}
	if pairs/2 != 238 || len(lines) != 101 {
		t.Errorf("%d pairs of neighbours among %d départements in full resolution, want 238 among 101", pairs/2, len(lines))
	}
}

func BenchmarkAdjacency(b *testing.B) {
	g := datasetstest.Geo(b)
	deps := g.Departements()
	for b.Loop() {
		observatory.NewAdjacency(deps, observatory.AdjacencyOptions{})
	}
}
