package ingest

import (
	"slices"

	"github.com/gen-numerique/observatory/ingest/tabular"
)

// offerConcepts are the columns an offer list (another programme than the
// GEN label) is read by: what is offered, by whom and where. Places and
// ROME codes are the catalogue's concepts; the title, the diploma type and
// the establishment have the names offer lists give them. Headers match by
// meaning (headerMeaning), as for the catalogue.
var offerConcepts = []Concept{
	{Key: "id", Label: "the formation's identifier in the list",
		Synonyms: []string{"Identifiant", "Id", "Identifiant formation", "Code formation", "Numéro", "Réf", "Référence", "Identifiant de l'action"},
		IfAbsent: "identifiers will be made from the programme, establishment, title, diploma and place"},
	{Key: "title", Label: "the course title (speciality)", Required: true,
		Synonyms: []string{"LIBSPÉCIALITÉ", "Libellé spécialité", "Spécialité", "Intitulé", "Intitulé de la formation", "Intitulé de la spécialité",
			"Nom de la formation", "Libellé de la formation", "Titre", "Formation", "Intitulé de l'action"}},
	{Key: "diploma", Label: "the diploma or certificate type",
		Synonyms: []string{"LIBFORMATION", "Type de diplôme", "Diplôme", "Type de formation", "Libellé diplôme", "Niveau de diplôme",
			"Certification", "Type de certification"},
		IfAbsent: "the rules that need the diploma type will not apply"},
	{Key: "structure", Label: "the establishment that runs it",
		Synonyms: []string{"LIB_AFF", "Établissement", "Nom de l'établissement", "Établissement d'accueil", "Lieu de formation",
			"Organisme", "Organisme de formation", "Organisme formateur", "Structure", "Structure porteuse", "CFA", "Raison sociale"},
		IfAbsent: "establishments will be named by their identifier"},
	{Key: "structure_id", Label: "the establishment's identifier (UAI, SIRET)",
		Synonyms: []string{"UAI_AFF", "UAI", "Code UAI", "Numéro UAI", "UAI établissement", "RNE", "SIRET", "Identifiant établissement",
			"Identifiant de l'établissement"},
		IfAbsent: "establishments will be known by name only"},
}

// offerPlaceKeys are the catalogue concepts an offer list shares.
var offerPlaceKeys = []string{"postcode", "commune", "commune_code", "departement", "region", "lat", "lon", "rome"}

func init() {
	for _, c := range catalogueConcepts {
		if slices.Contains(offerPlaceKeys, c.Key) {
			c.Required = false
			if c.Key == "commune_code" {
				c.Synonyms = append(slices.Clone(c.Synonyms), "CODECOMMUNE")
			}
			if c.Key == "commune" {
				c.Synonyms = append(slices.Clone(c.Synonyms), "LIBCOMMUNE")
			}
			offerConcepts = append(offerConcepts, c)
		}
	}
	offerSchema = conceptSchema(KindOfferSchema, offerConcepts)
}

// KindOfferSchema names the offer lists' schema in messages.
const KindOfferSchema = "offer list"

var offerSchema tabular.Schema

// OfferConcepts is the offer lists' concepts with their synonyms, for
// tests and documentation.
func OfferConcepts() []Concept { return slices.Clone(offerConcepts) }
