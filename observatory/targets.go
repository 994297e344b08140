package observatory

import (
	"context"
	"fmt"
	"time"
)

// The plan's national targets (plan 2021 for the GEN).
const (
	TargetFormations   = 500    // "about 500 formations"
	TargetLearners     = 10_000 // learners a year
	TargetWomenPct     = 30     // at least
	TargetLowQualified = 50     // at least, young people with little or no qualification
)

// targets compares national figures with the plan's targets, read in the
// labelled view by default (the plan's "about 500 formations" counts every
// formation labelled), or in the view asked. What the catalogue cannot
// support is null with its reason.
func (s Indicators) targets(ctx context.Context, cal Calendar, q IndicatorQuery) (*Result, error) {
	if q.Level != "" && q.Level != LevelNational {
		return nil, ParamError("level", "indicator %s exists only at level national", IndTargets)
	}
	if q.View == "" {
		q.View = ViewLabelled
	}
	w, err := resolve(cal, q)
	if err != nil {
		return nil, err
	}
	fq := FactQuery{Level: LevelRegion, At: w.at, View: q.View, Family: q.Family, Programmes: q.Programmes}
	facts, err := s.Facts.OfferFacts(ctx, fq)
	if err != nil {
		return nil, err
	}
	n := sumOffer(facts)
	en, fr := offerPhrase(fq, "en"), offerPhrase(fq, "fr")
	t := func(code, name string, v, target *float64, note, noteFR string) Value {
		val := Value{Indicator: IndTargets, Level: LevelNational, Code: code, Name: name, Year: q.Year, At: w.at.Format(time.DateOnly),
			Family: q.Family, Value: v, Target: target, Note: "formations " + en + "; " + note, NoteFR: "formations " + fr + " ; " + noteFR, Flags: []string{}}
		if s.Synthetic {
			val.flag(FlagSynthetic)
		}
		return val
	}
	learners := t("learners_per_year", "Apprenants par an", nil, num(TargetLearners), "", "")
	learners.null(ReasonNoSource,
		fmt.Sprintf("the catalogue gives learners trained since labelling (%d in all, formations %s), not per year", n.Learners, en),
		fmt.Sprintf("le catalogue donne les apprenants formés depuis la labellisation (%d en tout, formations %s), pas par an", n.Learners, fr))
	vals := []Value{
		t("formations", "Formations labellisées", num(float64(n.Formations)), num(TargetFormations), "the plan aims at about 500", "le plan vise environ 500"),
		learners,
		t("women_share", "Part de femmes (%)", n.Women.Pct(), num(TargetWomenPct),
			fmt.Sprintf("%d learners over formations reporting women", n.Women.Den),
			fmt.Sprintf("%d apprenants des formations qui donnent les femmes", n.Women.Den)),
		t("low_qualified_share", "Part de peu ou pas qualifiés (%)", n.LowQualified.Pct(), num(TargetLowQualified),
			"the catalogue does not give ages, so all low-qualified learners count, not only young ones",
			"le catalogue ne donne pas les âges : tous les peu qualifiés comptent, pas seulement les jeunes"),
		t("qpv_share", "Part de résidents QPV (%)", n.QPV.Pct(), nil,
			"the plan sets QPV residents as a priority with no numeric target", "le plan fait des résidents QPV une priorité, sans cible chiffrée"),
	}
	for i := range vals {
		if vals[i].Value == nil && vals[i].Reason == "" {
			vals[i].null(ReasonNoSource, "the catalogue does not give it", "le catalogue ne le donne pas")
		}
	}
	return w.result(vals, q.View, cal), nil
}
