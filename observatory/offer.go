package observatory

import (
	"cmp"
	"context"
	"fmt"
	"sync"
)

// offerPhrase is how a sentence names the formations counted.
func offerPhrase(q FactQuery, lang string) string {
	d := FormatDate(q.At, lang)
	switch {
	case q.View == ViewLabelled && lang == "fr":
		return "labellisées au " + d
	case q.View == ViewLabelled:
		return "labelled by " + d
	case lang == "fr":
		return "en vigueur au " + d
	}
	return "in force on " + d
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
		ex := &Explain{Formula: ind.Formula, Rows: f.Formations, RowsOf: "formations", DrillDown: offerDrill(q, f.Code)}
		n, p := float64(f.Formations), float64(f.Population)
		en, fr := offerPhrase(q, "en"), offerPhrase(q, "fr")
		switch ind.ID {
		case IndFormations:
			v.Value, ex.Numerator = num(n), num(n)
			ex.SentenceEN = fmt.Sprintf("%s: %s %s", f.Name, Count(n, "en", "formation", "formations"), en)
			ex.SentenceFR = fmt.Sprintf("%s : %s %s", f.Name, Count(n, "fr", "formation", "formations"), fr)
		case IndStructures:
			v.Value, ex.Numerator = num(float64(f.Structures)), num(float64(f.Structures))
			ex.SentenceEN = fmt.Sprintf("%s: %s run %s %s", f.Name, Count(float64(f.Structures), "en", "structure", "structures"),
				Count(n, "en", "formation", "formations"), en)
			ex.SentenceFR = fmt.Sprintf("%s : %s portent %s %s", f.Name, Count(float64(f.Structures), "fr", "structure", "structures"),
				Count(n, "fr", "formation", "formations"), fr)
		case IndPer100k:
			v.Value, ex.Numerator, ex.Denominator = per(n, p, 100_000), num(n), num(p)
			if v.Value == nil {
				v.null(ReasonNotApplicable, "no population", "pas de population")
				break
			}
			lowN(&v, f.Formations, MinFormations)
			ex.SentenceEN = fmt.Sprintf("%s: %s %s, for %s inhabitants: %s per 100,000", f.Name,
				Count(n, "en", "formation", "formations"), en, FormatNumber(p, "en"), FormatNumber(*v.Value, "en"))
			ex.SentenceFR = fmt.Sprintf("%s : %s %s, pour %s habitants : %s pour 100 000 habitants", f.Name,
				Count(n, "fr", "formation", "formations"), fr, FormatNumber(p, "fr"), FormatNumber(*v.Value, "fr"))
		case IndLearners:
			l := float64(f.Learners)
			v.Value, ex.Numerator, ex.Rows = num(l), num(l), f.Reporting
			if f.Reporting == 0 && f.Formations > 0 {
				v.null(ReasonNoSource, "none of the formations counted reports its learners", "aucune des formations comptées ne donne ses apprenants")
			}
			ex.SentenceEN = fmt.Sprintf("%s: %s trained by %s %s that report them", f.Name, Count(l, "en", "learner", "learners"),
				Count(float64(f.Reporting), "en", "formation", "formations"), en)
			ex.SentenceFR = fmt.Sprintf("%s : %s par %s %s qui les donnent", f.Name, Count(l, "fr", "apprenant formé", "apprenants formés"),
				Count(float64(f.Reporting), "fr", "formation", "formations"), fr)
		case IndWomenShare, IndLowQualShare, IndQPVShare:
			part := map[string]Part{IndWomenShare: f.Women, IndLowQualShare: f.LowQualified, IndQPVShare: f.QPV}[ind.ID]
			who := map[string][2]string{IndWomenShare: {"women", "femmes"}, IndLowQualShare: {"low-qualified learners", "peu ou pas qualifiés"},
				IndQPVShare: {"QPV residents", "résidents QPV"}}[ind.ID]
			v.Value, ex.Numerator, ex.Denominator = part.Pct(), num(float64(part.Num)), num(float64(part.Den))
			ex.RowsOf = "formations reporting both figures"
			shareOfLearners(&v, f, part)
			if v.Value != nil {
				ex.SentenceEN = fmt.Sprintf("%s: %s %s among %s learners of the formations %s reporting both: %s %%", f.Name,
					FormatNumber(float64(part.Num), "en"), who[0], FormatNumber(float64(part.Den), "en"), en, FormatNumber(*v.Value, "en"))
				ex.SentenceFR = fmt.Sprintf("%s : %s %s parmi %s apprenants des formations %s qui donnent les deux : %s %%", f.Name,
					FormatNumber(float64(part.Num), "fr"), who[1], FormatNumber(float64(part.Den), "fr"), fr, FormatNumber(*v.Value, "fr"))
			}
		case IndCoverage:
			v.Value, v.Class = coverage(f, nat)
			ex.Numerator, ex.Denominator = num(n), num(p)
			if v.Value == nil {
				v.null(ReasonNotApplicable, "no population or no national rate", "pas de population ou pas de taux national")
				break
			}
			if f.Formations > 0 {
				lowN(&v, f.Formations, MinFormations)
			}
			ex.SentenceEN = fmt.Sprintf("%s: %s %s for %s inhabitants, %s times the national rate (%s for %s): %s", f.Name,
				Count(n, "en", "formation", "formations"), en, FormatNumber(p, "en"), FormatNumber(*v.Value, "en"), FormatNumber(float64(nat.Formations), "en"),
				FormatNumber(float64(nat.Population), "en"), v.Class)
			ex.SentenceFR = fmt.Sprintf("%s : %s %s pour %s habitants, %s fois le taux national (%s pour %s) : %s", f.Name,
				Count(n, "fr", "formation", "formations"), fr, FormatNumber(p, "fr"), FormatNumber(*v.Value, "fr"), FormatNumber(float64(nat.Formations), "fr"),
				FormatNumber(float64(nat.Population), "fr"), ClassLabelsFR[v.Class])
		default:
			return nil, fmt.Errorf("indicator %s has no formula", ind.ID)
		}
		if f.EndUnknown > 0 && q.View == ViewInForce {
			v.flag(FlagLabelEndUnknown)
			v.Note = join(v.Note, fmt.Sprintf("%d formations without a label end date count as in force", f.EndUnknown))
			v.NoteFR = join(v.NoteFR, fmt.Sprintf("%d formations sans date de fin de label comptées en vigueur", f.EndUnknown))
		}
		v.Explain = ex
		out[i] = v
	}
	return out, nil
}

// shareOfLearners gives a share of learners its reason when null and its
// low_n flag when it rests on few learners.
func shareOfLearners(v *Value, f OfferFacts, part Part) {
	switch {
	case part.Den > 0:
		lowN(v, int(part.Den), MinLearners)
	case f.Formations == 0:
		v.null(ReasonNotApplicable, "no formation, so no learner", "pas de formation, donc pas d'apprenant")
	default:
		v.null(ReasonNoSource, "no formation counted reports both figures", "aucune formation comptée ne donne les deux chiffres")
	}
}

func lowN(v *Value, n, min int) {
	if n < min {
		v.flag(FlagLowN)
	}
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
		n.Reporting += f.Reporting
		n.EndUnknown += f.EndUnknown
		n.Women = addPart(n.Women, f.Women)
		n.LowQualified = addPart(n.LowQualified, f.LowQualified)
		n.QPV = addPart(n.QPV, f.QPV)
	}
	return n
}

func addPart(a, b Part) Part { return Part{a.Num + b.Num, a.Den + b.Den} }

// familyShare gives the share of each family (or of q.Family) in each
// territory's formations.
func (s Indicators) familyShare(ctx context.Context, ind Indicator, q FactQuery) ([]Value, error) {
	all := q
	all.Family = ""
	fq := q
	fq.ByFamily = q.Family == ""
	// The two queries are independent: run together, a cold answer
	// costs the longer of them, not their sum.
	var totals, facts []OfferFacts
	var errAll, errFam error
	var wg sync.WaitGroup
	wg.Go(func() { totals, errAll = s.Facts.OfferFacts(ctx, all) })
	facts, errFam = s.Facts.OfferFacts(ctx, fq)
	wg.Wait()
	if err := cmp.Or(errAll, errFam); err != nil {
		return nil, err
	}
	byCode := make(map[string]int, len(totals))
	for _, t := range totals {
		byCode[t.Code] = t.Formations
	}
	out := make([]Value, len(facts))
	for i, f := range facts {
		fam := f.Family
		if fam == "" {
			fam = q.Family
		}
		den := byCode[f.Code]
		v := Value{Code: f.Code, Name: f.Name, Family: fam, Value: Part{int64(f.Formations), int64(den)}.Pct()}
		fam1 := q
		fam1.Family = fam
		ex := &Explain{Formula: ind.Formula, Numerator: num(float64(f.Formations)), Denominator: num(float64(den)),
			Rows: f.Formations, RowsOf: "formations", DrillDown: offerDrill(fam1, f.Code)}
		if v.Value == nil {
			v.null(ReasonNotApplicable, "no formation "+offerPhrase(q, "en"), "pas de formation "+offerPhrase(q, "fr"))
		} else {
			lowN(&v, den, MinFormationsShare)
			ex.SentenceEN = fmt.Sprintf("%s: %d of the %d formations %s are in %s: %s %%", f.Name, f.Formations, den,
				offerPhrase(q, "en"), fam, FormatNumber(*v.Value, "en"))
			ex.SentenceFR = fmt.Sprintf("%s : %d des %d formations %s relèvent de %s : %s %%", f.Name, f.Formations, den,
				offerPhrase(q, "fr"), fam, FormatNumber(*v.Value, "fr"))
		}
		v.Explain = ex
		out[i] = v
	}
	return out, nil
}
