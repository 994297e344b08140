package observatory

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// GapFeatures builds the FeatureCollection of gaps, in the order given: one
// feature per gap with id "gap-…" and bbox its extent, whose geometry is the
// union of its members' outlines (their shared borders dissolved, see
// dissolve), and properties id, level, members, names, population,
// area_km2, centroid, bearing_deg, axis, length_km, width_km, elongation
// (null for a single territory), diagonal and summary. ts are the
// territories of the gaps' level; members missing from it add no outline.
func GapFeatures(gaps []Gap, ts []Territory) *geojson.FeatureCollection {
	byCode := make(map[string]orb.Geometry, len(ts))
	for _, t := range ts {
		byCode[t.Code] = t.Geometry
	}
	fc := geojson.NewFeatureCollection()
	for _, g := range gaps {
		var polys orb.MultiPolygon
		for _, c := range g.Members {
			polys = append(polys, polygons(CleanGeometry(byCode[c]))...)
		}
		var geom orb.Geometry
		if len(polys) > 0 {
			geom = singlePolygon(dissolve(polys))
		}
		f := geojson.NewFeature(geom)
		f.ID = g.ID
		if len(polys) > 0 {
			f.BBox = geojson.BBox(g.Extent[:])
		}
		f.Properties = geojson.Properties{
			"id": g.ID, "level": g.Level, "members": g.Members, "names": g.Names,
			"population": g.Population, "area_km2": g.AreaKm2, "centroid": g.Centroid,
			"bearing_deg": nil, "axis": nil, "length_km": nil, "width_km": nil, "elongation": nil,
			"diagonal": g.Diagonal, "summary": g.Summary,
		}
		if o := g.Orientation; o != nil {
			f.Properties["bearing_deg"] = o.BearingDeg
			f.Properties["axis"] = o.Axis
			f.Properties["length_km"] = o.LengthKm
			f.Properties["width_km"] = o.WidthKm
			f.Properties["elongation"] = o.Elongation
		}
		fc.Append(f)
	}
	return fc
}

// CleanGeometry returns a copy of a Polygon or MultiPolygon ready for RFC
// 7946 output: coordinates rounded to 5 decimals (about 1 m), consecutive
// duplicate points removed, rings closed, exteriors counter-clockwise and
// holes clockwise. Rings left with fewer than 4 points or no area are
// dropped, and a polygon whose exterior is dropped goes with its holes, as
// do small islands folded by simplification (see dropFoldedIslands). The
// result is a Polygon when one polygon remains, a MultiPolygon when more,
// nil when none. Other geometries are returned rounded. g is not modified.
func CleanGeometry(g orb.Geometry) orb.Geometry {
	switch g.(type) {
	case nil:
		return nil
	case orb.Polygon, orb.MultiPolygon:
	default:
		return orb.Round(orb.Clone(g), 1e5)
	}
	var out orb.MultiPolygon
	for _, p := range polygons(g) {
		if len(p) == 0 {
			continue
		}
		ext := cleanRing(p[0], orb.CCW)
		if ext == nil {
			continue
		}
		poly := orb.Polygon{ext}
		for _, h := range p[1:] {
			if h = cleanRing(h, orb.CW); h != nil {
				poly = append(poly, h)
			}
		}
		out = append(out, poly)
	}
	return singlePolygon(dropFoldedIslands(out))
}

// minorPolygonShare is the largest share of a territory's area a polygon
// may have and be dropped by dropFoldedIslands.
const minorPolygonShare = 0.01

// dropFoldedIslands removes the small polygons (under minorPolygonShare of
// the whole) whose exterior ring crosses itself. Douglas–Peucker can fold
// a small island into a figure of eight (the embedded outline of the
// Gironde has one in the bassin d'Arcachon); at the map's scale such an
// island is not visible, and an invalid ring breaks some clients. Large
// polygons are kept whatever they are, for the tests to catch.
func dropFoldedIslands(mp orb.MultiPolygon) orb.MultiPolygon {
	if len(mp) < 2 {
		return mp
	}
	areas := make([]float64, len(mp))
	total := 0.0
	for i, p := range mp {
		areas[i] = planar.Area(p)
		total += areas[i]
	}
	kept := mp[:0:0]
	for i, p := range mp {
		if areas[i] < minorPolygonShare*total && slices.ContainsFunc(CheckGeometry(orb.Polygon{p[0]}), func(is GeometryIssue) bool {
			return is.Kind == IssueSelfIntersection
		}) {
			continue
		}
		kept = append(kept, p)
	}
	return kept
}

// singlePolygon returns nil for no polygon, the Polygon for one, mp for more.
func singlePolygon(mp orb.MultiPolygon) orb.Geometry {
	switch len(mp) {
	case 0:
		return nil
	case 1:
		return mp[0]
	}
	return mp
}

// cleanRing returns a new ring: rounded, without consecutive duplicates,
// closed and wound as want; nil when fewer than 4 points or no area remain.
func cleanRing(r orb.Ring, want orb.Orientation) orb.Ring {
	out := make(orb.Ring, 0, len(r)+1)
	for _, pt := range r {
		pt = orb.Point{round5(pt[0]), round5(pt[1])}
		if !finite(pt[0], pt[1]) {
			return nil
		}
		if len(out) == 0 || pt != out[len(out)-1] {
			out = append(out, pt)
		}
	}
	if len(out) > 1 && out[0] == out[len(out)-1] {
		out = out[:len(out)-1]
	}
	if len(out) < 3 {
		return nil
	}
	out = append(out, out[0])
	switch out.Orientation() {
	case 0:
		return nil
	case want:
	default:
		out.Reverse()
	}
	return out
}

// dissolve merges polygons that share borders into their union, assuming
// the borders are made of the same vertices on both sides (true of the
// embedded outlines, which come from one topological source, once rounded):
// each directed edge that also appears reversed is an inner border and
// goes; the edges left are chained into rings (turning as far left as
// possible where several leave a point), and rings that pass twice through
// a point are cut there, so that each stays simple. Counter-clockwise rings
// are exteriors, clockwise ones holes, each in the smallest exterior
// containing it. When the
// result is not valid by CheckGeometry (borders that do not match vertex
// for vertex) the polygons are returned as they were.
func dissolve(polys orb.MultiPolygon) orb.MultiPolygon {
	if len(polys) < 2 {
		return polys
	}
	type edge struct{ a, b orb.Point }
	count := map[edge]int{}
	var order []edge // first-seen order, for a deterministic result
	for _, p := range polys {
		for _, r := range p {
			for i := 1; i < len(r); i++ {
				e := edge{r[i-1], r[i]}
				if rev := (edge{e.b, e.a}); count[rev] > 0 {
					count[rev]--
					continue
				}
				if count[e] == 0 {
					order = append(order, e)
				}
				count[e]++
			}
		}
	}
	out := map[orb.Point][]orb.Point{} // start → ends of the edges left
	for _, e := range order {
		for range count[e] {
			out[e.a] = append(out[e.a], e.b)
		}
	}
	var rings []orb.Ring
	for _, e := range order {
		for count[e] > 0 {
			ring := orb.Ring{e.a}
			prev, cur := e.a, e.b
			take(out, e.a, e.b)
			count[e]--
			for cur != e.a {
				ring = append(ring, cur)
				next, ok := leftmost(prev, cur, out[cur])
				if !ok {
					return polys // an open chain: borders do not match
				}
				take(out, cur, next)
				count[edge{cur, next}]--
				prev, cur = cur, next
			}
			rings = append(rings, splitRing(append(ring, e.a))...)
		}
	}
	merged := assembleRings(rings)
	if merged == nil || CheckGeometry(merged) != nil {
		return polys
	}
	return merged
}

// splitRing cuts a closed ring that passes twice through a point (where the
// union touches itself) into rings that do not: a figure of eight becomes
// two exteriors, an exterior looping round a hole becomes the exterior and
// the (clockwise) hole.
func splitRing(r orb.Ring) []orb.Ring {
	var rings []orb.Ring
	stack := orb.Ring{}
	at := map[orb.Point]int{} // point → index in stack
	for _, pt := range r[:len(r)-1] {
		if i, ok := at[pt]; ok {
			loop := append(slices.Clone(stack[i:]), pt)
			for _, q := range stack[i+1:] {
				delete(at, q)
			}
			stack = stack[:i+1]
			rings = append(rings, loop)
			continue
		}
		at[pt] = len(stack)
		stack = append(stack, pt)
	}
	return append(rings, append(stack, stack[0]))
}

// take removes one edge a→b from out.
func take(out map[orb.Point][]orb.Point, a, b orb.Point) {
	ends := out[a]
	for i, e := range ends {
		if e == b {
			out[a] = append(ends[:i], ends[i+1:]...)
			return
		}
	}
}

// leftmost picks, among the edges leaving cur, the first one met turning
// clockwise from the way back to prev: the sharpest left turn, so a walk
// is the same whatever the order of the edges.
func leftmost(prev, cur orb.Point, ends []orb.Point) (orb.Point, bool) {
	back := math.Atan2(prev[1]-cur[1], prev[0]-cur[0])
	best, bestAngle := orb.Point{}, math.Inf(1)
	for _, e := range ends {
		a := back - math.Atan2(e[1]-cur[1], e[0]-cur[0]) // clockwise from back
		for a <= 0 {
			a += 2 * math.Pi
		}
		for a > 2*math.Pi {
			a -= 2 * math.Pi
		}
		if a < bestAngle {
			best, bestAngle = e, a
		}
	}
	return best, len(ends) > 0
}

// assembleRings makes polygons of counter-clockwise exteriors and the
// clockwise holes they contain; nil when a hole has no exterior.
func assembleRings(rings []orb.Ring) orb.MultiPolygon {
	var mp orb.MultiPolygon
	var holes []orb.Ring
	for _, r := range rings {
		switch r.Orientation() {
		case orb.CCW:
			mp = append(mp, orb.Polygon{r})
		case orb.CW:
			holes = append(holes, r)
		}
	}
	for _, h := range holes {
		best, bestArea := -1, math.Inf(1)
		for i, p := range mp {
			v, ok := vertexOff(h, p[0])
			if !ok || !p[0].Bound().Contains(h[v]) || !planar.RingContains(p[0], h[v]) {
				continue
			}
			if a := math.Abs(planar.Area(p[0])); a < bestArea {
				best, bestArea = i, a
			}
		}
		if best < 0 {
			return nil
		}
		mp[best] = append(mp[best], h)
	}
	return mp
}
