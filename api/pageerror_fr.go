package api

import (
	"fmt"
	"strings"

	"github.com/gen-numerique/observatory/observatory"
)

// The map page's errors in French. The API's messages are English (they
// list the accepted values, for developers); the French page says what
// is wrong in French, per parameter, and keeps the English detail below
// it for whoever reports the problem.

// pageParamFR says, for each parameter of the page, what it accepts.
var pageParamFR = map[string]string{
	"indicator":   "l'indicateur doit être l'un de ceux que la carte peut dessiner (liste des filtres)",
	"level":       "le niveau doit être régions, départements, bassins d'emploi ou communes",
	"year":        "l'année doit être une année de l'offre labellisée (offre au 1er juillet)",
	"wave":        "la vague doit être l'une des vagues de labellisation du catalogue",
	"at":          "la date doit être au format aaaa-mm-jj et ne pas précéder la première labellisation",
	"view":        "l'offre se lit en vigueur à la date (in_force) ou labellisée à la date, en cumul (labelled)",
	"family":      "la famille de métiers doit être l'une de celles du référentiel",
	"programme":   "le programme doit être gen, all ou l'un des programmes de l'instantané",
	"lang":        "la langue doit être fr ou en",
	"code":        "le code doit être celui d'un territoire du niveau choisi",
	"sort":        "le tri se fait par code, nom ou valeur, précédé de - pour l'ordre décroissant",
	snapshotParam: "l'instantané demandé n'existe pas ou n'est plus conservé",
}

// pageErrorFR is the French message of a page error on parameter param
// whose value was value.
func pageErrorFR(oe *observatory.Error, value string) string {
	if oe.Param == "" {
		return "La requête n'a pas pu être traitée."
	}
	switch {
	case strings.HasPrefix(oe.Message, "unknown parameter"):
		return fmt.Sprintf("Le paramètre « %s » n'est pas reconnu par la carte.", oe.Param)
	case strings.Contains(oe.Message, "times; give it once"):
		return fmt.Sprintf("Le paramètre « %s » est donné plusieurs fois : donnez-le une seule fois.", oe.Param)
	case strings.Contains(oe.Message, "too long"):
		return fmt.Sprintf("Le paramètre « %s » est trop long.", oe.Param)
	}
	msg := fmt.Sprintf("La valeur « %s » du paramètre « %s » n'est pas valide", value, oe.Param)
	if oe.Code == observatory.ENOTFOUND {
		msg = fmt.Sprintf("« %s » (paramètre « %s ») est introuvable", value, oe.Param)
	}
	if hint, ok := pageParamFR[oe.Param]; ok {
		return msg + " : " + hint + "."
	}
	return msg + "."
}
