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
	sourceGeo = SourceLicence{
		Name:    GeoSource,
		Licence: "Licence Ouverte (IGN Admin Express, INSEE COG, Etalab découpage administratif)",
		URL:     "https://github.com/datagouv/decoupage-administratif",
	}
)

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

// Lookup returns the catalogue entry of a dataset.
func Lookup(name string) (Dataset, bool) {
	for _, d := range Catalogue {
		if d.Name == name {
			return d, true
		}
	}
	return Dataset{}, false
}
