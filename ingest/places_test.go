package ingest_test

import (
	"context"
	"slices"
	"testing"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// Every formation is stored in its commune and bassin d'emploi: from the
// commune code when there is one, else from where its coordinates fall.
func TestFormationsInTheirBassin(t *testing.T) {
	geo := datasetstest.Geo(t)
	s := readStandIn(t)
	code, name := s.col("Code commune INSEE"), s.col("Commune")
	// The first 40 rows lose their commune: only postcode, département and
	// coordinates are left to place them.
	blank := map[string]string{} // id → the commune the stand-in gave
	rows := make([][]string, len(s.rows))
	for i, r := range s.rows {
		rows[i] = slices.Clone(r)
		if i < 40 {
			blank[r[0]] = r[code]
			rows[i][code], rows[i][name] = "", ""
		}
	}
	s.rows = rows
	dir := duckdb.Dir{Root: t.TempDir()}
	rep, err := ingestFiles(t, dir, s.write(t, "sans-commune.csv"))
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, rep)
	db := openCurrent(t, dir)
	var n, found, same int
	err = db.EachFormation(context.Background(), observatory.FormationFilter{}, func(f *observatory.Formation) error {
		n++
		com, ok := geo.Commune(f.CommuneCode)
		if !ok {
			t.Errorf("%s: commune %q unknown", f.ID, f.CommuneCode)
			return nil
		}
		if f.Bassin == "" || f.Bassin != com.Bassin {
			t.Errorf("%s: bassin %q, commune %s is in %q", f.ID, f.Bassin, com.Code, com.Bassin)
		}
		if _, ok := geo.Bassin(f.Bassin); !ok {
			t.Errorf("%s: bassin %q is not in the reference", f.ID, f.Bassin)
		}
		if f.Programme != observatory.ProgrammeGEN {
			t.Errorf("%s: programme %q", f.ID, f.Programme)
		}
		if was, ok := blank[f.ID]; ok {
			found++
			if was == f.CommuneCode {
				same++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 532 || found != 40 {
		t.Fatalf("%d formations, %d of the 40 without commune", n, found)
	}
	// The stand-in's points are near, not at, their commune's centre: most
	// fall inside it, a few in a neighbour.
	if same < 30 {
		t.Errorf("only %d of 40 placed back in their commune by their point", same)
	}
	t.Logf("%d of 40 formations without commune placed back in the same commune by their coordinates", same)
}
