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

// Upgrade builds a new snapshot with this build's schema from the current
// one, carrying every table over by column name, when the current one was
// built by an older version. The old snapshot stays as it was. It returns
// the new id and the migrations applied, or "" when nothing was needed.
func (w Writer) Upgrade(ctx context.Context) (string, []string, error) {
	cur, err := w.Dir.Current()
	if err != nil || cur == "" {
		return "", nil, err
	}
	db, err := Open(ctx, w.Dir, cur)
	if err != nil {
		return "", nil, err
	}
	missing, err := db.Outdated(ctx)
	db.Close()
	if err != nil || len(missing) == 0 {
		return "", nil, err
	}
	b, err := Build(ctx, w.Dir, w.Ref, w.Version)
	if err != nil {
		return "", nil, err
	}
	if err := b.CarryOver(ctx); err != nil {
		b.Abort()
		return "", nil, err
	}
	id, err := b.Commit(ctx)
	return id, missing, err
}
