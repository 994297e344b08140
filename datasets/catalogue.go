package datasets

// The open-data catalogue: what each dataset the API publishes is, under
// which licence, and from which sources. The API (api/datasets.go) adds
// what changes with each snapshot: provenance with SHA-256, the snapshot's
// id and date, the columns, the download links. A new dataset appends an
// entry here and registers its table in the api package.

// Licence is a licence with the address of its text.
type Licence struct {
	ID   string // SPDX identifier where there is one
	Name string
	URL  string
}

// SourceLicence states a source a dataset is built from and the licence
// its producer gives it, which is not always ours.
type SourceLicence struct {
	Name    string // producer and title
	Licence string // as the producer states it, or what is known of it
	URL     string
}

// Dataset describes one published dataset.
type Dataset struct {
	Name          string // URL name: /api/v1/datasets/<name>.<format>
	TitleFR       string
	TitleEN       string
	DescriptionFR string
	DescriptionEN string
	Keywords      []string
	Licence       Licence // of our output
	Sources       []SourceLicence
	// InputKinds are the kinds of snapshot inputs (observatory.Input.Kind)
	// the dataset is built from, for its provenance; "*" for all of them,
	// none for data embedded in the binary.
	InputKinds []string
	Spatial    bool // rows are located: offered as GeoJSON
}

// Publisher is who publishes the observatory's datasets.
const Publisher = "Observatoire de l'offre de formation au numérique — Grande École du Numérique (GEN)"

// LicenceOuverte is the licence of everything the observatory publishes,
// as the French administration's open data must be (Code des relations
// entre le public et l'administration, art. D323-2-1).
var LicenceOuverte = Licence{
	ID:   "etalab-2.0",
	Name: "Licence Ouverte / Open Licence 2.0 (Etalab)",
	URL:  "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}

// Sources the datasets cite.
var (
	sourceGEN = SourceLicence{
		Name: "Grande École du Numérique, catalogue des formations labellisées (export publié sur data.gouv.fr). " +
			"Le catalogue livré par défaut est SYNTHÉTIQUE (noms et chiffres inventés sur des lieux réels) / " +
			"the default catalogue is SYNTHETIC (invented names and figures on real places)",
		Licence: "Licence Ouverte 2.0 (data.gouv.fr) pour l'export réel ; aucune pour le substitut synthétique, qui n'est pas une donnée",
		URL:     "https://www.data.gouv.fr/",
	}
	sourceBMO = SourceLicence{
		Name:    "France Travail, enquête Besoins en Main-d'Œuvre (BMO) 2024, Base_open_data_BMO_2024.xlsx",
		Licence: "Licence Ouverte (data.gouv.fr, selon la documentation tierce ; le fichier n'en indique aucune)",
		URL:     "https://www.data.gouv.fr/fr/datasets/enquete-besoins-en-main-doeuvre-bmo/",
	}
	sourceNomenclatures = SourceLicence{
		Name:    "DARES, nomenclatures FAP 2009 et FAP 2021 ; France Travail, ROME 4.0 (v460)",
		Licence: "aucune licence indiquée dans les fichiers ; producteurs publics (DARES, France Travail)",
		URL:     "https://dares.travail-emploi.gouv.fr/",
	}
	sourceGeo = SourceLicence{
		Name:    GeoSource,
		Licence: "Licence Ouverte (IGN Admin Express, INSEE COG, Etalab découpage administratif)",
		URL:     "https://github.com/datagouv/decoupage-administratif",
	}
)

// GeoSourceLicence is the reference geography as a source, for datasets
// the API builds per snapshot (a programme's formations).
func GeoSourceLicence() SourceLicence { return sourceGeo }

// Catalogue lists the datasets, in the order the API shows them.
var Catalogue = []Dataset{
	{
		Name:    "formations",
		TitleFR: "Formations labellisées Grande École du Numérique",
		TitleEN: "Grande École du Numérique labelled training courses",
		DescriptionFR: "Une ligne par formation labellisée : structure, commune et codes INSEE, coordonnées, codes ROME, " +
			"famille de métiers, durée, dates de labellisation, places, sessions et apprenants (dont femmes, peu qualifiés, " +
			"résidents QPV). Les valeurs réparées à l'ingestion sont tracées ; les lignes rejetées sont dans « quarantine ».",
		DescriptionEN: "One row per labelled training course: organisation, commune and INSEE codes, coordinates, ROME codes, " +
			"job family, duration, labelling dates, seats, sessions and learners (of whom women, low-qualified, QPV residents). " +
			"Values repaired at ingest are recorded; rejected rows are in \"quarantine\".",
		Keywords:   []string{"formation", "numérique", "Grande École du Numérique", "GEN", "ROME", "territoires"},
		Licence:    LicenceOuverte,
		Sources:    []SourceLicence{sourceGEN, sourceGeo},
		InputKinds: []string{"catalogue"},
		Spatial:    true,
	},
	{
		Name:    "quarantine",
		TitleFR: "Lignes non chargées (quarantaine) de l'instantané courant",
		TitleEN: "Rows not loaded (quarantine) of the current snapshot",
		DescriptionFR: "Chaque ligne d'un fichier source qui n'a pas été chargée, avec le fichier, la feuille, la ligne " +
			"(numérotée comme dans un tableur), la colonne, la valeur et la raison. Sert à vérifier l'ingestion.",
		DescriptionEN: "Every input row that was not loaded, with its file, sheet, row (numbered as a spreadsheet shows it), " +
			"column, value and reason. For checking the ingest.",
		Keywords:   []string{"qualité des données", "data quality", "provenance"},
		Licence:    LicenceOuverte,
		Sources:    []SourceLicence{sourceGEN},
		InputKinds: []string{"*"},
	},
	{
		Name:    "territories",
		TitleFR: "Référentiel des régions et départements",
		TitleEN: "Reference régions and départements",
		DescriptionFR: "Les régions et départements (métropole et DROM) utilisés par l'observatoire : niveau, code INSEE, " +
			"nom, région de rattachement, zone (metro ou drom) et population légale.",
		DescriptionEN: "The régions and départements (metropolitan France and overseas departments) the observatory uses: " +
			"level, INSEE code, name, parent région, zone (metro or drom) and legal population.",
		Keywords: []string{"COG", "INSEE", "régions", "départements", "référentiel"},
		Licence:  LicenceOuverte,
		Sources:  []SourceLicence{sourceGeo},
	},
}

// The datasets built by the observatory itself, after the inputs.
var derived = []Dataset{
	{
		Name:    "job-demand",
		TitleFR: "Besoins en main-d'œuvre par département et métier (BMO)",
		TitleEN: "Hiring needs by département and job (BMO)",
		DescriptionFR: "Projets de recrutement, dont difficiles et saisonniers, par année d'enquête, département et code FAP, " +
			"tels que publiés par France Travail. Les cellules sous secret statistique restent vides (jamais 0) ; " +
			"les sommes sont des minorants et le nombre de lignes secrètes est donné.",
		DescriptionEN: "Hiring projects, of which difficult and seasonal, by survey year, département and FAP code, as " +
			"published by France Travail. Cells under statistical secrecy stay empty (never 0); sums are lower bounds and " +
			"the number of secret rows is given.",
		Keywords:   []string{"BMO", "France Travail", "recrutement", "FAP", "emploi"},
		Licence:    LicenceOuverte,
		Sources:    []SourceLicence{sourceBMO, sourceNomenclatures},
		InputKinds: []string{"bmo"},
	},
	{
		Name:    "indicators",
		TitleFR: "Indicateurs de l'offre de formation au numérique par territoire",
		TitleEN: "Indicators of the digital-skills training offer by territory",
		DescriptionFR: "Tous les indicateurs de l'observatoire pour chaque région, département et bassin d'emploi (l'accès par commune : /api/v1/coverage/commune.geojson) : formations, " +
			"structures, formations pour 100 000 habitants, apprenants et parts de femmes, de peu qualifiés et de résidents QPV, " +
			"projets de recrutement numériques (BMO), part jugée difficile, ratio offre/besoins, distance à la formation la " +
			"plus proche, classe de couverture ; et la progression nationale vers les objectifs du plan. " +
			"Définitions : /api/v1/indicators.",
		DescriptionEN: "Every indicator of the observatory for each région, département and bassin d'emploi (access by commune: /api/v1/coverage/commune.geojson): formations, providers, formations " +
			"per 100,000 inhabitants, learners and shares of women, low-qualified and QPV residents, digital hiring projects " +
			"(BMO), share judged difficult, supply/demand ratio, distance to the nearest formation, coverage class; and national " +
			"progress towards the plan's targets. Definitions: /api/v1/indicators.",
		Keywords:   []string{"indicateurs", "couverture", "territoires", "offre de formation", "numérique"},
		Licence:    LicenceOuverte,
		Sources:    []SourceLicence{sourceGEN, sourceBMO, sourceGeo},
		InputKinds: []string{"catalogue", "bmo"},
	},
	{
		Name:    "needs",
		TitleFR: "Besoins en compétences numériques par bassin d'emploi",
		TitleEN: "Digital skill needs by bassin d'emploi",
		DescriptionFR: "Pour chaque bassin d'emploi enquêté par la BMO : projets de recrutement numériques (cellules sous secret " +
			"comptées, jamais 0), parts difficiles et saisonnières, métier le plus demandé, famille du premier besoin non couvert " +
			"(ratio offre/besoins sous le ratio national), distance à l'offre en vigueur et une phrase de synthèse en français et " +
			"en anglais. Par région ou département : /api/v1/needs?level=… ; métiers d'un territoire : /api/v1/territories/{niveau}/{code}/needs.",
		DescriptionEN: "For each bassin d'emploi surveyed by BMO: digital hiring projects (secret cells counted, never 0), " +
			"difficult and seasonal shares, the job most in demand, the family of the largest unmet need (supply/demand ratio " +
			"under the national one), distance to the offer in force and a summary sentence in French and English. By région or " +
			"département: /api/v1/needs?level=…; a territory's jobs: /api/v1/territories/{level}/{code}/needs.",
		Keywords:   []string{"besoins en compétences", "BMO", "bassin d'emploi", "recrutement", "numérique"},
		Licence:    LicenceOuverte,
		Sources:    []SourceLicence{sourceGEN, sourceBMO, sourceGeo},
		InputKinds: []string{"catalogue", "bmo"},
	},
	{
		Name:    "gaps",
		TitleFR: "Zones blanches : départements sans formation, groupés par frontières communes",
		TitleEN: "Coverage gaps: départements with no formation, grouped by shared borders",
		DescriptionFR: "Chaque zone contiguë de départements sans formation labellisée : membres, population, superficie, " +
			"orientation de l'axe principal et indicateur de « diagonale » nord-est → sud-ouest.",
		DescriptionEN: "Each connected zone of départements with no labelled formation: members, population, area, main " +
			"axis orientation and a north-east → south-west \"diagonal\" flag.",
		Keywords:   []string{"zones blanches", "couverture", "diagonale", "territoires"},
		Licence:    LicenceOuverte,
		Sources:    []SourceLicence{sourceGEN, sourceGeo},
		InputKinds: []string{"catalogue"},
		Spatial:    true,
	},
}

func init() { Catalogue = append(Catalogue, derived...) }

// Lookup returns the catalogue entry of a dataset.
func Lookup(name string) (Dataset, bool) {
	for _, d := range Catalogue {
		if d.Name == name {
			return d, true
		}
	}
	return Dataset{}, false
}
