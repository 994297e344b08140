package tabular

import (
	"regexp"
	"strings"
	"testing"
)

func TestMatchAndScore(t *testing.T) {
	c, err := compileSchema(bmoSchema)
	if err != nil {
		t.Fatal(err)
	}
	for h, want := range map[string]string{
		"annee": "year", "Année": "year", " ANNEE ": "year",
		"Code métier BMO": "fap", "code_metier_bmo": "fap",
		"BE24": "bassin", "be23": "bassin", "BE 24": "", "BE2024": "",
		"NOMBE24": "bassin_name", "nombe19": "bassin_name",
		"met": "year"[:0], "xmet": "xmet", "metier": "",
	} {
		if h == "met" {
			want = "met"
		}
		got := ""
		if i := c.match(h); i >= 0 {
			got = c.s.Columns[i].Key
		}
		if got != want {
			t.Errorf("match(%q) = %q, want %q", h, got, want)
		}
	}
	sc := c.score([]string{"annee", "Code métier BMO", "Nom métier BMO", "BE24", "NOMBE24", "met", "xmet", "smet", "BE23"})
	if sc.req != 4 || sc.total != 7 {
		t.Errorf("score = %+v", sc)
	}
	// Exact names win over patterns, whatever the column order.
	c2, err := compileSchema(Schema{Columns: []Column{
		{Key: "any", Patterns: []*regexp.Regexp{regexp.MustCompile(`^code`)}},
		{Key: "postcode", Names: []string{"Code postal"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if i := c2.match("CODE POSTAL"); i != 1 {
		t.Errorf("exact name lost to a pattern: %d", i)
	}
	if i := c2.match("Code INSEE"); i != 0 {
		t.Errorf("pattern not used: %d", i)
	}
	// A matcher sees the header as found (with the "%" Normalize would
	// drop), after the other columns' exact names; its own names are only
	// for messages.
	var asked []string
	c3, err := compileSchema(Schema{Columns: []Column{
		{Key: "women", Names: []string{"Femmes"}, Match: func(h string) bool { asked = append(asked, h); return h == "Nb femmes" }},
		{Key: "title", Names: []string{"Nom"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if i := c3.match(" Nb femmes "); i != 0 || len(asked) != 1 || asked[0] != "Nb femmes" {
		t.Errorf("matcher: %d, asked %q", i, asked)
	}
	if i := c3.match("Femmes (%)"); i != -1 || len(asked) != 2 {
		t.Errorf("a matcher's names were compared: %d, asked %q", i, asked)
	}
	if i := c3.match("nom"); i != 1 || len(asked) != 2 {
		t.Errorf("exact name lost to a matcher: %d, asked %q", i, asked)
	}
	if !strings.Contains(c3.describe(0), "Femmes") {
		t.Errorf("describe: %s", c3.describe(0))
	}
}

func TestIsFootnote(t *testing.T) {
	for s, want := range map[string]bool{
		"* secret statistique":                 true,
		"(1) hors Mayotte":                     true,
		"Source : France Travail, enquête BMO": true,
		"Sources: Insee":                       true,
		"NOTE : provisoire":                    true,
		"N.B. arrondis":                        true,
		"Champ : France entière":               true,
		"Lecture : 12 % des projets…":          true,
		"https://example.org":                  true,
		"Pour plus d'information consulter":    true,
		"Champagne numérique":                  false,
		"Développeur web":                      false,
		"Notebook":                             false,
		"":                                     false,
	} {
		if got := isFootnote(s); got != want {
			t.Errorf("isFootnote(%q) = %v", s, got)
		}
	}
}
