//go:build unix

package duckdb_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// buildN builds n snapshots of 10, 11, … formations, oldest first.
func buildN(t *testing.T, dir duckdb.Dir, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = build(t, dir, "S"+strconv.Itoa(i), 10+i)
	}
	return ids
}

func total(t *testing.T, st observatory.Store) int {
	t.Helper()
	p, err := st.Formations(context.Background(), observatory.FormationFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}

// TestAcquireAt serves past snapshots as they were, and names an unknown
// or malformed id in the error.
func TestAcquireAt(t *testing.T) {
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	ids := buildN(t, dir, 3)
	hub := duckdb.NewHub(dir, quiet())
	defer hub.Close()
	if _, err := hub.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		st, release, err := hub.AcquireAt(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if st.Snapshot() != id || total(t, st) != 10+i {
			t.Fatalf("%s: snapshot %s, %d formations", id, st.Snapshot(), total(t, st))
		}
		release()
	}
	var oe *observatory.Error
	_, _, err := hub.AcquireAt(ctx, "20200101T000000Z-abcdef")
	if !errors.As(err, &oe) || oe.Code != observatory.ENOTFOUND || oe.Param != "snapshot" || !strings.Contains(oe.Message, "20200101T000000Z-abcdef") {
		t.Fatalf("unknown id: %v", err)
	}
	if _, _, err := hub.AcquireAt(ctx, "../current"); observatory.ErrorCode(err) != observatory.EINVALID {
		t.Fatalf("malformed id: %v", err)
	}
	s, err := hub.Snapshot(ctx, ids[1])
	if err != nil || s.Parent != ids[0] || s.Version != "test" || s.Current || s.Bytes == 0 || s.Counts.Formations != 11 {
		t.Fatalf("snapshot %s: %+v %v", ids[1], s, err)
	}
	if s, _ := hub.Snapshot(ctx, ids[0]); s.Parent != "" {
		t.Fatalf("the first snapshot has a parent: %+v", s)
	}
}

// TestPastBounded keeps at most MaxPast past snapshots open; one evicted
// while a request reads it stays readable until released.
func TestPastBounded(t *testing.T) {
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	ids := buildN(t, dir, 6)
	hub := duckdb.NewHubWith(dir, quiet(), duckdb.HubOptions{MaxPast: 2})
	defer hub.Close()
	if _, err := hub.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	held, release, err := hub.AcquireAt(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[1:5] {
		_, r, err := hub.AcquireAt(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		r()
		if open := hub.Open(); len(open) > 1+2 {
			t.Fatalf("open: %v", open)
		}
	}
	if open := hub.Open(); slices.Contains(open, ids[0]) || !slices.Contains(open, ids[4]) || open[0] != ids[5] {
		t.Fatalf("open: %v", open)
	}
	if n := total(t, held); n != 10 {
		t.Fatalf("evicted snapshot read %d", n)
	}
	release()
}

// TestPruneKeepsCurrentAndOpen never removes the current snapshot nor one
// a server holds, and says what it freed.
func TestPruneKeepsCurrentAndOpen(t *testing.T) {
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	ids := buildN(t, dir, 5) // ids[4] is current
	hub := duckdb.NewHub(dir, quiet())
	defer hub.Close()
	if _, err := hub.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	st, release, err := hub.AcquireAt(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	// Another process holding ids[2] open: a lock of its own.
	other, err := os.Open(dir.Path(ids[2]))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(other.Fd()), syscall.LOCK_SH); err != nil {
		t.Fatal(err)
	}
	dry, err := dir.Prune(duckdb.PruneOptions{Keep: 0, DryRun: true})
	if err != nil || len(dry.Removed) != 2 || dry.Freed == 0 {
		t.Fatalf("dry run: %+v %v", dry, err)
	}
	if got, _ := dir.List(); len(got) != 5 {
		t.Fatalf("a dry run removed files: %v", got)
	}
	res, err := hub.Prune(duckdb.PruneOptions{Keep: 0})
	if err != nil {
		t.Fatal(err)
	}
	removed := []string{}
	var freed int64
	for _, p := range res.Removed {
		removed = append(removed, p.ID)
		freed += p.Bytes
	}
	slices.Sort(removed)
	if !slices.Equal(removed, []string{ids[0], ids[3]}) || !slices.Equal(res.InUse, []string{ids[2], ids[1]}) || res.Freed != freed || freed == 0 {
		t.Fatalf("prune: %+v", res)
	}
	if left, _ := dir.List(); !slices.Equal(left, []string{ids[1], ids[2], ids[4]}) {
		t.Fatalf("left: %v", left)
	}
	if n := total(t, st); n != 11 {
		t.Fatalf("held snapshot read %d", n)
	}
	release()
	other.Close()
	if _, _, err := hub.AcquireAt(ctx, ids[0]); observatory.ErrorCode(err) != observatory.ENOTFOUND {
		t.Fatalf("pruned snapshot: %v", err)
	}
	// Released: --keep 1 now removes both; the current one stays.
	res, err = hub.Prune(duckdb.PruneOptions{Keep: 1})
	if err != nil || len(res.Removed) != 2 || len(res.InUse) != 0 {
		t.Fatalf("second prune: %+v %v", res, err)
	}
	if left, _ := dir.List(); !slices.Equal(left, []string{ids[4]}) || hub.Current() != ids[4] {
		t.Fatalf("left: %v", left)
	}
	if _, err := hub.Snapshots(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestPruneOlderThan keeps the snapshots younger than the limit.
func TestPruneOlderThan(t *testing.T) {
	dir := duckdb.Dir{Root: t.TempDir()}
	ids := buildN(t, dir, 3)
	created, _ := duckdb.Created(ids[0])
	// "Now" is an hour after the first: all three are younger than a day.
	res, err := dir.Prune(duckdb.PruneOptions{OlderThan: 24 * time.Hour, Now: created.Add(time.Hour)})
	if err != nil || len(res.Removed) != 0 || len(res.Kept) != 3 {
		t.Fatalf("younger than a day: %+v %v", res, err)
	}
	res, err = dir.Prune(duckdb.PruneOptions{OlderThan: time.Hour, Now: created.Add(48 * time.Hour)})
	if err != nil || len(res.Removed) != 2 || !slices.Equal(res.Kept, []string{ids[2]}) {
		t.Fatalf("older than an hour: %+v %v", res, err)
	}
}

// TestCleanLeftovers plants what killed runs leave in a data directory:
// Clean removes exactly those files, and Build does it before a run.
func TestCleanLeftovers(t *testing.T) {
	dir := duckdb.Dir{Root: t.TempDir()}
	ids := buildN(t, dir, 1)
	snaps := filepath.Join(dir.Root, "snapshots")
	unpublished := duckdb.NewID(time.Now().Add(time.Hour))
	b, err := os.ReadFile(dir.Path(ids[0]))
	if err != nil {
		t.Fatal(err)
	}
	write := func(path string, data []byte) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	killed := duckdb.NewID(time.Now().Add(2 * time.Hour))
	write(filepath.Join(snaps, killed+".duckdb.building"), []byte("half a snapshot"))
	write(filepath.Join(snaps, killed+".duckdb.building.wal"), []byte("wal"))
	write(filepath.Join(snaps, killed+".duckdb.building.tmp", "spill-0"), []byte("spill"))
	write(dir.Path(unpublished), b)
	write(dir.Path(unpublished)+".pending", nil)
	write(dir.Path(ids[0])+".pending", nil) // killed after publishing: the snapshot stays
	write(filepath.Join(dir.Root, ".current.tmp"), []byte(unpublished))
	dead := filepath.Join(dir.Temp(), duckdb.TempPrefix+"999999999-upload-123")
	mine := filepath.Join(dir.Temp(), duckdb.TempPattern("upload-456"))
	other := filepath.Join(dir.Temp(), "notes.txt")
	for _, p := range []string{dead, mine, other} {
		write(p, []byte("x"))
	}
	elsewhere := t.TempDir()
	deadElsewhere := filepath.Join(elsewhere, duckdb.TempPrefix+"999999999-x.parquet")
	write(deadElsewhere, []byte("parquet"))

	left, err := dir.Clean(elsewhere)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, l := range left {
		paths = append(paths, l.Path)
		if l.What == "" {
			t.Errorf("%s: no reason", l.Path)
		}
	}
	slices.Sort(paths)
	want := []string{".current.tmp",
		filepath.Join("snapshots", killed+".duckdb.building"),
		filepath.Join("snapshots", killed+".duckdb.building.tmp"),
		filepath.Join("snapshots", killed+".duckdb.building.wal"),
		filepath.Join("snapshots", unpublished+".duckdb"),
		filepath.Join("tmp", filepath.Base(dead)),
		deadElsewhere,
	}
	slices.Sort(want)
	if !slices.Equal(paths, want) {
		t.Fatalf("cleaned:\n %v\nwant:\n %v", paths, want)
	}
	for _, p := range []string{mine, other, dir.Path(ids[0])} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: %v", p, err)
		}
	}
	if markers, _ := filepath.Glob(filepath.Join(snaps, "*.pending")); len(markers) != 0 {
		t.Errorf("markers left: %v", markers)
	}
	if got, _ := dir.List(); !slices.Equal(got, ids) {
		t.Fatalf("snapshots: %v", got)
	}
	if cur, _ := dir.Current(); cur != ids[0] {
		t.Fatalf("current: %s", cur)
	}

	// Before a run, the build does the same and says so.
	write(filepath.Join(snaps, killed+".duckdb.building"), []byte("again"))
	bl, err := duckdb.Build(context.Background(), dir, datasetstest.Reference(t), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer bl.Abort()
	if l := bl.Leftovers(); len(l) != 1 || l[0].Bytes != 5 {
		t.Fatalf("build cleaned %+v", l)
	}
}
