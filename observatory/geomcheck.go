package observatory

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Kinds of GeometryIssue.
const (
	IssueType             = "not a polygon"
	IssueNonFinite        = "coordinate not finite or out of lon/lat range"
	IssueTooFewPoints     = "ring of fewer than 4 points"
	IssueUnclosed         = "ring not closed"
	IssueDuplicatePoint   = "consecutive duplicate point"
	IssueWinding          = "wrong winding (RFC 7946: exterior counter-clockwise, holes clockwise)"
	IssueSelfIntersection = "ring intersects itself"
	IssueRingsCross       = "rings cross or overlap"
	IssueHoleOutside      = "hole outside its exterior ring"
	IssuePolygonsOverlap  = "polygon inside another polygon"
)

// GeometryIssue is one defect CheckGeometry found.
type GeometryIssue struct {
	Kind    string
	Polygon int       // index of the polygon in a MultiPolygon, 0 for a Polygon
	Ring    int       // 0 for the exterior, 1… for holes
	Vertex  int       // index of the vertex, or of the first point of the segment, in the ring
	At      orb.Point // where, for people to look
}

func (i GeometryIssue) String() string {
	return fmt.Sprintf("%s: polygon %d ring %d vertex %d at %v", i.Kind, i.Polygon, i.Ring, i.Vertex, i.At)
}

// CheckGeometry checks that a Polygon or MultiPolygon is valid for RFC 7946
// and for drawing: finite lon/lat coordinates, rings of at least 4 points,
// closed, without consecutive duplicates, exteriors counter-clockwise and
// holes clockwise, no ring touching or crossing itself, no two rings
// crossing or sharing a stretch of boundary (touching at a point is
// allowed), holes inside their exterior, no polygon inside another. It
// returns nil for a valid geometry.
//
// It is written for clarity: a sweep over segments sorted by their west
// end, with bounding-box tests, then an exact classification of each pair.
func CheckGeometry(g orb.Geometry) []GeometryIssue {
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	default:
		return []GeometryIssue{{Kind: IssueType, Vertex: -1}}
	}
	var issues []GeometryIssue
	type where struct {
		kind string
		p, r int
		at   orb.Point
	}
	seen := map[where]bool{} // one report per defect, not per pair of segments
	add := func(kind string, p, r, v int, at orb.Point) {
		if w := (where{kind, p, r, at}); !seen[w] {
			seen[w] = true
			issues = append(issues, GeometryIssue{Kind: kind, Polygon: p, Ring: r, Vertex: v, At: at})
		}
	}
	var segs []checkSegment
	for pi, p := range polys {
		if len(p) == 0 {
			add(IssueTooFewPoints, pi, 0, -1, orb.Point{})
		}
		for ri, r := range p {
			for vi, pt := range r {
				if !finite(pt[0], pt[1]) || math.Abs(pt[0]) > 180 || math.Abs(pt[1]) > 90 {
					add(IssueNonFinite, pi, ri, vi, pt)
				}
			}
			if len(r) < 4 {
				add(IssueTooFewPoints, pi, ri, -1, firstPoint(r))
				continue
			}
			if !r.Closed() {
				add(IssueUnclosed, pi, ri, len(r)-1, r[len(r)-1])
			}
			if want := wantOrientation(ri); r.Orientation() != want {
				add(IssueWinding, pi, ri, -1, r[0])
			}
			// Segments are numbered without the zero-length ones, which
			// would meet their neighbours, so the ones around a duplicate
			// point still follow each other.
			first := len(segs)
			for vi := 1; vi < len(r); vi++ {
				if r[vi] == r[vi-1] {
					add(IssueDuplicatePoint, pi, ri, vi, r[vi])
					continue
				}
				segs = append(segs, checkSegment{a: r[vi-1], b: r[vi], poly: pi, ring: ri, vertex: vi - 1, index: len(segs) - first})
			}
			for k := first; k < len(segs); k++ {
				segs[k].last = len(segs) - first - 1
			}
		}
	}
	for _, pair := range segmentPairs(segs) {
		s, t := pair[0], pair[1]
		kind := intersect(s.a, s.b, t.a, t.b)
		if kind == noIntersection {
			continue
		}
		sameRing := s.poly == t.poly && s.ring == t.ring
		switch {
		case sameRing && s.adjacent(t):
			// Consecutive segments share a point; they must not fold back
			// on each other.
			if kind == overlapIntersection {
				add(IssueSelfIntersection, s.poly, s.ring, max(s.vertex, t.vertex), sharedPoint(s, t))
			}
		case sameRing:
			add(IssueSelfIntersection, s.poly, s.ring, s.vertex, crossingPoint(s, t))
		case kind != touchIntersection:
			add(IssueRingsCross, s.poly, s.ring, s.vertex, crossingPoint(s, t))
		}
	}
	issues = append(issues, nestingIssues(polys)...)
	slices.SortStableFunc(issues, func(a, b GeometryIssue) int {
		return cmp.Or(cmp.Compare(a.Polygon, b.Polygon), cmp.Compare(a.Ring, b.Ring), cmp.Compare(a.Vertex, b.Vertex))
	})
	return issues
}

func wantOrientation(ring int) orb.Orientation {
	if ring == 0 {
		return orb.CCW
	}
	return orb.CW
}

func firstPoint(r orb.Ring) orb.Point {
	if len(r) == 0 {
		return orb.Point{}
	}
	return r[0]
}

// nestingIssues finds holes outside their exterior and polygons inside
// others, by testing a vertex that does not lie on the other boundary (a
// ring may touch another at a point).
func nestingIssues(polys []orb.Polygon) []GeometryIssue {
	var issues []GeometryIssue
	for pi, p := range polys {
		if len(p) == 0 || len(p[0]) < 4 {
			continue
		}
		for ri, h := range p[1:] {
			if v, ok := vertexOff(h, p[0]); ok && !planar.RingContains(p[0], h[v]) {
				issues = append(issues, GeometryIssue{Kind: IssueHoleOutside, Polygon: pi, Ring: ri + 1, Vertex: v, At: h[v]})
			}
		}
		for qi, q := range polys {
			if qi == pi || len(q) == 0 || len(q[0]) < 4 || !q.Bound().Intersects(p.Bound()) {
				continue
			}
			// p inside q: a vertex of p's exterior strictly inside q (not in
			// one of q's holes, not on q's boundary).
			v, ok := vertexOff(p[0], q...)
			if ok && planar.PolygonContains(q, p[0][v]) {
				issues = append(issues, GeometryIssue{Kind: IssuePolygonsOverlap, Polygon: pi, Vertex: v, At: p[0][v]})
			}
		}
	}
	return issues
}

// vertexOff returns the index of a vertex of r lying on none of the rings.
func vertexOff(r orb.Ring, rings ...orb.Ring) (int, bool) {
	for v, pt := range r {
		on := false
		for _, o := range rings {
			for k := 1; k < len(o) && !on; k++ {
				on = onSegment(pt, o[k-1], o[k])
			}
		}
		if !on {
			return v, true
		}
	}
	return 0, false
}

// checkSegment is a ring segment from a to b, starting at vertex; index is
// its position among the ring's segments of non-zero length and last the
// index of the ring's last one.
type checkSegment struct {
	a, b       orb.Point
	poly, ring int
	vertex     int
	index      int
	last       int
}

// adjacent reports whether two segments of one closed ring follow each
// other (the last segment is followed by the first).
func (s checkSegment) adjacent(t checkSegment) bool {
	d := s.index - t.index
	return d == 1 || d == -1 || (s.index == 0 && t.index == s.last) || (t.index == 0 && s.index == t.last)
}

func (s checkSegment) minX() float64 { return math.Min(s.a[0], s.b[0]) }
func (s checkSegment) maxX() float64 { return math.Max(s.a[0], s.b[0]) }

// segmentPairs returns the pairs of segments whose bounding boxes meet:
// sorted by west end, each segment is compared with those starting before
// it ends.
func segmentPairs(segs []checkSegment) [][2]checkSegment {
	slices.SortFunc(segs, func(s, t checkSegment) int { return cmp.Compare(s.minX(), t.minX()) })
	var pairs [][2]checkSegment
	for i, s := range segs {
		sMinY, sMaxY := math.Min(s.a[1], s.b[1]), math.Max(s.a[1], s.b[1])
		for _, t := range segs[i+1:] {
			if t.minX() > s.maxX() {
				break
			}
			if math.Max(t.a[1], t.b[1]) < sMinY || math.Min(t.a[1], t.b[1]) > sMaxY {
				continue
			}
			pairs = append(pairs, [2]checkSegment{s, t})
		}
	}
	return pairs
}

// How two segments meet.
const (
	noIntersection      = iota
	touchIntersection   // at one point that is an end of at least one of them
	crossIntersection   // at one point inside both
	overlapIntersection // along a stretch: collinear and overlapping
)

// orientEps is the tolerance of the orientation test, in square degrees.
// On coordinates rounded to 5 decimals a non-zero cross product is at least
// 1e-10; rounding errors of float64 arithmetic are below 1e-13.
const orientEps = 1e-12

// orient returns +1 when c is left of a→b, -1 when right, 0 when collinear.
func orient(a, b, c orb.Point) int {
	v := (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
	switch {
	case v > orientEps:
		return 1
	case v < -orientEps:
		return -1
	}
	return 0
}

// onSegment reports whether p lies on segment ab (ends included).
func onSegment(p, a, b orb.Point) bool {
	return orient(a, b, p) == 0 &&
		p[0] >= math.Min(a[0], b[0]) && p[0] <= math.Max(a[0], b[0]) &&
		p[1] >= math.Min(a[1], b[1]) && p[1] <= math.Max(a[1], b[1])
}

// intersect classifies how segments p1p2 and q1q2 meet.
func intersect(p1, p2, q1, q2 orb.Point) int {
	d1, d2 := orient(q1, q2, p1), orient(q1, q2, p2)
	d3, d4 := orient(p1, p2, q1), orient(p1, p2, q2)
	if d1 == 0 && d2 == 0 && d3 == 0 && d4 == 0 {
		// Collinear: compare their extents along the main direction.
		k := 0
		if math.Abs(p2[1]-p1[1]) > math.Abs(p2[0]-p1[0]) {
			k = 1
		}
		lo := math.Max(math.Min(p1[k], p2[k]), math.Min(q1[k], q2[k]))
		hi := math.Min(math.Max(p1[k], p2[k]), math.Max(q1[k], q2[k]))
		switch {
		case hi > lo:
			return overlapIntersection
		case hi == lo:
			return touchIntersection
		}
		return noIntersection
	}
	if d1*d2 < 0 && d3*d4 < 0 {
		return crossIntersection
	}
	if onSegment(p1, q1, q2) || onSegment(p2, q1, q2) || onSegment(q1, p1, p2) || onSegment(q2, p1, p2) {
		return touchIntersection
	}
	return noIntersection
}

// sharedPoint is the common end of two consecutive segments.
func sharedPoint(s, t checkSegment) orb.Point {
	if s.b == t.a || s.b == t.b {
		return s.b
	}
	return s.a
}

// crossingPoint is where two segments meet, for the report: the crossing
// of their lines, or an end lying on the other segment.
func crossingPoint(s, t checkSegment) orb.Point {
	for _, c := range [][3]orb.Point{{s.a, t.a, t.b}, {s.b, t.a, t.b}, {t.a, s.a, s.b}, {t.b, s.a, s.b}} {
		if onSegment(c[0], c[1], c[2]) {
			return c[0]
		}
	}
	dx1, dy1 := s.b[0]-s.a[0], s.b[1]-s.a[1]
	dx2, dy2 := t.b[0]-t.a[0], t.b[1]-t.a[1]
	u := ((t.a[0]-s.a[0])*dy2 - (t.a[1]-s.a[1])*dx2) / (dx1*dy2 - dy1*dx2)
	return orb.Point{s.a[0] + u*dx1, s.a[1] + u*dy1}
}
