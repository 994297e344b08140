package observatory_test

import (
	"bufio"
	"encoding/csv"
	"os"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
)

const syntheticCatalogue = "../datasets/defaults/gen-formations-synthetique.csv"

func metiers(t testing.TB) *observatory.Referential {
	t.Helper()
	ref := datasetstest.Reference(t).Metiers
	return ref
}

// Real titles and ROME codes of the synthetic catalogue, and variants a
// real export may hold.
func TestClassify(t *testing.T) {
	ref := metiers(t)
	cases := []struct {
		title, rome, given string
		family, rule       string
		note               string // a substring the note must hold, "" for no note
	}{
		// From the synthetic catalogue, as published.
		{"Développeur·se full stack JavaScript", "M1805", "developpement", "developpement", observatory.RuleROME, ""},
		{"Développeur·se intégrateur·rice web", "M1855|M1805", "developpement", "developpement", observatory.RuleROME, ""},
		{"Concepteur·rice développeur·se d'applications", "M1855", "developpement", "developpement", observatory.RuleROME, ""},
		{"Codeur·se créatif·ve", "M1805|M1855", "developpement", "developpement", observatory.RuleROME, ""},
		{"Développeur·se data / IA", "M1419", "donnees", "donnees", observatory.RuleROME, ""},
		{"Data analyst", "M1405|M1419", "donnees", "donnees", observatory.RuleROME, ""},
		{"Analyste en cybersécurité", "M1844|M1817", "cybersecurite", "cybersecurite", observatory.RuleROME, ""},
		{"Technicien·ne cybersécurité", "M1817", "cybersecurite", "cybersecurite", observatory.RuleROME, ""},
		{"Technicien·ne d'assistance informatique", "I1404|M1816", "infrastructure-support", "infrastructure-support", observatory.RuleROME, ""},
		{"Technicien·ne systèmes et réseaux", "M1810|I1404", "infrastructure-support", "infrastructure-support", observatory.RuleROME, ""},
		{"Designer UX/UI", "E1210|E1205", "design", "design", observatory.RuleROME, ""},
		{"Graphiste web", "E1206", "design", "design", observatory.RuleROME, ""},
		{"Community manager", "E1405|E1101", "marketing-communication", "marketing-communication", observatory.RuleROME, ""},
		{"Référenceur·se web / chargé·e de marketing digital", "E1405", "marketing-communication", "marketing-communication", observatory.RuleROME, ""},
		{"Chef·fe de projet digital", "M1825|M1853", "gestion-de-projet", "gestion-de-projet", observatory.RuleROME, ""},
		{"Coordinateur·rice de production web", "M1853", "gestion-de-projet", "gestion-de-projet", observatory.RuleROME, ""},
		{"Médiateur·rice numérique", "G1238", "mediation-litteratie", "mediation-litteratie", observatory.RuleROME, ""},
		{"Premiers pas vers les métiers du numérique", "G1238", "mediation-litteratie", "mediation-litteratie", observatory.RuleROME, ""},
		// The synthetic rows whose title is missing: the codes still attach them.
		{"", "M1855|M1805", "developpement", "developpement", observatory.RuleROME, ""},
		{"", "I1404|M1810", "infrastructure-support", "infrastructure-support", observatory.RuleROME, ""},

		// No ROME code: the title rules, in order.
		{"Développeur·se intégrateur·rice web", "", "", "integration", observatory.RuleTitle, ""},
		{"Développeur·se data / IA", "", "", "donnees", observatory.RuleTitle, ""},
		{"Technicien·ne cybersécurité", "", "", "cybersecurite", observatory.RuleTitle, ""},
		{"Remise à niveau numérique", "", "", "mediation-litteratie", observatory.RuleTitle, ""},
		{"Community manager", "", "", "marketing-communication", observatory.RuleTitle, ""},
		{"Chef(fe) de projet web", "", "", "gestion-de-projet", observatory.RuleTitle, ""},
		{"Technicien(ne) supérieur(e) systèmes et réseaux", "", "", "infrastructure-support", observatory.RuleTitle, ""},
		{"Animateur·rice réseaux sociaux", "", "", "marketing-communication", observatory.RuleTitle, ""},
		{"Technicien datacenter", "", "", "infrastructure-support", observatory.RuleTitle, ""}, // "data" is a whole word
		{"Codeuse créative", "", "", "developpement", observatory.RuleTitle, ""},
		// A ROME code outside the referential leaves the decision to the title.
		{"Formateur·rice en développement web", "K2111", "", "developpement", observatory.RuleTitle, ""},

		// The source's family: normalised, kept, cross-checked.
		{"Développeur·se web", "M1855", "Développement web et mobile", "developpement", observatory.RuleROME, ""},
		{"Développeur·se web", "M1855", "Data", "donnees", observatory.RuleDisputed, "the source says donnees but the ROME codes say developpement"},
		{"Atelier numérique", "", "Médiation numérique", "mediation-litteratie", observatory.RuleSource, ""},
		{"Développeur·se web", "", "Web and mobile development", "developpement", observatory.RuleTitle, ""},
		{"Graphiste web", "", "developpement", "developpement", observatory.RuleDisputed, "the title says design"},
		{"Développeur·se web", "M1855", "Jardinage", "developpement", observatory.RuleROME, `"Jardinage" is not a known job family`},

		// Codes of several families.
		{"Développeur·se sécurité", "M1855|M1844", "", "developpement", observatory.RuleROME, ""}, // the title picks
		{"Parcours numérique", "M1844|M1855", "developpement", "developpement", observatory.RuleROME, ""},
		{"Parcours numérique", "M1844|M1855", "", "cybersecurite", observatory.RuleROME, "kept cybersecurite, the family of the first code listed"},

		// Nothing to go on.
		{"Atelier de couture", "G1202", "", "", "", "no job family"},
		{"", "", "", "", "", "no job family"},
	}
	for _, tc := range cases {
		var rome []string
		if tc.rome != "" {
			rome = strings.Split(tc.rome, "|")
		}
		a := ref.Classify(tc.title, rome, tc.given)
		if a.Family != tc.family || a.Rule != tc.rule {
			t.Errorf("Classify(%q, %q, %q) = %s/%s, want %s/%s (note %q)", tc.title, tc.rome, tc.given, a.Family, a.Rule, tc.family, tc.rule, a.Note)
		}
		if (tc.note == "") != (a.Note == "") || !strings.Contains(a.Note, tc.note) {
			t.Errorf("Classify(%q, %q, %q) note %q, want one with %q", tc.title, tc.rome, tc.given, a.Note, tc.note)
		}
	}
}

func TestNormalizeTitle(t *testing.T) {
	for in, want := range map[string]string{
		"Développeur·se intégrateur·rice web":        "developpeur integrateur web",
		"Chef·fe de projet digital":                  "chef de projet digital",
		"Technicien(ne) d'assistance":                "technicien d assistance",
		"Référenceur•se web / chargé·e SEO":          "referenceur web charge seo",
		"DESIGNER UX/UI":                             "designer ux ui",
		"Codeur⋅se créatif‧ve":                       "codeur creatif",
		"Premiers pas vers les métiers du numérique": "premiers pas vers les metiers du numerique",
	} {
		if got := observatory.NormalizeTitle(in); got != want {
			t.Errorf("NormalizeTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every row of the real synthetic catalogue: all attached, all by their
// ROME codes, all agreeing with the family the file gives. The title rules
// alone are measured against the file's family too.
func TestClassifySyntheticCatalogue(t *testing.T) {
	ref := metiers(t)
	f, err := os.Open(syntheticCatalogue)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	br.Discard(3) // BOM
	r := csv.NewReader(br)
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	rules := map[string]int{}
	titleAgree, titleDisagree, titleNone := 0, 0, 0
	disagreeTitles := map[string]int{}
	for _, row := range rows[1:] {
		title, given := row[col["Nom de la formation"]], row[col["Famille de métiers"]]
		rome := strings.Split(row[col["Codes ROME"]], "|")
		a := ref.Classify(title, rome, given)
		rules[a.Rule]++
		if a.Family == "" || a.Family != given || a.Note != "" {
			t.Errorf("%s %q %v %q: %+v", row[0], title, rome, given, a)
		}
		switch fam, ok := ref.TitleFamily(title); {
		case !ok:
			titleNone++
		case fam == given:
			titleAgree++
		default:
			titleDisagree++
			disagreeTitles[title+" → "+fam+", file says "+given]++
		}
	}
	n := len(rows) - 1
	t.Logf("%d rows: by ROME %d, by title %d, source only %d, source disputed %d, unattached %d",
		n, rules[observatory.RuleROME], rules[observatory.RuleTitle], rules[observatory.RuleSource], rules[observatory.RuleDisputed], rules[""])
	t.Logf("title rules alone: %d agree with the file's family, %d disagree, %d rows without a title match", titleAgree, titleDisagree, titleNone)
	for k, v := range disagreeTitles {
		t.Logf("  %d × %s", v, k)
	}
	if n != 539 || rules[observatory.RuleROME] != n {
		t.Fatalf("%d rows, %d attached by ROME", n, rules[observatory.RuleROME])
	}
	// The one title family that differs from the file is integration: the
	// file files "développeur intégrateur web" under development.
	for k := range disagreeTitles {
		if !strings.Contains(k, "intégrateur") {
			t.Errorf("title rule disagrees with the file: %s", k)
		}
	}
	if titleNone != 2 { // the two rows without a title
		t.Errorf("%d rows without a title match, want 2", titleNone)
	}
}

func BenchmarkClassify(b *testing.B) {
	ref := metiers(b)
	rome := []string{"M1855", "M1805"}
	for b.Loop() {
		ref.Classify("Développeur·se intégrateur·rice web", rome, "developpement")
	}
}
