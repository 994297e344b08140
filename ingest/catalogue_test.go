package ingest_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/ingest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

const shared = "../../shared/data"

func needShared(t testing.TB) {
	if _, err := os.Stat(shared); err != nil {
		t.Skip("shared data not found beside the checkout")
	}
}

// ingestFiles runs a real catalogue ingest into a DuckDB snapshot in a temp dir.
func ingestFiles(t testing.TB, dir duckdb.Dir, paths ...string) (*observatory.Report, error) {
	t.Helper()
	return ingestKind(t, dir, "catalogue", paths...)
}

// ingestKind runs a real ingest of one kind into a DuckDB snapshot in dir.
func ingestKind(t testing.TB, dir duckdb.Dir, kind string, paths ...string) (*observatory.Report, error) {
	t.Helper()
	geo, err := datasets.Geography()
	if err != nil {
		t.Fatal(err)
	}
	var files []ingest.File
	for _, p := range paths {
		f, c, err := ingest.OpenFile(p)
		if err != nil {
			return nil, err
		}
		t.Cleanup(func() { c.Close() })
		files = append(files, f)
	}
	return ingest.Run(context.Background(), duckdb.Writer{Dir: dir, Geo: geo, Version: "test"}, kind, files, ingest.Options{Geo: geo})
}

func openCurrent(t testing.TB, dir duckdb.Dir) *duckdb.DB {
	t.Helper()
	id, err := dir.Current()
	if err != nil || id == "" {
		t.Fatalf("no current snapshot: %v", err)
	}
	db, err := duckdb.Open(context.Background(), dir, id)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSyntheticCatalogue(t *testing.T) {
	needShared(t)
	for _, name := range []string{"gen-formations-synthetique.csv", "gen-formations-synthetique.xlsx"} {
		t.Run(name, func(t *testing.T) {
			dir := duckdb.Dir{Root: t.TempDir()}
			rep, err := ingestFiles(t, dir, filepath.Join(shared, "synthetic", name))
			if err != nil {
				t.Fatal(err)
			}
			read, loaded, quarantined, repaired := rep.Totals()
			if read != 539 || read != loaded+quarantined {
				t.Fatalf("read %d, loaded %d, quarantined %d", read, loaded, quarantined)
			}
			// The file's documented defects: 2 missing titles, 2 women > learners,
			// 3 exact duplicates are quarantined; zero-less postcodes, swapped
			// coordinates, "14 mois" and unknown communes are repaired.
			if quarantined != 7 || repaired != 8 {
				t.Fatalf("quarantined %d, repaired %d rows", quarantined, repaired)
			}
			reasons := map[string]int{}
			for _, r := range rep.Rejects {
				switch {
				case strings.Contains(r.Reason, "no title"):
					reasons["title"]++
				case strings.Contains(r.Reason, "is more than"):
					reasons["women"]++
				case strings.Contains(r.Reason, "exact duplicate"):
					reasons["dup"]++
				}
				if r.File != name || r.Row < 2 {
					t.Errorf("reject without position: %+v", r)
				}
			}
			if reasons["title"] != 2 || reasons["women"] != 2 || reasons["dup"] != 3 {
				t.Fatalf("reasons: %v", reasons)
			}
			if !rep.Inputs[0].Synthetic {
				t.Fatal("synthetic input not flagged")
			}
			db := openCurrent(t, dir)
			checkRecords(t, db)
			q, err := db.Quarantine(context.Background())
			if err != nil || len(q) != 7 {
				t.Fatalf("quarantine table: %d rows, %v", len(q), err)
			}
		})
	}
}

func checkRecords(t *testing.T, db *duckdb.DB) {
	ctx := context.Background()
	get := func(id string) *observatory.Formation {
		f, err := db.Formation(ctx, id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		return f
	}
	f := get("GEN-0001")
	if f.Title != "Développeur·se data / IA" || f.CommuneCode != "78621" || f.Postcode != "78190" ||
		f.Departement != "78" || f.Region != "11" || *f.Lat != 48.76897 || *f.Lon != 1.99997 ||
		strings.Join(f.ROME, ",") != "M1419" || f.Family != "donnees" || *f.DurationMonths != 8 ||
		!f.LabelledOn.Equal(time.Date(2016, 2, 3, 0, 0, 0, 0, time.UTC)) || *f.Wave != 1 ||
		*f.Seats != 24 || *f.Sessions != 4 || *f.Learners != 82 || *f.Women != 22 || *f.LowQualified != 53 || *f.QPV != 22 || !f.Synthetic {
		t.Errorf("GEN-0001 = %+v", f)
	}
	if f := get("GEN-0034"); f.Postcode != "02110" || f.Departement != "02" || f.Region != "32" {
		t.Errorf("GEN-0034 postcode not repaired: %s %s %s", f.Postcode, f.Departement, f.Region)
	}
	if f := get("GEN-0246"); *f.Lat != 45.32492 || *f.Lon != 5.55425 || f.Departement != "38" {
		t.Errorf("GEN-0246 coordinates not swapped back: %v %v", *f.Lat, *f.Lon)
	}
	if f := get("GEN-0379"); f.DurationMonths == nil || *f.DurationMonths != 14 {
		t.Errorf("GEN-0379 duration: %v", f.DurationMonths)
	}
	if f := get("GEN-0010"); f.CommuneCode != "06004" || f.Departement != "06" || f.Region != "93" {
		t.Errorf("GEN-0010 commune not found by name: %+v", f)
	}
	if f := get("GEN-0020"); f.Departement != "974" || f.Region != "04" || *f.Lat > -20 {
		t.Errorf("GEN-0020 overseas: %+v", f)
	}
	if f := get("GEN-0509"); f.Departement != "976" || f.Region != "06" {
		t.Errorf("GEN-0509 Mayotte: %+v", f)
	}
	for _, id := range []string{"GEN-0359", "GEN-0040"} {
		if _, err := db.Formation(ctx, id); observatory.ErrorCode(err) != observatory.ENOTFOUND {
			t.Errorf("%s should be quarantined, got %v", id, err)
		}
	}
}

func TestBadFiles(t *testing.T) {
	needShared(t)
	bad := filepath.Join(shared, "bad")
	cases := []struct {
		file, want string
	}{
		{"empty.csv", "empty.csv: empty file"},
		{"binary.csv", "binary.csv: not a text file"},
		{"header-only.csv", "no data row under the header; nothing changed"},
		{"duplicate-headers.csv", `missing "structure"`},
		{"not-a-zip.xlsx", "not-a-zip.xlsx: not a readable XLSX file"},
		{"truncated.xlsx", "truncated.xlsx: not a readable XLSX file"},
		{"zip-bomb.xlsx", "zip bomb"},
		{"huge-cell.csv", "no column locates the formations"},
		{"missing.csv", "missing.csv: no such file"},
	}
	dir := duckdb.Dir{Root: t.TempDir()}
	if _, err := ingestFiles(t, dir, filepath.Join(shared, "synthetic", "gen-formations-synthetique.csv")); err != nil {
		t.Fatal(err)
	}
	before, _ := dir.Current()
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			_, err := ingestFiles(t, dir, filepath.Join(bad, c.file))
			var oe *observatory.Error
			if !errors.As(err, &oe) || !strings.Contains(oe.Message, c.want) {
				t.Fatalf("error = %v, want one containing %q", err, c.want)
			}
			if cur, _ := dir.Current(); cur != before {
				t.Fatal("a failed ingest changed the current snapshot")
			}
		})
	}
	ids, _ := dir.List()
	if len(ids) != 1 {
		t.Fatalf("failed ingests left snapshots: %v", ids)
	}
}

func TestOtherPublishers(t *testing.T) {
	needShared(t)
	dir := duckdb.Dir{Root: t.TempDir()}
	rep, err := ingestFiles(t, dir, filepath.Join(shared, "bad", "catalogue-cp1252.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Inputs[0].Loaded != 2 || rep.Inputs[0].Synthetic {
		t.Fatalf("cp1252: %+v", rep.Inputs[0])
	}
	db := openCurrent(t, dir)
	p, err := db.Formations(context.Background(), observatory.FormationFilter{Departement: "69"})
	if err != nil || p.Total != 1 {
		t.Fatalf("cp1252 Lyon row: %v %+v", err, p)
	}
	f := p.Items[0]
	if f.Title != "Développeur web" || f.Structure != "Fabrique Numérique" || *f.DurationMonths != 7.5 || f.Region != "84" || f.Lat == nil {
		t.Fatalf("cp1252 row = %+v", f)
	}
	// Values are stored verbatim; neutralising formulas is the exporters' job.
	rep, err = ingestFiles(t, dir, filepath.Join(shared, "bad", "catalogue-injection.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if in := rep.Inputs[0]; in.Loaded != 1 || in.Quarantined != 1 || !strings.Contains(rep.Rejects[0].Reason, `"2A004" is not a French postcode`) {
		t.Fatalf("injection: %+v %+v", in, rep.Rejects)
	}
	// The cp1252 catalogue was replaced, not added to.
	db = openCurrent(t, dir)
	p, _ = db.Formations(context.Background(), observatory.FormationFilter{})
	if p.Total != 1 || !strings.HasPrefix(p.Items[0].Title, "=HYPERLINK") {
		t.Fatalf("after second ingest: %+v", p)
	}
}
