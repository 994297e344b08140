package api

import (
	"context"
	"slices"

	"github.com/gen-numerique/observatory/observatory"
)

// pageGaps finds the gap zones the map outlines: whatever indicator is
// drawn, a gap is a group of neighbouring territories with no formation
// for the map's year, waves and family, as GET /api/v1/gaps finds by default.
// The rule is the API's default for the level: no formation for régions
// and départements, BassinGapKm or more from one for bassins. Communes have
// no gap zones: a commune without a formation is the rule, not a gap.
func (s *Server) pageGaps(ctx context.Context, svc observatory.Indicators, q pageQuery) ([]gapZone, error) {
	none, far := 0.0, float64(BassinGapKm)
	rule := gapRule{Level: q.Level, Indicator: observatory.IndFormations, Max: &none, Family: q.Family, time: q.time()}
	switch q.Level {
	case observatory.LevelCommune:
		return nil, nil
	case observatory.LevelBassin:
		rule.Indicator, rule.Max, rule.Min = observatory.IndDistance, nil, &far
	}
	gaps, err := s.findGaps(ctx, svc, rule)
	if err != nil {
		return nil, err
	}
	out := make([]gapZone, len(gaps))
	for i, g := range gaps {
		out[i] = zoneOf(g)
	}
	return out, nil
}

// zoneOf is a gap as the page shows it.
func zoneOf(g observatory.Gap) gapZone {
	z := gapZone{ID: g.ID, Members: g.Members, Population: g.Population, AreaKm2: g.AreaKm2, Diagonal: g.Diagonal}
	if o := g.Orientation; o != nil {
		z.Bearing, z.Axis, z.LengthKm, z.Ends = o.BearingDeg, o.Axis, o.LengthKm, o.Ends
	}
	return z
}

// nearZones maps each territory to the gap zones it belongs to or borders.
func (s *Server) nearZones(level observatory.Level, gaps []gapZone) map[string][]string {
	out := map[string][]string{}
	if len(gaps) == 0 {
		return out // and no adjacency to build: at commune level it takes seconds
	}
	adj := s.geo.Adjacency(level)
	for _, z := range gaps {
		for _, m := range z.Members {
			for _, c := range append([]string{m}, adj.Neighbours(m)...) {
				if !slices.Contains(out[c], z.ID) {
					out[c] = append(out[c], z.ID)
				}
			}
		}
	}
	return out
}
