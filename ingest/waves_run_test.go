package ingest_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// waveRules counts the formations of the current snapshot by wave_rule.
func waveRules(t *testing.T, db *duckdb.DB) map[string]int {
	t.Helper()
	rows, err := db.SQL().QueryContext(context.Background(), `SELECT coalesce(wave_rule, ''), count(*) FROM formations GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var r string
		var n int
		if err := rows.Scan(&r, &n); err != nil {
			t.Fatal(err)
		}
		out[r] = n
	}
	return out
}

func checkAccounting(t *testing.T, rep *observatory.Report) {
	t.Helper()
	for _, in := range rep.Inputs {
		if in.RowsRead != in.Loaded+in.Quarantined {
			t.Errorf("%s: read %d, loaded %d, quarantined %d", in.Name, in.RowsRead, in.Loaded, in.Quarantined)
		}
	}
	_, _, quarantined, _ := rep.Totals()
	if quarantined != len(rep.Rejects) {
		t.Errorf("%d quarantined, %d rejects", quarantined, len(rep.Rejects))
	}
}

// The stand-in without its Vague column: the waves derived from the
// labelling dates are the file's.
func TestWavesFromLabellingDates(t *testing.T) {
	s := readStandIn(t)
	want := map[string]int{}
	for _, r := range s.rows {
		want[r[s.col("Identifiant")]], _ = strconv.Atoi(r[s.col("Vague")])
	}
	dir := duckdb.Dir{Root: t.TempDir()}
	rep, err := ingestFiles(t, dir, s.drop("Vague").write(t, "gen-sans-vague.csv"))
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, rep)
	notes := strings.Join(rep.Notes, "\n")
	if !strings.Contains(notes, "waves derived from labelling dates: 7 campaigns: 1 = 2016-02-03 (171 rows), 2 = 2016-09-23 (89 rows), ") ||
		!strings.Contains(notes, "7 = 2021-11-30 (45 rows); 0 with a labelling date that fits no campaign") {
		t.Errorf("notes: %s", notes)
	}
	db := openCurrent(t, dir)
	n := 0
	err = db.EachFormation(context.Background(), observatory.FormationFilter{}, func(f *observatory.Formation) error {
		if f.Wave == nil || *f.Wave != want[f.ID] {
			t.Errorf("%s: wave %v, file's %d", f.ID, f.Wave, want[f.ID])
		}
		n++
		return nil
	})
	if err != nil || n != 532 {
		t.Fatalf("%d formations: %v", n, err)
	}
	if rules := waveRules(t, db); rules[observatory.WaveDerived] != 532 {
		t.Errorf("wave rules %v", rules)
	}
	for _, c := range rep.Columns {
		if (c.Concept == "wave") != (c.Header == "") {
			t.Errorf("column use %+v", c)
		}
	}
}

// With its Vague column, the stand-in's waves all agree with their dates;
// a wave that fits no campaign is repaired, one that is another
// campaign's is quarantined.
func TestWavesAgainstLabellingDates(t *testing.T) {
	s := readStandIn(t)
	dir := duckdb.Dir{Root: t.TempDir()}
	rep, err := ingestFiles(t, dir, syntheticCSV)
	if err != nil {
		t.Fatal(err)
	}
	if notes := strings.Join(rep.Notes, "\n"); !strings.Contains(notes, "waves as the files give them, checked against the campaigns of their labelling dates: 7 campaigns: 1 = 2016-02-03 (171 rows)") ||
		!strings.Contains(notes, "; 0 repaired, 0 quarantined, 0 taken from their campaign for want of a wave; 0 with a labelling date that fits no campaign") {
		t.Errorf("notes: %s", notes)
	}
	if rules := waveRules(t, openCurrent(t, dir)); rules[observatory.WaveFile] != 532 {
		t.Errorf("wave rules %v", rules)
	}

	// GEN-0010 and GEN-0011 are of the first wave (2016-02-03).
	v := s.col("Vague")
	s.rows[9][v], s.rows[10][v] = "17", "2"
	rep, err = ingestFiles(t, dir, s.write(t, "gen-vagues.csv"))
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, rep)
	if in := rep.Inputs[0]; in.Loaded != 531 || in.Quarantined != 8 || in.Repaired != 9 {
		t.Errorf("input %+v", in)
	}
	var repaired, rejected bool
	for _, r := range rep.Repairs {
		if r.Row == 11 {
			repaired = r.Column == "Vague" && r.Was == "17" && r.Now == "1" && strings.Contains(r.Reason, "wave 17 is no campaign's")
		}
	}
	for _, r := range rep.Rejects {
		if r.Row == 12 {
			rejected = r.Column == "Vague" && r.Value == "2" && strings.Contains(r.Reason, "the labelling date 2016-02-03 is in the campaign of 2016-02-03 (wave 1): the date or the wave is wrong")
		}
	}
	if !repaired || !rejected {
		t.Errorf("repaired %v, quarantined %v: %+v", repaired, rejected, rep.Repairs)
	}
	db := openCurrent(t, dir)
	f, err := db.Formation(context.Background(), "GEN-0010")
	if err != nil || *f.Wave != 1 {
		t.Fatalf("GEN-0010: %+v %v", f, err)
	}
	if _, err := db.Formation(context.Background(), "GEN-0011"); observatory.ErrorCode(err) != observatory.ENOTFOUND {
		t.Fatalf("GEN-0011 loaded: %v", err)
	}
	if rules := waveRules(t, db); rules[observatory.WaveFile] != 530 || rules[observatory.WaveRepaired] != 1 {
		t.Errorf("wave rules %v", rules)
	}
}
