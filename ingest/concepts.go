package ingest

import (
	"slices"
	"strings"

	"github.com/gen-numerique/observatory/ingest/tabular"
)

// Concept is one thing the observatory reads from a catalogue column, with
// the names publishers give that column. docs/catalogue-columns.md is this
// table (TestCatalogueColumnsDoc keeps them equal).
type Concept struct {
	Key      string // schema key and report name, e.g. "learners"
	Label    string // what the column holds, for the documentation
	Required bool   // a file without it cannot be read
	// Count: a number of people, places or sessions. Its header may add
	// counting words ("Nb", "nombre de", "dont", "effectif", "total") that
	// no other concept accepts, so "Nombre de formations" is not a title.
	Count bool
	// Months: a duration in months; "mois" or "months" may be added.
	Months   bool
	Synonyms []string // header texts as publishers write them; compared by meaning (headerMeaning)
	IfAbsent string   // what a file without the column loses, for the report's warning
}

// catalogueConcepts are the catalogue's columns. A header matches a concept
// when its meaningful words (headerMeaning) are those of one of the
// concept's synonyms, in any order. Add a synonym here rather than tuning a
// file; two concepts never share a synonym's words (TestConceptsDisjoint),
// so a header means one concept at most.
var catalogueConcepts = []Concept{
	{Key: "id", Label: "the formation's identifier",
		Synonyms: []string{"Identifiant", "Id", "Identifiant formation", "Code formation", "Numéro", "N°", "Réf", "Référence"},
		IfAbsent: "identifiers will be made from structure, title and place"},
	{Key: "title", Label: "the formation's title", Required: true,
		Synonyms: []string{"Nom de la formation", "Intitulé", "Intitulé de la formation", "Formation", "Titre", "Libellé", "Libellé formation", "Nom"}},
	{Key: "structure", Label: "the structure that runs it", Required: true,
		Synonyms: []string{"Structure porteuse", "Structure", "Organisme", "Organisme de formation", "Porteur", "Porteur de projet",
			"Fabrique", "Nom de la structure", "Raison sociale", "Opérateur"}},
	{Key: "postcode", Label: "postcode",
		Synonyms: []string{"Code postal", "CP", "Code postale", "Codepostal"},
		IfAbsent: "places will come from the other place columns"},
	{Key: "commune", Label: "commune name",
		Synonyms: []string{"Commune", "Ville", "Localité", "Nom de la commune", "Lieu"},
		IfAbsent: "places will come from the other place columns"},
	{Key: "commune_code", Label: "commune INSEE code",
		Synonyms: []string{"Code commune INSEE", "Code INSEE", "INSEE", "Code commune", "CODGEO", "COM"},
		IfAbsent: "communes will be found from postcodes and names"},
	{Key: "departement", Label: "département",
		Synonyms: []string{"Département", "Dept", "Dép", "Code département", "Num département", "Numéro de département"},
		IfAbsent: "départements will come from communes and postcodes"},
	{Key: "region", Label: "région",
		Synonyms: []string{"Région", "Code région", "Reg", "Nom de la région"},
		IfAbsent: "régions will come from the départements"},
	{Key: "lat", Label: "latitude",
		Synonyms: []string{"Latitude", "Lat", "Y", "Coord Y"},
		IfAbsent: "points will be the communes' centroids"},
	{Key: "lon", Label: "longitude",
		Synonyms: []string{"Longitude", "Lon", "Lng", "Long", "X", "Coord X"},
		IfAbsent: "points will be the communes' centroids"},
	{Key: "rome", Label: "ROME job codes",
		Synonyms: []string{"Codes ROME", "ROME", "Codes métiers ROME"},
		IfAbsent: "job families will come from titles only"},
	{Key: "family", Label: "the source's job family",
		Synonyms: []string{"Famille de métiers", "Famille", "Filière", "Domaine", "Catégorie"},
		IfAbsent: "the source's own job family will not be kept"},
	{Key: "duration", Label: "duration", Months: true,
		Synonyms: []string{"Durée", "Durée de la formation", "Duration"},
		IfAbsent: "durations will be null"},
	{Key: "labelled_on", Label: "labelling date",
		Synonyms: []string{"Date de labellisation", "Labellisation", "Date du label", "Labellisé le", "Date d'obtention du label",
			"Label obtenu le", "Labelled on"},
		IfAbsent: "labelling dates will be null: waves can be neither derived nor checked, and the offer in force cannot be dated"},
	{Key: "wave", Label: "labelling wave",
		Synonyms: []string{"Vague", "Vague de labellisation", "N° de vague", "Numéro de vague", "Campagne", "Campagne de labellisation", "Wave"},
		IfAbsent: "waves will be derived from the labelling dates"},
	{Key: "label_end", Label: "end of the label",
		Synonyms: []string{"Fin de labellisation", "Date de fin de labellisation", "Fin du label", "Date de fin de label",
			"Échéance du label", "Date d'échéance du label", "Date d'expiration du label", "Label valable jusqu'au", "Label end"},
		IfAbsent: "label end dates will be null: every label will count as in force"},
	{Key: "seats", Label: "seats per session", Count: true,
		Synonyms: []string{"Places par session", "Places", "Capacité", "Capacité d'accueil", "Capacité d'accueil (places)",
			"Capacité par session", "Seats"},
		IfAbsent: "seats per session will be null"},
	{Key: "sessions", Label: "sessions held", Count: true,
		Synonyms: []string{"Sessions réalisées", "Sessions", "Sessions organisées"},
		IfAbsent: "session counts will be null"},
	{Key: "learners", Label: "learners trained", Count: true,
		Synonyms: []string{"Apprenants formés", "Apprenants", "Stagiaires", "Stagiaires formés", "Personnes formées", "Bénéficiaires",
			"Bénéficiaires formés", "Formés", "Public formé", "Learners", "Trainees"},
		IfAbsent: "learner figures will be null, and with them every share and target"},
	{Key: "women", Label: "of which women", Count: true,
		Synonyms: []string{"Femmes", "Public féminin", "Femmes formées", "Apprenantes", "Women"},
		IfAbsent: "women figures will be null, and with them the share of women"},
	{Key: "low_qualified", Label: "of which low-qualified (below the baccalauréat)", Count: true,
		Synonyms: []string{"Peu ou pas qualifiés", "Peu qualifiés", "Peu ou pas diplômés", "Peu diplômés", "Infra-bac", "Niveau infra-bac",
			"Niveau inférieur au bac", "Low-qualified"},
		IfAbsent: "low-qualified figures will be null, and with them the share of low-qualified learners"},
	{Key: "qpv", Label: "of which residents of priority neighbourhoods (QPV)", Count: true,
		Synonyms: []string{"Résidents QPV", "QPV", "Habitants QPV", "Bénéficiaires QPV", "Apprenants QPV", "Issus des QPV",
			"Quartiers prioritaires", "Résidents des quartiers prioritaires", "Habitants des quartiers prioritaires",
			"Résidents des quartiers prioritaires de la politique de la ville"},
		IfAbsent: "QPV figures will be null, and with them the share of QPV residents"},
}

// CatalogueConcepts is the catalogue's concepts with their synonyms, for
// tests and documentation.
func CatalogueConcepts() []Concept { return slices.Clone(catalogueConcepts) }

// catalogueSchema matches each concept's column by meaning; its Names are
// the synonyms, which messages about missing columns list.
var catalogueSchema = conceptSchema("catalogue", catalogueConcepts)

// CatalogueSchema is the catalogue's columns as tabular reads them, for
// tests; callers must not modify it.
func CatalogueSchema() tabular.Schema { return catalogueSchema }

func conceptSchema(name string, concepts []Concept) tabular.Schema {
	s := tabular.Schema{Name: name}
	for _, c := range concepts {
		keys := make(map[string]bool, len(c.Synonyms))
		for _, syn := range c.Synonyms {
			keys[headerMeaning(syn).words] = true
		}
		s.Columns = append(s.Columns, tabular.Column{Key: c.Key, Names: c.Synonyms, Required: c.Required,
			Match: func(header string) bool { return c.accepts(headerMeaning(header), keys) }})
	}
	return s
}

// accepts reports whether a header's meaning is the concept's.
func (c Concept) accepts(m meaning, keys map[string]bool) bool {
	return m.words != "" && keys[m.words] && (c.Count || !m.counting) && (c.Months || !m.months)
}

// meaning is what a header says once the words that do not tell one
// concept from another are set aside.
type meaning struct {
	words    string // the meaningful words, singular, sorted, space-separated
	counting bool   // it had counting words: nb, nombre, dont, effectif, total…
	months   bool   // it had a unit of months: mois, months
}

// headerMeaning reads a header by meaning: tabular.Normalize (accents,
// case, punctuation), "%" kept as the word "pourcent" (a share is not a
// count), articles and prepositions dropped, counting words and month
// units dropped but remembered, each word made singular (final s or x
// removed from words over three letters, then a final "ee" folded, so
// formé, formée, formés and formées are one word), and the words sorted.
func headerMeaning(h string) meaning {
	var m meaning
	var words []string
	for _, w := range strings.Fields(tabular.Normalize(strings.ReplaceAll(h, "%", " pourcent "))) {
		switch class := wordClass(w); {
		case class == wordFiller:
			continue
		case class == wordCounting:
			m.counting = true
			continue
		case class == wordMonths:
			m.months = true
			continue
		}
		words = append(words, singular(w))
	}
	slices.Sort(words)
	m.words = strings.Join(slices.Compact(words), " ")
	return m
}

const (
	wordMeaningful = iota
	wordFiller
	wordCounting
	wordMonths
)

// wordClass sorts a normalised word: fillers (articles, prepositions, the
// letters inclusive writing leaves: "formé·e·s"), counting words, month
// units, or a meaningful word.
func wordClass(w string) int {
	switch w {
	case "de", "d", "du", "des", "la", "le", "les", "l", "en", "a", "au", "aux", "par", "pour", "sur",
		"of", "the", "per", "in", "e", "s", "es":
		return wordFiller
	case "nb", "nbre", "nombre", "nombres", "number", "numbers", "effectif", "effectifs", "total", "totaux", "dont", "count":
		return wordCounting
	case "mois", "month", "months":
		return wordMonths
	}
	return wordMeaningful
}

// singular folds plural and feminine endings.
func singular(w string) string {
	if len(w) > 3 && (strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "x")) {
		w = w[:len(w)-1]
	}
	if len(w) > 3 && strings.HasSuffix(w, "ee") {
		w = w[:len(w)-1]
	}
	return w
}
