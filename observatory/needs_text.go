package observatory

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// needsSentence says a territory's needs in one sentence built from the
// figures alone: demand, the job most in demand, the largest unmet need
// and how far the offer is.
func needsSentence(n Needs, ref *Referential, lang string) string {
	fr := lang == "fr"
	colon := ": "
	if fr {
		colon = " : "
	}
	var parts []string
	switch {
	case n.Survey == 0:
		parts = append(parts, pick(fr, "no BMO survey to measure its digital hiring needs", "aucune enquête BMO pour mesurer ses besoins de recrutement numériques"))
	case n.Projects == nil:
		parts = append(parts, fmt.Sprintf(pick(fr, "the digital hiring projects of BMO %d are all under statistical secrecy",
			"les projets de recrutement numériques de la BMO %d sont tous sous secret statistique"), n.Survey))
	default:
		p := float64(*n.Projects)
		s := fmt.Sprintf(pick(fr, "%s in BMO %d", "%s dans la BMO %d"),
			Count(p, lang, pick(fr, "digital hiring project", "projet de recrutement numérique"), pick(fr, "digital hiring projects", "projets de recrutement numériques")), n.Survey)
		if n.SecretCells > 0 {
			if fr {
				s += fmt.Sprintf(" (cellules sous secret exclues : %d)", n.SecretCells)
			} else {
				s += fmt.Sprintf(" (%s left out)", Count(float64(n.SecretCells), lang, "cell under secrecy", "cells under secrecy"))
			}
		}
		parts = append(parts, s)
		if n.Difficult != nil {
			parts = append(parts, fmt.Sprintf(pick(fr, "%s %% judged difficult", "%s %% jugés difficiles"), FormatNumber(math.Round(*n.Difficult), lang)))
		}
		if len(n.Jobs) > 0 && n.Jobs[0].Projects != nil && *n.Jobs[0].Projects > 0 {
			j := n.Jobs[0]
			parts = append(parts, fmt.Sprintf(pick(fr, "mostly %s (%s)", "surtout %s (%s)"), j.Label, FormatNumber(float64(*j.Projects), lang)))
		}
	}
	s := strings.Join(parts, ", ")
	if n.Unmet != "" {
		for _, f := range n.Families {
			if f.Family != n.Unmet {
				continue
			}
			s += fmt.Sprintf(pick(fr, "; largest unmet need: %s (%s per 1,000 projects, %s nationally)", " ; premier besoin non couvert : %s (%s pour 1 000 projets, %s en France)"),
				label(ref, f.Family, lang), Count(*f.Ratio, lang, "formation", "formations"), FormatNumber(*f.National, lang))
		}
	}
	if c := accessClause(n, lang); c != "" {
		s += pick(fr, "; ", " ; ") + c
	}
	return territoryName(n, lang) + colon + s + "."
}

func accessClause(n Needs, lang string) string {
	fr := lang == "fr"
	at, _ := time.Parse(time.DateOnly, n.At)
	phrase := fmt.Sprintf(pick(fr, "in force on %s", "en vigueur au %s"), FormatDate(at, lang))
	if n.View == ViewLabelled {
		phrase = fmt.Sprintf(pick(fr, "labelled by %s", "labellisée au %s"), FormatDate(at, lang))
	}
	switch {
	case n.Beyond30 == nil:
		return fmt.Sprintf(pick(fr, "no formation %s within reach", "aucune formation %s à portée"), phrase)
	case *n.Beyond30 >= n.Population && n.Population > 0:
		return fmt.Sprintf(pick(fr, "no formation %s within 30 km", "aucune formation %s à moins de 30 km"), phrase)
	case *n.Beyond30 == 0:
		return fmt.Sprintf(pick(fr, "everyone lives within 30 km of a formation %s", "tous ses habitants vivent à moins de 30 km d'une formation %s"), phrase)
	}
	pct := 100 * float64(*n.Beyond30) / float64(n.Population)
	return fmt.Sprintf(pick(fr, "%s inhabitants (%s %%) live more than 30 km from a formation %s", "%s habitants (%s %%) vivent à plus de 30 km d'une formation %s"),
		FormatNumber(float64(*n.Beyond30), lang), FormatNumber(math.Round(pct), lang), phrase)
}

func territoryName(n Needs, lang string) string {
	if n.Level == LevelBassin && !strings.HasPrefix(strings.ToUpper(n.Name), "BASSIN") {
		return "Bassin d'emploi " + n.Name // the French term, as BMO names them, in both languages
	}
	return n.Name
}

func label(ref *Referential, family, lang string) string {
	if ref == nil {
		return family
	}
	return ref.Label(family, lang)
}

// pick chooses the English or the French text.
func pick(fr bool, en, frText string) string {
	if fr {
		return frText
	}
	return en
}
