package ingest_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/ingest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// defaults is one data directory built by ingest.Defaults for the whole
// test binary: its 53,000 BMO rows cost tens of seconds under -race, and
// several tests start from it. Each gets its own copy.
var defaults struct {
	once sync.Once
	root string
	rep  *observatory.Report
	err  error
}

// defaultsCopy is a copy of the default data directory, and the report of
// the run that built it (shared: do not change it).
func defaultsCopy(t testing.TB) (duckdb.Dir, *observatory.Report) {
	t.Helper()
	ref := datasetstest.Reference(t)
	defaults.once.Do(func() {
		if defaults.root, defaults.err = os.MkdirTemp("", "observatory-ingest-test-"); defaults.err != nil {
			return
		}
		w := duckdb.Writer{Dir: duckdb.Dir{Root: defaults.root}, Ref: ref, Version: "test"}
		defaults.rep, defaults.err = ingest.Defaults(context.Background(), w, ingest.Options{Ref: ref})
	})
	if defaults.err != nil {
		t.Fatal(defaults.err)
	}
	dir := duckdb.Dir{Root: t.TempDir()}
	datasetstest.CopyTree(t, defaults.root, dir.Root)
	return dir, defaults.rep
}

func TestMain(m *testing.M) {
	code := m.Run()
	if defaults.root != "" {
		os.RemoveAll(defaults.root)
	}
	os.Exit(code)
}
