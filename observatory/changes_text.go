package observatory

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// gapLabel names a zone by its members: all of them up to three
// ("Nièvre–Allier"), else the first two and how many there are.
func gapLabel(names []string) string {
	if len(names) <= 3 {
		return strings.Join(names, "–")
	}
	return fmt.Sprintf("%s–%s… (%d)", names[0], names[1], len(names))
}

// maxSummaryParts keeps a summary to a line; the diff has the rest.
const maxSummaryParts = 6

// summarise says what changed in a sentence per language, the most
// visible changes first: the offer, the surveys, the gap zones, then how
// many indicator values moved.
func summarise(c *Changes) ChangeSummary {
	var fr, en []string
	add := func(f, e string) { fr, en = append(fr, f), append(en, e) }
	if n := len(c.Formations.Added); n > 0 {
		add(fmt.Sprintf("+%d %s%s", n, plural(n, "formation", "formations"), where(c.Formations.Added, "fr")),
			fmt.Sprintf("+%d %s%s", n, plural(n, "formation", "formations"), where(c.Formations.Added, "en")))
	}
	if n := len(c.Formations.Removed); n > 0 {
		add(fmt.Sprintf("−%d %s%s", n, plural(n, "formation", "formations"), where(c.Formations.Removed, "fr")),
			fmt.Sprintf("−%d %s%s", n, plural(n, "formation", "formations"), where(c.Formations.Removed, "en")))
	}
	if n := len(c.Formations.Changed); n > 0 {
		add(fmt.Sprintf("%d %s", n, plural(n, "formation modifiée", "formations modifiées")),
			fmt.Sprintf("%d %s changed", n, plural(n, "formation", "formations")))
	}
	for _, y := range c.JobDemand {
		switch y.Change {
		case ChangeAdded:
			add(fmt.Sprintf("BMO %d ajoutée", y.Year), fmt.Sprintf("BMO %d added", y.Year))
		case ChangeRemoved:
			add(fmt.Sprintf("BMO %d retirée", y.Year), fmt.Sprintf("BMO %d removed", y.Year))
		default:
			add(fmt.Sprintf("BMO %d remplacée", y.Year), fmt.Sprintf("BMO %d replaced", y.Year))
		}
	}
	for _, g := range c.Gaps {
		f, e := gapSentence(g)
		add(f, e)
	}
	if n := len(c.Indicators); n > 0 {
		add(fmt.Sprintf("%d %s", n, plural(n, "valeur d'indicateur a bougé", "valeurs d'indicateurs ont bougé")),
			fmt.Sprintf("%d indicator %s moved", n, plural(n, "value", "values")))
	}
	if len(fr) == 0 {
		return ChangeSummary{FR: "aucun changement", EN: "no change"}
	}
	if len(fr) > maxSummaryParts {
		fr, en = append(fr[:maxSummaryParts], "…"), append(en[:maxSummaryParts], "…")
	}
	return ChangeSummary{FR: strings.Join(fr, " ; "), EN: strings.Join(en, "; ")}
}

func gapSentence(g GapChange) (string, string) {
	switch g.Change {
	case ChangeAppeared:
		return "nouvelle zone blanche : " + g.Label, "new gap zone: " + g.Label
	case ChangeVanished:
		return "la zone blanche " + g.Label + " disparaît", "the gap zone " + g.Label + " is gone"
	case ChangeGrew:
		return fmt.Sprintf("la zone blanche %s gagne %s (%s)", g.Label, countDeps(len(g.In), "fr"), names(g.In)),
			fmt.Sprintf("the gap zone %s gains %s (%s)", g.Label, countDeps(len(g.In), "en"), names(g.In))
	case ChangeShrank:
		return fmt.Sprintf("la zone blanche %s perd %s (%s)", g.Label, countDeps(len(g.Out), "fr"), names(g.Out)),
			fmt.Sprintf("the gap zone %s loses %s (%s)", g.Label, countDeps(len(g.Out), "en"), names(g.Out))
	}
	return fmt.Sprintf("la zone blanche %s change : +%s, −%s", g.Label, names(g.In), names(g.Out)),
		fmt.Sprintf("the gap zone %s changes: +%s, −%s", g.Label, names(g.In), names(g.Out))
}

func countDeps(n int, lang string) string {
	switch {
	case n == 1 && lang == "fr":
		return "un département"
	case n == 1:
		return "one département"
	}
	return fmt.Sprintf("%d départements", n)
}

func names(ts []TerritoryRef) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = cmp.Or(t.Name, t.Code)
	}
	return strings.Join(s, ", ")
}

// where says where formations are: the départements if one or two
// ("(Creuse)", "(Creuse, Rhône)"), else how many.
func where(fs []FormationRef, lang string) string {
	var deps []string
	for _, f := range fs {
		d := cmp.Or(f.Name, f.Departement)
		if !slices.Contains(deps, d) {
			deps = append(deps, d)
		}
	}
	switch {
	case len(deps) == 0:
		return ""
	case len(deps) <= 2:
		return " (" + strings.Join(deps, ", ") + ")"
	case lang == "fr":
		return fmt.Sprintf(" (dans %d départements)", len(deps))
	}
	return fmt.Sprintf(" (in %d départements)", len(deps))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
