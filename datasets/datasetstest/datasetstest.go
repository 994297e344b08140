// Package datasetstest gives tests the embedded reference data, parsed
// once per test binary: the server and the commands load it once and
// inject it, and tests share one copy the same way.
package datasetstest

import (
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
