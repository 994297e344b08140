// Package datasetstest gives tests the embedded reference data, parsed
// once per test binary: the server and the commands load it once and
// inject it, and tests share one copy the same way.
package datasetstest

import (
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/observatory"
)

var reference = sync.OnceValues(datasets.Reference)

// Reference is the embedded geography and job referential.
func Reference(tb testing.TB) observatory.Reference {
	tb.Helper()
	r, err := reference()
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// Geo is the embedded geography.
func Geo(tb testing.TB) *observatory.Gazetteer { return Reference(tb).Geo }

// CopyTree copies the directory src into dst: tests build an expensive
// data directory once and give each test its own copy to change.
func CopyTree(tb testing.TB, src, dst string) {
	tb.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
}
