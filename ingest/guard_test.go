package ingest_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/ingest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// unchanged checks a refused run left the data directory as it was: the
// same current snapshot, the same snapshots, nothing half built.
func unchanged(t *testing.T, dir duckdb.Dir, current string, ids []string) {
	t.Helper()
	if cur, _ := dir.Current(); cur != current {
		t.Errorf("current %s, was %s", cur, current)
	}
	if now, _ := dir.List(); !slices.Equal(now, ids) {
		t.Errorf("snapshots %v, were %v", now, ids)
	}
	ents, err := os.ReadDir(filepath.Join(dir.Root, "snapshots"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".duckdb") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// On a data directory holding the default snapshot, a catalogue of one
// row is refused, and so is one that quarantines much of its file; both
// go through with AllowShrink. The first catalogue of an empty directory
// is never refused.
func TestShrinkGuard(t *testing.T) {
	ctx := context.Background()
	dir, _ := defaultsCopy(t)
	current, _ := dir.Current()
	ids, _ := dir.List()
	s := readStandIn(t)
	one := standIn{header: s.header, rows: s.rows[:1]}.write(t, "une-ligne.csv")

	_, err := ingestFiles(t, dir, one)
	var oe *observatory.Error
	if !errors.As(err, &oe) || oe.Code != observatory.ECONFLICT {
		t.Fatalf("one row: %v", err)
	}
	for _, want := range []string{"une-ligne.csv: refused: the catalogue would go from 80 formations in force (at 2021-11-30, the current catalogue's latest labelling date) to 1 (at 2016-02-03, this file's latest labelling date), 98.8 % fewer, over the 20 % allowed. Nothing changed.",
		"--allow-shrink", "allow_shrink=true"} {
		if !strings.Contains(oe.Message, want) {
			t.Errorf("message %q lacks %q", oe.Message, want)
		}
	}
	unchanged(t, dir, current, ids)

	// The first 200 rows (waves 1 and 2) with an unreadable date: 37 % of
	// the file quarantined, although the offer in force is whole.
	bad := standIn{header: s.header}
	d := s.col("Date de labellisation")
	for i, r := range s.rows {
		r = slices.Clone(r)
		if i < 200 {
			r[d] = "bientôt"
		}
		bad.rows = append(bad.rows, r)
	}
	_, err = ingestFiles(t, dir, bad.write(t, "dates-illisibles.csv"))
	if !errors.As(err, &oe) || oe.Code != observatory.ECONFLICT ||
		!strings.Contains(oe.Message, `dates-illisibles.csv: refused: 206 of its 539 data rows would be quarantined (38.2 %), over the 20 % allowed (first: row 2, column Date de labellisation: "bientôt" is not a date)`) {
		t.Fatalf("quarantine share: %v", err)
	}
	unchanged(t, dir, current, ids)

	rep, err := ingestWith(t, dir, "catalogue", ingest.Options{AllowShrink: true}, one)
	if err != nil {
		t.Fatal(err)
	}
	db := openCurrent(t, dir)
	info, err := db.Info(ctx)
	if err != nil || rep.Inputs[0].Loaded != 1 || info.Counts.ByProgramme["gen"] != 1 || info.Counts.JobDemand == 0 {
		t.Fatalf("allowed: %+v, %+v %v", rep.Inputs, info.Counts, err)
	}

	empty := duckdb.Dir{Root: t.TempDir()}
	if _, err := ingestFiles(t, empty, one); err != nil {
		t.Fatalf("first catalogue: %v", err)
	}
}
