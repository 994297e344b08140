package observatory

import (
	"context"
	"fmt"
)

// The plan's national targets (plan 2021 for the GEN).
const (
	TargetFormations   = 500    // "about 500 formations"
	TargetLearners     = 10_000 // learners a year
	TargetWomenPct     = 30     // at least
	TargetLowQualified = 50     // at least, young people with little or no qualification
)

// targets compares national figures with the plan's targets. What the
// catalogue cannot support is nil with a note saying why.
func (s Indicators) targets(ctx context.Context, q IndicatorQuery) ([]Value, error) {
	if q.Level != "" && q.Level != LevelNational {
		return nil, ParamError("level", "indicator %s exists only at level national", IndTargets)
	}
	facts, err := s.Facts.OfferFacts(ctx, FactQuery{Level: LevelRegion, Year: q.Year, Wave: q.Wave, Family: q.Family})
	if err != nil {
		return nil, err
	}
	n := sumOffer(facts)
	scope := "whole catalogue"
	switch {
	case q.Year != 0:
		scope = fmt.Sprintf("formations labelled in %d", q.Year)
	case q.Wave != 0:
		scope = fmt.Sprintf("formations of waves 1 to %d", q.Wave)
	}
	t := func(code, name string, v, target *float64, note string) Value {
		return Value{Indicator: IndTargets, Level: LevelNational, Code: code, Name: name, Year: q.Year,
			Family: q.Family, Value: v, Target: target, Note: note}
	}
	return []Value{
		t("formations", "Formations labellisées", num(float64(n.Formations)), num(TargetFormations), scope),
		t("learners_per_year", "Apprenants par an", nil, num(TargetLearners),
			fmt.Sprintf("not available: the catalogue gives learners trained since labelling (%d in all, %s), not per year", n.Learners, scope)),
		t("women_share", "Part de femmes (%)", n.Women.Pct(), num(TargetWomenPct),
			fmt.Sprintf("%s; %d learners over formations reporting women", scope, n.Women.Den)),
		t("low_qualified_share", "Part de peu ou pas qualifiés (%)", n.LowQualified.Pct(), num(TargetLowQualified),
			fmt.Sprintf("%s; the catalogue does not give ages, so all low-qualified learners count, not only young ones", scope)),
		t("qpv_share", "Part de résidents QPV (%)", n.QPV.Pct(), nil,
			fmt.Sprintf("%s; the plan sets QPV residents as a priority with no numeric target", scope)),
	}, nil
}
