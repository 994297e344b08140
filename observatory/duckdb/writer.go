package duckdb

import (
	"context"

	"github.com/gen-numerique/observatory/observatory"
)

// Writer starts snapshot builds in a data directory.
type Writer struct {
	Dir     Dir
	Ref     observatory.Reference
	Version string
}

// Begin starts a new snapshot.
func (w Writer) Begin(ctx context.Context) (observatory.Batch, error) {
	return Build(ctx, w.Dir, w.Ref, w.Version)
}
