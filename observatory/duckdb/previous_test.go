package duckdb_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

func day(s string) *time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// datedFormations are formations of two waves with every combination of
// missing dates, to compare the SQL rule of formations in force with
// observatory.InForce.
func datedFormations() []observatory.Formation {
	lat, lon := 45.76, 4.83
	cases := []struct {
		on, end *time.Time
		wave    int
	}{
		{day("2016-02-03"), day("2019-02-03"), 1},
		{day("2016-02-03"), day("2019-02-03"), 1},
		{day("2016-02-05"), nil, 1},
		{day("2018-06-15"), day("2021-06-15"), 2},
		{day("2018-06-15"), day("2018-06-15"), 2}, // ends the day it starts: not in force
		{day("2018-06-12"), day("2021-06-12"), 2},
		{nil, day("2017-01-01"), 0}, // no labelling date, ended: not in force
		{nil, nil, 0},               // no date at all: in force
	}
	fs := make([]observatory.Formation, len(cases))
	for i, c := range cases {
		fs[i] = observatory.Formation{ID: fmt.Sprintf("D-%d", i), Title: "T", Structure: "S", Departement: "69", Region: "84",
			Lat: &lat, Lon: &lon, LabelledOn: c.on, LabelEnd: c.end, Source: "t.csv", SourceRow: i + 2}
		if c.wave != 0 {
			w := c.wave
			fs[i].Wave, fs[i].WaveRule = &w, observatory.WaveFile
		}
	}
	fs[5].WaveRule = observatory.WaveRepaired
	return fs
}

func TestPreviousCatalogueAndColumns(t *testing.T) {
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	ref := datasetstest.Reference(t)
	begin := func() *duckdb.Builder {
		b, err := duckdb.Build(ctx, dir, ref, "test")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(b.Abort)
		return b
	}

	b := begin()
	if st, err := b.PreviousCatalogue(ctx); err != nil || st.Formations != 0 || len(st.Waves) != 0 {
		t.Fatalf("first snapshot: %+v %v", st, err)
	}
	if cols, err := b.PreviousColumns(ctx, "catalogue"); err != nil || len(cols) != 0 {
		t.Fatalf("first snapshot: %v %v", cols, err)
	}
	fs := datedFormations()
	cols := []observatory.ColumnUse{
		{Kind: "catalogue", File: "t.csv", Concept: "learners", Header: "Apprenants formés"},
		{Kind: "catalogue", File: "t.csv", Concept: "title", Header: "Nom", Required: true},
		{Kind: "catalogue", File: "t.csv", Concept: "wave"},
	}
	if err := b.CarryOver(ctx, "catalogue"); err != nil {
		t.Fatal(err)
	}
	if err := b.AppendFormations(ctx, fs); err != nil {
		t.Fatal(err)
	}
	if err := b.Record(ctx, observatory.Input{Kind: "catalogue", Name: "t.csv", RowsRead: len(fs), Loaded: len(fs)}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.RecordColumns(ctx, cols); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}

	// A run that does not replace the catalogue sees it, and carries its
	// column use over.
	b = begin()
	st, err := b.PreviousCatalogue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refDate := observatory.ReferenceDate(fs)
	if st.Formations != len(fs) || !st.Reference.Equal(refDate) || st.InForce != observatory.CountInForce(fs, refDate) || st.InForce != 6 {
		t.Fatalf("previous catalogue %+v; in force by the Go rule at %s: %d", st, refDate, observatory.CountInForce(fs, refDate))
	}
	if len(st.Waves) != 2 || st.Waves[0].Wave != 1 || st.Waves[0].Rows != 3 || !st.Waves[0].Date.Equal(*day("2016-02-03")) ||
		!st.Waves[0].Last.Equal(*day("2016-02-05")) || !st.Waves[1].First.Equal(*day("2018-06-12")) || !st.Waves[1].Date.Equal(*day("2018-06-15")) {
		t.Fatalf("waves %+v", st.Waves)
	}
	got, err := b.PreviousColumns(ctx, "catalogue")
	if err != nil || len(got) != 3 || got[0].Concept != "learners" || got[0].Header != "Apprenants formés" || !got[1].Required || got[2].Header != "" {
		t.Fatalf("previous columns %+v %v", got, err)
	}
	if other, err := b.PreviousColumns(ctx, "bmo"); err != nil || len(other) != 0 {
		t.Fatalf("bmo columns %+v %v", other, err)
	}
	if err := b.CarryOver(ctx, "bmo"); err != nil {
		t.Fatal(err)
	}
	db := commitOpen(t, dir, b)
	var n int
	var rules []string
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM input_columns WHERE kind = 'catalogue'`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("input_columns carried over: %d %v", n, err)
	}
	rows, err := db.SQL().QueryContext(ctx, `SELECT coalesce(wave_rule, '') FROM formations ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r string
		rows.Scan(&r)
		rules = append(rules, r)
	}
	rows.Close()
	if want := []string{"file", "file", "file", "file", "file", "repaired", "", ""}; !slices.Equal(rules, want) {
		t.Fatalf("wave_rule %q, want %q", rules, want)
	}

	// A catalogue run replaces the catalogue's column use.
	b = begin()
	if err := b.CarryOver(ctx, "catalogue"); err != nil {
		t.Fatal(err)
	}
	if err := b.RecordColumns(ctx, cols[1:2]); err != nil {
		t.Fatal(err)
	}
	db = commitOpen(t, dir, b)
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM input_columns`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("input_columns after a catalogue run: %d %v", n, err)
	}
}

// A snapshot made before migration 008 (no input_columns, no wave_rule)
// still carries over, and has no column use to compare with.
func TestPreviousBeforeColumnUse(t *testing.T) {
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	id := build(t, dir, "O", 5)
	old, err := sql.Open("duckdb", dir.Path(id))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.ExecContext(ctx, `DROP TABLE input_columns; ALTER TABLE formations DROP COLUMN wave_rule; CHECKPOINT`); err != nil {
		t.Fatal(err)
	}
	old.Close()
	b, err := duckdb.Build(ctx, dir, datasetstest.Reference(t), "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Abort)
	if cols, err := b.PreviousColumns(ctx, "catalogue"); err != nil || len(cols) != 0 {
		t.Fatalf("columns of an old snapshot: %v %v", cols, err)
	}
	if st, err := b.PreviousCatalogue(ctx); err != nil || st.Formations != 5 || st.InForce != 5 || !st.Reference.IsZero() {
		t.Fatalf("old snapshot: %+v %v", st, err)
	}
	if err := b.CarryOver(ctx, "bmo"); err != nil {
		t.Fatal(err)
	}
	db := commitOpen(t, dir, b)
	var n, rules int
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*), count(wave_rule) FROM formations`).Scan(&n, &rules); err != nil || n != 5 || rules != 0 {
		t.Fatalf("carried over %d formations, %d wave rules: %v", n, rules, err)
	}
}
