package observatory

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"
)

// A gap is "diagonal" (the empty diagonal of 2016: from the Ardennes to the
// Landes) when it is long and lies north-east → south-west:
//
//   - at least DiagonalMinMembers territories, so that two or three large
//     neighbours in a row do not make a diagonal;
//   - at least DiagonalMinLengthKm along its axis: 400 km is about half the
//     diagonal of metropolitan France, four or five départements;
//   - an elongation (length / width) of at least DiagonalMinElongation, so a
//     round blob is not read as oriented;
//   - its axis bearing between DiagonalMinBearing and DiagonalMaxBearing
//     degrees (45 is exactly NE–SW); the band of 2016 runs at about 35°.
const (
	DiagonalMinMembers    = 4
	DiagonalMinLengthKm   = 400.0
	DiagonalMinElongation = 2.0
	DiagonalMinBearing    = 20.0
	DiagonalMaxBearing    = 70.0
)

// Gap is a connected zone of uncovered territories: territories of one
// level, each adjacent to another of the zone, none adjacent to an
// uncovered territory outside it.
type Gap struct {
	// ID is "gap-" and the first member code: stable as long as the zone
	// keeps that member, and unique within a level.
	ID         string   `json:"id"`
	Level      Level    `json:"level"`
	Members    []string `json:"members"` // codes, sorted
	Names      []string `json:"names"`   // in the order of Members
	Population int64    `json:"population"`
	// AreaKm2 is the geodesic area of the members' outlines, rounded to 1 km².
	AreaKm2 float64 `json:"area_km2"`
	// Extent is the bounding box [minLon, minLat, maxLon, maxLat].
	Extent [4]float64 `json:"extent"`
	// Centroid is [lon, lat], the area-weighted mean of the member centroids.
	Centroid [2]float64 `json:"centroid"`
	// Orientation is nil for a single territory.
	Orientation *Orientation `json:"orientation,omitempty"`
	Diagonal    bool         `json:"diagonal"`
	// Summary is for people: "NE–SW, 780 km", or the territory's name for a
	// single one.
	Summary string `json:"summary"`
}

// Orientation is the main axis of a gap: the principal axis of its member
// centroids, weighted by area, on a local equirectangular projection (km)
// centred on the gap. Weighting by area makes a zone of a few large
// territories and of many small ones over the same land point the same way.
type Orientation struct {
	// BearingDeg is the axis direction, clockwise from north, in [0, 180):
	// 0 = N–S, 45 = NE–SW, 90 = E–W, 135 = NW–SE. Rounded to 0.1°.
	BearingDeg float64 `json:"bearing_deg"`
	Axis       string  `json:"axis"` // "N–S", "NE–SW", "E–W" or "NW–SE", the nearest to BearingDeg
	// LengthKm and WidthKm are the extents of the members' outlines along
	// the axis and across it, rounded to 1 km.
	LengthKm float64 `json:"length_km"`
	WidthKm  float64 `json:"width_km"`
	// Elongation is LengthKm / WidthKm, rounded to 0.01.
	Elongation float64 `json:"elongation"`
	// Ends are the axis's two ends [lon, lat], through the centroid and as
	// long as the outlines' extent along it, the eastern end first: what a
	// map draws as the zone's axis.
	Ends [2][2]float64 `json:"axis_ends"`
}

// GapOptions tunes FindGaps; the zero value keeps every gap.
type GapOptions struct {
	// MinMembers drops zones with fewer territories (0 or 1: keep all).
	MinMembers int
}

// FindGaps groups the territories for which uncovered returns true into
// connected zones through adj, and describes each one. Territories missing
// from ts are ignored even if adj knows them; adj and uncovered must not be
// nil. The gaps are ordered by population, largest first, then by ID.
func FindGaps(ts []Territory, adj *Adjacency, uncovered func(code string) bool, opt GapOptions) []Gap {
	byCode := make(map[string]*Territory, len(ts))
	var codes []string
	for i := range ts {
		byCode[ts[i].Code] = &ts[i]
		if uncovered(ts[i].Code) {
			codes = append(codes, ts[i].Code)
		}
	}
	var gaps []Gap
	for _, comp := range adj.Components(codes) {
		if len(comp) < opt.MinMembers {
			continue
		}
		members := make([]*Territory, len(comp))
		for i, c := range comp {
			members[i] = byCode[c]
		}
		gaps = append(gaps, describeGap(members))
	}
	slices.SortFunc(gaps, func(a, b Gap) int {
		return cmp.Or(cmp.Compare(b.Population, a.Population), cmp.Compare(a.ID, b.ID))
	})
	return gaps
}

// describeGap computes the figures of one zone; members are sorted by code.
func describeGap(members []*Territory) Gap {
	g := Gap{ID: "gap-" + members[0].Code, Level: members[0].Level}
	bound := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	centroids := make([]orb.Point, len(members))
	weights := make([]float64, len(members))
	for i, t := range members {
		g.Members = append(g.Members, t.Code)
		g.Names = append(g.Names, t.Name)
		g.Population += t.Population
		if t.Geometry == nil {
			continue
		}
		weights[i] = geo.Area(t.Geometry) / 1e6
		g.AreaKm2 += weights[i]
		centroids[i] = territoryCentroid(t.Geometry)
		bound = bound.Union(t.Geometry.Bound())
	}
	g.AreaKm2 = math.Round(g.AreaKm2)
	if bound.IsEmpty() { // no outlines at all: nothing to locate
		g.Summary = strings.Join(g.Names, ", ")
		return g
	}
	g.Extent = [4]float64{round5(bound.Min[0]), round5(bound.Min[1]), round5(bound.Max[0]), round5(bound.Max[1])}
	if g.AreaKm2 == 0 { // degenerate outlines: every member counts the same
		for i, t := range members {
			if t.Geometry != nil {
				weights[i] = 1
			}
		}
	}
	var sw, slon, slat float64
	for i, c := range centroids {
		sw += weights[i]
		slon += weights[i] * c[0]
		slat += weights[i] * c[1]
	}
	centroid := orb.Point{slon / sw, slat / sw}
	g.Centroid = [2]float64{round5(centroid[0]), round5(centroid[1])}
	if len(members) == 1 {
		g.Summary = members[0].Name
		return g
	}
	o := orientation(members, centroids, weights, centroid)
	g.Orientation = &o
	g.Diagonal = len(members) >= DiagonalMinMembers && o.LengthKm >= DiagonalMinLengthKm &&
		o.Elongation >= DiagonalMinElongation && o.BearingDeg >= DiagonalMinBearing && o.BearingDeg <= DiagonalMaxBearing
	g.Summary = fmt.Sprintf("%s, %.0f km", o.Axis, o.LengthKm)
	return g
}

// orientation computes the principal axis of the centroids (weighted
// covariance on a local projection at origin, their weighted mean) and the
// extents of the members' outer rings along it and across it.
func orientation(members []*Territory, centroids []orb.Point, weights []float64, origin orb.Point) Orientation {
	kx := math.Cos(origin[1]*math.Pi/180) * kmPerDegree
	project := func(p orb.Point) (x, y float64) {
		return (p[0] - origin[0]) * kx, (p[1] - origin[1]) * kmPerDegree
	}
	var sw, sxx, syy, sxy float64
	for i, c := range centroids {
		w := weights[i] // 0 for a member without outline
		x, y := project(c)
		sw += w
		sxx += w * x * x
		syy += w * y * y
		sxy += w * x * y
	}
	sxx, syy, sxy = sxx/sw, syy/sw, sxy/sw
	// Angle of the major axis from east, counter-clockwise: the eigenvector
	// of the largest eigenvalue of [[sxx sxy] [sxy syy]]. The covariance is
	// taken about the weighted centroid, which is origin.
	phi := 0.5 * math.Atan2(2*sxy, sxx-syy)
	ux, uy := math.Cos(phi), math.Sin(phi)
	minA, maxA, minC, maxC := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, t := range members {
		for _, p := range polygons(t.Geometry) {
			if len(p) == 0 {
				continue
			}
			for _, pt := range p[0] {
				x, y := project(pt)
				along, across := x*ux+y*uy, -x*uy+y*ux
				minA, maxA = min(minA, along), max(maxA, along)
				minC, maxC = min(minC, across), max(maxC, across)
			}
		}
	}
	bearing := math.Mod(90-phi*180/math.Pi+360, 180)
	o := Orientation{BearingDeg: math.Round(bearing*10) / 10}
	if o.BearingDeg >= 180 {
		o.BearingDeg = 0
	}
	o.Axis = axisName(o.BearingDeg)
	if maxA >= minA {
		end := func(a float64) [2]float64 {
			return [2]float64{round5(origin[0] + a*ux/kx), round5(origin[1] + a*uy/kmPerDegree)}
		}
		o.Ends = [2][2]float64{end(maxA), end(minA)}
		if o.Ends[0][0] < o.Ends[1][0] {
			o.Ends[0], o.Ends[1] = o.Ends[1], o.Ends[0]
		}
		length, width := maxA-minA, maxC-minC
		o.LengthKm, o.WidthKm = math.Round(length), math.Round(width)
		if width > 0 {
			o.Elongation = math.Round(length/width*100) / 100
		}
	}
	return o
}

// axisName names the nearest of the four axes to a bearing in [0, 180).
func axisName(bearing float64) string {
	switch {
	case bearing < 22.5 || bearing >= 157.5:
		return "N–S"
	case bearing < 67.5:
		return "NE–SW"
	case bearing < 112.5:
		return "E–W"
	default:
		return "NW–SE"
	}
}

// territoryCentroid is the planar (lon/lat) centroid of the outline, or the
// middle of its bound when it has no area.
func territoryCentroid(g orb.Geometry) orb.Point {
	if c, a := planar.CentroidArea(g); a != 0 {
		return c
	}
	return g.Bound().Center()
}

func round5(x float64) float64 { return math.Round(x*1e5) / 1e5 }
