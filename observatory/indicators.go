package observatory

import (
	"context"
	"fmt"
	"slices"
)

// Indicators computes the registry's indicators from a snapshot's facts.
// Formulas live here, in plain Go over the facts, so each can be checked
// by hand; the store only sums rows.
type Indicators struct {
	Facts FactStore
	Geo   *Gazetteer
}

// Indicators returns the registry.
func (s Indicators) Indicators() []Indicator { return Registry() }

// Values computes one indicator for the territories of a level. With a
// territory and no year, it gives that territory's time series: one value
// per label year (catalogue indicators) or survey year (BMO ones).
func (s Indicators) Values(ctx context.Context, q IndicatorQuery) ([]Value, error) {
	ind, ok := LookupIndicator(q.ID)
	if !ok {
		return nil, ParamError("id", "no indicator %q", q.ID)
	}
	if ind.ID == IndTargets {
		return s.targets(ctx, q)
	}
	if !ind.Has(q.Level) {
		return nil, ParamError("level", "indicator %s exists at levels %v, not %q", ind.ID, ind.Levels, q.Level)
	}
	if !q.Series() {
		return s.values(ctx, ind, q)
	}
	label, survey, err := s.Facts.Years(ctx)
	if err != nil {
		return nil, err
	}
	years := label
	if slices.Equal(ind.Sources, []string{"bmo"}) {
		years = survey
	}
	var out []Value
	for _, y := range years {
		yq := q
		yq.Year = y
		vs, err := s.values(ctx, ind, yq)
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
	}
	return out, nil
}

// values computes one indicator for one year (or all years when 0).
func (s Indicators) values(ctx context.Context, ind Indicator, q IndicatorQuery) ([]Value, error) {
	fq := FactQuery{Level: q.Level, Year: q.Year, Wave: q.Wave, Family: q.Family}
	var out []Value
	var err error
	switch ind.ID {
	case IndHiring, IndDifficultShare:
		out, err = s.demand(ctx, ind, fq)
	case IndSupplyDemand:
		out, err = s.ratio(ctx, fq)
	case IndFamilyShare:
		out, err = s.familyShare(ctx, fq)
	case IndDistance:
		out, err = s.distance(ctx, fq)
	default:
		out, err = s.offer(ctx, ind, fq)
	}
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Indicator, out[i].Level, out[i].Year = ind.ID, q.Level, q.Year
		if out[i].Family == "" {
			out[i].Family = q.Family
		}
	}
	if q.Territory != "" {
		out = slices.DeleteFunc(out, func(v Value) bool { return v.Code != q.Territory })
	}
	return out, nil
}

// offer computes the indicators that need only the catalogue's facts.
func (s Indicators) offer(ctx context.Context, ind Indicator, q FactQuery) ([]Value, error) {
	facts, err := s.Facts.OfferFacts(ctx, q)
	if err != nil {
		return nil, err
	}
	nat := sumOffer(facts)
	out := make([]Value, len(facts))
	for i, f := range facts {
		v := Value{Code: f.Code, Name: f.Name}
		switch ind.ID {
		case IndFormations:
			v.Value = num(float64(f.Formations))
		case IndStructures:
			v.Value = num(float64(f.Structures))
		case IndPer100k:
			v.Value = per(float64(f.Formations), float64(f.Population), 100_000)
		case IndLearners:
			v.Value = num(float64(f.Learners))
		case IndWomenShare:
			v.Value = f.Women.Pct()
		case IndLowQualShare:
			v.Value = f.LowQualified.Pct()
		case IndQPVShare:
			v.Value = f.QPV.Pct()
		case IndCoverage:
			v.Value, v.Class = coverage(f, nat)
		default:
			return nil, fmt.Errorf("indicator %s has no formula", ind.ID)
		}
		out[i] = v
	}
	return out, nil
}

// coverage is the territory's rate over the national rate, and its class.
func coverage(f, nat OfferFacts) (*float64, string) {
	if f.Formations == 0 {
		return num(0), ClassNone
	}
	rate := per(float64(f.Formations), float64(f.Population), 1)
	natRate := per(float64(nat.Formations), float64(nat.Population), 1)
	if rate == nil || natRate == nil || *natRate == 0 {
		return nil, ""
	}
	idx := *rate / *natRate
	if idx < LowCoverageShare {
		return &idx, ClassLow
	}
	return &idx, ClassAdequate
}

// sumOffer adds up territories' facts into national ones.
func sumOffer(fs []OfferFacts) OfferFacts {
	var n OfferFacts
	for _, f := range fs {
		n.Population += f.Population
		n.Formations += f.Formations
		n.Structures += f.Structures // an upper bound: a structure may work in several territories
		n.Learners += f.Learners
		n.Women = addPart(n.Women, f.Women)
		n.LowQualified = addPart(n.LowQualified, f.LowQualified)
		n.QPV = addPart(n.QPV, f.QPV)
	}
	return n
}

func addPart(a, b Part) Part { return Part{a.Num + b.Num, a.Den + b.Den} }

// familyShare gives the share of each family (or of q.Family) in each
// territory's formations.
func (s Indicators) familyShare(ctx context.Context, q FactQuery) ([]Value, error) {
	all := q
	all.Family = ""
	totals, err := s.Facts.OfferFacts(ctx, all)
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]int, len(totals))
	for _, t := range totals {
		byCode[t.Code] = t.Formations
	}
	fq := q
	fq.ByFamily = q.Family == ""
	facts, err := s.Facts.OfferFacts(ctx, fq)
	if err != nil {
		return nil, err
	}
	out := make([]Value, len(facts))
	for i, f := range facts {
		fam := f.Family
		if fam == "" {
			fam = q.Family
		}
		out[i] = Value{Code: f.Code, Name: f.Name, Family: fam,
			Value: Part{int64(f.Formations), int64(byCode[f.Code])}.Pct()}
	}
	return out, nil
}

// demand computes the BMO indicators.
func (s Indicators) demand(ctx context.Context, ind Indicator, q FactQuery) ([]Value, error) {
	facts, note, err := s.demandFacts(ctx, q)
	if err != nil || facts == nil {
		return noDemand(ctx, s, q, note, err)
	}
	out := make([]Value, len(facts))
	for i, f := range facts {
		v := Value{Code: f.Code, Name: f.Name, Note: note}
		if f.Secret > 0 {
			v.Note = fmt.Sprintf("%s; %d rows under statistical secrecy left out", note, f.Secret)
		}
		if ind.ID == IndHiring {
			v.Value = num(float64(f.Projects))
		} else {
			v.Value = f.Difficult.Pct()
		}
		out[i] = v
	}
	return out, nil
}

// demandFacts resolves the survey year (the latest when q has none) and
// reads the facts; nil facts with a note when there is no such survey.
func (s Indicators) demandFacts(ctx context.Context, q FactQuery) ([]DemandFacts, string, error) {
	_, survey, err := s.Facts.Years(ctx)
	if err != nil {
		return nil, "", err
	}
	if q.Year == 0 {
		if len(survey) == 0 {
			return nil, "no BMO survey in this snapshot", nil
		}
		q.Year = survey[len(survey)-1]
	} else if !slices.Contains(survey, q.Year) {
		return nil, fmt.Sprintf("no BMO survey for %d in this snapshot (surveys: %v)", q.Year, survey), nil
	}
	q.Wave = 0
	facts, err := s.Facts.DemandFacts(ctx, q)
	return facts, fmt.Sprintf("BMO %d", q.Year), err
}

// noDemand lists the level's territories with no value and the reason.
func noDemand(ctx context.Context, s Indicators, q FactQuery, note string, err error) ([]Value, error) {
	if err != nil {
		return nil, err
	}
	if q.Level == LevelBassin {
		return []Value{}, nil // bassins exist only through a survey
	}
	ts := s.Geo.Territories(q.Level)
	out := make([]Value, len(ts))
	for i, t := range ts {
		out[i] = Value{Code: t.Code, Name: t.Name, Note: note}
	}
	return out, nil
}

// ratio is formations per 1,000 digital hiring projects.
func (s Indicators) ratio(ctx context.Context, q FactQuery) ([]Value, error) {
	offer, err := s.Facts.OfferFacts(ctx, q)
	if err != nil {
		return nil, err
	}
	demand, note, err := s.demandFacts(ctx, q)
	if err != nil {
		return nil, err
	}
	proj := make(map[string]DemandFacts, len(demand))
	for _, d := range demand {
		proj[d.Code] = d
	}
	out := make([]Value, len(offer))
	for i, f := range offer {
		v := Value{Code: f.Code, Name: f.Name, Note: note}
		d, ok := proj[f.Code]
		switch {
		case demand == nil:
		case !ok || d.Published == 0:
			v.Note = note + "; no published digital hiring project"
		default:
			v.Value = per(float64(f.Formations), float64(d.Projects), 1000)
		}
		out[i] = v
	}
	return out, nil
}

// distance is the population-weighted mean distance from communes to the
// nearest formation.
func (s Indicators) distance(ctx context.Context, q FactQuery) ([]Value, error) {
	pts, err := s.Facts.FormationPoints(ctx, q)
	if err != nil {
		return nil, err
	}
	byTerr := NearestDistances(s.Geo, q.Level, pts)
	ts := s.Geo.Territories(q.Level)
	out := make([]Value, len(ts))
	for i, t := range ts {
		out[i] = Value{Code: t.Code, Name: t.Name}
		if d, ok := byTerr[t.Code]; ok {
			out[i].Value = num(d)
		} else {
			out[i].Note = "no formation within reach (none in this overseas département)"
		}
	}
	return out, nil
}

func num(v float64) *float64 { return &v }

// per is a/b×k, nil when b is 0.
func per(a, b, k float64) *float64 {
	if b == 0 {
		return nil
	}
	v := a / b * k
	return &v
}

// Profile computes every indicator of q.Level for one territory, keyed by
// indicator id, for the territory's profile. q.Year 0 means the whole
// catalogue and the latest survey, as on the map, not a time series.
func (s Indicators) Profile(ctx context.Context, q IndicatorQuery, code string) (map[string]Value, error) {
	out := map[string]Value{}
	for _, ind := range registry {
		if !ind.Has(q.Level) || ind.PerFamily && q.Family != "" {
			continue
		}
		iq := q
		iq.ID, iq.Territory = ind.ID, ""
		vals, err := s.values(ctx, ind, iq)
		if err != nil {
			return nil, err
		}
		for _, v := range vals {
			if v.Code != code {
				continue
			}
			if ind.PerFamily {
				out[ind.ID+":"+v.Family] = v
			} else {
				out[ind.ID] = v
			}
		}
	}
	return out, nil
}
