package observatory

import (
	"context"
	"fmt"
)

// StateOf reads from a snapshot what a diff compares: every formation, the
// BMO survey years, the ChangeIndicators by département at the snapshot's
// reference date, and its gap zones there (départements with no formation
// in force, as GET /api/v1/gaps gives by default). svc computes the
// indicators over st; adj is the départements' adjacency.
func StateOf(ctx context.Context, st Store, svc Indicators, adj *Adjacency) (*SnapshotState, error) {
	info, err := st.Info(ctx)
	if err != nil {
		return nil, err
	}
	cal, err := st.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	s := &SnapshotState{Snapshot: st.Snapshot(), Created: info.Created, Reference: cal.Reference}
	if err := st.EachFormation(ctx, FormationFilter{}, func(f *Formation) error {
		s.Formations = append(s.Formations, *f)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("formations of %s: %w", s.Snapshot, err)
	}
	if s.JobDemand, err = st.JobDemandYears(ctx); err != nil {
		return nil, fmt.Errorf("job demand of %s: %w", s.Snapshot, err)
	}
	uncovered := map[string]bool{}
	for _, id := range ChangeIndicators {
		res, err := svc.Values(ctx, IndicatorQuery{ID: id, Level: LevelDepartement})
		if err != nil {
			return nil, fmt.Errorf("%s of %s: %w", id, s.Snapshot, err)
		}
		for _, v := range res.Values {
			// Explanations and notes are for readers of one snapshot.
			v.Explain, v.Note, v.NoteFR = nil, "", ""
			s.Values = append(s.Values, v)
			if id == IndFormations && v.Value != nil && *v.Value <= 0 {
				uncovered[v.Code] = true
			}
		}
	}
	s.Gaps = FindGaps(svc.Geo.Territories(LevelDepartement), adj, func(code string) bool { return uncovered[code] }, GapOptions{})
	return s, nil
}
