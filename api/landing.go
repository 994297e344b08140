package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// The landing document of the API, as OGC API landing pages are: what the
// service is, where its description and documentation are, and every
// collection with its title, formats and links, so a reader who only knows
// /api/v1 finds everything from there.

type landing struct {
	Title       langText     `json:"title"`
	Description langText     `json:"description"`
	Links       []webLink    `json:"links"`
	Collections []collection `json:"collections"`
}

// webLink is a link in the RFC 8288 sense, as OGC API documents write them.
type webLink struct {
	Rel   string `json:"rel"`
	Href  string `json:"href"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

type collection struct {
	ID          string    `json:"id"`
	Title       langText  `json:"title"`
	Description langText  `json:"description"`
	Formats     []string  `json:"formats"`
	Links       []webLink `json:"links"`
}

func landingLink(rel, href, typ, title string) webLink {
	return webLink{Rel: rel, Href: href, Type: typ, Title: title}
}

const (
	typeJSON    = "application/json"
	typeGeoJSON = "application/geo+json"
)

// collections lists what the API serves. TestLandingCoversRoutes keeps it
// complete: every public route under /api/v1 is reachable from here.
var collections = []collection{
	{ID: "formations", Title: langText{"Formations", "Formations"},
		Description: langText{"Le catalogue des formations, filtrable (territoire, famille, date, vague…), avec leur commune et leur bassin d'emploi.",
			"The formation catalogue, filterable (territory, family, date, wave…), with each formation's commune and bassin d'emploi."},
		Formats: []string{"json", "csv", "xlsx", "parquet", "geojson", "ndjson"},
		Links: []webLink{landingLink("items", "/api/v1/formations", typeJSON, "formations"),
			landingLink("alternate", "/api/v1/formations.csv", "text/csv", "CSV"),
			landingLink("alternate", "/api/v1/formations.ndjson", "application/x-ndjson", "NDJSON (streamed)"),
			landingLink("alternate", "/api/v1/formations.geojson", typeGeoJSON, "GeoJSON")}},
	{ID: "programmes", Title: langText{"Programmes de l'offre", "Programmes of the offer"},
		Description: langText{"Les programmes dont l'instantané contient les formations (le label GEN, substitut synthétique, et des listes réelles comme Parcoursup apprentissage 2020), avec leur provenance ; programme= les choisit partout.",
			"The programmes whose formations the snapshot holds (the GEN label, a synthetic stand-in, and real lists such as Parcoursup apprenticeship 2020), with their provenance; programme= chooses them everywhere."},
		Formats: []string{"json"},
		Links:   []webLink{landingLink("items", "/api/v1/programmes", typeJSON, "programmes")}},
	{ID: "indicators", Title: langText{"Indicateurs", "Indicators"},
		Description: langText{"Le système d'indicateurs : offre, accès, besoins, ratio offre/besoins, par région, département, bassin d'emploi et commune.",
			"The indicator system: offer, access, demand, supply/demand ratio, by région, département, bassin d'emploi and commune."},
		Formats: []string{"json", "csv", "xlsx", "parquet", "ndjson"},
		Links: []webLink{landingLink("items", "/api/v1/indicators", typeJSON, "indicators"),
			landingLink("item", "/api/v1/indicators/formations_per_100k?level=departement", typeJSON, "formations_per_100k")}},
	{ID: "territories", Title: langText{"Territoires", "Territories"},
		Description: langText{"Régions, départements, bassins d'emploi et communes ; le profil d'un territoire et ses besoins en compétences.",
			"Régions, départements, bassins d'emploi and communes; a territory's profile and its skill needs."},
		Formats: []string{"json"},
		Links: []webLink{landingLink("items", "/api/v1/territories/departement", typeJSON, "départements"),
			landingLink("item", "/api/v1/territories/bassin/8428/profile", typeJSON, "profile"),
			landingLink("item", "/api/v1/territories/bassin/8428/needs", typeJSON, "needs")}},
	{ID: "needs", Title: langText{"Besoins en compétences", "Skill needs"},
		Description: langText{"Les métiers numériques demandés (BMO), l'offre par famille et le premier besoin non couvert, par territoire.",
			"The digital jobs in demand (BMO), the offer per family and the largest unmet need, per territory."},
		Formats: []string{"json", "csv", "xlsx", "parquet", "ndjson"},
		Links:   []webLink{landingLink("items", "/api/v1/needs?level=bassin", typeJSON, "needs")}},
	{ID: "coverage", Title: langText{"Couverture (cartes)", "Coverage (maps)"},
		Description: langText{"Les contours de chaque niveau avec leurs indicateurs, en GeoJSON.",
			"The outlines of each level with their indicators, as GeoJSON."},
		Formats: []string{"geojson"},
		Links: []webLink{landingLink("items", "/api/v1/coverage/departement.geojson", typeGeoJSON, "départements"),
			landingLink("items", "/api/v1/coverage/bassin.geojson", typeGeoJSON, "bassins"),
			landingLink("items", "/api/v1/coverage/commune.geojson", typeGeoJSON, "communes")}},
	{ID: "gaps", Title: langText{"Zones blanches", "Coverage gaps"},
		Description: langText{"Les zones contiguës sans offre (ou trop loin d'elle), dont la diagonale vide.",
			"Connected zones without offer (or too far from it), the empty diagonal among them."},
		Formats: []string{"json", "csv", "xlsx", "parquet", "geojson", "ndjson"},
		Links:   []webLink{landingLink("items", "/api/v1/gaps", typeJSON, "gaps")}},
	{ID: "simulate", Title: langText{"Simulation d'implantation", "What-if siting"},
		Description: langText{"Ce que changerait une formation de plus ici (POST les sites en JSON, ou GET avec site=) : indicateurs avant et après, habitants mis à portée, zones sans formation réduites ; rien n'est enregistré. Méthode : docs/siting.md.",
			"What one more formation here would change (POST the sites as JSON, or GET with site=): indicators before and after, inhabitants brought within reach, gap zones shrunk; nothing is stored. Method: docs/siting.md."},
		Formats: []string{"json", "csv", "xlsx"},
		Links:   []webLink{landingLink("items", "/api/v1/simulate?site=23096,developpement,12", typeJSON, "simulate")}},
	{ID: "recommend-sites", Title: langText{"Où labelliser ensuite", "Where to label next"},
		Description: langText{"Les communes candidates classées par un score expliqué (habitants mis à portée pondérés par les besoins de recrutement, surface de zone retirée), et un choix glouton de k sites.",
			"Candidate communes ranked by an explained score (inhabitants brought within reach weighted by hiring needs, gap area removed), and a greedy choice of k sites."},
		Formats: []string{"json", "csv", "xlsx"},
		Links:   []webLink{landingLink("items", "/api/v1/recommend-sites?family=developpement&limit=5", typeJSON, "recommend-sites")}},
	{ID: "job-demand", Title: langText{"Besoins en main-d'œuvre (BMO)", "Hiring needs (BMO)"},
		Description: langText{"Les projets de recrutement de l'enquête BMO de France Travail, tels que publiés.",
			"Hiring projects of France Travail's BMO survey, as published."},
		Formats: []string{"json", "csv", "xlsx", "parquet", "ndjson"},
		Links:   []webLink{landingLink("items", "/api/v1/job-demand", typeJSON, "job-demand")}},
	{ID: "metiers", Title: langText{"Référentiel des métiers du numérique", "Digital-jobs referential"},
		Description: langText{"Les familles de métiers et leurs codes ROME et FAP.", "The job families and their ROME and FAP codes."},
		Formats:     []string{"json"},
		Links:       []webLink{landingLink("items", "/api/v1/metiers", typeJSON, "metiers")}},
	{ID: "datasets", Title: langText{"Jeux de données", "Datasets"},
		Description: langText{"Les fichiers ouverts, avec licence, provenance et schéma ; le catalogue DCAT.",
			"The open files, with licence, provenance and schema; the DCAT catalogue."},
		Formats: []string{"json", "jsonld"},
		Links:   []webLink{landingLink("items", "/api/v1/datasets", typeJSON, "datasets")}},
	{ID: "snapshots", Title: langText{"Instantanés", "Snapshots"},
		Description: langText{"Les instantanés des données servis, et ce que l'ingestion a mis en quarantaine.",
			"The data snapshots served, and what ingest quarantined."},
		Formats: []string{"json", "csv", "xlsx", "parquet", "ndjson"},
		Links: []webLink{landingLink("items", "/api/v1/snapshots", typeJSON, "snapshots"),
			landingLink("items", "/api/v1/snapshots/current/quarantine", typeJSON, "quarantine")}},
	{ID: "changes", Title: langText{"Changements", "Changes"},
		Description: langText{"Ce qui a changé d'un instantané à l'autre (formations, années BMO, indicateurs, zones blanches), et leur flux Atom.",
			"What changed from one snapshot to the next (formations, BMO years, indicators, gap zones), and their Atom feed."},
		Formats: []string{"json", "csv", "xlsx", "atom", "ndjson"},
		// The feed: /api/v1/changes needs a snapshot with a parent, which
		// a first one has not; each entry links to its diff.
		Links: []webLink{landingLink("items", "/api/v1/changes.atom", "application/atom+xml", "feed")}},
}

var landingDoc = landing{
	Title: langText{"Observatoire de l'offre de formation au numérique", "Observatory of the digital-skills training offer"},
	Description: langText{"API ouverte de l'observatoire de la Grande École du Numérique : l'offre de formation, les besoins des territoires et leurs écarts. " +
		"Le catalogue GEN servi ici est un substitut synthétique, signalé comme tel dans chaque réponse.",
		"Open API of the Grande École du Numérique observatory: the training offer, the needs of each territory and the gaps between them. " +
			"The GEN catalogue served here is a synthetic stand-in, flagged as such in every response."},
	Links: []webLink{
		landingLink("self", "/api/v1", typeJSON, "this document"),
		landingLink("service-desc", "/api/v1/openapi.json", "application/vnd.oai.openapi+json;version=3.1", "OpenAPI"),
		landingLink("service-doc", "/api/v1/docs", "text/html", "documentation"),
		landingLink("data", "/api/v1/datasets", typeJSON, "datasets"),
		landingLink("alternate", "/", "text/html", "map"),
	},
	Collections: collections,
}

// landingPage serves GET /api/v1.
func (s *Server) landingPage(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	return c.JSON(http.StatusOK, landingDoc)
}
