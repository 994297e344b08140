package duckdb_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// buildClassified writes a snapshot whose formations are attached to
// families by the real referential, as the ingest does.
func buildClassified(t *testing.T, dir duckdb.Dir, rows [][3]string) *duckdb.DB {
	t.Helper()
	ctx := context.Background()
	ref := datasetstest.Reference(t).Metiers
	b, err := duckdb.Build(ctx, dir, datasetstest.Reference(t), "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.CarryOver(ctx, "catalogue"); err != nil {
		t.Fatal(err)
	}
	fs := make([]observatory.Formation, len(rows))
	for i, r := range rows {
		var rome []string
		if r[1] != "" {
			rome = []string{r[1]}
		}
		a := ref.Classify(r[0], rome, r[2])
		fs[i] = observatory.Formation{ID: fmt.Sprintf("F%03d", i), Title: r[0], Structure: "S (synthétique)", Departement: "69", Region: "84",
			ROME: rome, Family: a.Family, FamilyRule: a.Rule, FamilyGiven: r[2], FamilyNote: a.Note, Synthetic: true, Source: "t.csv", SourceRow: i + 2}
	}
	if err := b.AppendFormations(ctx, fs); err != nil {
		t.Fatal(err)
	}
	if err := b.Record(ctx, observatory.Input{Kind: "catalogue", Name: "t.csv", SHA256: "x", Synthetic: true, RowsRead: len(rows), Loaded: len(rows)}, nil, nil); err != nil {
		t.Fatal(err)
	}
	return commitOpen(t, dir, b)
}

var classifiedRows = [][3]string{
	{"Développeur·se web", "M1855", "developpement"},         // rome
	{"Développeur·se web", "M1855", ""},                      // rome
	{"Data analyst", "", ""},                                 // title
	{"Atelier numérique", "", "Médiation numérique"},         // source
	{"Graphiste web", "E1206", "developpement"},              // source-disputed: the code says design
	{"Atelier de couture", "", ""},                           // unattached
	{"Technicien·ne d'assistance informatique", "I1404", ""}, // rome
}

// Every snapshot carries the whole referential, and counts its formations
// by family and rule.
func TestSnapshotHoldsReferential(t *testing.T) {
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	ref := datasetstest.Reference(t).Metiers
	for round := 1; round <= 2; round++ { // the second snapshot starts from the first
		db := buildClassified(t, dir, classifiedRows)
		got, err := db.Referential(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := ref.Metiers()
		if len(got.Metiers) != len(want) {
			t.Fatalf("round %d: %d families in the snapshot, want %d", round, len(got.Metiers), len(want))
		}
		for i, m := range want {
			g := got.Metiers[i]
			if g.Family != m.Family || g.LabelFR != m.LabelFR || g.LabelEN != m.LabelEN || g.Rank != m.Rank ||
				g.DescriptionEN != m.DescriptionEN || !reflect.DeepEqual(g.Aliases, m.Aliases) || !reflect.DeepEqual(g.Sources, m.Sources) {
				t.Errorf("family %d (%s) differs from the embedded referential", i, m.Family)
			}
			for _, pair := range [][2][]observatory.MetierCode{{g.ROME, m.ROME}, {g.FAP2009, m.FAP2009}, {g.FAP2021, m.FAP2021}} {
				if !reflect.DeepEqual(pair[0], pair[1]) { // same codes, same order as the files
					t.Errorf("%s: codes %v, want %v", m.Family, pair[0], pair[1])
				}
			}
		}
		if !reflect.DeepEqual(got.Sources, ref.Sources()) || !reflect.DeepEqual(got.TitleRules, ref.TitleRules()) {
			t.Errorf("sources or title rules differ from the embedded referential")
		}
		c := got.Counts
		if got.Formations != 7 || got.Unattached != 1 || !got.Synthetic ||
			c["developpement"] != (observatory.MetierCounts{Attached: 3, ByROME: 2, Disputed: 1}) ||
			c["donnees"] != (observatory.MetierCounts{Attached: 1, ByTitle: 1}) ||
			c["mediation-litteratie"] != (observatory.MetierCounts{Attached: 1, BySource: 1}) ||
			c["infrastructure-support"] != (observatory.MetierCounts{Attached: 1, ByROME: 1}) {
			t.Errorf("round %d: counts %+v, unattached %d, formations %d", round, c, got.Unattached, got.Formations)
		}
	}
	// One family per code in SQL too, so a join on (scheme, code) never
	// counts a code twice.
	db := buildClassified(t, dir, classifiedRows)
	var dup int
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM (SELECT scheme, code FROM metier_codes GROUP BY ALL HAVING count(*) > 1)`).Scan(&dup); err != nil || dup != 0 {
		t.Fatalf("codes in several families: %d, %v", dup, err)
	}
	var rule, given, note string
	if err := db.SQL().QueryRowContext(ctx, `SELECT family_rule, family_given, family_note FROM formations WHERE id = 'F004'`).Scan(&rule, &given, &note); err != nil ||
		rule != observatory.RuleDisputed || given != "developpement" || note == "" {
		t.Fatalf("F004: %q %q %q %v", rule, given, note, err)
	}
}
