package observatory

// The French labels of every enumerated value the observatory writes:
// one table per enumerated column, here and nowhere else. French files
// (CSV dialect=fr) write these labels instead of the machine names, the
// Table Schema lists them (labels_fr), and French notes use them.

// ClassLabelsFR names the coverage classes.
var ClassLabelsFR = map[string]string{ClassNone: "aucune", ClassLow: "faible", ClassAdequate: "suffisante"}

// ReasonLabelsFR names the reasons a value is null.
var ReasonLabelsFR = map[string]string{
	ReasonSecret:        "secret statistique",
	ReasonNotMapped:     "sans correspondance",
	ReasonNoSource:      "sans source",
	ReasonNotApplicable: "sans objet",
	ReasonSuppressed:    "non publié",
}

// FlagLabelsFR names the quality flags.
var FlagLabelsFR = map[string]string{
	FlagLowN:            "effectif faible",
	FlagSuppressed:      "non publié",
	FlagSecretRows:      "cellules sous secret",
	FlagSynthetic:       "synthétique",
	FlagBreakInSeries:   "rupture de série",
	FlagLabelEndUnknown: "fin de label inconnue",
	FlagOverSea:         "au-delà de la mer",
	FlagMixedSynthetic:  "synthétique mêlé",
}

// LevelLabelsFR names the territorial levels.
var LevelLabelsFR = map[string]string{
	string(LevelNational):    "national",
	string(LevelRegion):      "région",
	string(LevelDepartement): "département",
	string(LevelBassin):      "bassin d'emploi",
	string(LevelCommune):     "commune",
}

// ViewLabelsFR names the views of the offer at a date.
var ViewLabelsFR = map[string]string{ViewInForce: "en vigueur", ViewLabelled: "labellisée (cumul)"}

// ZoneLabelsFR names the zones of a territory.
var ZoneLabelsFR = map[string]string{"metro": "métropole", "drom": "outre-mer (DROM)"}

// ChangeLabelsFR names the kinds of change between two snapshots.
var ChangeLabelsFR = map[string]string{
	ChangeAdded:    "ajouté",
	ChangeRemoved:  "retiré",
	"changed":      "modifié",
	"moved":        "changé",
	ChangeReplaced: "remplacé",
	ChangeAppeared: "apparue",
	ChangeVanished: "disparue",
	ChangeGrew:     "agrandie",
	ChangeShrank:   "réduite",
	ChangeReshaped: "redessinée",
}

// SectionLabelsFR names the sections of a diff.
var SectionLabelsFR = map[string]string{
	"formations": "formations", "job_demand": "besoins BMO", "indicators": "indicateurs", "gaps": "zones blanches",
}

// PointRuleLabelsFR names how a formation's point was found.
var PointRuleLabelsFR = map[string]string{PointCommuneCentroid: "centre de la commune"}
