package duckdb_test

import (
	"context"
	"errors"
	"iter"
	"testing"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

func ip(n int) *int { return &n }

// jd is a BMO row for tests: counts < 0 mean secret.
func jd(year int, fap, region, dep, bassin, bassinName string, p, d, s int) observatory.JobDemand {
	c := func(n int) *int {
		if n < 0 {
			return nil
		}
		return ip(n)
	}
	return observatory.JobDemand{Year: year, FAPEdition: observatory.FAPEdition(year), FAPCode: fap, FAPLabel: "label " + fap,
		Region: region, Departement: dep, Bassin: bassin, BassinName: bassinName,
		Projects: c(p), Difficult: c(d), Seasonal: c(s), Source: "bmo.xlsx", SourceRow: 2}
}

func seq(rows []observatory.JobDemand) iter.Seq2[*observatory.JobDemand, error] {
	return func(yield func(*observatory.JobDemand, error) bool) {
		for i := range rows {
			r := rows[i]
			r.SourceRow = i + 2
			if !yield(&r, nil) {
				return
			}
		}
	}
}

// buildJD writes a snapshot with job demand from file (replacing years),
// the given digital-jobs mappings, and returns it opened.
func buildJD(t *testing.T, dir duckdb.Dir, file string, synthetic bool, rows []observatory.JobDemand, replace []int, codes [][3]string) *duckdb.DB {
	t.Helper()
	ctx := context.Background()
	b, err := duckdb.Build(ctx, dir, datasetstest.Reference(t), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Abort()
	if err := b.CarryOver(ctx, "bmo"); err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		rows[i].Source = file
	}
	n, err := b.AppendJobDemand(ctx, seq(rows))
	if err != nil || n != len(rows) {
		t.Fatalf("append: %d, %v", n, err)
	}
	in := observatory.Input{Kind: "bmo", Name: file, SHA256: file, Synthetic: synthetic, RowsRead: n + 1, Loaded: n, Quarantined: 1}
	if err := b.Record(ctx, in, []observatory.Reject{{File: file, Row: 99, Reason: "test"}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.KeepJobDemand(ctx, replace); err != nil {
		t.Fatal(err)
	}
	// The builder loads the embedded referential; these tests use their
	// own mapping instead.
	if _, err := b.DB().ExecContext(ctx, `DELETE FROM metier_codes`); err != nil {
		t.Fatal(err)
	}
	// The test's own mappings replace whatever FAP codes the embedded
	// referential maps, so the expected sums below do not move with it.
	if codes != nil {
		if _, err := b.DB().ExecContext(ctx, `DELETE FROM metier_codes WHERE scheme LIKE 'FAP%'`); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range codes {
		if _, err := b.DB().ExecContext(ctx, `INSERT INTO metiers (family, label_fr, label_en) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, c[0], c[0], c[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := b.DB().ExecContext(ctx, `INSERT INTO metier_codes (family, scheme, code, source) VALUES (?, ?, ?, 'test')`, c[0], c[1], c[2]); err != nil {
			t.Fatal(err)
		}
	}
	return commitOpen(t, dir, b)
}

var testCodes = [][3]string{
	{"developpement", "FAP2021", "M1X80"},
	{"donnees", "FAP2021", "M2X90"},
	{"developpement", "FAP2009", "M1Z80"},
	{"infrastructure-support", "FAP2021", "G0A40"}, // mapped in FAP 2021 only
}

func testRows() []observatory.JobDemand {
	return []observatory.JobDemand{
		jd(2024, "M1X80", "84", "69", "8428", "LYON CENTRE", 100, 40, 10),
		jd(2024, "M1X80", "84", "38", "8410", "GRENOBLE", -1, -1, -1),
		jd(2024, "M2X90", "84", "69", "8428", "LYON CENTRE", 50, -1, 5),
		jd(2024, "A0X40", "84", "69", "8428", "LYON CENTRE", 30, 30, 30),
		jd(2024, "G0A40", "84", "69", "8428", "LYON CENTRE", 10, -1, -1),
		jd(2024, "M1X80", "11", "75", "1107", "T1 Paris", 200, 100, 0),
		jd(2024, "M1X80", "01", "978", "104", "BASSIN ILES DU NORD", 7, 1, 1),
		jd(2023, "M1Z80", "84", "69", "8428", "LYON CENTRE", 80, 20, -1),
		jd(2023, "G0A40", "84", "69", "8428", "LYON CENTRE", 5, -1, -1),
	}
}

func i64(p *int64) int64 {
	if p == nil {
		return -1
	}
	return *p
}

func f64(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}

func all(t *testing.T, db *duckdb.DB, f observatory.JobDemandFilter) []observatory.JobDemandRow {
	t.Helper()
	var out []observatory.JobDemandRow
	if err := db.EachJobDemand(context.Background(), f, func(r observatory.JobDemandRow) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestJobDemandAggregates(t *testing.T) {
	dir := duckdb.Dir{Root: t.TempDir()}
	db := buildJD(t, dir, "bmo.xlsx", false, testRows(), []int{2023, 2024}, testCodes)
	ctx := context.Background()

	rows := all(t, db, observatory.JobDemandFilter{Year: 2024})
	if len(rows) != 3 || rows[0].Code != "01" || rows[1].Code != "11" || rows[2].Code != "84" {
		t.Fatalf("regions 2024: %+v", rows)
	}
	// Secret cells are left out of sums and counted; shares use the rows
	// where both figures are published: 70/130 and 45/180.
	r := rows[2]
	if r.Name != "Auvergne-Rhône-Alpes" || r.Level != observatory.LevelRegion || r.Year != 2024 ||
		i64(r.Projects) != 190 || i64(r.Difficult) != 70 || i64(r.Seasonal) != 45 ||
		r.Rows != 5 || r.SecretRows != 1 || r.SecretDifficultRows != 3 || r.SecretSeasonalRows != 2 ||
		f64(r.ShareDifficult) != 0.5385 || f64(r.ShareSeasonal) != 0.25 || r.Family != "" || r.FAP != "" {
		t.Fatalf("région 84: %+v", r)
	}
	if rows[0].Name != "Guadeloupe" || i64(rows[0].Projects) != 7 {
		t.Fatalf("région 01: %+v", rows[0])
	}
	if i64(rows[1].Seasonal) != 0 || f64(rows[1].ShareSeasonal) != 0 {
		t.Fatalf("a published 0 stays 0: %+v", rows[1])
	}

	// Saint-Martin has a name at département level though the gazetteer
	// does not hold it; a territory whose every cell is secret has no sum.
	deps := all(t, db, observatory.JobDemandFilter{Year: 2024, Level: observatory.LevelDepartement})
	byCode := map[string]observatory.JobDemandRow{}
	for _, d := range deps {
		byCode[d.Code] = d
	}
	if byCode["978"].Name != "Saint-Martin" || byCode["69"].Name != "Rhône" || len(deps) != 4 {
		t.Fatalf("départements: %+v", deps)
	}
	if g := byCode["38"]; g.Projects != nil || g.ShareDifficult != nil || g.SecretRows != 1 || g.Rows != 1 {
		t.Fatalf("all secret: %+v", g)
	}

	// Digital jobs: the FAP 2021 mapping of G0A40 does not apply to the
	// 2023 (FAP 2009) row, though the code is the same.
	one := func(f observatory.JobDemandFilter) observatory.JobDemandRow {
		t.Helper()
		f.Code = "84"
		rs := all(t, db, f)
		if len(rs) != 1 {
			t.Fatalf("%+v: %d rows", f, len(rs))
		}
		return rs[0]
	}
	if r := one(observatory.JobDemandFilter{Year: 2024, Digital: true}); i64(r.Projects) != 160 || r.Rows != 4 {
		t.Fatalf("digital 2024: %+v", r)
	}
	if r := one(observatory.JobDemandFilter{Year: 2023, Digital: true}); i64(r.Projects) != 80 || r.Rows != 1 {
		t.Fatalf("digital 2023: %+v", r)
	}
	if r := one(observatory.JobDemandFilter{Year: 2024, Family: "donnees"}); i64(r.Projects) != 50 {
		t.Fatalf("donnees: %+v", r)
	}
	if r := one(observatory.JobDemandFilter{Year: 2024, FAP: "M1X80"}); i64(r.Projects) != 100 || r.SecretRows != 1 {
		t.Fatalf("fap: %+v", r)
	}

	fams := all(t, db, observatory.JobDemandFilter{Year: 2024, Code: "84", Group: observatory.GroupFamily})
	got := map[string]int64{}
	for _, f := range fams {
		got[f.Family] = i64(f.Projects)
	}
	if len(fams) != 3 || got["developpement"] != 100 || got["donnees"] != 50 || got["infrastructure-support"] != 10 {
		t.Fatalf("by family: %+v", fams)
	}

	faps := all(t, db, observatory.JobDemandFilter{Year: 2024, Level: observatory.LevelBassin, Code: "8428", Group: observatory.GroupFAP})
	if len(faps) != 4 || faps[0].FAP != "A0X40" || faps[3].FAP != "M2X90" || faps[3].FAPLabel != "label M2X90" ||
		faps[3].FAPEdition != "FAP2021" || faps[0].Name != "LYON CENTRE" || faps[0].Level != observatory.LevelBassin {
		t.Fatalf("by FAP: %+v", faps)
	}

	// Filters naming what is not there.
	if _, err := db.JobDemand(ctx, observatory.JobDemandFilter{Level: observatory.LevelBassin, Code: "9999"}); !isParam(err, "code") {
		t.Fatalf("unknown bassin: %v", err)
	}
	if _, err := db.JobDemand(ctx, observatory.JobDemandFilter{Cursor: "bm9wZQ"}); !isParam(err, "cursor") {
		t.Fatalf("bad cursor: %v", err)
	}
	if _, err := db.JobDemand(ctx, observatory.JobDemandFilter{Level: "commune"}); !isParam(err, "level") {
		t.Fatalf("bad level: %v", err)
	}
	p, err := db.JobDemand(ctx, observatory.JobDemandFilter{Year: 2019})
	if err != nil || p.Total != 0 || len(p.Items) != 0 || p.Synthetic {
		t.Fatalf("2019: %+v %v", p, err)
	}
}

func isParam(err error, param string) bool {
	var e *observatory.Error
	return errors.As(err, &e) && e.Code == observatory.EINVALID && e.Param == param
}

func TestJobDemandPagination(t *testing.T) {
	dir := duckdb.Dir{Root: t.TempDir()}
	db := buildJD(t, dir, "bmo.xlsx", false, testRows(), []int{2023, 2024}, testCodes)
	ctx := context.Background()
	for _, f := range []observatory.JobDemandFilter{
		{Level: observatory.LevelDepartement},
		{Level: observatory.LevelBassin, Group: observatory.GroupFAP},
		{Group: observatory.GroupFamily},
	} {
		want := all(t, db, f)
		var got []observatory.JobDemandRow
		f.Limit = 2
		for pages := 0; ; pages++ {
			p, err := db.JobDemand(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != len(want) {
				t.Fatalf("%+v: total %d, want %d", f, p.Total, len(want))
			}
			got = append(got, p.Items...)
			if p.Next == "" {
				break
			}
			f.Cursor = p.Next
			if pages > 20 {
				t.Fatal("pagination does not end")
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%+v: paged %d rows, want %d", f, len(got), len(want))
		}
		for i := range got {
			if got[i].Year != want[i].Year || got[i].Code != want[i].Code || got[i].FAP != want[i].FAP || got[i].Family != want[i].Family {
				t.Fatalf("%+v: row %d = %+v, want %+v", f, i, got[i], want[i])
			}
		}
	}
}

// TestKeepJobDemand: a BMO run replaces the years it loads and keeps the
// others with their provenance; a run of another kind keeps everything.
func TestKeepJobDemand(t *testing.T) {
	dir := duckdb.Dir{Root: t.TempDir()}
	ctx := context.Background()
	buildJD(t, dir, "bmo-2023-2024.xlsx", false, testRows(), []int{2023, 2024}, nil)
	db := buildJD(t, dir, "bmo-2024b.csv", true, []observatory.JobDemand{jd(2024, "M1X80", "84", "69", "8428", "LYON CENTRE", 1, 1, 1)}, []int{2024}, nil)
	var n2023, n2024 int
	db.SQL().QueryRow(`SELECT count(*) FILTER (WHERE year = 2023), count(*) FILTER (WHERE year = 2024) FROM job_demand`).Scan(&n2023, &n2024)
	if n2023 != 2 || n2024 != 1 {
		t.Fatalf("2023: %d rows, 2024: %d rows", n2023, n2024)
	}
	info, err := db.Info(ctx)
	if err != nil || len(info.Inputs) != 2 || info.Quarantined != 2 || info.Counts.JobDemand != 3 {
		t.Fatalf("info %+v %v", info, err)
	}
	// The synthetic 2024 input makes the job demand synthetic.
	p, err := db.JobDemand(ctx, observatory.JobDemandFilter{})
	if err != nil || !p.Synthetic {
		t.Fatalf("synthetic: %+v %v", p, err)
	}

	// Replacing both years drops the first file and its provenance.
	db = buildJD(t, dir, "bmo-all.xlsx", false, testRows()[:1], []int{2023, 2024}, nil)
	info, _ = db.Info(ctx)
	if len(info.Inputs) != 1 || info.Inputs[0].Name != "bmo-all.xlsx" || info.Counts.JobDemand != 1 || info.Quarantined != 1 {
		t.Fatalf("info %+v", info)
	}
	if p, _ := db.JobDemand(ctx, observatory.JobDemandFilter{}); p.Synthetic {
		t.Fatal("still synthetic")
	}

	// A catalogue run carries job demand over whole.
	b, err := duckdb.Build(ctx, dir, datasetstest.Reference(t), "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.CarryOver(ctx, "catalogue"); err != nil {
		t.Fatal(err)
	}
	info, _ = commitOpen(t, dir, b).Info(ctx)
	if info.Counts.JobDemand != 1 || len(info.Inputs) != 1 {
		t.Fatalf("after catalogue run: %+v", info)
	}
}

// TestAppendJobDemandErrors: an error from the rows stops the append, and
// a duplicate key is refused by the table.
func TestAppendJobDemandErrors(t *testing.T) {
	ctx := context.Background()
	b, err := duckdb.Build(ctx, duckdb.Dir{Root: t.TempDir()}, datasetstest.Reference(t), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Abort()
	boom := errors.New("boom")
	n, err := b.AppendJobDemand(ctx, func(yield func(*observatory.JobDemand, error) bool) {
		r := jd(2024, "M1X80", "84", "69", "8428", "", 1, 1, 1)
		if yield(&r, nil) {
			yield(nil, boom)
		}
	})
	if !errors.Is(err, boom) || n != 1 {
		t.Fatalf("n %d, err %v", n, err)
	}
	rows := testRows()
	rows = append(rows, rows[0])
	if _, err := b.AppendJobDemand(ctx, seq(rows)); err == nil {
		t.Fatal("duplicate key accepted")
	}
}
