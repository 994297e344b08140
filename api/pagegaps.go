package api

import (
	"context"
	"slices"

	"github.com/gen-numerique/observatory/observatory"
)

// pageGaps finds the gap zones the map outlines: whatever indicator is
// drawn, a gap is a group of neighbouring territories with no formation
// for the map's year, waves and family, as GET /api/v1/gaps finds by default.
func (s *Server) pageGaps(ctx context.Context, svc observatory.Indicators, q pageQuery) ([]gapZone, error) {
	none := 0.0
	gaps, err := s.findGaps(ctx, svc, gapRule{Level: q.Level, Indicator: observatory.IndFormations, Max: &none,
		Family: q.Family, time: q.time()})
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
	adj := s.adjacency(level)
	out := map[string][]string{}
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
