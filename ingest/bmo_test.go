package ingest_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/ingest"
	"github.com/gen-numerique/observatory/ingest/tabular"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// ingestBMO runs a real BMO ingest into a DuckDB snapshot in dir.
func ingestBMO(t testing.TB, dir duckdb.Dir, paths ...string) (*observatory.Report, error) {
	t.Helper()
	return ingestKind(t, dir, "bmo", paths...)
}

func queryInts(t testing.TB, db *sql.DB, q string, args ...any) []int64 {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	out := make([]int64, len(cols))
	ptrs := make([]any, len(cols))
	for i := range out {
		ptrs[i] = &out[i]
	}
	if !rows.Next() {
		t.Fatalf("%s: no row", q)
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

// bmoFileSums reads the real file independently of the loader (its own
// schema, raw cells) and adds up met by région, by bassin and by
// (région, département), with the administrative région of each
// département from the gazetteer.
type bmoFileSums struct {
	rows, secret      int
	total             int64
	byRegion          map[string]int64
	bassinRegion      map[string]string
	byBassin          map[string]int64
	byDep             map[string]int64
	depRegion         map[string]string // administrative, 978 -> 01
	crossIn, crossOut map[string]int64  // per région: projects of départements BMO puts elsewhere
}

func readBMOFile(t *testing.T, path string) *bmoFileSums {
	t.Helper()
	geo := datasetstest.Geo(t)
	s := tabular.Schema{Name: "check", Columns: []tabular.Column{
		{Key: "reg", Names: []string{"REG"}, Required: true},
		{Key: "dep", Names: []string{"Dept"}, Required: true},
		{Key: "be", Patterns: []*regexp.Regexp{regexp.MustCompile(`^be\d\d$`)}, Required: true},
		{Key: "met", Names: []string{"met"}, Required: true},
	}}
	tb, err := tabular.Open(context.Background(), path, filepath.Base(path), s, tabular.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	f := &bmoFileSums{byRegion: map[string]int64{}, bassinRegion: map[string]string{}, byBassin: map[string]int64{},
		byDep: map[string]int64{}, depRegion: map[string]string{}, crossIn: map[string]int64{}, crossOut: map[string]int64{}}
	for {
		rec, err := tb.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		f.rows++
		v := rec.Values
		if v["met"] == "*" {
			f.secret++
			continue
		}
		n, ok, err := tabular.ParseInt(v["met"])
		if err != nil || !ok {
			t.Fatalf("row %d: met %q", rec.Row, v["met"])
		}
		reg, dep, be := v["reg"], v["dep"], v["be"]
		f.total += n
		f.byRegion[reg] += n
		f.byBassin[be] += n
		f.bassinRegion[be] = reg
		f.byDep[dep] += n
		admin := "01"
		if d, ok := geo.Departement(dep); ok {
			admin = d.Parent
		} else if dep != "978" {
			t.Fatalf("row %d: département %q", rec.Row, dep)
		}
		f.depRegion[dep] = admin
		if admin != reg {
			f.crossIn[reg] += n
			f.crossOut[admin] += n
		}
	}
	return f
}

// TestBMOReal2024 ingests France Travail's BMO 2024 survey as embedded (the
// CSV copy of the workbook's sheet) and reconciles the snapshot with the
// file; the workbook itself, ingested once, gives the same rows.
func TestBMOReal2024(t *testing.T) {
	// The embedded defaults hold the survey: their run is the real ingest
	// (built once for the package).
	dir, rep := defaultsCopy(t)
	var in observatory.Input
	for _, x := range rep.Inputs {
		if x.Kind == "bmo" {
			in = x
		}
	}
	if read, loaded, quarantined := in.RowsRead, in.Loaded, in.Quarantined; read != 53443 || read != loaded+quarantined || quarantined != 0 {
		t.Fatalf("read %d, loaded %d, quarantined %d", read, loaded, quarantined)
	}
	if in.Name != filepath.Base(bmo2024CSV) || in.Synthetic || len(in.SHA256) != 64 {
		t.Fatalf("input %+v", in)
	}
	notes := strings.Join(rep.Notes, "\n")
	for _, want := range []string{"22 rows of département 44 (région 52) under région 53", "68 rows in Saint-Martin (978)",
		"bassins d'emploi the reference geography has no outline for (104 "} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	for _, n := range rep.Notes {
		if strings.Contains(n, "no outline") {
			t.Log(n)
		}
	}
	db := openCurrent(t, dir)
	sq := db.SQL()

	// The figures SOURCES.md gives; secret cells are NULL, never 0.
	got := queryInts(t, sq, `SELECT count(*), sum(projects), count(*) - count(projects), count(*) - count(difficult), count(*) - count(seasonal),
		count(*) FILTER (WHERE projects = 0), count(DISTINCT fap_code), count(DISTINCT bassin), count(DISTINCT departement), count(DISTINCT region) FROM job_demand`)
	want := []int64{53443, 2751069, 10891, 20507, 39359, 0, 217, 406, 102, 18}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("figures = %v, want %v", got, want)
			break
		}
	}
	if got := queryInts(t, sq, `SELECT count(*) FROM job_demand WHERE year <> 2024 OR fap_edition <> 'FAP2021'`); got[0] != 0 {
		t.Errorf("%d rows not 2024/FAP2021", got[0])
	}

	// Reconcile with the file read independently: région totals, and the
	// same totals from bassins and from départements.
	file := readBMOFile(t, bmo2024CSV)
	if file.rows != 53443 || file.secret != 10891 || file.total != 2751069 {
		t.Fatalf("file read: %d rows, %d secret, total %d", file.rows, file.secret, file.total)
	}
	ctx := context.Background()
	level := func(l observatory.Level) map[string]int64 {
		out := map[string]int64{}
		err := db.EachJobDemand(ctx, observatory.JobDemandFilter{Level: l, Year: 2024}, func(r observatory.JobDemandRow) error {
			if r.Projects != nil {
				out[r.Code] = *r.Projects
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	regions, bassins, deps := level(observatory.LevelRegion), level(observatory.LevelBassin), level(observatory.LevelDepartement)
	if len(regions) != 18 || len(bassins) != 406 || len(deps) != 102 {
		t.Fatalf("%d régions, %d bassins, %d départements", len(regions), len(bassins), len(deps))
	}
	overBassins, overDeps := map[string]int64{}, map[string]int64{}
	for be, n := range bassins {
		overBassins[file.bassinRegion[be]] += n
	}
	for dep, n := range deps {
		overDeps[file.depRegion[dep]] += n
	}
	for reg, n := range file.byRegion {
		if regions[reg] != n {
			t.Errorf("région %s: %d projects loaded, %d in the file", reg, regions[reg], n)
		}
		if overBassins[reg] != n {
			t.Errorf("région %s: %d projects over its bassins, %d in the file", reg, overBassins[reg], n)
		}
		// Départements add up to their administrative région; BMO moves
		// the Loire-Atlantique part of bassin 5313 (Redon) to Bretagne.
		if adj := overDeps[reg] - file.crossOut[reg] + file.crossIn[reg]; adj != n {
			t.Errorf("région %s: %d projects over its départements (adjusted), %d in the file", reg, adj, n)
		}
	}
	if file.crossIn["53"] == 0 || file.crossIn["53"] != file.crossOut["52"] || len(file.crossIn) != 1 {
		t.Errorf("cross-border projects: in %v, out %v", file.crossIn, file.crossOut)
	}

	// Field by field, rows as the file shows them.
	type row struct {
		year                                 int
		edition, fap, label, fam, famLabel   string
		region, dep, bassin, bassinName, src string
		projects, difficult, seasonal        sql.NullInt64
		srcRow                               int
	}
	n := func(v int64) sql.NullInt64 { return sql.NullInt64{Int64: v, Valid: true} }
	null := sql.NullInt64{}
	for _, w := range []row{
		{2024, "FAP2021", "A0X40", "Agriculteurs", "Z", "Autres métiers", "01", "971", "101", "BASSIN BASSE-TERRE", "Base_open_data_BMO_2024.csv", n(95), n(31), n(44), 2},
		{2024, "FAP2021", "W1X80", "", "", "", "94", "2B", "9411", "CORTE GHISONACCIA ALERIA", "Base_open_data_BMO_2024.csv", null, null, null, 53444},
		{2024, "FAP2021", "B1X34", "Couvreurs", "O", "Ouvriers de la construction et du bâtiment", "01", "978", "104", "BASSIN ILES DU NORD", "Base_open_data_BMO_2024.csv", n(38), n(38), n(22), 4727},
		{2024, "FAP2021", "A0X40", "Agriculteurs", "Z", "Autres métiers", "53", "44", "5313", "REDON", "Base_open_data_BMO_2024.csv", n(11), n(11), n(11), 222},
		{2024, "FAP2021", "QCX01", "Employés et techniciens commerciaux de la banque", "V", "Fonctions liées à la vente, au tourisme et aux services", "84", "69", "8428", "LYON CENTRE", "Base_open_data_BMO_2024.csv", n(194), n(188), null, 33329},
		{2024, "FAP2021", "M1X80", "Techniciens d'étude et de développement en informatique", "A", "Fonctions administratives", "11", "75", "1107", "T1 Paris", "Base_open_data_BMO_2024.csv", n(3220), n(2020), n(60), 30796},
		{2024, "FAP2021", "A0X43", "Conducteurs d'engins agricoles ou forestiers", "Z", "Autres métiers", "94", "2A", "9408", "PORTO VECCHIO SARTENE PROPRIANO", "Base_open_data_BMO_2024.csv", n(10), null, n(8), 1167},
	} {
		var g row
		var label, fam, famLabel sql.NullString
		err := sq.QueryRowContext(ctx, `SELECT year, fap_edition, fap_code, fap_label, bmo_family, bmo_family_label, region, departement, bassin, bassin_name,
			source, projects, difficult, seasonal, source_row FROM job_demand WHERE source_row = ?`, w.srcRow).Scan(
			&g.year, &g.edition, &g.fap, &label, &fam, &famLabel, &g.region, &g.dep, &g.bassin, &g.bassinName, &g.src,
			&g.projects, &g.difficult, &g.seasonal, &g.srcRow)
		if err != nil {
			t.Fatalf("row %d: %v", w.srcRow, err)
		}
		g.label, g.fam, g.famLabel = label.String, fam.String, famLabel.String
		if w.label == "" { // not checked for this row
			g.label, g.fam, g.famLabel = "", "", ""
		}
		if g != w {
			t.Errorf("row %d:\n got %+v\nwant %+v", w.srcRow, g, w)
		}
	}

	t.Run("workbook", func(t *testing.T) { bmoWorkbookSameRows(t, rep, db) })
	// One ingest of the real file serves both tests.
	t.Run("2023 after 2024", func(t *testing.T) { bmo2023After2024(t, dir) })
}

// bmoWorkbookSameRows ingests the workbook the embedded CSV was made from
// (datasets/internal/genbmo) and checks that it loads to the same rows,
// field by field, with the same accounting and notes: the CSV is a
// faithful copy, and the XLSX path reads the real file. It is the suite's
// only read of the 53,443-row workbook (about a minute under -race).
func bmoWorkbookSameRows(t *testing.T, csvRep *observatory.Report, csvDB *duckdb.DB) {
	b, err := os.ReadFile(bmo2024)
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != datasets.BMO2024XLSXSHA256 {
		t.Fatalf("%s is not the producer's file (SHA-256 %x)", bmo2024, sum)
	}
	dir := duckdb.Dir{Root: t.TempDir()}
	rep, err := ingestWith(t, dir, "bmo", ingest.Options{}, bmo2024)
	if err != nil {
		t.Fatal(err)
	}
	x, c := rep.Inputs[0], csvRep.Inputs[0]
	for _, in := range csvRep.Inputs {
		if in.Kind == "bmo" {
			c = in
		}
	}
	if x.RowsRead != c.RowsRead || x.Loaded != c.Loaded || x.Quarantined != c.Quarantined {
		t.Errorf("workbook: read %d, loaded %d, quarantined %d; CSV: %d, %d, %d", x.RowsRead, x.Loaded, x.Quarantined, c.RowsRead, c.Loaded, c.Quarantined)
	}
	var csvNotes []string
	for _, n := range csvRep.Notes {
		if strings.Contains(n, filepath.Base(bmo2024CSV)) || !strings.Contains(n, ".csv") {
			csvNotes = append(csvNotes, strings.ReplaceAll(n, filepath.Base(bmo2024CSV), filepath.Base(bmo2024)))
		}
	}
	for _, n := range rep.Notes {
		if !slices.Contains(csvNotes, n) {
			t.Errorf("the workbook's note is not the CSV's: %s", n)
		}
	}
	// Every column but the file name, in file order.
	const q = `SELECT string_agg(concat_ws('|', source_row, year, fap_edition, fap_code, fap_label, bmo_family, bmo_family_label,
		region, departement, bassin, bassin_name, coalesce(projects, -1), coalesce(difficult, -1), coalesce(seasonal, -1)), chr(10) ORDER BY source_row)
		FROM job_demand`
	var fromXLSX, fromCSV string
	ctx := context.Background()
	if err := openCurrent(t, dir).SQL().QueryRowContext(ctx, q).Scan(&fromXLSX); err != nil {
		t.Fatal(err)
	}
	if err := csvDB.SQL().QueryRowContext(ctx, q).Scan(&fromCSV); err != nil {
		t.Fatal(err)
	}
	if fromXLSX != fromCSV {
		xl, cl := strings.Split(fromXLSX, "\n"), strings.Split(fromCSV, "\n")
		for i := range min(len(xl), len(cl)) {
			if xl[i] != cl[i] {
				t.Fatalf("first difference, row %d:\nXLSX %s\nCSV  %s\n(regenerate with go generate ./datasets)", i, xl[i], cl[i])
			}
		}
		t.Fatalf("XLSX gives %d rows, CSV %d (regenerate with go generate ./datasets)", len(xl), len(cl))
	}
}

// bmo2023 writes a 2023-style workbook as France Travail published it
// before 2024: a title above the header, columns in another order, the
// bassin columns named BE23/NOMBE23 and FAP 2009 codes. Figures invented.
func bmo2023(t *testing.T, path string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := "BMO_2023_open_data"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		t.Fatal(err)
	}
	all := append([][]any{
		{"Enquête Besoins en Main-d'Œuvre 2023 (extrait SYNTHÉTIQUE pour les tests)"},
		{},
		{"Dept", "NomDept", "BE23", "NOMBE23", "REG", "NOM_REG", "Code métier BMO", "Nom métier BMO", "annee", "smet", "xmet", "met", "Famille_met", "Lbl_fam_met"},
	}, rows...)
	for i, r := range all {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// The rows of the 2023 test file; data rows start on row 4.
var rows2023 = [][]any{
	{"69", "Rhône", 8428, "LYON CENTRE", "84", "Auvergne-Rhône-Alpes", "M1Z80", "Techniciens d'étude et de développement en informatique", 2023, "*", "100", "150", "A", "Fonctions administratives"},
	{"75", "Paris", 1107, "T1 Paris", "11", "Île-de-France", "M2Z90", "Ingénieurs de l'informatique", 2023, "-", "nd", "2 500", "C", "Fonctions d'encadrement"},
	{"2A", "Corse-du-Sud", 9408, "PORTO VECCHIO", "94", "Corse", "M1Z80", "Techniciens d'étude et de développement en informatique", 2023, "", "", "*", "A", "Fonctions administratives"},
	{"69", "Rhône", 8428, "LYON CENTRE", "84", "Auvergne-Rhône-Alpes", "M1X80", "Techniciens d'étude et de développement en informatique", 2023, "1", "1", "10", "A", "Fonctions administratives"},
	{"69", "Rhône", 8428, "LYON CENTRE", "84", "Auvergne-Rhône-Alpes", "M1Z80", "Techniciens d'étude et de développement en informatique", 2023, "1", "1", "10", "A", "Fonctions administratives"},
	{"38", "Isère", 8410, "GRENOBLE", "84", "Auvergne-Rhône-Alpes", "M1Z80", "Techniciens", 2023, "30", "1", "20", "A", "Fonctions administratives"},
	{"38", "Isère", 8428, "LYON CENTRE", "11", "Île-de-France", "M2Z90", "Ingénieurs de l'informatique", 2023, "1", "1", "20", "C", "Fonctions d'encadrement"},
}

// bmo2023After2024 adds a 2023 survey to a snapshot holding the real 2024
// one: both years are kept; ingesting 2023 again replaces 2023 only.
func bmo2023After2024(t *testing.T, dir duckdb.Dir) {
	p2023 := filepath.Join(t.TempDir(), "BMO_2023_test.xlsx")
	bmo2023(t, p2023, rows2023)
	rep, err := ingestBMO(t, dir, p2023)
	if err != nil {
		t.Fatal(err)
	}
	read, loaded, quarantined, _ := rep.Totals()
	if read != 7 || loaded != 3 || quarantined != 4 {
		t.Fatalf("read %d, loaded %d, quarantined %d: %+v", read, loaded, quarantined, rep.Rejects)
	}
	reasons := []string{}
	for _, r := range rep.Rejects {
		if r.Sheet != "BMO_2023_open_data" {
			t.Errorf("reject without its sheet: %+v", r)
		}
		reasons = append(reasons, r.Reason)
	}
	for i, want := range []string{
		"FAP code M1X80 has the shape of FAP2021, but a 2023 survey codes jobs in FAP2009",
		"duplicate of BMO_2023_test.xlsx row 4",
		"30 seasonal projects out of 20 projects",
		"bassin 8428 is in région 84",
	} {
		if i >= len(reasons) || !strings.Contains(reasons[i], want) {
			t.Errorf("reject %d: want %q in %q", i, want, reasons)
		}
	}
	db := openCurrent(t, dir)
	sq := db.SQL()
	got := queryInts(t, sq, `SELECT count(*) FILTER (WHERE year = 2024), count(*) FILTER (WHERE year = 2023),
		sum(projects) FILTER (WHERE year = 2024), sum(projects) FILTER (WHERE year = 2023),
		count(*) FILTER (WHERE year = 2023 AND fap_edition = 'FAP2009') FROM job_demand`)
	if want := []int64{53443, 3, 2751069, 2650, 3}; !equalInts(got, want) {
		t.Fatalf("after 2023: %v, want %v", got, want)
	}
	// Secret and blank cells are NULL; "2 500" is read as 2500.
	var proj, diff, seas sql.NullInt64
	err = sq.QueryRow(`SELECT projects, difficult, seasonal FROM job_demand WHERE year = 2023 AND departement = '75'`).Scan(&proj, &diff, &seas)
	if err != nil || proj.Int64 != 2500 || diff.Valid || seas.Valid {
		t.Fatalf("Paris 2023: %v %v %v %v", proj, diff, seas, err)
	}
	err = sq.QueryRow(`SELECT projects, difficult, seasonal FROM job_demand WHERE year = 2023 AND departement = '2A'`).Scan(&proj, &diff, &seas)
	if err != nil || proj.Valid || diff.Valid || seas.Valid {
		t.Fatalf("Corse 2023: %v %v %v %v", proj, diff, seas, err)
	}
	// Both inputs are listed, and the 2023 quarantine is there.
	info, err := db.Info(context.Background())
	if n, q := bmoInputs(info); err != nil || n != 2 || info.Counts.JobDemand != 53446 || q != 4 {
		t.Fatalf("info %+v, %v", info, err)
	}

	// The same year again, with one row fewer: 2023 is replaced, 2024 kept.
	bmo2023(t, p2023, rows2023[:1])
	if _, err := ingestBMO(t, dir, p2023); err != nil {
		t.Fatal(err)
	}
	db = openCurrent(t, dir)
	got = queryInts(t, db.SQL(), `SELECT count(*) FILTER (WHERE year = 2024), count(*) FILTER (WHERE year = 2023) FROM job_demand`)
	if want := []int64{53443, 1}; !equalInts(got, want) {
		t.Fatalf("after 2023 again: %v, want %v", got, want)
	}
	info, err = db.Info(context.Background())
	if n, q := bmoInputs(info); err != nil || n != 2 || q != 0 {
		t.Fatalf("info %+v, %v", info, err)
	}
}

// bmoInputs counts a snapshot's BMO inputs and their quarantined rows
// (the snapshot may hold a catalogue and an offer too).
func bmoInputs(info *observatory.Snapshot) (n, quarantined int) {
	for _, in := range info.Inputs {
		if in.Kind == "bmo" {
			n++
			quarantined += in.Quarantined
		}
	}
	return n, quarantined
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestBMOUnrecognisedLayout: a workbook whose header cannot be found fails
// with a message naming the file, the sheet and the columns looked for, and
// the current snapshot stays as it was.
func TestBMOUnrecognisedLayout(t *testing.T) {
	dir := duckdb.Dir{Root: t.TempDir()}
	if _, err := ingestBMO(t, dir, "testdata/bmo-2022-synthetique.csv"); err != nil {
		t.Fatal(err)
	}
	before, _ := dir.Current()

	p := filepath.Join(t.TempDir(), "besoins-2024.xlsx")
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "Tableau 3")
	for i, r := range [][]any{
		{"Besoins en main-d'œuvre 2024 par zone"},
		{"Source : France Travail"},
		{},
		{"Métier", "Zone", "Nombre", "Part difficile"},
		{"Développeurs", "Lyon", 120, 0.5},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Tableau 3", cell, &r)
	}
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	f.Close()

	_, err := ingestBMO(t, dir, p)
	if observatory.ErrorCode(err) != observatory.EINVALID {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"besoins-2024.xlsx", `sheet "Tableau 3"`, `"fap"`, "code metier bmo", `"departement"`, `"bassin"`, `"projects"`, "met"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	after, _ := dir.Current()
	left, _ := filepath.Glob(filepath.Join(dir.Root, "snapshots", "*.building*"))
	if after != before || len(left) > 0 {
		t.Fatalf("current %q -> %q, leftovers %v", before, after, left)
	}
	db := openCurrent(t, dir)
	if got := queryInts(t, db.SQL(), `SELECT count(*) FROM job_demand`); got[0] != 3 {
		t.Fatalf("job_demand has %d rows", got[0])
	}
}

// TestBMOCSV reads a CSV export: title row, French numbers, secret markers,
// no year column (the year comes from the file name), a footnote, and one
// defect of each kind. The file is synthetic and flagged so.
func TestBMOCSV(t *testing.T) {
	dir := duckdb.Dir{Root: t.TempDir()}
	rep, err := ingestBMO(t, dir, "testdata/bmo-2022-synthetique.csv")
	if err != nil {
		t.Fatal(err)
	}
	in := rep.Inputs[0]
	if in.RowsRead != 9 || in.Loaded != 3 || in.Quarantined != 6 || in.Repaired != 1 || !in.Synthetic {
		t.Fatalf("input %+v", in)
	}
	want := map[int]string{
		7:  "50 projects judged difficult out of 40 projects",
		8:  "has the shape of FAP2021, but a 2022 survey codes jobs in FAP2009",
		9:  `"99" is not a département code`,
		10: "duplicate of bmo-2022-synthetique.csv row 4",
		11: `"abc" is not a number`,
		12: "not a data row",
	}
	for _, r := range rep.Rejects {
		if w, ok := want[r.Row]; !ok || !strings.Contains(r.Reason, w) {
			t.Errorf("row %d: %q, want %q", r.Row, r.Reason, w)
		}
		delete(want, r.Row)
	}
	if len(want) > 0 {
		t.Errorf("not quarantined: %v", want)
	}
	if r := rep.Repairs; len(r) != 1 || r[0].Row != 5 || r[0].Was != "12,5" || r[0].Now != "13" || r[0].Column != "met" {
		t.Errorf("repairs %+v", r)
	}
	if !strings.Contains(strings.Join(rep.Notes, "\n"), "survey year 2022 taken from the file name") {
		t.Errorf("notes %q", rep.Notes)
	}
	db := openCurrent(t, dir)
	type r struct {
		dep                string
		p, d, s            sql.NullInt64
		year               int
		edition, fap, name string
	}
	rows, err := db.SQL().Query(`SELECT departement, projects, difficult, seasonal, year, fap_edition, fap_code, bassin_name FROM job_demand ORDER BY source_row`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []r
	for rows.Next() {
		var x r
		if err := rows.Scan(&x.dep, &x.p, &x.d, &x.s, &x.year, &x.edition, &x.fap, &x.name); err != nil {
			t.Fatal(err)
		}
		got = append(got, x)
	}
	n := func(v int64) sql.NullInt64 { return sql.NullInt64{Int64: v, Valid: true} }
	wantRows := []r{
		{"69", n(1234), n(612), sql.NullInt64{}, 2022, "FAP2009", "M1Z80", "LYON CENTRE"},
		{"69", n(13), sql.NullInt64{}, sql.NullInt64{}, 2022, "FAP2009", "M2Z90", "LYON CENTRE"},
		{"75", sql.NullInt64{}, sql.NullInt64{}, sql.NullInt64{}, 2022, "FAP2009", "M1Z80", "T1 Paris"},
	}
	if len(got) != len(wantRows) {
		t.Fatalf("rows %+v", got)
	}
	for i := range got {
		if got[i] != wantRows[i] {
			t.Errorf("row %d: %+v, want %+v", i, got[i], wantRows[i])
		}
	}
}

// TestBMOCancel: a cancelled run leaves nothing behind.
func TestBMOCancel(t *testing.T) {
	dir := duckdb.Dir{Root: t.TempDir()}
	f, c, err := ingest.OpenFile(bmo2024CSV)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	opt := ingest.Options{Ref: datasetstest.Reference(t), Progress: func(string, int) { cancel() }}
	_, err = ingest.Run(ctx, duckdb.Writer{Dir: dir, Ref: datasetstest.Reference(t), Version: "test"}, "bmo", []ingest.File{f}, opt)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	cur, _ := dir.Current()
	left, _ := filepath.Glob(filepath.Join(dir.Root, "snapshots", "*"))
	if cur != "" || len(left) > 0 {
		t.Fatalf("current %q, files %v", cur, left)
	}
	if _, err := os.Stat(dir.Root); err != nil {
		t.Fatal(err)
	}
}
