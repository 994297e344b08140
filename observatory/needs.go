package observatory

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Needs is the synthetic view of skill needs of one territory: the digital
// jobs in demand in a BMO survey, the offer in place for each job family,
// how the two compare with France as a whole, and what is furthest away.
// Every figure is the sources'; what they do not say is nil with a reason.
type Needs struct {
	Level Level  `json:"level"`
	Code  string `json:"code"`
	Name  string `json:"name"`
	// Survey is the BMO year; At the date the offer is read at.
	Survey     int    `json:"survey"`
	FAPEdition string `json:"fap_edition"`
	At         string `json:"at"`
	View       string `json:"view"`
	Population int64  `json:"population"`
	// Projects adds up the published digital hiring projects (a code in
	// several families counts once); nil when every cell is secret.
	Projects    *int64        `json:"projects"`
	SecretCells int           `json:"secret_cells"` // cells left out: Projects is then a lower bound
	Difficult   *float64      `json:"difficult_pct"`
	Seasonal    *float64      `json:"seasonal_pct"`
	Jobs        []Job         `json:"jobs"` // by projects, largest first; all-secret jobs last
	Families    []FamilyNeeds `json:"families"`
	// Access to the whole offer in force (every family): population-weighted
	// mean distance to the nearest formation, people beyond 30 km.
	DistanceKm *float64 `json:"distance_nearest_km"`
	Beyond30   *int64   `json:"pop_beyond_30km"`
	// Unmet is the family of the largest unmet need: the one with the most
	// hiring projects among those whose supply/demand ratio is under the
	// national one (no formation at all included); "" when none is.
	Unmet      string   `json:"largest_unmet_need,omitempty"`
	SentenceEN string   `json:"sentence_en"`
	SentenceFR string   `json:"sentence_fr"`
	Flags      []string `json:"flags"`
	Reason     string   `json:"reason,omitempty"` // why there are no jobs at all
	Note       string   `json:"note,omitempty"`
	NoteFR     string   `json:"note_fr,omitempty"`
}

// Job is one digital job (FAP code) in a territory's survey.
type Job struct {
	Rank        int      `json:"rank"` // 0 for jobs whose projects are all secret
	FAP         string   `json:"fap"`
	Label       string   `json:"label"`
	Families    []string `json:"families"`
	Projects    *int64   `json:"projects"` // nil: every cell secret
	SecretCells int      `json:"secret_cells"`
	Difficult   *float64 `json:"difficult_pct"` // over cells where both are published
	Seasonal    *float64 `json:"seasonal_pct"`
}

// FamilyNeeds sets a job family's offer against its demand.
type FamilyNeeds struct {
	Family      string   `json:"family"`
	Formations  int      `json:"formations"`
	Seats       int64    `json:"seats_per_session"` // over formations that give them
	Learners    int64    `json:"learners"`          // over formations that report them
	Projects    *int64   `json:"projects"`          // nil: not mapped in BMO, or all secret
	SecretCells int      `json:"secret_cells"`
	Ratio       *float64 `json:"supply_demand_ratio"` // formations per 1,000 projects
	National    *float64 `json:"national_ratio"`
	Reason      string   `json:"reason,omitempty"` // why Ratio is nil
}

// NeedsQuery selects the territories and the time of a needs view.
type NeedsQuery struct {
	Level     Level
	Territory string // one code of Level, "" for all
	At        time.Time
	View      string
	Year      int // BMO survey; 0: the latest, the offer then at the reference date
	Wave      int
	// Programmes whose formations make the offer; nil: the service's
	// (Indicators.Programmes, the request's programme=).
	Programmes []string
}

// Needs computes the needs view of a level's territories (or one).
func (s Indicators) Needs(ctx context.Context, q NeedsQuery) ([]Needs, error) {
	if q.Level != LevelRegion && q.Level != LevelDepartement && q.Level != LevelBassin {
		return nil, ParamError("level", "skill needs exist for region, departement and bassin, not %q", q.Level)
	}
	cal, err := s.Facts.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	if q.View == "" {
		q.View = ViewInForce
	}
	w, err := resolve(cal, IndicatorQuery{Level: q.Level, At: q.At, View: q.View, Year: q.Year, Wave: q.Wave})
	if err != nil {
		return nil, err
	}
	if q.Programmes == nil {
		q.Programmes = s.Programmes
	}
	fq := FactQuery{Level: q.Level, At: w.at, View: q.View, Year: w.survey, Programmes: q.Programmes}
	key := fmt.Sprintf("needs|%s|%s|%s|%d|%s", q.Level, w.at.Format(time.DateOnly), q.View, w.survey, programmeKey(q.Programmes))
	v, err := s.memo(ctx, key, func() (any, error) { return s.levelNeeds(ctx, fq) })
	if err != nil {
		return nil, err
	}
	all := v.([]Needs)
	if q.Territory == "" {
		return slices.Clone(all), nil
	}
	i := slices.IndexFunc(all, func(n Needs) bool { return n.Code == q.Territory })
	if i < 0 {
		return nil, nil
	}
	return all[i : i+1 : i+1], nil
}

// levelNeeds computes the needs of every territory of a level.
func (s Indicators) levelNeeds(ctx context.Context, fq FactQuery) ([]Needs, error) {
	cal, err := s.Facts.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	_, fq, miss, err := s.demandFacts(ctx, fq)
	if err != nil {
		return nil, err
	}
	in := needsInput{q: fq, cal: cal}
	if miss == nil {
		if in.jobs, err = s.Facts.JobFacts(ctx, fq); err != nil {
			return nil, err
		}
	}
	byFam := fq
	byFam.ByFamily = true
	if in.offer, err = s.Facts.OfferFacts(ctx, byFam); err != nil {
		return nil, err
	}
	af, err := s.communeAccess(ctx, FactQuery{Level: fq.Level, At: fq.At, View: fq.View, Programmes: fq.Programmes})
	if err != nil {
		return nil, err
	}
	in.access = af.byLevel(s.Geo, fq.Level)
	return s.needs(in, miss), nil
}
