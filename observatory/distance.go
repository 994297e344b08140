package observatory

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// Reach is a territory's population-weighted mean distance to the nearest
// formation, and what it is computed over.
type Reach struct {
	MeanKm     float64
	Population int64 // of the communes counted
	Communes   int
}

// NearestDistances gives, for each territory of level, the mean distance in
// km from its communes' centroids to the nearest formation, weighted by
// population. Mainland France (Corsica included) is one area; each overseas
// département is its own, so Guyane is never measured against Martinique. A
// territory with no formation in its area is absent.
func NearestDistances(g *Gazetteer, level Level, pts []FormationPoint) map[string]Reach {
	byArea := map[string][]orb.Point{}
	for _, p := range pts {
		a := area(p.Departement)
		byArea[a] = append(byArea[a], p.Point)
	}
	type acc struct {
		sum, pop float64
		n        int
	}
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
		a.n++
	}
	out := make(map[string]Reach, len(sums))
	for code, a := range sums {
		out[code] = Reach{MeanKm: a.sum / a.pop, Population: int64(a.pop), Communes: a.n}
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

// distance is the population-weighted mean distance from communes to the
// nearest formation of the selection.
func (s Indicators) distance(ctx context.Context, ind Indicator, q FactQuery) ([]Value, error) {
	pts, err := s.Facts.FormationPoints(ctx, q)
	if err != nil {
		return nil, err
	}
	byTerr := NearestDistances(s.Geo, q.Level, pts)
	ts := s.Geo.Territories(q.Level)
	out := make([]Value, len(ts))
	for i, t := range ts {
		v := Value{Code: t.Code, Name: t.Name}
		r, ok := byTerr[t.Code]
		if !ok {
			v.null(ReasonNotApplicable, "no formation "+offerPhrase(q, "en")+" within reach (none in this overseas département)",
				"aucune formation "+offerPhrase(q, "fr")+" à portée (aucune dans ce département d'outre-mer)")
		} else {
			v.Value = num(r.MeanKm)
		}
		ex := &Explain{Formula: ind.Formula, Numerator: num(r.MeanKm * float64(r.Population)), Denominator: num(float64(r.Population)),
			Rows: r.Communes, RowsOf: "communes", DrillDown: offerDrill(FactQuery{Level: LevelNational, At: q.At, View: q.View, Family: q.Family}, "")}
		if ok {
			ex.SentenceEN = fmt.Sprintf("%s: on average %s km to the nearest formation %s, over the %s inhabitants of %d communes", t.Name,
				FormatNumber(r.MeanKm, "en"), offerPhrase(q, "en"), FormatNumber(float64(r.Population), "en"), r.Communes)
			ex.SentenceFR = fmt.Sprintf("%s : en moyenne %s km jusqu'à la formation %s la plus proche, pour les %s habitants de %d communes", t.Name,
				FormatNumber(r.MeanKm, "fr"), strings.TrimSuffix(offerPhrase(q, "fr"), "s"), FormatNumber(float64(r.Population), "fr"), r.Communes)
		}
		v.Explain = ex
		out[i] = v
	}
	return out, nil
}
