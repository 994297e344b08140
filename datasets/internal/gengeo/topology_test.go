package main

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gen-numerique/observatory/observatory"
)

// Constructed cases are near the equator, where a grid unit (1e-5°) is
// 1.11 m both ways: 9000 units are 10 km.

// testFace builds a one-polygon source face from rings of grid points,
// exterior first.
func testFace(t *testing.T, code string, rings ...[]ipt) sourceFace {
	t.Helper()
	var poly [][]ipt
	for k, r := range rings {
		fr := make([][2]float64, len(r))
		for i, q := range r {
			fr[i] = [2]float64{q.lon(), q.lat()}
		}
		g, ok := gridRing(fr, k == 0)
		if !ok {
			t.Fatalf("%s: degenerate ring %v", code, r)
		}
		poly = append(poly, g)
	}
	return sourceFace{code: code, polys: [][][]ipt{poly}}
}

func rect(x0, y0, x1, y1 int64) []ipt {
	return []ipt{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

func simplified(t *testing.T, faces []sourceFace, tolKm float64) (*topology, [][]int32) {
	t.Helper()
	topo, err := buildTopology(faces)
	if err != nil {
		t.Fatal(err)
	}
	kept, _, err := newSimplifier(topo).simplify(tolKm)
	if err != nil {
		t.Fatal(err)
	}
	return topo, kept
}

func area(mp orb.MultiPolygon) float64 {
	s := 0.0
	for _, p := range mp {
		s += planar.Area(p)
	}
	return s
}

// Two squares share a border that wiggles by 50 m: at 200 m it becomes a
// straight line, the same for both, so they still tile their rectangle
// exactly (no gap, no overlap), and their coasts keep their corners.
func TestSimplifySharedBorder(t *testing.T) {
	border := []ipt{{9000, 0}}
	for k := int64(1); k < 9; k++ {
		border = append(border, ipt{9000 + 45*(k%2*2-1), 1000 * k})
	}
	border = append(border, ipt{9000, 9000})
	west := append([]ipt{{0, 9000}, {0, 0}}, border...)
	west = append(west, ipt{0, 9000})
	east := slices.Clone(border)
	slices.Reverse(east)
	east = append(east, ipt{18000, 0}, ipt{18000, 9000}, ipt{9000, 9000})
	topo, kept := simplified(t, []sourceFace{testFace(t, "W", west), testFace(t, "E", east)}, 0.2)

	shared := -1
	for a, u := range topo.users {
		if len(u) == 2 {
			if shared >= 0 {
				t.Fatalf("two shared arcs, want one")
			}
			shared = a
		}
	}
	if shared < 0 || len(topo.arcs[shared]) != 10 {
		t.Fatalf("shared arc %d, want one of 10 points: %v", shared, topo.arcs)
	}
	if got := kept[shared]; len(got) != 2 || topo.pts[got[0]] != (ipt{9000, 0}) && topo.pts[got[0]] != (ipt{9000, 9000}) {
		t.Errorf("shared border kept %v, want its two ends", got)
	}
	w, e := toMultiPolygon(topo, kept, topo.faces[0].polys), toMultiPolygon(topo, kept, topo.faces[1].polys)
	for _, mp := range []orb.MultiPolygon{w, e} {
		if issues := observatory.CheckGeometry(mp); issues != nil {
			t.Errorf("invalid: %v", issues)
		}
	}
	// Both sides use the very same vertices on the border, and their areas
	// add up to the rectangle's.
	onBorder := func(mp orb.MultiPolygon) []orb.Point {
		var out []orb.Point
		for _, p := range mp[0][0][1:] {
			if p[0] > 0.085 && p[0] < 0.095 {
				out = append(out, p)
			}
		}
		slices.SortFunc(out, func(a, b orb.Point) int { return cmpPoint(a, b) })
		return out
	}
	if wb, eb := onBorder(w), onBorder(e); !slices.Equal(wb, eb) || len(wb) != 2 {
		t.Errorf("border points: west %v, east %v; want the same two ends", wb, eb)
	}
	if got, want := area(w)+area(e), 0.18*0.09; got < want*(1-1e-12) || got > want*(1+1e-12) {
		t.Errorf("areas add up to %v, want %v", got, want)
	}
	merged, err := dissolve(topo, kept, []string{"X", "X"})
	if err != nil {
		t.Fatal(err)
	}
	if m := toMultiPolygon(topo, kept, merged["X"]); len(m) != 1 || len(m[0]) != 1 || observatory.CheckGeometry(m) != nil {
		t.Errorf("union of the two = %v, want one ring", m)
	}
}

// A bay 100 m deep holds a small island: Douglas–Peucker at 200 m would
// close the bay over it; the simplifier keeps the bay open, and simplifies
// the rest of the coast.
func TestSimplifyKeepsIsland(t *testing.T) {
	coast := []ipt{{0, 0}, {9000, 0}, {9000, 9000}, {6000, 9000}, {5000, 9010}, {4600, 8910}, {4000, 8910}, {3400, 8910}, {3000, 9000}, {1500, 9020}, {0, 9000}, {0, 0}}
	island := rect(3900, 8940, 4100, 8980)
	topo, kept := simplified(t, []sourceFace{testFace(t, "M", coast), testFace(t, "I", island)}, 0.2)
	land := toMultiPolygon(topo, kept, topo.faces[0].polys)
	isle := toMultiPolygon(topo, kept, topo.faces[1].polys)
	for _, p := range isle[0][0] {
		if planar.MultiPolygonContains(land, p) {
			t.Fatalf("island vertex %v swallowed by the simplified coast %v", p, land)
		}
	}
	if n := len(land[0][0]); n >= len(coast) {
		t.Errorf("coast not simplified: %d points", n)
	}
	// Without the island the bay goes.
	topo, kept = simplified(t, []sourceFace{testFace(t, "M", coast)}, 0.2)
	if got := toMultiPolygon(topo, kept, topo.faces[0].polys); len(got[0][0]) > 6 {
		t.Errorf("coast without island kept %d points: %v", len(got[0][0]), got)
	}
}

// An enclave (a commune inside another) and the hole around it are the
// same closed border, cut at the same two points, so they stay one arc
// each way round and simplify alike.
func TestTopologyEnclave(t *testing.T) {
	hole := []ipt{{3000, 3000}, {4000, 2950}, {6000, 3000}, {6050, 4500}, {6000, 6000}, {4500, 6040}, {3000, 6000}, {2960, 4000}, {3000, 3000}}
	outer := rect(0, 0, 9000, 9000)
	topo, kept := simplified(t, []sourceFace{testFace(t, "O", outer, hole), testFace(t, "E", hole)}, 0.2)
	o, e := topo.faces[0].polys[0], topo.faces[1].polys[0]
	if len(o) != 2 {
		t.Fatalf("outer commune has %d rings, want 2", len(o))
	}
	arcsOf := func(r []int32) []int32 {
		var out []int32
		for _, ref := range r {
			a, _ := arcOf(ref)
			out = append(out, a)
		}
		slices.Sort(out)
		return out
	}
	if !slices.Equal(arcsOf(o[1]), arcsOf(e[0])) || len(e[0]) != 2 {
		t.Errorf("hole arcs %v, enclave arcs %v: want the same two", o[1], e[0])
	}
	outerMP, enclaveMP := toMultiPolygon(topo, kept, topo.faces[0].polys), toMultiPolygon(topo, kept, topo.faces[1].polys)
	if issues := observatory.CheckGeometry(outerMP); issues != nil {
		t.Error(issues)
	}
	if got := area(outerMP) + area(enclaveMP); got < 0.0081*(1-1e-12) || got > 0.0081*(1+1e-12) {
		t.Errorf("areas add up to %v, want 0.0081", got)
	}
}

// Three squares in a row, the first two in bassin X: X is one rectangle,
// Y the third square. A fourth square touching X only at a corner, in X
// too, makes a second polygon (not a ring through the corner twice); an
// enclave of Y inside X is a hole of X.
func TestDissolve(t *testing.T) {
	hole := rect(2000, 2000, 4000, 4000)
	slices.Reverse(hole)
	faces := []sourceFace{
		testFace(t, "A", rect(0, 0, 9000, 9000), hole),
		testFace(t, "B", rect(9000, 0, 18000, 9000)),
		testFace(t, "C", rect(18000, 0, 27000, 9000)),
		testFace(t, "D", rect(-9000, 9000, 0, 18000)),
		testFace(t, "E", rect(2000, 2000, 4000, 4000)),
	}
	topo, kept := simplified(t, faces, 0.2)
	polys, err := dissolve(topo, kept, []string{"X", "X", "Y", "X", "Y"})
	if err != nil {
		t.Fatal(err)
	}
	x, y := toMultiPolygon(topo, kept, polys["X"]), toMultiPolygon(topo, kept, polys["Y"])
	for name, mp := range map[string]orb.MultiPolygon{"X": x, "Y": y} {
		if issues := observatory.CheckGeometry(mp); issues != nil {
			t.Errorf("%s: %v", name, issues)
		}
	}
	if len(x) != 2 {
		t.Fatalf("X has %d polygons, want 2: %v", len(x), x)
	}
	var rectangle, corner orb.Polygon
	for _, p := range x {
		if p.Bound().Min[0] < 0 {
			corner = p
		} else {
			rectangle = p
		}
	}
	if b := rectangle.Bound(); !near(b.Min, orb.Point{0, 0}) || !near(b.Max, orb.Point{0.18, 0.09}) || len(rectangle) != 2 {
		t.Errorf("X's rectangle = %v, want [0,0.18]×[0,0.09] with one hole", rectangle)
	}
	if got, want := planar.Area(rectangle), 0.18*0.09-0.02*0.02; got < want*(1-1e-9) || got > want*(1+1e-9) {
		t.Errorf("X's rectangle has area %v, want %v", got, want)
	}
	if corner == nil || len(corner) != 1 || len(corner[0]) != 5 {
		t.Errorf("X's corner square = %v", corner)
	}
	if len(y) != 2 || area(y) < 0.0081+0.0004-1e-12 {
		t.Errorf("Y = %v, want the third square and the enclave", y)
	}
}

func cmpPoint(a, b orb.Point) int {
	switch {
	case a[0] != b[0]:
		return cmpFloat(a[0], b[0])
	default:
		return cmpFloat(a[1], b[1])
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func near(a, b orb.Point) bool { return math.Abs(a[0]-b[0]) < 1e-9 && math.Abs(a[1]-b[1]) < 1e-9 }
