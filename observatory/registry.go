package observatory

import "slices"

// Indicator ids. The map page, the API and the datasets use them as they are.
const (
	IndFormations     = "formations"
	IndStructures     = "structures"
	IndPer100k        = "formations_per_100k"
	IndFamilyShare    = "family_share"
	IndLearners       = "learners"
	IndWomenShare     = "women_share"
	IndLowQualShare   = "low_qualified_share"
	IndQPVShare       = "qpv_share"
	IndHiring         = "hiring_projects"
	IndDifficultShare = "difficult_share"
	IndSupplyDemand   = "supply_demand_ratio"
	IndDistance       = "distance_nearest_km"
	IndBeyond30       = "pop_beyond_30km"
	IndBeyond60       = "pop_beyond_60km"
	IndAccess         = "access_e2sfca"
	IndCoverage       = "coverage_class"
	IndTargets        = "targets"
)

// Coverage thresholds. A territory with no formation is "none". One whose
// formations per 100,000 inhabitants fall below LowCoverageShare of the
// national rate (same year, wave and family) is "low"; the rest "adequate".
// A relative threshold keeps the classes meaningful for a single job family
// or an early wave, where any absolute rate would call all of France low.
const LowCoverageShare = 0.5

// Coverage classes.
const (
	ClassNone     = "none"
	ClassLow      = "low"
	ClassAdequate = "adequate"
)

var (
	terr   = []Level{LevelRegion, LevelDepartement, LevelBassin}
	access = []Level{LevelRegion, LevelDepartement, LevelBassin, LevelCommune}
)

// registry is the indicator system, in the order the API lists it.
var registry = []Indicator{
	{
		ID: IndFormations, TitleFR: "Formations labellisées", TitleEN: "Labelled formations", Unit: "formations",
		Definition: "Number of GEN-labelled formations located in the territory whose label is in force at the date " +
			"(view in_force, the default), or labelled by then (view labelled).",
		DefinitionFR: "Nombre de formations labellisées GEN situées dans le territoire dont le label est en vigueur à la date " +
			"(vue in_force, par défaut), ou labellisées à cette date (vue labelled).",
		Formula: "count(formations)", Levels: terr, Sources: []string{"catalogue"},
	},
	{
		ID: IndStructures, TitleFR: "Structures porteuses", TitleEN: "Training providers", Unit: "structures",
		Definition:   "Number of distinct structures (fabriques) running at least one formation in the territory.",
		DefinitionFR: "Nombre de structures (fabriques) distinctes portant au moins une formation dans le territoire.",
		Formula:      "count(distinct structure)", Levels: terr, Sources: []string{"catalogue"},
	},
	{
		ID: IndPer100k, TitleFR: "Formations pour 100 000 habitants", TitleEN: "Formations per 100,000 inhabitants",
		Unit:         "formations / 100,000 inhabitants",
		Definition:   "Formations divided by the legal population of the territory, times 100,000.",
		DefinitionFR: "Formations rapportées à la population légale du territoire, pour 100 000 habitants.",
		Formula:      "formations / population × 100000", Levels: terr, Sources: []string{"catalogue", "geo"},
		Thresholds: &Thresholds{LowN: MinFormations, Unit: "formations"},
	},
	{
		ID: IndFamilyShare, TitleFR: "Part de la famille de métiers", TitleEN: "Share of the job family", Unit: "%",
		Definition:   "Share of the territory's formations that belong to the job family; without a family filter, one value per family.",
		DefinitionFR: "Part des formations du territoire relevant de la famille de métiers ; sans filtre, une valeur par famille.",
		Formula:      "formations(family) / formations × 100", Levels: terr, Sources: []string{"catalogue"}, PerFamily: true,
		Thresholds: &Thresholds{LowN: MinFormationsShare, Unit: "formations"},
	},
	{
		ID: IndLearners, TitleFR: "Apprenants formés", TitleEN: "Learners trained", Unit: "learners",
		Definition:   "Sum of learners trained, over the formations that report it.",
		DefinitionFR: "Somme des apprenants formés, sur les formations qui la renseignent.",
		Formula:      "sum(learners)", Levels: terr, Sources: []string{"catalogue"},
	},
	{
		ID: IndWomenShare, TitleFR: "Part de femmes", TitleEN: "Share of women", Unit: "%",
		Definition:   "Women among learners trained, over formations reporting both figures. Plan target: at least 30 %.",
		DefinitionFR: "Part des femmes parmi les apprenants, sur les formations renseignant les deux chiffres. Objectif du plan : au moins 30 %.",
		Formula:      "sum(women) / sum(learners) × 100", Levels: terr, Sources: []string{"catalogue"},
		Thresholds: &Thresholds{LowN: MinLearners, Unit: "learners"},
	},
	{
		ID: IndLowQualShare, TitleFR: "Part de peu ou pas qualifiés", TitleEN: "Share of low-qualified learners", Unit: "%",
		Definition:   "Learners with little or no qualification among learners trained. Plan target: at least 50 %.",
		DefinitionFR: "Part des apprenants peu ou pas qualifiés. Objectif du plan : au moins 50 %.",
		Formula:      "sum(low_qualified) / sum(learners) × 100", Levels: terr, Sources: []string{"catalogue"},
		Thresholds: &Thresholds{LowN: MinLearners, Unit: "learners"},
	},
	{
		ID: IndQPVShare, TitleFR: "Part de résidents QPV", TitleEN: "Share of QPV residents", Unit: "%",
		Definition:   "Residents of priority neighbourhoods (QPV) among learners trained.",
		DefinitionFR: "Part des résidents des quartiers prioritaires (QPV) parmi les apprenants.",
		Formula:      "sum(qpv) / sum(learners) × 100", Levels: terr, Sources: []string{"catalogue"},
		Thresholds: &Thresholds{LowN: MinLearners, Unit: "learners"},
	},
	{
		ID: IndHiring, TitleFR: "Projets de recrutement numériques", TitleEN: "Digital hiring projects", Unit: "hiring projects",
		Definition: "Hiring projects of the BMO survey for the job codes (FAP) of the digital-jobs referential. " +
			"Cells under statistical secrecy are left out, so a sum over them is a lower bound (see secret rows in the note).",
		DefinitionFR: "Projets de recrutement de l'enquête BMO pour les métiers (FAP) du référentiel des métiers du numérique. " +
			"Les cellules sous secret statistique sont exclues : la somme est un minorant.",
		Formula: "sum(met) over digital FAP codes", Levels: Levels, Sources: []string{"bmo"},
	},
	{
		ID: IndDifficultShare, TitleFR: "Part des recrutements jugés difficiles", TitleEN: "Share of hiring judged difficult", Unit: "%",
		Definition:   "Difficult hiring projects over hiring projects, digital jobs, over rows where both are published.",
		DefinitionFR: "Projets jugés difficiles rapportés aux projets de recrutement, métiers du numérique, lignes publiées.",
		Formula:      "sum(xmet) / sum(met) × 100", Levels: Levels, Sources: []string{"bmo"},
		Thresholds: &Thresholds{LowN: MinProjects, Suppress: SuppressProjects, Unit: "hiring projects"},
	},
	{
		ID: IndSupplyDemand, TitleFR: "Ratio offre / besoins", TitleEN: "Supply / demand ratio", Unit: "formations per 1,000 hiring projects",
		Definition: "Formations in force per 1,000 digital hiring projects. With a year, the offer in force on 1 July of that year " +
			"against the BMO survey of that year; without one, the offer at the date asked (the reference date by default) against the latest survey.",
		DefinitionFR: "Formations en vigueur pour 1 000 projets de recrutement numériques. Avec une année, l'offre en vigueur au 1er juillet " +
			"de cette année et l'enquête BMO de la même année ; sans année, l'offre à la date demandée (la date de référence par défaut) et la dernière enquête.",
		Formula: "formations / hiring_projects × 1000", Levels: terr, Sources: []string{"catalogue", "bmo"},
		Thresholds: &Thresholds{LowN: MinProjects, Suppress: SuppressProjects, Unit: "hiring projects"},
	},
	{
		ID: IndDistance, TitleFR: "Distance à la formation la plus proche", TitleEN: "Distance to the nearest formation", Unit: "km",
		Definition: "Population-weighted mean, over the territory's communes, of the straight-line distance from the commune centroid " +
			"to the nearest formation on the same landmass; where the commune's land has none (islands, Corsica), the nearest in its " +
			"area across the sea, flagged over_sea. Mainland France with Corsica is one area, each overseas département its own.",
		DefinitionFR: "Moyenne, pondérée par la population des communes, de la distance à vol d'oiseau entre le centre de la commune et la " +
			"formation la plus proche sur la même terre ; si sa terre n'en a pas (îles, Corse), la plus proche de sa zone par-delà la mer, " +
			"signalée over_sea. La métropole avec la Corse est une zone, chaque DROM la sienne.",
		Formula: "Σ population × distance / Σ population", Levels: access, Sources: []string{"catalogue", "geo"},
	},
	{
		ID: IndBeyond30, TitleFR: "Habitants à plus de 30 km d'une formation", TitleEN: "Inhabitants over 30 km from a formation", Unit: "inhabitants",
		Definition:   "Population of the territory's communes whose nearest formation (as for the distance) is more than 30 km away.",
		DefinitionFR: "Population des communes du territoire dont la formation la plus proche (comme pour la distance) est à plus de 30 km.",
		Formula:      "Σ population where distance > 30 km", Levels: access, Sources: []string{"catalogue", "geo"},
	},
	{
		ID: IndBeyond60, TitleFR: "Habitants à plus de 60 km d'une formation", TitleEN: "Inhabitants over 60 km from a formation", Unit: "inhabitants",
		Definition:   "Population of the territory's communes whose nearest formation is more than 60 km away.",
		DefinitionFR: "Population des communes du territoire dont la formation la plus proche est à plus de 60 km.",
		Formula:      "Σ population where distance > 60 km", Levels: access, Sources: []string{"catalogue", "geo"},
	},
	{
		ID: IndAccess, TitleFR: "Accessibilité aux formations (E2SFCA)", TitleEN: "Accessibility to formations (E2SFCA)", Unit: "seats per 100,000 inhabitants",
		Definition: "Enhanced two-step floating catchment area index, as DREES measures access to doctors (APL): each formation's seats " +
			"over the population within 60 km weighted by distance (1 up to 20 km, 0.68 up to 40 km, 0.22 up to 60 km), summed back with the " +
			"same weights from each commune; the territory's value is the population-weighted mean of its communes'.",
		DefinitionFR: "Indice d'accessibilité à deux étapes (E2SFCA), comme la DREES mesure l'accès aux médecins (APL) : les places de chaque " +
			"formation rapportées à la population à moins de 60 km pondérée par la distance (1 jusqu'à 20 km, 0,68 jusqu'à 40 km, 0,22 jusqu'à 60 km), " +
			"sommées depuis chaque commune avec les mêmes poids ; le territoire a la moyenne de ses communes pondérée par la population.",
		Formula: "Σ_j S_j W(d_ij) / Σ_k P_k W(d_kj), per 100,000", Levels: access, Sources: []string{"catalogue", "geo"},
	},
	{
		ID: IndCoverage, TitleFR: "Classe de couverture", TitleEN: "Coverage class", Unit: "index (national rate = 1)",
		Definition: "none: no formation; low: formations per 100,000 inhabitants below half the national rate; adequate otherwise. " +
			"The value is the territory's rate divided by the national rate.",
		DefinitionFR: "aucune : pas de formation ; faible : moins de la moitié du taux national de formations pour 100 000 habitants ; " +
			"suffisante sinon. La valeur est le taux du territoire rapporté au taux national.",
		Formula: "(formations / population) / (national formations / national population)", Levels: terr, Sources: []string{"catalogue", "geo"},
		Thresholds: &Thresholds{LowN: MinFormations, Unit: "formations"},
	},
	{
		ID: IndTargets, TitleFR: "Progression vers les objectifs du plan", TitleEN: "Progress towards the plan's targets", Unit: "mixed",
		Definition: "National figures against the plan's targets, read by default over every formation labelled (view labelled): about 500 formations, 10,000 learners a year, at least 30 % women, " +
			"at least 50 % young people with little or no qualification, priority to QPV residents. A figure the catalogue cannot support is null with a note.",
		DefinitionFR: "Chiffres nationaux face aux objectifs du plan : environ 500 formations, 10 000 apprenants par an, au moins 30 % de femmes, " +
			"au moins 50 % de jeunes peu ou pas qualifiés, priorité aux résidents des QPV.",
		Formula: "see each target", Levels: []Level{LevelNational}, Sources: []string{"catalogue"},
	},
}

// Registry returns the indicator system.
func Registry() []Indicator { return slices.Clone(registry) }

// LookupIndicator returns the indicator with id.
func LookupIndicator(id string) (Indicator, bool) {
	i := slices.IndexFunc(registry, func(x Indicator) bool { return x.ID == id })
	if i < 0 {
		return Indicator{}, false
	}
	return registry[i], true
}

// Has reports whether the indicator exists at level l.
func (ind Indicator) Has(l Level) bool { return slices.Contains(ind.Levels, l) }

// IndicatorIDs lists the ids, for messages and allow-lists.
func IndicatorIDs() []string {
	ids := make([]string, len(registry))
	for i, x := range registry {
		ids[i] = x.ID
	}
	return ids
}
