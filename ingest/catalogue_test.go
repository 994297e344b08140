package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/ingest"
	"github.com/gen-numerique/observatory/ingest/internal/hostile"
	"github.com/gen-numerique/observatory/ingest/tabular"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// Inputs in the repository: the synthetic catalogue and BMO 2024 as the
// project embeds them, the catalogue's XLSX form, hostile files.
const (
	syntheticCSV  = "../datasets/defaults/gen-formations-synthetique.csv"
	syntheticXLSX = "testdata/gen-formations-synthetique.xlsx"
	bmo2024       = "../datasets/source/Base_open_data_BMO_2024.xlsx"  // the producer's workbook
	bmo2024CSV    = "../datasets/defaults/Base_open_data_BMO_2024.csv" // its embedded copy
	badDir        = "testdata/bad"
)

// ingestFiles runs a real catalogue ingest into a DuckDB snapshot in a temp dir.
func ingestFiles(t testing.TB, dir duckdb.Dir, paths ...string) (*observatory.Report, error) {
	t.Helper()
	return ingestKind(t, dir, "catalogue", paths...)
}

// ingestKind runs a real ingest of one kind into a DuckDB snapshot in dir.
func ingestKind(t testing.TB, dir duckdb.Dir, kind string, paths ...string) (*observatory.Report, error) {
	t.Helper()
	return ingestWith(t, dir, kind, ingest.Options{}, paths...)
}

// ingestWith is ingestKind with options; the reference data is filled in.
func ingestWith(t testing.TB, dir duckdb.Dir, kind string, opt ingest.Options, paths ...string) (*observatory.Report, error) {
	t.Helper()
	var files []ingest.File
	for _, p := range paths {
		f, c, err := ingest.OpenFile(p)
		if err != nil {
			return nil, err
		}
		t.Cleanup(func() { c.Close() })
		files = append(files, f)
	}
	opt.Ref = datasetstest.Reference(t)
	return ingest.Run(context.Background(), duckdb.Writer{Dir: dir, Ref: opt.Ref, Version: "test"}, kind, files, opt)
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
	for _, path := range []string{syntheticCSV, syntheticXLSX} {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			dir := duckdb.Dir{Root: t.TempDir()}
			rep, err := ingestFiles(t, dir, path)
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
			checkRecords(t, db, path, rep)
			q, err := db.Quarantine(context.Background())
			if err != nil || len(q) != 7 {
				t.Fatalf("quarantine table: %d rows, %v", len(q), err)
			}
		})
	}
}

// checkRecords compares the snapshot with the file it was loaded from:
// every loaded row holds its cells (as repaired), every repair shows in the
// stored value, every quarantined row is absent, and every place is
// consistent with the reference geography.
func checkRecords(t *testing.T, db *duckdb.DB, path string, rep *observatory.Report) {
	ctx := context.Background()
	geo := datasetstest.Geo(t)
	byRow := map[int]*observatory.Formation{}
	err := db.EachFormation(ctx, observatory.FormationFilter{}, func(f *observatory.Formation) error {
		byRow[f.SourceRow] = f
		return nil
	})
	if err != nil || len(byRow) != rep.Inputs[0].Loaded {
		t.Fatalf("%d formations by source row for %d loaded: %v", len(byRow), rep.Inputs[0].Loaded, err)
	}
	repaired := map[int]bool{}
	for _, r := range rep.Repairs {
		repaired[r.Row] = true
		f := byRow[r.Row]
		if f == nil {
			t.Errorf("repaired row %d not loaded", r.Row)
			continue
		}
		var got string
		switch r.Column {
		case "Latitude", "Longitude":
			got = fmt.Sprintf("%.5f, %.5f", *f.Lat, *f.Lon)
		case "Code postal":
			got = f.Postcode
		case "Code commune INSEE":
			got = f.CommuneCode
		case "Durée (mois)":
			got = strconv.FormatFloat(*f.DurationMonths, 'f', -1, 64)
		default:
			t.Errorf("repair of an unexpected column: %+v", r)
		}
		if got != r.Now {
			t.Errorf("row %d %s: stored %q, repaired to %q", r.Row, r.Column, got, r.Now)
		}
	}
	for _, r := range rep.Rejects {
		if byRow[r.Row] != nil {
			t.Errorf("quarantined row %d was loaded: %+v", r.Row, r)
		}
	}
	for _, f := range byRow {
		dep, ok := geo.Departement(f.Departement)
		if !ok || f.Region != dep.Parent || !f.Synthetic || f.Family == "" || f.Lat == nil {
			t.Errorf("%s: département %q région %q (want %q), synthetic %t, family %q", f.ID, f.Departement, f.Region, dep.Parent, f.Synthetic, f.Family)
		}
		if c, ok := geo.Commune(f.CommuneCode); !ok || c.Departement != f.Departement {
			t.Errorf("%s: commune %q not in département %s", f.ID, f.CommuneCode, f.Departement)
		}
	}
	// Rows that needed no repair hold their cells exactly.
	tb, err := tabular.Open(ctx, path, filepath.Base(path), ingest.CatalogueSchema(), tabular.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	checked := 0
	for {
		rec, err := tb.Next()
		if err == io.EOF {
			break
		}
		f := byRow[rec.Row]
		if err != nil || f == nil || repaired[rec.Row] {
			continue
		}
		v := rec.Values
		learners, _ := strconv.Atoi(v["learners"])
		lat, _ := strconv.ParseFloat(v["lat"], 64)
		lon, _ := strconv.ParseFloat(v["lon"], 64)
		if f.ID != v["id"] || f.Title != v["title"] || f.Structure != v["structure"] || f.CommuneCode != v["commune_code"] ||
			f.Postcode != v["postcode"] || *f.Lat != lat || *f.Lon != lon ||
			strings.Join(f.ROME, "|") != v["rome"] || f.LabelledOn.Format(time.DateOnly) != v["labelled_on"] ||
			strconv.Itoa(*f.Wave) != v["wave"] || *f.Learners != learners {
			t.Errorf("row %d: stored %s %q %s %s %v,%v, file %v", rec.Row, f.ID, f.Title, f.CommuneCode, f.Postcode, *f.Lat, *f.Lon, v)
		}
		checked++
	}
	if checked < 500 {
		t.Errorf("only %d rows compared with the file", checked)
	}
}

func TestBadFiles(t *testing.T) {
	bad := hostile.Dir(t, badDir)
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
	if _, err := ingestFiles(t, dir, syntheticCSV); err != nil {
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
	dir := duckdb.Dir{Root: t.TempDir()}
	rep, err := ingestFiles(t, dir, filepath.Join(badDir, "catalogue-cp1252.csv"))
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
	// Half of the file is quarantined: refused unless the shrink is meant.
	injection := filepath.Join(badDir, "catalogue-injection.csv")
	if _, err := ingestFiles(t, dir, injection); observatory.ErrorCode(err) != observatory.ECONFLICT || !strings.Contains(err.Error(), "1 of its 2 data rows") {
		t.Fatalf("half quarantined, not refused: %v", err)
	}
	rep, err = ingestWith(t, dir, "catalogue", ingest.Options{AllowShrink: true}, injection)
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
