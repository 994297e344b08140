package api

import (
	"math"
	"strconv"
	"strings"

	"github.com/gen-numerique/observatory/observatory"
)

// The map page speaks French by default and English on request (?lang=en).
// Every text the page, the map files and the script show is here.
var pageText = map[string]map[string]string{
	"fr": {
		"site":           "Observatoire de l'offre de formation au numérique",
		"org":            "Grande École du Numérique",
		"skip":           "Aller au tableau des valeurs",
		"switch":         "English",
		"switchLang":     "en",
		"synthetic":      "Données SYNTHÉTIQUES : le catalogue des formations affiché ici est un substitut inventé (noms et chiffres fictifs, sur des communes réelles). Ne pas citer ces chiffres comme réels.",
		"syntheticShort": "DONNÉES SYNTHÉTIQUES : catalogue fictif, ne pas citer comme réel.",
		"filters":        "Filtres",
		"indicator":      "Indicateur",
		"level":          "Niveau",
		"year":           "Année",
		"allYears":       "Toutes les années",
		"family":         "Famille de métiers",
		"allFamilies":    "Toutes les familles",
		"wave":           "Vagues de labellisation",
		"allWaves":       "Toutes les vagues",
		"waveUpTo":       "Vagues 1 à %d",
		"wave1":          "Vague 1 seulement",
		"show":           "Afficher",
		"region":         "Régions",
		"departement":    "Départements",
		"mapOf":          "Carte",
		"legend":         "Légende",
		"na":             "non disponible",
		"none":           "aucune formation",
		"low":            "couverture faible",
		"adequate":       "couverture suffisante",
		"gapZone":        "Zone blanche (contour)",
		"diagonal":       "Diagonale vide",
		"gaps":           "Zones blanches",
		"gapsIntro":      "Territoires voisins sans formation, regroupés par frontières communes.",
		"noGaps":         "Aucune zone blanche pour ces filtres.",
		"gapsUnavail":    "La détection des zones blanches n'est pas disponible sur ce serveur : la carte est dessinée sans leurs contours.",
		"zone":           "Zone",
		"members":        "territoires",
		"member":         "territoire",
		"listUnfiltered": "Liste de tout le catalogue du territoire : l'année et les vagues choisies ne la filtrent pas.",
		"population":     "habitants",
		"area":           "km²",
		"orientation":    "orientation",
		"profile":        "Profil du territoire",
		"profileHint":    "Choisissez un territoire sur la carte ou dans le tableau pour afficher son profil.",
		"close":          "Fermer",
		"offer":          "Offre de formation",
		"demand":         "Besoins en emplois du numérique",
		"ratio":          "Ratio offre / besoins",
		"nearGaps":       "Zones blanches voisines",
		"noNearGaps":     "Aucune zone blanche dans ce territoire ni à ses frontières.",
		"formations":     "Formations",
		"noFormations":   "Aucune formation dans ce territoire pour ces filtres.",
		"allFormations":  "Voir toutes les formations (JSON)",
		"familiesShare":  "Répartition par famille de métiers",
		"table":          "Tableau des valeurs",
		"tableCaption":   "%s, par %s. Cliquez sur un en-tête pour trier.",
		"code":           "Code",
		"territory":      "Territoire",
		"value":          "Valeur",
		"class":          "Classe",
		"note":           "Note",
		"sortAsc":        "tri croissant",
		"sortDesc":       "tri décroissant",
		"downloads":      "Télécharger ce qui est affiché",
		"csv":            "Valeurs (CSV)",
		"xlsx":           "Valeurs (XLSX)",
		"geojson":        "Couverture (GeoJSON)",
		"svg":            "Carte (SVG)",
		"png":            "Carte (PNG)",
		"json":           "Valeurs (JSON)",
		"definition":     "Définition",
		"formula":        "Formule",
		"sources":        "Sources",
		"snapshot":       "Instantané des données",
		"geoSource":      "Contours : IGN Admin Express, INSEE COG (Licence Ouverte).",
		"catSource":      "Catalogue GEN",
		"bmoSource":      "Enquête BMO, France Travail",
		"noValues":       "Aucune valeur disponible pour ces filtres",
		"familyChosen":   "Cet indicateur se lit par famille de métiers : la famille « %s » est affichée.",
		"error":          "Requête invalide",
		"back":           "Revenir à la carte",
		"loading":        "Chargement…",
		"loadFailed":     "Le chargement a échoué ; la page complète va s'ouvrir.",
		"all":            "toutes",
		"insetNote":      "Outre-mer à des échelles différentes.",
		"colon":          "\u00a0:",
	},
	"en": {
		"site":           "Digital skills training observatory",
		"org":            "Grande École du Numérique",
		"skip":           "Skip to the table of values",
		"switch":         "Français",
		"switchLang":     "fr",
		"synthetic":      "SYNTHETIC data: the formation catalogue shown here is an invented stand-in (fictitious names and figures, on real communes). Do not cite these figures as real.",
		"syntheticShort": "SYNTHETIC DATA: fictitious catalogue, do not cite as real.",
		"filters":        "Filters",
		"indicator":      "Indicator",
		"level":          "Level",
		"year":           "Year",
		"allYears":       "All years",
		"family":         "Job family",
		"allFamilies":    "All families",
		"wave":           "Labelling waves",
		"allWaves":       "All waves",
		"waveUpTo":       "Waves 1 to %d",
		"wave1":          "Wave 1 only",
		"show":           "Show",
		"region":         "Régions",
		"departement":    "Départements",
		"mapOf":          "Map",
		"legend":         "Legend",
		"na":             "not available",
		"none":           "no formation",
		"low":            "low coverage",
		"adequate":       "adequate coverage",
		"gapZone":        "Gap zone (outline)",
		"diagonal":       "Empty diagonal",
		"gaps":           "Gap zones",
		"gapsIntro":      "Neighbouring territories with no formation, grouped through shared borders.",
		"noGaps":         "No gap zone for these filters.",
		"gapsUnavail":    "Gap detection is not available on this server: the map is drawn without gap outlines.",
		"zone":           "Zone",
		"members":        "territories",
		"member":         "territory",
		"listUnfiltered": "The whole catalogue of the territory: the chosen year and waves do not filter this list.",
		"population":     "inhabitants",
		"area":           "km²",
		"orientation":    "orientation",
		"profile":        "Territory profile",
		"profileHint":    "Choose a territory on the map or in the table to see its profile.",
		"close":          "Close",
		"offer":          "Training offer",
		"demand":         "Demand for digital jobs",
		"ratio":          "Supply / demand ratio",
		"nearGaps":       "Nearby gap zones",
		"noNearGaps":     "No gap zone in this territory or on its borders.",
		"formations":     "Formations",
		"noFormations":   "No formation in this territory for these filters.",
		"allFormations":  "See every formation (JSON)",
		"familiesShare":  "Share of each job family",
		"table":          "Table of values",
		"tableCaption":   "%s, by %s. Click a column header to sort.",
		"code":           "Code",
		"territory":      "Territory",
		"value":          "Value",
		"class":          "Class",
		"note":           "Note",
		"sortAsc":        "ascending",
		"sortDesc":       "descending",
		"downloads":      "Download what is shown",
		"csv":            "Values (CSV)",
		"xlsx":           "Values (XLSX)",
		"geojson":        "Coverage (GeoJSON)",
		"svg":            "Map (SVG)",
		"png":            "Map (PNG)",
		"json":           "Values (JSON)",
		"definition":     "Definition",
		"formula":        "Formula",
		"sources":        "Sources",
		"snapshot":       "Data snapshot",
		"geoSource":      "Outlines: IGN Admin Express, INSEE COG (Licence Ouverte).",
		"catSource":      "GEN catalogue",
		"bmoSource":      "BMO survey, France Travail",
		"noValues":       "No value available for these filters",
		"familyChosen":   "This indicator is read one job family at a time: the family “%s” is shown.",
		"error":          "Invalid request",
		"back":           "Back to the map",
		"loading":        "Loading…",
		"loadFailed":     "Loading failed; the full page will open.",
		"all":            "all",
		"insetNote":      "Overseas at different scales.",
		"colon":          ":",
	},
}

// unitText translates the registry's units, which are in English.
var unitText = map[string]string{
	"formations":                           "formations",
	"structures":                           "structures",
	"formations / 100,000 inhabitants":     "formations pour 100 000 habitants",
	"%":                                    "%",
	"learners":                             "apprenants",
	"hiring projects":                      "projets de recrutement",
	"formations per 1,000 hiring projects": "formations pour 1 000 projets",
	"km":                                   "km",
	"index (national rate = 1)":            "indice (taux national = 1)",
}

func indicatorTitle(ind observatory.Indicator, lang string) string {
	if lang == "en" {
		return ind.TitleEN
	}
	return ind.TitleFR
}

func indicatorDefinition(ind observatory.Indicator, lang string) string {
	if lang == "en" || ind.DefinitionFR == "" {
		return ind.Definition
	}
	return ind.DefinitionFR
}

func unitLabel(unit, lang string) string {
	if lang == "fr" {
		if u, ok := unitText[unit]; ok {
			return u
		}
	}
	return unit
}

// formatNumber writes v the way the language does: "1 234,5" in French
// (narrow no-break spaces), "1,234.5" in English. Whole numbers get no
// decimals, others one (two under 1, so small ratios stay readable).
func formatNumber(v float64, lang string) string {
	dec := 1
	switch {
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		dec = 0
	case math.Abs(v) < 1:
		dec = 2
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', dec, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	sep, point := ",", "."
	if lang == "fr" {
		sep, point = "\u202f", ","
	}
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(point + frac)
	}
	return b.String()
}
