package duckdb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync/atomic"

	"github.com/gen-numerique/observatory/observatory"
)

// handle is an open snapshot shared by the requests reading it. It holds
// a shared flock on the file for as long as it is open, which prune (in
// this process or another) respects.
type handle struct {
	db   *DB
	lock *os.File
	refs atomic.Int64 // the hub (or its cache of past snapshots) holds one while it keeps the handle
	// onClose, if set, runs once the handle is closed.
	onClose func()
}

func (h *handle) release() {
	if h.refs.Add(-1) == 0 {
		h.db.Close()
		h.lock.Close() // closing the file releases its flock
		if h.onClose != nil {
			h.onClose()
		}
	}
}

// tryAcquire takes a reference unless the handle is already closing.
func (h *handle) tryAcquire() bool {
	for {
		n := h.refs.Load()
		if n <= 0 {
			return false
		}
		if h.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// notFound is the error for a snapshot that is not (or no longer) there.
func notFound(id string) error {
	return &observatory.Error{Code: observatory.ENOTFOUND, Param: "snapshot",
		Message: fmt.Sprintf("snapshot %s does not exist or was pruned; the snapshots kept are listed at /api/v1/snapshots", id)}
}

// openHandle opens snapshot id read-only with one reference, locked
// against prune. options are added to the DuckDB connection string.
func openHandle(ctx context.Context, dir Dir, id, options string) (*handle, error) {
	if !ValidID(id) {
		return nil, &observatory.Error{Code: observatory.EINVALID, Param: "snapshot",
			Message: fmt.Sprintf("%q is not a snapshot id (e.g. 20260101T120000Z-a1b2c3; see /api/v1/snapshots)", id)}
	}
	path := dir.Path(id)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, err
	}
	ok, err := flockFile(f, false)
	if err != nil || !ok {
		f.Close()
		if err != nil {
			return nil, err
		}
		return nil, notFound(id) // being pruned right now
	}
	// Pruned between open and lock: the name is gone, or names another file.
	fst, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st, err := os.Stat(path); err != nil || !os.SameFile(st, fst) {
		f.Close()
		return nil, notFound(id)
	}
	db, err := open(ctx, dir, id, options)
	if err != nil {
		f.Close()
		return nil, err
	}
	h := &handle{db: db, lock: f}
	h.refs.Store(1)
	return h, nil
}
