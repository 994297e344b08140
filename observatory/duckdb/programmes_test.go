package duckdb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// run builds one snapshot that replaces what token names with n
// formations of programme prog, read from file, one row quarantined and
// (for offers) one row set aside.
func runProgramme(t *testing.T, dir duckdb.Dir, token, prog, file string, n int) *duckdb.DB {
	t.Helper()
	ctx := context.Background()
	b, err := duckdb.Build(ctx, dir, datasetstest.Reference(t), "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.CarryOver(ctx, token); err != nil {
		t.Fatal(err)
	}
	kind, inProg := "catalogue", ""
	if prog != observatory.ProgrammeGEN {
		kind, inProg = observatory.KindOffer, prog
	}
	fs := make([]observatory.Formation, n)
	listed := time.Date(2020, 5, 13, 0, 0, 0, 0, time.UTC)
	for i := range fs {
		lat, lon := 45.76, 4.83
		fs[i] = observatory.Formation{ID: fmt.Sprintf("%s-%s-%03d", prog, file, i+1), Title: "Informatique", Structure: "S",
			Departement: "69", Region: "84", CommuneCode: "69123", Lat: &lat, Lon: &lon, Programme: prog, Source: file, SourceRow: i + 2}
		if inProg != "" {
			fs[i].ListedOn, fs[i].PointRule, fs[i].StructureID = &listed, observatory.PointCommuneCentroid, "0691234A"
		}
	}
	if err := b.AppendFormations(ctx, fs); err != nil {
		t.Fatal(err)
	}
	in := observatory.Input{Kind: kind, Programme: inProg, Name: file, SHA256: file, RowsRead: n + 1, Loaded: n, Quarantined: 1}
	if inProg != "" {
		in.RowsRead, in.SetAside = n+2, 1
		if err := b.RecordSetAside(ctx, []observatory.SetAside{{Programme: prog, File: file, Row: n + 3, Title: "Coiffure", Rule: "no-digital-term", Reason: "r"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Record(ctx, in, []observatory.Reject{{File: file, Row: n + 2, Reason: "bad " + prog}},
		[]observatory.Repair{{File: file, Row: 2, Column: "c", Was: "a", Now: "b", Reason: "fix " + prog}}); err != nil {
		t.Fatal(err)
	}
	p := observatory.GENProgramme()
	if inProg != "" {
		p = observatory.Programme{ID: prog, Kind: kind, TitleFR: prog, TitleEN: prog, Source: "s", Licence: "l", Date: &listed}
	}
	p.Files, p.SHA256 = []string{file}, []string{file}
	if err := b.RecordProgramme(ctx, p); err != nil {
		t.Fatal(err)
	}
	return commitOpen(t, dir, b)
}

type programmeState struct {
	formations, setAside, inputs, quarantine, repairs map[string]int
}

func stateOf(t *testing.T, db *duckdb.DB) programmeState {
	t.Helper()
	ctx := context.Background()
	st := programmeState{map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}}
	count := func(m map[string]int, q string) {
		rows, err := db.SQL().QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				t.Fatal(err)
			}
			m[k] = n
		}
	}
	count(st.formations, `SELECT programme || '/' || source, count(*) FROM formations GROUP BY ALL`)
	count(st.setAside, `SELECT programme || '/' || file, count(*) FROM set_aside GROUP BY ALL`)
	count(st.inputs, `SELECT coalesce(programme, kind) || '/' || name, count(*) FROM inputs GROUP BY ALL`)
	count(st.quarantine, `SELECT coalesce(programme, kind) || '/' || file, count(*) FROM quarantine GROUP BY ALL`)
	count(st.repairs, `SELECT coalesce(programme, kind) || '/' || file, count(*) FROM repairs GROUP BY ALL`)
	return st
}

func same(t *testing.T, what string, got, want map[string]int) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// TestProgrammesReplaceTheirOwnRows: a GEN catalogue run replaces the GEN
// label's formations and provenance only, an offer run its programme's
// only; the other programmes' rows survive, with their provenance.
func TestProgrammesReplaceTheirOwnRows(t *testing.T) {
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	runProgramme(t, dir, "catalogue", "gen", "gen-1.csv", 5)
	runProgramme(t, dir, observatory.ReplaceOffer("psup"), "psup", "psup-1.csv", 3)
	db := runProgramme(t, dir, "catalogue", "gen", "gen-2.csv", 4)
	st := stateOf(t, db)
	same(t, "formations", st.formations, map[string]int{"gen/gen-2.csv": 4, "psup/psup-1.csv": 3})
	same(t, "set aside", st.setAside, map[string]int{"psup/psup-1.csv": 1})
	same(t, "inputs", st.inputs, map[string]int{"catalogue/gen-2.csv": 1, "psup/psup-1.csv": 1})
	same(t, "quarantine", st.quarantine, map[string]int{"catalogue/gen-2.csv": 1, "psup/psup-1.csv": 1})
	same(t, "repairs", st.repairs, map[string]int{"catalogue/gen-2.csv": 1, "psup/psup-1.csv": 1})

	// Another programme, then psup again: gen and the other stay.
	runProgramme(t, dir, observatory.ReplaceOffer("other"), "other", "other.csv", 2)
	db = runProgramme(t, dir, observatory.ReplaceOffer("psup"), "psup", "psup-2.csv", 6)
	st = stateOf(t, db)
	same(t, "formations", st.formations, map[string]int{"gen/gen-2.csv": 4, "other/other.csv": 2, "psup/psup-2.csv": 6})
	same(t, "set aside", st.setAside, map[string]int{"other/other.csv": 1, "psup/psup-2.csv": 1})
	same(t, "inputs", st.inputs, map[string]int{"catalogue/gen-2.csv": 1, "other/other.csv": 1, "psup/psup-2.csv": 1})
	same(t, "quarantine", st.quarantine, map[string]int{"catalogue/gen-2.csv": 1, "other/other.csv": 1, "psup/psup-2.csv": 1})

	progs, err := db.Programmes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(progs) != 3 || progs[0].ID != "gen" || progs[0].Formations != 4 || progs[2].ID != "psup" || progs[2].Formations != 6 ||
		progs[2].SetAside != 1 || progs[2].Files[0] != "psup-2.csv" || progs[2].Date == nil {
		t.Errorf("programmes = %+v", progs)
	}
	info, err := db.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Counts.ByProgramme["psup"] != 6 || info.Counts.ByProgramme["gen"] != 4 || info.Counts.Formations != 12 {
		t.Errorf("counts = %+v", info.Counts)
	}
	for _, in := range info.Inputs {
		if in.Programme == "psup" && (in.SetAside != 1 || in.RowsRead != in.Loaded+in.SetAside+in.Quarantined) {
			t.Errorf("psup input = %+v", in)
		}
	}
	// The offer's formations keep what lists give.
	f, err := db.Formation(ctx, "psup-psup-2.csv-001")
	if err != nil || f.Programme != "psup" || f.ListedOn == nil || f.PointRule != observatory.PointCommuneCentroid || f.StructureID != "0691234A" {
		t.Errorf("formation = %+v, %v", f, err)
	}
	// The calendar stays the GEN label's; a programme filter sums its own.
	page, err := db.Formations(ctx, observatory.FormationFilter{Programmes: []string{"psup", "other"}})
	if err != nil || page.Total != 8 {
		t.Errorf("psup+other: %+v, %v", page, err)
	}
	facts, err := db.OfferFacts(ctx, observatory.FactQuery{Level: observatory.LevelDepartement, Programmes: []string{"other"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range facts {
		if f.Code == "69" && f.Formations != 2 {
			t.Errorf("other in 69: %d formations", f.Formations)
		}
	}
	// Offers count from the date of their list.
	before := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	pts, err := db.FormationPoints(ctx, observatory.FactQuery{At: before, View: observatory.ViewInForce, Programmes: []string{"psup"}})
	if err != nil || len(pts) != 0 {
		t.Errorf("psup before its list: %d points, %v", len(pts), err)
	}
	pts, err = db.FormationPoints(ctx, observatory.FactQuery{At: before.AddDate(2, 0, 0), View: observatory.ViewInForce, Programmes: []string{"psup"}})
	if err != nil || len(pts) != 6 {
		t.Errorf("psup after its list: %d points, %v", len(pts), err)
	}
}
