package duckdb_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// build writes a snapshot with n formations in region 84 (ids prefix-0001…).
func build(t testing.TB, dir duckdb.Dir, prefix string, n int) string {
	t.Helper()
	ctx := context.Background()
	b, err := duckdb.Build(ctx, dir, datasetstest.Reference(t), "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.CarryOver(ctx, "catalogue"); err != nil {
		t.Fatal(err)
	}
	fs := make([]observatory.Formation, n)
	for i := range fs {
		lat, lon := 45.76, 4.83
		learners := 10 + i
		fs[i] = observatory.Formation{ID: fmt.Sprintf("%s-%04d", prefix, i+1), Title: "Développeur web " + prefix, Structure: fmt.Sprintf("S%d", i%7),
			Departement: "69", Region: "84", Lat: &lat, Lon: &lon, ROME: []string{"M1805"}, Learners: &learners, Source: "t.csv", SourceRow: i + 2}
	}
	if err := b.AppendFormations(ctx, fs); err != nil {
		t.Fatal(err)
	}
	in := observatory.Input{Kind: "catalogue", Name: "t.csv", SHA256: prefix, RowsRead: n + 1, Loaded: n, Quarantined: 1}
	if err := b.Record(ctx, in, []observatory.Reject{{File: "t.csv", Row: 99, Column: "Nom", Reason: "missing"}}, nil); err != nil {
		t.Fatal(err)
	}
	id, err := b.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// commitOpen commits a snapshot being built and opens it read-only for the
// rest of the test.
func commitOpen(t testing.TB, dir duckdb.Dir, b *duckdb.Builder) *duckdb.DB {
	t.Helper()
	ctx := context.Background()
	id, err := b.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db, err := duckdb.Open(ctx, dir, id)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestBuildPublishAndRead(t *testing.T) {
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	id := build(t, dir, "A", 25)
	cur, err := dir.Current()
	if err != nil || cur != id {
		t.Fatalf("current = %q, %v; want %q", cur, err, id)
	}
	// No leftovers of the build.
	left, _ := filepath.Glob(filepath.Join(dir.Root, "snapshots", "*.building*"))
	if len(left) > 0 {
		t.Fatalf("build left %v", left)
	}
	db, err := duckdb.Open(ctx, dir, id)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	info, err := db.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Counts.Formations != 25 || info.Counts.Structures != 7 || info.Quarantined != 1 || len(info.Inputs) != 1 {
		t.Fatalf("info = %+v", info)
	}
	var regions, deps int
	db.SQL().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM regions), (SELECT count(*) FROM departements)`).Scan(&regions, &deps)
	if regions != 18 || deps != 101 {
		t.Fatalf("reference geography: %d regions, %d départements", regions, deps)
	}
}

func TestPagination(t *testing.T) {
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	id := build(t, dir, "P", 53)
	db, err := duckdb.Open(ctx, dir, id)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seen := map[string]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		p, err := db.Formations(ctx, observatory.FormationFilter{Region: "84", Limit: 10, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 53 {
			t.Fatalf("total = %d", p.Total)
		}
		for _, f := range p.Items {
			if seen[f.ID] {
				t.Fatalf("%s twice", f.ID)
			}
			seen[f.ID] = true
		}
		if p.Next == "" {
			break
		}
		cursor = p.Next
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
	}
	if len(seen) != 53 {
		t.Fatalf("saw %d formations, want 53", len(seen))
	}
	if _, err := db.Formations(ctx, observatory.FormationFilter{Cursor: "!!"}); observatory.ErrorCode(err) != observatory.EINVALID {
		t.Fatalf("bad cursor: %v", err)
	}
	p, err := db.Formations(ctx, observatory.FormationFilter{Q: "developpeur WEB", Region: "11"})
	if err != nil || p.Total != 0 {
		t.Fatalf("region 11: %v %+v", err, p)
	}
	p, err = db.Formations(ctx, observatory.FormationFilter{Q: "développeur web p", ROME: "M1805"})
	if err != nil || p.Total != 53 {
		t.Fatalf("q: %v %d", err, p.Total)
	}
	p, err = db.Formations(ctx, observatory.FormationFilter{Q: "100%_"})
	if err != nil || p.Total != 0 {
		t.Fatalf("q with LIKE metacharacters: %v %d", err, p.Total)
	}
	if _, err := db.Formation(ctx, "nope"); observatory.ErrorCode(err) != observatory.ENOTFOUND {
		t.Fatalf("missing formation: %v", err)
	}
}

func TestCarryOverKeepsOtherKinds(t *testing.T) {
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	build(t, dir, "A", 3)
	// A run of another kind keeps the catalogue and its provenance.
	b, err := duckdb.Build(ctx, dir, datasetstest.Reference(t), "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.CarryOver(ctx, "bmo"); err != nil {
		t.Fatal(err)
	}
	db := commitOpen(t, dir, b)
	info, _ := db.Info(ctx)
	if info.Counts.Formations != 3 || len(info.Inputs) != 1 || info.Quarantined != 1 {
		t.Fatalf("carried over: %+v", info)
	}
}

func TestAbortLeavesCurrent(t *testing.T) {
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	id := build(t, dir, "A", 3)
	b, err := duckdb.Build(ctx, dir, datasetstest.Reference(t), "test")
	if err != nil {
		t.Fatal(err)
	}
	b.Abort()
	if cur, _ := dir.Current(); cur != id {
		t.Fatalf("current changed to %q", cur)
	}
	ids, _ := dir.List()
	if len(ids) != 1 {
		t.Fatalf("snapshots: %v", ids)
	}
	entries, _ := os.ReadDir(filepath.Join(dir.Root, "snapshots"))
	if len(entries) != 1 {
		t.Fatalf("files left: %d", len(entries))
	}
}

// TestSwitchUnderLoad switches snapshots while readers run: every read sees
// one whole snapshot (A or B, never a mix) and none fails.
func TestSwitchUnderLoad(t *testing.T) {
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	idA := build(t, dir, "A", 40)
	hub := duckdb.NewHub(dir, quiet())
	defer hub.Close()
	if _, err := hub.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	seen := sync.Map{}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				st, release, err := hub.Acquire()
				if err != nil {
					errs <- err
					return
				}
				p, err := st.Formations(ctx, observatory.FormationFilter{Limit: 1000})
				id := st.Snapshot()
				release()
				if err != nil {
					errs <- err
					return
				}
				want := map[bool]int{true: 40, false: 60}[id == idA]
				if p.Total != want || len(p.Items) != want {
					errs <- fmt.Errorf("snapshot %s: %d items, total %d, want %d", id, len(p.Items), p.Total, want)
					return
				}
				seen.Store(id, true)
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	idB := build(t, dir, "B", 60)
	if ok, err := hub.Reload(ctx); !ok || err != nil {
		t.Fatalf("reload: %v %v", ok, err)
	}
	time.Sleep(50 * time.Millisecond)
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if hub.Current() != idB {
		t.Fatalf("current = %s", hub.Current())
	}
	if _, ok := seen.Load(idB); !ok {
		t.Fatal("no read saw the new snapshot")
	}
	list, err := hub.Snapshots(ctx)
	if err != nil || len(list) != 2 || !list[0].Current || list[0].ID != idB {
		t.Fatalf("snapshots: %v %+v", err, list)
	}
}

// TestDuplicateIDNotPublished: formations have no primary key (migration
// 012), so Commit checks the ids itself: a snapshot where one repeats is
// refused, naming it, and the current one stays.
func TestDuplicateIDNotPublished(t *testing.T) {
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	id := build(t, dir, "A", 3)
	b, err := duckdb.Build(ctx, dir, datasetstest.Reference(t), "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.CarryOver(ctx, "catalogue"); err != nil {
		t.Fatal(err)
	}
	f := observatory.Formation{ID: "B-0001", Title: "Développeur web", Structure: "S", Departement: "69", Region: "84",
		ROME: []string{"M1805"}, Source: "t.csv", SourceRow: 2}
	g := f
	g.SourceRow = 3
	if err := b.AppendFormations(ctx, []observatory.Formation{f, g}); err != nil {
		t.Fatal(err)
	}
	_, err = b.Commit(ctx)
	if err == nil || !strings.Contains(err.Error(), `formation id "B-0001" appears 2 times`) {
		t.Fatalf("commit: %v", err)
	}
	if cur, _ := dir.Current(); cur != id {
		t.Errorf("current changed to %q", cur)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir.Root, "snapshots")); len(entries) != 1 {
		t.Errorf("files left: %d", len(entries))
	}
}
