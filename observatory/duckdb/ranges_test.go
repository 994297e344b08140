package duckdb_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// TestExportRanges: a full export read as a head and a tail gives the
// rows one query gives, in the same order, whatever the head's size
// against the selection (one row, a few, all of it) and with filters; a
// sorted or limited selection is untouched.
func TestExportRanges(t *testing.T) {
	db, _ := defaultsDB(t)
	ctx := context.Background()
	read := func(f observatory.FormationFilter) (ids []string, lines []byte) {
		t.Helper()
		if err := db.EachFormation(ctx, f, func(fm *observatory.Formation) error {
			ids = append(ids, fm.ID)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		l := observatory.Lines{Columns: []observatory.LineColumn{{Name: "id"}, {Name: "title"}, {Name: "lat", Decimals: 5}}, Sep: ';'}
		if err := db.FormationLines(ctx, f, l, &buf); err != nil {
			t.Fatal(err)
		}
		return ids, buf.Bytes()
	}
	filters := map[string]observatory.FormationFilter{
		"all":      {},
		"in force": {At: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)},
		"a région": {Region: "84"},
		"none":     {Region: "no such"},
		"sorted":   {Sort: []observatory.SortKey{{Field: "title"}}},
		"first 50": {Limit: 50},
		"a family": {Family: "developpement"},
	}
	for name, f := range filters {
		wantIDs, wantLines := read(f)
		if name == "all" && len(wantIDs) < 100 {
			t.Fatalf("%d formations: too few to cross ranges", len(wantIDs))
		}
		for _, n := range []int{1, 7, 64, 1 << 20} {
			t.Run(fmt.Sprintf("%s/%d", name, n), func(t *testing.T) {
				restore := duckdb.SetHeadRows(n)
				defer restore()
				ids, lines := read(f)
				if fmt.Sprint(ids) != fmt.Sprint(wantIDs) {
					t.Errorf("%d ids, want %d (or another order)", len(ids), len(wantIDs))
				}
				if !bytes.Equal(lines, wantLines) {
					t.Errorf("lines differ: %d bytes, want %d", len(lines), len(wantLines))
				}
			})
		}
	}
}

// flushRecorder is a download's body: it notes how many lines it held
// at each flush.
type flushRecorder struct {
	bytes.Buffer
	at []int
}

func (f *flushRecorder) Flush() { f.at = append(f.at, bytes.Count(f.Bytes(), []byte("\n"))) }

// TestExportFlushesItsHead: a full export longer than its head flushes its
// writer once, after the head's lines, so that the first byte leaves
// before the tail is read; a shorter one does not flush.
func TestExportFlushesItsHead(t *testing.T) {
	db, _ := defaultsDB(t)
	ctx := context.Background()
	l := observatory.Lines{Columns: []observatory.LineColumn{{Name: "id"}}, Sep: ','}
	for _, n := range []int{5, 1 << 20} {
		restore := duckdb.SetHeadRows(n)
		var w flushRecorder
		err := db.FormationLines(ctx, observatory.FormationFilter{}, l, &w)
		restore()
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.Count(w.Bytes(), []byte("\n"))
		want := []int{n}
		if n > lines {
			want = nil
		}
		if fmt.Sprint(w.at) != fmt.Sprint(want) {
			t.Errorf("head of %d, %d lines: flushed at %v, want %v", n, lines, w.at, want)
		}
	}
}
