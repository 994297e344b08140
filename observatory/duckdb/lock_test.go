package duckdb_test

import (
	"context"
	"testing"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// TestOneBuildAtATime: while a snapshot is being built, a second run on the
// same data directory is refused (it would start from the same current
// snapshot and drop the first run's data when it published); once the
// first commits or aborts, the next run goes ahead.
func TestOneBuildAtATime(t *testing.T) {
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	first, err := duckdb.Build(ctx, dir, datasetstest.Reference(t), "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := duckdb.Build(ctx, dir, datasetstest.Reference(t), "test"); observatory.ErrorCode(err) != observatory.ECONFLICT {
		t.Fatalf("second build while the first runs: %v", err)
	}
	if _, err := first.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	second, err := duckdb.Build(ctx, dir, datasetstest.Reference(t), "test")
	if err != nil {
		t.Fatalf("build after the first committed: %v", err)
	}
	second.Abort()
	third, err := duckdb.Build(ctx, dir, datasetstest.Reference(t), "test")
	if err != nil {
		t.Fatalf("build after an abort: %v", err)
	}
	third.Abort()
	// Another data directory is not locked by this one.
	other, err := duckdb.Build(ctx, duckdb.Dir{Root: t.TempDir()}, datasetstest.Reference(t), "test")
	if err != nil {
		t.Fatal(err)
	}
	other.Abort()
}
