package observatory_test

import (
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gen-numerique/observatory/observatory"
)

func geomRing(pts ...float64) orb.Ring {
	r := make(orb.Ring, 0, len(pts)/2)
	for i := 0; i+1 < len(pts); i += 2 {
		r = append(r, orb.Point{pts[i], pts[i+1]})
	}
	return r
}

func TestCheckGeometry(t *testing.T) {
	square := geomRing(0, 0, 4, 0, 4, 4, 0, 4, 0, 0) // counter-clockwise
	hole := geomRing(1, 1, 1, 2, 2, 2, 2, 1, 1, 1)   // clockwise
	far := geomRing(10, 10, 12, 10, 12, 12, 10, 12, 10, 10)
	for _, c := range []struct {
		name string
		g    orb.Geometry
		want []string // kinds found, sorted
	}{
		{"square", orb.Polygon{square}, nil},
		{"square with hole", orb.Polygon{square, hole}, nil},
		{"two polygons", orb.MultiPolygon{{square}, {far}}, nil},
		{"polygons touching at a corner", orb.MultiPolygon{{square}, {geomRing(4, 4, 6, 4, 6, 6, 4, 6, 4, 4)}}, nil},
		{"hole touching the exterior at a point", orb.Polygon{square, geomRing(0, 2, 1, 3, 1, 1, 0, 2)}, nil},
		{"a line", orb.LineString{{0, 0}, {1, 1}}, []string{observatory.IssueType}},
		{"empty polygon", orb.Polygon{}, []string{observatory.IssueTooFewPoints}},
		{"too few points", orb.Polygon{geomRing(0, 0, 1, 0, 0, 0)}, []string{observatory.IssueTooFewPoints}},
		{"unclosed", orb.Polygon{geomRing(0, 0, 4, 0, 4, 4, 0, 4)}, []string{observatory.IssueUnclosed}},
		{"clockwise exterior", orb.Polygon{geomRing(0, 0, 0, 4, 4, 4, 4, 0, 0, 0)}, []string{observatory.IssueWinding}},
		{"counter-clockwise hole", orb.Polygon{square, geomRing(1, 1, 2, 1, 2, 2, 1, 2, 1, 1)}, []string{observatory.IssueWinding}},
		{"duplicate point", orb.Polygon{geomRing(0, 0, 4, 0, 4, 0, 4, 4, 0, 4, 0, 0)}, []string{observatory.IssueDuplicatePoint}},
		{"not finite", orb.Polygon{geomRing(0, 0, 200, 0, 4, 4, 0, 4, 0, 0)}, []string{observatory.IssueNonFinite}},
		// 0,0 → 4,4 → 4,0 → 0,4 → 0,0 crosses itself at (2, 2); its two
		// lobes have opposite windings, so the total area is zero.
		{"bow tie", orb.Polygon{geomRing(0, 0, 4, 0, 0, 4, 4, 4, 0, 0)}, []string{observatory.IssueSelfIntersection, observatory.IssueWinding}},
		// The ring comes back to (4, 0) after going round: a self-touch.
		{"ring touching itself", orb.Polygon{geomRing(0, 0, 4, 0, 6, -2, 6, 2, 4, 0, 4, 4, 0, 4, 0, 0)}, []string{observatory.IssueSelfIntersection}},
		// A spike: 4,4 → 4,6 → 4,5 folds back on the previous segment.
		{"spike", orb.Polygon{geomRing(0, 0, 4, 0, 4, 6, 4, 5, 4, 4, 0, 4, 0, 0)}, []string{observatory.IssueSelfIntersection}},
		{"hole crossing the exterior", orb.Polygon{square, geomRing(3, 1, 3, 2, 5, 2, 5, 1, 3, 1)}, []string{observatory.IssueRingsCross}},
		{"hole outside", orb.Polygon{square, geomRing(5, 1, 5, 2, 6, 2, 6, 1, 5, 1)}, []string{observatory.IssueHoleOutside}},
		{"polygons sharing an edge", orb.MultiPolygon{{square}, {geomRing(4, 0, 8, 0, 8, 4, 4, 4, 4, 0)}}, []string{observatory.IssueRingsCross}},
		{"polygon inside another", orb.MultiPolygon{{square}, {geomRing(1, 1, 2, 1, 2, 2, 1, 2, 1, 1)}}, []string{observatory.IssuePolygonsOverlap}},
	} {
		var got []string
		for _, is := range observatory.CheckGeometry(c.g) {
			got = append(got, is.Kind)
			if is.String() == "" {
				t.Errorf("%s: empty description", c.name)
			}
		}
		slices.Sort(got)
		if got = slices.Compact(got); !slices.Equal(got, c.want) {
			t.Errorf("%s: issues %v, want %v", c.name, observatory.CheckGeometry(c.g), c.want)
		}
	}
}

func TestCheckGeometryLocates(t *testing.T) {
	issues := observatory.CheckGeometry(orb.MultiPolygon{{geomRing(0, 0, 1, 0, 1, 1, 0, 1, 0, 0)}, {geomRing(10, 10, 14, 10, 10, 14, 14, 14, 10, 10)}})
	i := slices.IndexFunc(issues, func(is observatory.GeometryIssue) bool { return is.Kind == observatory.IssueSelfIntersection })
	if i < 0 {
		t.Fatalf("issues %v, want a self-intersection", issues)
	}
	if is := issues[i]; is.Polygon != 1 || is.Ring != 0 || is.At != (orb.Point{12, 12}) {
		t.Errorf("issue %v, want polygon 1 ring 0 at (12, 12)", is)
	}
	// The ring that comes back to (4, 0) meets itself there through four
	// pairs of segments: one report.
	touch := observatory.CheckGeometry(orb.Polygon{geomRing(0, 0, 4, 0, 6, -2, 6, 2, 4, 0, 4, 4, 0, 4, 0, 0)})
	if len(touch) != 1 || touch[0].At != (orb.Point{4, 0}) {
		t.Errorf("issues %v, want one at (4, 0)", touch)
	}
}
