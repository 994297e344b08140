package observatory

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// NearestDistances gives, for each territory of level, the mean distance in
// km from its communes' centroids to the nearest formation, weighted by
// population. Mainland France (Corsica included) is one area; each overseas
// département is its own, so Guyane is never measured against Martinique. A
// territory with no formation in its area is absent.
func NearestDistances(g *Gazetteer, level Level, pts []FormationPoint) map[string]float64 {
	byArea := map[string][]orb.Point{}
	for _, p := range pts {
		a := area(p.Departement)
		byArea[a] = append(byArea[a], p.Point)
	}
	type acc struct{ sum, pop float64 }
	sums := map[string]*acc{}
	for _, c := range g.Communes() {
		cand := byArea[area(c.Departement)]
		if len(cand) == 0 || c.Population <= 0 || (c.Lat == 0 && c.Lon == 0) {
			continue
		}
		code := c.Departement
		if level == LevelRegion {
			code = c.Region
		}
		a := sums[code]
		if a == nil {
			a = &acc{}
			sums[code] = a
		}
		pt := orb.Point{c.Lon, c.Lat}
		a.sum += float64(c.Population) * geo.Distance(pt, nearest(pt, cand)) / 1000
		a.pop += float64(c.Population)
	}
	out := make(map[string]float64, len(sums))
	for code, a := range sums {
		out[code] = a.sum / a.pop
	}
	return out
}

// area groups départements whose inhabitants can reach each other's
// formations by land (or a short ferry, for Corsica).
func area(dep string) string {
	if len(dep) == 3 {
		return dep
	}
	return "metro"
}

// nearest finds the candidate closest to pt, comparing squared distances
// on a local equirectangular projection: exact enough to rank points a few
// hundred km apart, and far cheaper than a great-circle distance to each.
func nearest(pt orb.Point, cand []orb.Point) orb.Point {
	k := math.Cos(pt[1] * math.Pi / 180)
	best, bestD := cand[0], math.Inf(1)
	for _, c := range cand {
		dx, dy := (c[0]-pt[0])*k, c[1]-pt[1]
		if d := dx*dx + dy*dy; d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
