package observatory

import (
	"context"
	"fmt"
	"slices"
)

// demand computes the BMO indicators: digital hiring projects and the
// share judged difficult.
func (s Indicators) demand(ctx context.Context, ind Indicator, q FactQuery) ([]Value, error) {
	facts, q, miss, err := s.demandFacts(ctx, q)
	if err != nil || miss != nil {
		return s.noDemand(q, miss, err)
	}
	out := make([]Value, len(facts))
	for i, f := range facts {
		v := Value{Code: f.Code, Name: f.Name, Survey: q.Year}
		ex := &Explain{Formula: ind.Formula, Rows: f.Published + f.Secret, RowsOf: "BMO cells", DrillDown: demandDrill(q, f.Code)}
		secret(&v, f)
		if f.Unsurveyed {
			v.null(ReasonNoSource, fmt.Sprintf("BMO %d has no cell for this bassin: the survey draws its bassins its own way", q.Year),
				fmt.Sprintf("la BMO %d n'a aucune cellule pour ce bassin : l'enquête découpe ses bassins à sa façon", q.Year))
			v.Explain = ex
			out[i] = v
			continue
		}
		switch ind.ID {
		case IndHiring:
			p := float64(f.Projects)
			v.Value, ex.Numerator = num(p), num(p)
			if f.Published == 0 && f.Secret > 0 {
				v.null(ReasonSecret, fmt.Sprintf("all %d BMO %d cells of the digital jobs here are under statistical secrecy", f.Secret, q.Year),
					fmt.Sprintf("les %d cellules BMO %d des métiers du numérique sont toutes sous secret statistique", f.Secret, q.Year))
			}
			ex.SentenceEN = fmt.Sprintf("%s: %s digital hiring projects in BMO %d, over %d published cells (%d under secrecy left out)",
				f.Name, FormatNumber(p, "en"), q.Year, f.Published, f.Secret)
			ex.SentenceFR = fmt.Sprintf("%s : %s projets de recrutement numériques dans la BMO %d, sur %d cellules publiées (%d sous secret, exclues)",
				f.Name, FormatNumber(p, "fr"), q.Year, f.Published, f.Secret)
		default: // difficult share
			d := f.Difficult
			v.Value, ex.Numerator, ex.Denominator = d.Pct(), num(float64(d.Num)), num(float64(d.Den))
			ex.RowsOf = "BMO cells where both figures are published"
			switch {
			case d.Den == 0 && f.Secret > 0:
				v.null(ReasonSecret, "the cells that would give it are under statistical secrecy", "les cellules qui le donneraient sont sous secret statistique")
			case d.Den == 0:
				v.null(ReasonNotApplicable, "no digital hiring project here", "aucun projet de recrutement numérique ici")
			case d.Den < SuppressProjects:
				v.null(ReasonSuppressed, fmt.Sprintf("withheld: %d hiring projects are too few for a share (under %d)", d.Den, SuppressProjects),
					fmt.Sprintf("non publié : %d projets sont trop peu pour une part (moins de %d)", d.Den, SuppressProjects))
			default:
				lowN(&v, int(d.Den), MinProjects)
				ex.SentenceEN = fmt.Sprintf("%s: %s of %s digital hiring projects in BMO %d judged difficult: %s %%", f.Name,
					FormatNumber(float64(d.Num), "en"), FormatNumber(float64(d.Den), "en"), q.Year, FormatNumber(*v.Value, "en"))
				ex.SentenceFR = fmt.Sprintf("%s : %s des %s projets de recrutement numériques de la BMO %d jugés difficiles : %s %%", f.Name,
					FormatNumber(float64(d.Num), "fr"), FormatNumber(float64(d.Den), "fr"), q.Year, FormatNumber(*v.Value, "fr"))
			}
		}
		v.Explain = ex
		out[i] = v
	}
	return out, nil
}

// surveyOnly lists the bassins the survey has and the reference geography
// lacks (no commune is in them, so no formation can be): their ratio is
// null with that reason rather than left out.
func surveyOnly(offer []OfferFacts, demand []DemandFacts, year int) []Value {
	known := make(map[string]bool, len(offer))
	for _, f := range offer {
		known[f.Code] = true
	}
	var out []Value
	for _, d := range demand {
		if known[d.Code] {
			continue
		}
		v := Value{Code: d.Code, Name: d.Name, Survey: year}
		v.null(ReasonNoSource, fmt.Sprintf("bassin of BMO %d that the commune → bassin table lacks: no formation can be placed in it", year),
			fmt.Sprintf("bassin de la BMO %d absent de la table communes → bassins : aucune formation ne peut y être située", year))
		out = append(out, v)
	}
	return out
}

// secret flags the cells under statistical secrecy behind a figure.
func secret(v *Value, f DemandFacts) {
	if f.Secret == 0 {
		return
	}
	v.flag(FlagSecretRows)
	v.SecretRows = f.Secret
	v.Note = join(v.Note, fmt.Sprintf("%d BMO cells under statistical secrecy left out: the sum is a lower bound", f.Secret))
	v.NoteFR = join(v.NoteFR, fmt.Sprintf("%d cellules BMO sous secret statistique exclues : la somme est un minorant", f.Secret))
}

// missing says why a demand figure cannot exist at all.
type missing struct{ reason, en, fr string }

// demandFacts resolves the survey year (the latest when q has none) and
// reads the facts; a missing survey or a family without FAP code gives no
// facts but the reason.
func (s Indicators) demandFacts(ctx context.Context, q FactQuery) ([]DemandFacts, FactQuery, *missing, error) {
	cal, err := s.Facts.Calendar(ctx)
	if err != nil {
		return nil, q, nil, err
	}
	survey := cal.Surveys
	switch {
	case q.Year == 0 && len(survey) == 0:
		return nil, q, &missing{ReasonNoSource, "no BMO survey in this snapshot", "aucune enquête BMO dans cet instantané"}, nil
	case q.Year == 0:
		q.Year = survey[len(survey)-1]
	case !slices.Contains(survey, q.Year):
		return nil, q, &missing{ReasonNoSource, fmt.Sprintf("no BMO survey for %d in this snapshot (surveys: %v)", q.Year, survey),
			fmt.Sprintf("pas d'enquête BMO %d dans cet instantané (enquêtes : %v)", q.Year, survey)}, nil
	}
	if q.Family != "" && !s.mapped(q.Family, q.Year) {
		return nil, q, &missing{ReasonNotMapped, fmt.Sprintf("BMO has no job code (%s) for the family %s", FAPEdition(q.Year), q.Family),
			fmt.Sprintf("la BMO n'a pas de code métier (%s) pour la famille %s", FAPEdition(q.Year), q.Family)}, nil
	}
	facts, err := s.Facts.DemandFacts(ctx, q)
	return facts, q, nil, err
}

// mapped reports whether the referential has FAP codes of the survey's
// edition for a family.
func (s Indicators) mapped(family string, year int) bool {
	if s.Metiers == nil {
		return true
	}
	return s.Metiers.HasCodes(family, FAPEdition(year))
}

// noDemand lists the level's territories with no value and the reason.
func (s Indicators) noDemand(q FactQuery, miss *missing, err error) ([]Value, error) {
	if err != nil {
		return nil, err
	}
	ts := s.Geo.Territories(q.Level)
	out := make([]Value, len(ts))
	for i, t := range ts {
		out[i] = Value{Code: t.Code, Name: t.Name}
		out[i].null(miss.reason, miss.en, miss.fr)
	}
	return out, nil
}

// ratio is formations in force per 1,000 digital hiring projects.
func (s Indicators) ratio(ctx context.Context, ind Indicator, q FactQuery) ([]Value, error) {
	offer, err := s.Facts.OfferFacts(ctx, q)
	if err != nil {
		return nil, err
	}
	demand, dq, miss, err := s.demandFacts(ctx, q)
	if err != nil {
		return nil, err
	}
	proj := make(map[string]DemandFacts, len(demand))
	for _, d := range demand {
		proj[d.Code] = d
	}
	out := make([]Value, len(offer))
	for i, f := range offer {
		v := Value{Code: f.Code, Name: f.Name, Survey: dq.Year}
		d := proj[f.Code]
		n, p := float64(f.Formations), float64(d.Projects)
		ex := &Explain{Formula: ind.Formula, Numerator: num(n), Denominator: num(p), Rows: f.Formations, RowsOf: "formations",
			DrillDown: offerDrill(q, f.Code)}
		switch {
		case miss != nil:
			v.Survey = 0
			v.null(miss.reason, miss.en, miss.fr)
		case d.Unsurveyed:
			v.null(ReasonNoSource, fmt.Sprintf("BMO %d has no cell for this bassin: the survey draws its bassins its own way", dq.Year),
				fmt.Sprintf("la BMO %d n'a aucune cellule pour ce bassin : l'enquête découpe ses bassins à sa façon", dq.Year))
		case d.Published == 0 && d.Secret > 0:
			secret(&v, d)
			v.null(ReasonSecret, "the digital hiring projects here are all under statistical secrecy", "les projets de recrutement numériques sont tous sous secret statistique")
		case d.Projects == 0:
			v.null(ReasonNotApplicable, fmt.Sprintf("no published digital hiring project in BMO %d", dq.Year),
				fmt.Sprintf("aucun projet de recrutement numérique publié dans la BMO %d", dq.Year))
		case d.Projects < SuppressProjects:
			secret(&v, d)
			v.null(ReasonSuppressed, fmt.Sprintf("withheld: %d hiring projects are too few for a ratio (under %d)", d.Projects, SuppressProjects),
				fmt.Sprintf("non publié : %d projets sont trop peu pour un ratio (moins de %d)", d.Projects, SuppressProjects))
		default:
			secret(&v, d)
			v.Value = per(n, p, 1000)
			lowN(&v, int(d.Projects), MinProjects)
			ex.SentenceEN = fmt.Sprintf("%s: %s %s for %s digital hiring projects in BMO %d: %s per 1,000", f.Name,
				Count(n, "en", "formation", "formations"), offerPhrase(q, "en"), FormatNumber(p, "en"), dq.Year, FormatNumber(*v.Value, "en"))
			ex.SentenceFR = fmt.Sprintf("%s : %s %s pour %s projets de recrutement numériques de la BMO %d : %s pour 1 000", f.Name,
				Count(n, "fr", "formation", "formations"), offerPhrase(q, "fr"), FormatNumber(p, "fr"), dq.Year, FormatNumber(*v.Value, "fr"))
		}
		if dq.Year != 0 && q.Year == 0 && miss == nil {
			v.Note = join(v.Note, fmt.Sprintf("offer %s against BMO %d, the latest survey", offerPhrase(q, "en"), dq.Year))
			v.NoteFR = join(v.NoteFR, fmt.Sprintf("offre %s rapportée à la BMO %d, la dernière enquête", offerPhrase(q, "fr"), dq.Year))
		}
		v.Explain = ex
		out[i] = v
	}
	return append(out, surveyOnly(offer, demand, dq.Year)...), nil
}
