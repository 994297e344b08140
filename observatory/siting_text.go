package observatory

import (
	"fmt"
	"strconv"
	"strings"
)

// familyLabel names a family in a language, its id without a referential.
func familyLabel(ref *Referential, family, lang string) string {
	if ref == nil {
		return family
	}
	return ref.Label(family, lang)
}

// simSentence sums a simulation up with its real figures.
func simSentence(sim *Simulation, ref *Referential, lang string) string {
	var places []string
	for _, p := range sim.Sites {
		places = append(places, fmt.Sprintf("%s (%s)", p.Name, familyLabel(ref, p.Family, lang)))
	}
	n := float64(len(sim.Sites))
	sum := sim.Summary
	gaps := sum.GapsShrunk + sum.GapsSplit + sum.GapsVanished
	acc := ""
	if a := sum.Access; a.Before != nil && a.After != nil {
		if lang == "fr" {
			acc = fmt.Sprintf(" ; accessibilité E2SFCA en France : %s → %s places pour 100 000 habitants", fixed3(*a.Before, lang), fixed3(*a.After, lang))
		} else {
			acc = fmt.Sprintf("; E2SFCA accessibility in France: %s → %s seats per 100,000 inhabitants", fixed3(*a.Before, lang), fixed3(*a.After, lang))
		}
	}
	if lang == "fr" {
		g := "aucune zone sans formation ne change"
		if gaps > 0 {
			g = fmt.Sprintf("zones sans formation : %d réduite(s), %d scindée(s), %d disparue(s)", sum.GapsShrunk, sum.GapsSplit, sum.GapsVanished)
		}
		return fmt.Sprintf("%s à %s : %s habitants à moins de 30 km d'une formation en plus, %s à moins de 60 km%s ; %s.",
			Count(n, "fr", "formation ajoutée", "formations ajoutées"), strings.Join(places, ", "),
			FormatNumber(float64(sum.Brought30), "fr"), FormatNumber(float64(sum.Brought60), "fr"), acc, g)
	}
	g := "no gap zone changes"
	if gaps > 0 {
		g = fmt.Sprintf("gap zones: %d shrink, %d split, %d vanish", sum.GapsShrunk, sum.GapsSplit, sum.GapsVanished)
	}
	what := Count(n, "en", "formation added", "formations added")
	return fmt.Sprintf("%s in %s: %s more inhabitants within 30 km of a formation, %s within 60 km%s; %s.",
		what, strings.Join(places, ", "), FormatNumber(float64(sum.Brought30), "en"), FormatNumber(float64(sum.Brought60), "en"), acc, g)
}

// fixed3 writes x with three decimals, so small changes of an index
// show.
func fixed3(x float64, lang string) string {
	s := strconv.FormatFloat(x, 'f', 3, 64)
	if lang == "fr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// candidateSentence explains a candidate's score with its figures.
func candidateSentence(c *Candidate, ref *Referential, dem *siteDemand, r *Recommendation, mode, lang string) string {
	fam := familyLabel(ref, r.Family, lang)
	f := func(x float64) string { return FormatNumber(x, lang) }
	var b strings.Builder
	fr := lang == "fr"
	place := fmt.Sprintf("%s (%s", c.Name, c.Commune)
	if c.BassinName != "" {
		place += ", bassin " + c.BassinName
	}
	place += ")"
	if mode == "greedy" {
		switch {
		case fr && c.Order == 2:
			b.WriteString("Choisi en 2e, après le site précédent : ")
		case fr:
			fmt.Fprintf(&b, "Choisi en %s, après les %d sites précédents : ", ordinalFR(c.Order), c.Order-1)
		case c.Order == 2:
			b.WriteString("Chosen 2nd, given the site before it: ")
		default:
			fmt.Fprintf(&b, "Chosen %s, given the %d sites before it: ", ordinalEN(c.Order), c.Order-1)
		}
		if c.Order == 1 {
			b.Reset()
			if fr {
				b.WriteString("Choisi en premier : ")
			} else {
				b.WriteString("Chosen first: ")
			}
		}
	}
	switch {
	case c.Brought30 == 0 && fr:
		fmt.Fprintf(&b, "%s : une formation %s n'y mettrait personne de plus à moins de 30 km d'une formation de cette famille", place, fam)
	case c.Brought30 == 0:
		fmt.Fprintf(&b, "%s: a formation of %s here would bring nobody new within 30 km of one of that family", place, fam)
	case fr:
		fmt.Fprintf(&b, "%s : une formation %s y mettrait %s habitants à moins de 30 km d'une formation de cette famille", place, fam, f(float64(c.Brought30)))
		if c.BroughtKm != nil {
			fmt.Fprintf(&b, " (ils en sont aujourd'hui à %s km en moyenne)", f(*c.BroughtKm))
		}
		fmt.Fprintf(&b, " et %s à moins de 60 km", f(float64(c.Brought60)))
	default:
		fmt.Fprintf(&b, "%s: a formation of %s here would bring %s inhabitants within 30 km of one of that family", place, fam, f(float64(c.Brought30)))
		if c.BroughtKm != nil {
			fmt.Fprintf(&b, " (today %s km away on average)", f(*c.BroughtKm))
		}
		fmt.Fprintf(&b, " and %s within 60 km", f(float64(c.Brought60)))
	}
	if c.Brought30 > 0 && dem.missing == nil {
		what, whatFR := "of the family", "de la famille"
		if dem.family == "" {
			what, whatFR = "in digital jobs", "dans les métiers du numérique"
		}
		if fr {
			fmt.Fprintf(&b, " ; ces habitants comptent pour %s projets de recrutement %s (BMO %d, au prorata de la population de leur bassin), %s pondérés par la part jugée difficile",
				f(c.Projects), whatFR, dem.survey, f(c.Weighted))
		} else {
			fmt.Fprintf(&b, "; they account for %s hiring projects %s (BMO %d, in proportion to their bassin's population), %s weighted by the share judged difficult",
				f(c.Projects), what, dem.survey, f(c.Weighted))
		}
	}
	n := float64(len(c.GapBassins))
	switch {
	case n > 0 && fr:
		fmt.Fprintf(&b, " ; elle ferait sortir %s (%s km²) des zones à 40 km ou plus d'une formation", Count(n, "fr", "bassin", "bassins"), f(c.GapAreaKm2))
	case n > 0:
		fmt.Fprintf(&b, "; it would take %s (%s km²) out of the zones 40 km or more from a formation", Count(n, "en", "bassin", "bassins"), f(c.GapAreaKm2))
	case fr:
		b.WriteString(" ; elle ne fait sortir aucun bassin des zones à 40 km ou plus")
	default:
		b.WriteString("; it takes no bassin out of the zones 40 km or more away")
	}
	lam := strconv.FormatFloat(r.Score.GapWeight, 'g', 3, 64)
	if fr {
		lam = strings.Replace(lam, ".", ",", 1)
	}
	if fr {
		fmt.Fprintf(&b, ". Score : %s + %s × %s = %s.", f(c.DemandTerm), lam, f(c.GapAreaKm2), f(c.Score))
	} else {
		fmt.Fprintf(&b, ". Score: %s + %s × %s = %s.", f(c.DemandTerm), lam, f(c.GapAreaKm2), f(c.Score))
	}
	return b.String()
}

func ordinalEN(n int) string {
	switch {
	case n%100 >= 11 && n%100 <= 13:
		return fmt.Sprintf("%dth", n)
	case n%10 == 1:
		return fmt.Sprintf("%dst", n)
	case n%10 == 2:
		return fmt.Sprintf("%dnd", n)
	case n%10 == 3:
		return fmt.Sprintf("%drd", n)
	}
	return fmt.Sprintf("%dth", n)
}

func ordinalFR(n int) string {
	if n == 1 {
		return "premier"
	}
	return fmt.Sprintf("%de", n)
}
