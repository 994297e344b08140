package ingest_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/ingest"
	"github.com/gen-numerique/observatory/ingest/tabular"
	"github.com/gen-numerique/observatory/observatory"
)

// conceptOf opens a one-row CSV with the location and required columns
// plus header, and says which concept header was matched to ("" for none).
func conceptOf(t *testing.T, header string) string {
	t.Helper()
	csv := "Nom de la formation;Structure porteuse;Code postal;" + header + "\nA;B;69003;1\n"
	tb, err := tabular.OpenReader(context.Background(), strings.NewReader(csv), int64(len(csv)), "t.csv", ingest.CatalogueSchema(), tabular.Limits{})
	if err != nil {
		t.Fatalf("%q: %v", header, err)
	}
	defer tb.Close()
	for key, h := range tb.Columns() {
		if h == header {
			return key
		}
	}
	return ""
}

// Headers as other publishers write them match by meaning: counting words,
// units, articles, plural and feminine endings, word order set aside.
func TestHeadersByMeaning(t *testing.T) {
	for header, want := range map[string]string{
		"Nb de stagiaires formés":              "learners",
		"Nombre d'apprenants":                  "learners",
		"Apprenants (nb)":                      "learners",
		"Apprenant":                            "learners",
		"Total apprenants":                     "learners",
		"Nombre de personnes formées":          "learners",
		"Number of learners":                   "learners",
		"Effectif femmes":                      "women",
		"Dont public féminin":                  "women",
		"dont femmes":                          "women",
		"Femme":                                "women",
		"Nb bénéficiaires QPV":                 "qpv",
		"Résidents des quartiers prioritaires": "qpv",
		"QPV (résidents)":                      "qpv",
		"dont QPV":                             "qpv",
		"Peu ou pas diplômés":                  "low_qualified",
		"Niveau infra-bac":                     "low_qualified",
		"dont peu ou pas qualifié(e)s":         "low_qualified",
		"Capacité d'accueil (places)":          "seats",
		"Nombre de places":                     "seats",
		"Place par session":                    "seats",
		"Nombre de sessions":                   "sessions",
		"Session réalisée":                     "sessions",
		"Date d'obtention du label":            "labelled_on",
		"Date de labellisation":                "labelled_on",
		"Échéance du label":                    "label_end",
		"Date de fin de label":                 "label_end",
		"Fin de labellisation":                 "label_end",
		"Durée en mois":                        "duration",
		"Durée (mois)":                         "duration",
		"DUREE":                                "duration",
		"N° de vague":                          "wave",
		"Vagues":                               "wave",
		"Code(s) ROME":                         "rome",
		"Famille métier":                       "family",
		"Code INSEE commune":                   "commune_code",
		"Latitude":                             "lat",
		// Not a concept: a count of formations is not a title, planned
		// sessions are not sessions held, hours or days are not months, a
		// share is not a count, enrolled is not trained.
		"Nombre de formations":  "",
		"Sessions prévues 2025": "",
		"Durée (heures)":        "",
		"Durée en jours":        "",
		"Femmes (%)":            "",
		"% de femmes":           "",
		"Part des femmes":       "",
		"Taux de QPV":           "",
		"Apprenants inscrits":   "",
		"Effectif":              "",
		"Total":                 "",
		"Date de création":      "",
		"Nombre de mois":        "",
	} {
		if got := conceptOf(t, header); got != want {
			t.Errorf("%q matched %q, want %q", header, got, want)
		}
	}
}

// TestConceptsDisjoint: no two synonyms of the table say the same thing,
// so a header means one concept at most, and no synonym is redundant.
func TestConceptsDisjoint(t *testing.T) {
	seen := map[string]string{}
	for _, c := range ingest.CatalogueConcepts() {
		if len(c.Synonyms) == 0 || c.Label == "" || (!c.Required && c.IfAbsent == "") {
			t.Errorf("%s: synonyms, label and what its absence costs are needed", c.Key)
		}
		for _, s := range c.Synonyms {
			k := ingest.HeaderMeaning(s)
			if k == "" {
				t.Errorf("%s: synonym %q has no meaningful word", c.Key, s)
			}
			if prev, dup := seen[k]; dup {
				t.Errorf("%s: synonym %q means what %s does (%q)", c.Key, s, prev, k)
			}
			seen[k] = c.Key + " " + s
		}
	}
}

// Two columns for one concept stay an error naming both: which one is the
// count meant is not for the ingest to guess.
func TestConceptTwice(t *testing.T) {
	csv := "Nom de la formation;Structure porteuse;Code postal;Femmes;dont femmes\nA;B;69003;1;1\n"
	_, err := tabular.OpenReader(context.Background(), strings.NewReader(csv), int64(len(csv)), "t.csv", ingest.CatalogueSchema(), tabular.Limits{})
	var oe *observatory.Error
	if !errors.As(err, &oe) || !strings.Contains(oe.Message, `"Femmes"`) || !strings.Contains(oe.Message, `"dont femmes"`) || oe.Param != "women" {
		t.Fatalf("two columns for women: %v", err)
	}
}

var update = flag.Bool("update", false, "rewrite the generated part of docs/catalogue-columns.md")

// TestCatalogueColumnsDoc keeps docs/catalogue-columns.md equal to the
// table: run with -update to rewrite its table from the code.
func TestCatalogueColumnsDoc(t *testing.T) {
	const path = "../docs/catalogue-columns.md"
	const begin, end = "<!-- concepts: begin -->\n", "<!-- concepts: end -->\n"
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("%s: no %q … %q section", path, begin, end)
	}
	want := conceptsMarkdown(ingest.CatalogueConcepts())
	if got := s[i+len(begin) : j]; got != want {
		if *update {
			if err := os.WriteFile(path, []byte(s[:i+len(begin)]+want+s[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("%s does not list the table of ingest/concepts.go; run go test ./ingest -run CatalogueColumnsDoc -update\n got:\n%s\nwant:\n%s", filepath.Base(path), got, want)
	}
}

// conceptsMarkdown is the documentation's table of concepts.
func conceptsMarkdown(cs []ingest.Concept) string {
	var b strings.Builder
	b.WriteString("| key | what | header names (matched by meaning) | without it |\n|---|---|---|---|\n")
	for _, c := range cs {
		what := c.Label
		switch {
		case c.Required:
			what += " (required)"
		case c.Count:
			what += " (a count)"
		case c.Months:
			what += " (in months)"
		}
		names := make([]string, len(c.Synonyms))
		for i, s := range c.Synonyms {
			names[i] = "`" + s + "`"
		}
		absent := c.IfAbsent
		if c.Required {
			absent = "the file is refused"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", c.Key, what, strings.Join(names, ", "), absent)
	}
	return b.String()
}
