package observatory_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
)

// Titles and diploma types as the Parcoursup apprenticeship list of 2020
// writes them (datasets/defaults/listeFormationApprentissagePsup.csv).
func TestClassifyOfferRealTitles(t *testing.T) {
	ref := datasetstest.Reference(t).Metiers
	cases := []struct {
		diploma, title string
		family, rule   string // family "" means set aside
	}{
		{"BTS - Services", "Services informatiques aux organisations - en apprentissage", "developpement", "sio"},
		{"BTS - Production", "Systèmes numériques - Option informatique et réseaux - en apprentissage", "infrastructure-support", "sn-ir"},
		{"DUT - Production", "Informatique - en apprentissage", "developpement", "software"},
		{"DUT - Production", "Réseaux et télécommunications - en apprentissage", "infrastructure-support", "networks"},
		{"DUT - Production", "Métiers du multimédia et de l'internet - en apprentissage", "integration", "multimedia-internet"},
		{"Formation professionnelle", "Chargé d'exploitation en réseaux et télécoms (Bac +2) - en apprentissage", "infrastructure-support", "networks"},
		{"Formation professionnelle", "Technicien(ne)systèmes,réseaux et sécurité (Bac +2) - en apprentissage", "infrastructure-support", "networks"},
		{"Formation professionnelle", "Analyste développeur d'applications informatiques (Bac +2) - en apprentissage", "developpement", "software"},
		{"Formation professionnelle", "Développeur intégrateur de solutions intranet/internet (Bac +2) - en apprentissage", "integration", "software"},
		{"Formation professionnelle", "Développeur web et web mobile (Bac +2) - en apprentissage", "developpement", "software"},
		{"Formation professionnelle", "Titre professionnel - Concepteur développement application (Bac+3) - en apprentissage", "developpement", "software"},
		{"Formation professionnelle", "Webmaster (Bac +2) - en apprentissage", "integration", "software"},
		{"Formation professionnelle", "Intégrateur de média interactifs (Bac +2) - en apprentissage", "integration", "software"},
		{"DEUST", "Bureautique et communication multimédia - en apprentissage - Webdesigner/Webdeveloppeur", "design", "ux-design"},
		{"DEUST", "Systèmes d'information et réseaux, gestion et développement - en apprentissage", "infrastructure-support", "information-systems"},
		{"DEUST", "Systèmes d'information, numérique et électronique - en apprentissage", "infrastructure-support", "information-systems"},
		{"DN MADE", "Numérique - en apprentissage - - Spécialité : UX designer, applications et objets connectés pour la communication", "design", "digital-design"},
		{"DN MADE", "Animation - en apprentissage - - Spécialité : Motion designer, communication et technologies immersives", "design", "digital-design"},

		{"BTS - Services", "Négociation et digitalisation de la Relation Client - en apprentissage", "", "sales"},
		{"BTS - Services", "Professions immobilières - en apprentissage", "", observatory.RuleNoDigitalTerm},
		{"Formation professionnelle", "Responsable de la performance commerciale et du marketing digital (Bac +3) - en apprentissage", "", "sales"},
		{"BTS - Production", "Systèmes numériques - Option électronique et communication - en apprentissage", "", "electronics"},
		{"DUT - Production", "Génie électrique et informatique industrielle - en apprentissage", "", "industrial-computing"},
		{"Formation professionnelle", "Technicien Supérieur en Automatique et Informatique Industrielle (Bac +2) - en apprentissage", "", "industrial-computing"},
		{"Formation professionnelle", "Chargé(e) des systèmes numériques industriels (Bac +2) - en apprentissage", "", "industrial-computing"},
		{"BTS - Production", "Fluide, énergie, domotique - option C domotique et bâtiment communicants - en apprentissage", "", "building-automation"},
		{"Formation professionnelle", "Technicien service de la maison connectée (niveau bac) - en apprentissage", "", "building-automation"},
		{"BTS - Production", "Métiers du géomètre-topographe et de la modélisation numérique - en apprentissage", "", "surveying"},
		{"BTS - Services", "Métiers de l'audio-visuel opt : techn. d'ingeniérie et exploit. équipements - en apprentissage", "", "audiovisual"},
		{"BTS - Services", "Communication - en apprentissage", "", observatory.RuleNoDigitalTerm},
		{"DN MADE", "Graphisme - en apprentissage - - Spécialité : Plurimédias", "", observatory.RuleNoDigitalTerm},
		{"BTS - Production", "Design de produits - en apprentissage", "", observatory.RuleNoDigitalTerm},
		{"BTS - Agricole", "Développement, animation des territoires ruraux - en apprentissage", "", observatory.RuleNoDigitalTerm},
		{"BTS - Production", "Développement et Réalisation Bois - en apprentissage", "", observatory.RuleNoDigitalTerm},
		{"Formation professionnelle", "Responsable en développement marketing et vente (Bac +3) - en apprentissage", "", "sales"},
		{"Mention complémentaire", "Aéronautique - option avionique - en apprentissage", "", observatory.RuleNoDigitalTerm},
		{"BTS - Production", "Electrotechnique - en apprentissage", "", observatory.RuleNoDigitalTerm},
		{"Mention complémentaire", "Technicien en réseau électrique - en apprentissage", "", observatory.RuleNoDigitalTerm},
		{"BTS - Services", "Management Commercial Opérationnel - en apprentissage", "", observatory.RuleNoDigitalTerm},
	}
	for _, c := range cases {
		got := ref.ClassifyOffer(c.title, c.diploma, nil)
		if got.Rule != c.rule || got.Family != c.family || got.Digital != (c.family != "") {
			t.Errorf("%s | %s: got digital=%v family=%q rule=%q, want family=%q rule=%q",
				c.diploma, c.title, got.Digital, got.Family, got.Rule, c.family, c.rule)
		}
		if got.Reason == "" {
			t.Errorf("%s: no reason", c.title)
		}
	}
}

func TestClassifyOfferROME(t *testing.T) {
	ref := datasetstest.Reference(t).Metiers
	if c := ref.ClassifyOffer("Titre professionnel", "", []string{"M1805"}); !c.Digital || c.Family != "developpement" || c.FamilyRule != observatory.RuleROME {
		t.Errorf("M1805: %+v", c)
	}
	// ROME codes decide when given: a digital-sounding title with codes of
	// another trade is set aside.
	if c := ref.ClassifyOffer("Vendeur web", "", []string{"D1214"}); c.Digital || c.Rule != observatory.RuleROMENotDigital {
		t.Errorf("D1214: %+v", c)
	}
}

func TestOfferRulesFamilies(t *testing.T) {
	ref := datasetstest.Reference(t).Metiers
	fams := ref.Families()
	seen := map[string]bool{}
	for _, r := range observatory.OfferRules {
		if seen[r.ID] {
			t.Errorf("rule id %s twice", r.ID)
		}
		seen[r.ID] = true
		if r.Digital {
			found := false
			for _, f := range fams {
				found = found || f == r.Family
			}
			if !found {
				t.Errorf("rule %s: family %q is not in the referential", r.ID, r.Family)
			}
		} else if r.Family != "" || r.ByTitleRules {
			t.Errorf("rule %s sets rows aside but names a family", r.ID)
		}
		if r.Reason == "" || len(r.Title) == 0 {
			t.Errorf("rule %s: no reason or no keyword", r.ID)
		}
	}
}

// TestOfferRulesDoc keeps docs/programmes.md's table equal to OfferRules:
// each rule in order, with its keywords, diploma keywords and reason.
func TestOfferRulesDoc(t *testing.T) {
	b, err := os.ReadFile("../docs/programmes.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "| ") && strings.Contains(l, "| `") && (strings.Contains(l, "| set aside |") || strings.Contains(l, "| digital |")) {
			rows = append(rows, l)
		}
	}
	if len(rows) != len(observatory.OfferRules) {
		t.Fatalf("docs/programmes.md has %d rules, OfferRules %d", len(rows), len(observatory.OfferRules))
	}
	for i, r := range observatory.OfferRules {
		row := rows[i]
		want := []string{fmt.Sprintf("| %d | `%s` |", i+1, r.ID), r.Reason}
		if r.Digital {
			want = append(want, "`"+r.Family+"`")
		}
		for _, kw := range append(slices.Clone(r.Title), r.Diploma...) {
			want = append(want, "`"+kw+"`")
		}
		for _, w := range want {
			if !strings.Contains(row, w) {
				t.Errorf("docs/programmes.md rule %d: %q lacks %q", i+1, row, w)
			}
		}
	}
}
