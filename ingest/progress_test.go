package ingest_test

import (
	"context"
	"slices"
	"testing"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/ingest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// TestSteps follows a catalogue run and a BMO run through their phases:
// each phase is reported once, in order, with the rows read; the report's
// inputs carry the snapshot and the time it was made.
func TestSteps(t *testing.T) {
	ctx := context.Background()
	ref := datasetstest.Reference(t)
	w := duckdb.Writer{Dir: duckdb.Dir{Root: t.TempDir()}, Ref: ref, Version: "test"}
	for _, c := range []struct {
		kind, path string
		phases     []string
	}{
		{"catalogue", "testdata/gen-formations-synthetique.xlsx", []string{observatory.PhaseReading, observatory.PhaseChecking, observatory.PhaseAppending, observatory.PhaseCommitting}},
		{"bmo", "testdata/bmo-2022-synthetique.csv", []string{observatory.PhaseReading, observatory.PhaseAppending, observatory.PhaseCommitting}},
	} {
		f, closer, err := ingest.OpenFile(c.path)
		if err != nil {
			t.Fatal(err)
		}
		var phases []string
		rows := 0
		opt := ingest.Options{Ref: ref, Step: func(p observatory.Progress) {
			if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
				phases = append(phases, p.Phase)
			}
			if p.File == f.Name {
				rows = p.Rows
			}
		}}
		rep, err := ingest.Run(ctx, w, c.kind, []ingest.File{f}, opt)
		closer.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(phases, c.phases) {
			t.Errorf("%s: phases %v, want %v", c.kind, phases, c.phases)
		}
		if rows != rep.Inputs[0].RowsRead || rows == 0 {
			t.Errorf("%s: progress said %d rows, the report %d", c.kind, rows, rep.Inputs[0].RowsRead)
		}
		for _, in := range rep.Inputs {
			created, _ := duckdb.Created(rep.Snapshot)
			if in.Snapshot != rep.Snapshot || in.Ingested.Truncate(1e9) != created {
				t.Errorf("%s: input %s snapshot %q ingested %s, want %s at %s", c.kind, in.Name, in.Snapshot, in.Ingested, rep.Snapshot, created)
			}
		}
	}
}
