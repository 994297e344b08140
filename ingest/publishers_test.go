package ingest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// otherLayout is how another publisher might lay out the same catalogue:
// other names for every count and date, no wave column, units and
// counting words in the headers.
var otherLayout = map[string]string{
	"Durée (mois)":              "Durée en mois",
	"Date de labellisation":     "Date d'obtention du label",
	"Fin de labellisation":      "Échéance du label",
	"Places par session":        "Capacité d'accueil (places)",
	"Sessions réalisées":        "Nombre de sessions",
	"Apprenants formés":         "Nb de stagiaires formés",
	"dont femmes":               "Effectif femmes",
	"dont peu ou pas qualifiés": "Peu ou pas diplômés",
	"dont résidents QPV":        "Nb bénéficiaires QPV",
}

// renamed: the concepts otherLayout renames, with the stand-in's header.
var renamed = map[string]string{
	"duration": "Durée (mois)", "labelled_on": "Date de labellisation", "label_end": "Fin de labellisation",
	"seats": "Places par session", "sessions": "Sessions réalisées", "learners": "Apprenants formés",
	"women": "dont femmes", "low_qualified": "dont peu ou pas qualifiés", "qpv": "dont résidents QPV",
}

// figures is what the observatory computes from: every count and date of
// every formation, by id.
func figures(t *testing.T, db *duckdb.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := db.EachFormation(context.Background(), observatory.FormationFilter{}, func(f *observatory.Formation) error {
		out[f.ID] = fmt.Sprint(*f.DurationMonths, f.LabelledOn.Format("2006-01-02"), f.LabelEnd.Format("2006-01-02"), *f.Wave,
			*f.Seats, *f.Sessions, *f.Learners, *f.Women, *f.LowQualified, *f.QPV)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A catalogue in another publisher's layout loses no figure: every concept
// is found under its other name, waves come from the labelling dates, and
// what is not used or no longer there is a warning.
func TestOtherPublisherLayout(t *testing.T) {
	s := readStandIn(t)
	dir := duckdb.Dir{Root: t.TempDir()}
	if _, err := ingestFiles(t, dir, syntheticCSV); err != nil {
		t.Fatal(err)
	}
	want := figures(t, openCurrent(t, dir))

	other := s.drop("Vague").rename(otherLayout)
	other.header = append(other.header, "Nombre de formations")
	for i := range other.rows {
		other.rows[i] = append(other.rows[i], "1")
	}
	rep, err := ingestFiles(t, dir, other.write(t, "autre-editeur.csv"))
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, rep)
	got := figures(t, openCurrent(t, dir))
	if len(got) != 532 {
		t.Fatalf("%d formations", len(got))
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %s, the stand-in's %s", id, got[id], w)
		}
	}
	for _, c := range rep.Columns {
		if c.File != "autre-editeur.csv" || (c.Header == "") != (c.Concept == "wave") {
			t.Errorf("column use %+v", c)
		}
		if was, ok := renamed[c.Concept]; ok && c.Header != otherLayout[was] {
			t.Errorf("%s read from %q", c.Concept, c.Header)
		}
	}
	warnings := strings.Join(rep.Warnings, "\n")
	for _, w := range []string{
		"autre-editeur.csv: columns not used (no concept matches them, see docs/catalogue-columns.md): Nombre de formations",
		`autre-editeur.csv: wave: the current catalogue has it (column "Vague" of gen-formations-synthetique.csv), this file does not: waves will be derived from the labelling dates`,
	} {
		if !strings.Contains(warnings, w) {
			t.Errorf("no warning %q in:\n%s", w, warnings)
		}
	}
	if len(rep.Warnings) != 2 {
		t.Errorf("warnings:\n%s", warnings)
	}

	// The next file lacks the learners: a warning says so, against the
	// catalogue now current; the wave, which that one lacked too, is not.
	rep, err = ingestFiles(t, dir, other.drop("Nb de stagiaires formés").write(t, "sans-apprenants.csv"))
	if err != nil {
		t.Fatal(err)
	}
	warnings = strings.Join(rep.Warnings, "\n")
	if w := `sans-apprenants.csv: learners: the current catalogue has it (column "Nb de stagiaires formés" of autre-editeur.csv), this file does not: learner figures will be null`; !strings.Contains(warnings, w) || strings.Contains(warnings, "wave:") {
		t.Errorf("warnings:\n%s", warnings)
	}
}
