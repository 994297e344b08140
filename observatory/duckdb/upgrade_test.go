package duckdb_test

import (
	"context"
	"database/sql"
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
