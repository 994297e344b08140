package observatory

import "regexp"

// The shapes of the codes the observatory reads, in one place: the ingest
// checks inputs and the API checks parameters with the same rules.
var (
	romeCode   = regexp.MustCompile(`^[A-N][0-9]{4}$`)
	fapCode    = regexp.MustCompile(`^[A-Z][0-9A-Z][A-Z][0-9]{2}$`)
	bassinCode = regexp.MustCompile(`^[0-9]{3,4}$`)
	// Each FAP edition writes its third character differently: Z (or A,
	// B) in 2009, X (or A, B) in 2021.
	fapEditionCode = map[string]*regexp.Regexp{
		FAP2009: regexp.MustCompile(`^[A-Z][0-9][ZAB][0-9]{2}$`),
		FAP2021: regexp.MustCompile(`^[A-Z][0-9A-Z][XAB][0-9]{2}$`),
	}
)

// IsROME reports whether code has the shape of a ROME code: a letter A–N
// and four digits (M1805).
func IsROME(code string) bool { return romeCode.MatchString(code) }

// IsFAP reports whether code has the shape of a FAP code of either edition
// (M1Z80, M2X91).
func IsFAP(code string) bool { return fapCode.MatchString(code) }

// IsFAPOf reports whether code has the shape of a code of the given FAP
// edition.
func IsFAPOf(edition, code string) bool {
	re, ok := fapEditionCode[edition]
	return ok && re.MatchString(code)
}

// IsBassin reports whether code has the shape of a France Travail bassin
// d'emploi code: three or four digits (101, 9411).
func IsBassin(code string) bool { return bassinCode.MatchString(code) }

var communeCode = regexp.MustCompile(`^([0-9]{5}|2[AB][0-9]{3}|97[1-6][0-9]{2})$`)

// IsCommune reports whether code has the shape of an INSEE commune code:
// five digits, or 2A/2B and three digits for Corsica (23096, 2A004).
func IsCommune(code string) bool { return communeCode.MatchString(code) }
