package observatory

import (
	"fmt"
	"regexp"
	"strings"
)

// ReasonFR is the French wording of a reject's or a repair's reason, as
// the ingest writes them in English (ingest/*.go, ingest/tabular): French
// files show it. A reason without a translation is returned unchanged.
//
// The reasons are stored as the ingest formatted them, so they are
// translated by pattern: each English format string below becomes a
// regular expression whose verbs capture the values, which go into the
// French format in the same order. TestReasonsFR checks every pattern
// against the format strings of the ingest's sources, so a reason added
// there without its French form fails the test.
func ReasonFR(en string) string {
	for _, r := range reasonPatterns {
		if m := r.re.FindStringSubmatch(en); m != nil {
			args := make([]any, len(m)-1)
			for i, g := range m[1:] {
				args[i] = g
			}
			return fmt.Sprintf(r.fr, args...)
		}
	}
	return en
}

// ReasonFormatsFR pairs the ingest's reason formats with their French
// forms; %q, %s and %d values keep their order (%[n]s to reorder).
var ReasonFormatsFR = [][2]string{
	{"%d cell(s) beyond the last header column (%s); the row is probably shifted", "%s cellule(s) au-delà de la dernière colonne d'en-tête (%s) : la ligne est sans doute décalée"},
	{"no FAP code", "pas de code FAP"},
	{"%q is not a FAP code (a letter, a digit, a letter and two digits, e.g. %s)", "%s n'est pas un code FAP (une lettre, un chiffre, une lettre et deux chiffres, par ex. %s)"},
	{"FAP code %s has the shape of %s, but a %d survey codes jobs in %s (e.g. %s)", "le code FAP %s a la forme de la %s, mais une enquête %s code les métiers en %s (par ex. %s)"},
	{"%q is not a %s code (e.g. %s)", "%s n'est pas un code %s (par ex. %s)"},
	{"no bassin d'emploi code", "pas de code de bassin d'emploi"},
	{"%q is not a bassin d'emploi code (2 to 6 digits)", "%s n'est pas un code de bassin d'emploi (2 à 6 chiffres)"},
	{"%d projects judged difficult out of %d projects", "%s projets jugés difficiles sur %s projets"},
	{"%d seasonal projects out of %d projects", "%s projets saisonniers sur %s projets"},
	{"bassin %s is in région %s (%s) but in région %s here; BMO puts each bassin in one région", "le bassin %s est dans la région %s (%s) mais ici dans la région %s ; la BMO place chaque bassin dans une seule région"},
	{"duplicate of %s row %d: same year %d, FAP code %s, bassin %s and département %s", "doublon de %s ligne %s : même année %s, code FAP %s, bassin %s et département %s"},
	{"no survey year, and neither the column names nor the file name give one", "pas d'année d'enquête, ni dans les noms de colonnes ni dans le nom du fichier"},
	{"blank year taken from %s", "année vide reprise de %s"},
	{"%q is not a survey year (%d to %d)", "%s n'est pas une année d'enquête (%s à %s)"},
	{"no département", "pas de département"},
	{"%q is not a département code (01…95, 2A, 2B, 971…976, or 978 Saint-Martin)", "%s n'est pas un code de département (01…95, 2A, 2B, 971…976 ou 978 Saint-Martin)"},
	{"no région", "pas de région"},
	{"%q is not a région code", "%s n'est pas un code de région"},
	{"a count of projects cannot be negative", "un nombre de projets ne peut pas être négatif"},
	{"%s projects is implausible for one row", "%s projets, invraisemblable pour une ligne"},
	{"BMO counts are whole numbers of projects; fractional estimate rounded", "la BMO compte des projets entiers ; estimation décimale arrondie"},
	{"the formation has no title: it cannot be classified", "la formation n'a pas d'intitulé : elle ne peut pas être classée"},
	{"the formation names no establishment (no name, no identifier)", "la formation ne nomme aucun établissement (ni nom, ni identifiant)"},
	{"exact duplicate of %s", "doublon exact de %s"},
	{"duplicate of %s: the same values in every column read", "doublon de %s : les mêmes valeurs dans chaque colonne lue"},
	{"identifier %s is already used by %s with other values", "l'identifiant %s est déjà pris par %s avec d'autres valeurs"},
	{"the formation has no title", "la formation n'a pas d'intitulé"},
	{"the formation has no structure", "la formation n'a pas de structure porteuse"},
	{"the label ends before it starts (%s)", "le label finit avant de commencer (%s)"},
	{"%s (%d) is more than %s (%d)", "%s (%s) dépasse %s (%s)"},
	{"leading zero lost", "zéro initial perdu"},
	{"unknown commune code; the commune was found by its name and postcode", "code commune inconnu ; la commune a été trouvée par son nom et son code postal"},
	{"unknown commune code; the commune was found by its name in its département", "code commune inconnu ; la commune a été trouvée par son nom dans son département"},
	{"postcode does not belong to commune %s %s", "le code postal n'est pas celui de la commune %s %s"},
	{"département taken from the commune code", "département repris du code commune"},
	{"unknown commune code %q, and the commune could not be found by name", "code commune %s inconnu, et la commune n'a pas été trouvée par son nom"},
	{"postcode %q is not a French postcode", "%s n'est pas un code postal français"},
	{"cannot place the formation: no valid commune code, postcode or département", "impossible de situer la formation : ni code commune, ni code postal, ni département valide"},
	{"latitude and longitude were swapped", "latitude et longitude étaient interverties"},
	{"coordinates missing, unreadable or outside département %s; replaced by the commune centroid", "coordonnées absentes, illisibles ou hors du département %s ; remplacées par le centre de la commune"},
	{"latitude %q is not a number", "la latitude %s n'est pas un nombre"},
	{"longitude %q is not a number", "la longitude %s n'est pas un nombre"},
	{"the point (%s, %s) is not in département %s", "le point (%s, %s) n'est pas dans le département %s"},
	{"no code given; commune %s found by its name where the coordinates fall", "pas de code ; la commune %s, trouvée par son nom, est là où tombent les coordonnées"},
	{"no commune given; commune %s %s is where the coordinates fall", "pas de commune ; les coordonnées tombent dans la commune %s %s"},
	{"%q is not a ROME code (a letter A–N and 4 digits)", "%s n'est pas un code ROME (une lettre de A à N et 4 chiffres)"},
	{"duration %q is not a number of months", "la durée %s n'est pas un nombre de mois"},
	{"duration converted to months", "durée convertie en mois"},
	{"duration %s months is outside 0–60", "la durée de %s mois sort de 0–60"},
	{"%q is not a date", "%s n'est pas une date"},
	{"%q is not a whole number", "%s n'est pas un nombre entier"},
	{"%s is negative", "%s est négatif"},
	{"%s is too large for a count", "%s est trop grand pour un effectif"},
	{`formula without a computed value in column %q: open and save the file in a spreadsheet, or export it as CSV`, "formule sans valeur calculée dans la colonne %s : ouvrez et enregistrez le fichier dans un tableur, ou exportez-le en CSV"},
	{"not a data row: note or footnote below the table", "pas une ligne de données : note ou renvoi sous le tableau"},
	{"not a data row: repeated header", "pas une ligne de données : en-tête répété"},
	{"not a data row: footnote", "pas une ligne de données : renvoi"},
	{"cell is larger than the %d-byte limit", "cellule plus grande que la limite de %s octets"},
	{"more than %d cells", "plus de %s cellules"},
	{"cell is not valid UTF-8 text (its invalid bytes read as U+FFFD)", "la cellule n'est pas du texte UTF-8 valide (ses octets invalides lus comme U+FFFD)"},
	{"unterminated quote on line %d: the quote opening the cell is never closed; the line was read with it as a plain character", "guillemet non refermé ligne %s : le guillemet qui ouvre la cellule n'est jamais fermé ; la ligne a été lue en le prenant pour un caractère ordinaire"},
}

type reasonPattern struct {
	re *regexp.Regexp
	fr string
}

// verbs are the fmt verbs of the formats, as what they capture.
var verbs = strings.NewReplacer(`%q`, `("(?:[^"\\]|\\.)*")`, `%s`, `(.*?)`, `%d`, `(-?[0-9]+)`)

var reasonPatterns = func() []reasonPattern {
	out := make([]reasonPattern, len(ReasonFormatsFR))
	for i, p := range ReasonFormatsFR {
		out[i] = reasonPattern{regexp.MustCompile(`^` + verbs.Replace(regexp.QuoteMeta(p[0])) + `$`), p[1]}
	}
	return out
}()
