package duckdb_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"os"
	"slices"
	"testing"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// A snapshot built before the places migration (no bassin, no programme)
// is upgraded into a new one that this code can read, with every formation
// kept, in the GEN programme and in its bassin; the old file is untouched.
func TestUpgradeOlderSchema(t *testing.T) {
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	old := build(t, dir, "OLD", 5)
	// Make it what an older version wrote.
	raw, err := sql.Open("duckdb", dir.Path(old))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`ALTER TABLE formations DROP COLUMN bassin`,
		`ALTER TABLE formations DROP COLUMN programme`,
		`DELETE FROM schema_migrations WHERE name = 'migrations/009_places.sql'`,
		`CHECKPOINT`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatal(q, err)
		}
	}
	raw.Close()

	db, err := duckdb.Open(ctx, dir, old)
	if err != nil {
		t.Fatal(err)
	}
	missing, err := db.Outdated(ctx)
	db.Close()
	if err != nil || !slices.Equal(missing, []string{"migrations/009_places.sql"}) {
		t.Fatalf("outdated: %v %v", missing, err)
	}

	w := duckdb.Writer{Dir: dir, Ref: datasetstest.Reference(t), Version: "test"}
	id, applied, err := w.Upgrade(ctx)
	if err != nil || id == "" || id == old || len(applied) != 1 {
		t.Fatalf("upgrade: %q %v %v", id, applied, err)
	}
	if cur, _ := dir.Current(); cur != id {
		t.Fatalf("current %s, want the upgraded %s", cur, id)
	}
	up, err := duckdb.Open(ctx, dir, id)
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	page, err := up.Formations(ctx, observatory.FormationFilter{})
	if err != nil || page.Total != 5 {
		t.Fatalf("%v %v", page, err)
	}
	for _, f := range page.Items {
		if f.Programme != observatory.ProgrammeGEN {
			t.Errorf("%s: programme %q", f.ID, f.Programme)
		}
	}
	if again, _, err := w.Upgrade(ctx); err != nil || again != "" {
		t.Fatalf("second upgrade: %q %v", again, err)
	}
}

// A past snapshot built by an older version (before the places and
// lineage migrations) is replayed as it is, through today's schema: its
// formations read in the GEN programme with no bassin, its parent and
// notes empty, and the file is not touched.
func TestOpenOlderSchemaAsItIs(t *testing.T) {
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	old := build(t, dir, "OLD", 5)
	raw, err := sql.Open("duckdb", dir.Path(old))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`ALTER TABLE formations DROP COLUMN bassin`,
		`ALTER TABLE formations DROP COLUMN programme`,
		`ALTER TABLE snapshot_info DROP COLUMN parent`,
		`DROP TABLE run_notes`,
		`DELETE FROM schema_migrations WHERE name IN ('migrations/009_places.sql', 'migrations/011_snapshot_lineage.sql')`,
		`CHECKPOINT`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatal(q, err)
		}
	}
	raw.Close()
	sum := fileSum(t, dir.Path(old))

	db, err := duckdb.Open(ctx, dir, old)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(db.Compat, []string{"migrations/009_places.sql", "migrations/011_snapshot_lineage.sql"}) {
		t.Errorf("compat %v", db.Compat)
	}
	page, err := db.Formations(ctx, observatory.FormationFilter{})
	if err != nil || page.Total != 5 {
		t.Fatalf("%v %v", page, err)
	}
	for _, f := range page.Items {
		if f.Programme != observatory.ProgrammeGEN || f.Bassin != "" {
			t.Errorf("%s: programme %q bassin %q", f.ID, f.Programme, f.Bassin)
		}
	}
	if ref, err := db.Referential(ctx); err != nil || len(ref.Metiers) == 0 {
		t.Errorf("referential: %v", err)
	}
	info, err := db.Info(ctx)
	if err != nil || info.ID != old || info.Parent != "" || len(info.Notes) != 0 || info.Counts.Formations != 5 {
		t.Errorf("info %+v %v", info, err)
	}
	// Still outdated: the upgrade at start still makes a new one.
	if missing, err := db.Outdated(ctx); err != nil || len(missing) != 2 {
		t.Errorf("outdated %v %v", missing, err)
	}
	db.Close()
	if fileSum(t, dir.Path(old)) != sum {
		t.Error("the old snapshot's file changed")
	}
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}
