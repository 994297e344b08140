package duckdb

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

// PruneOptions say which snapshots to keep. The current one is always
// kept, and so is any snapshot a server has open (it holds a shared lock
// on the file).
type PruneOptions struct {
	Keep      int           // the newest Keep snapshots
	OlderThan time.Duration // when > 0, snapshots younger than this are kept too
	Now       time.Time     // zero: time.Now()
	DryRun    bool          // say what would go, remove nothing
}

// Pruned is a snapshot prune removed (or would remove).
type Pruned struct {
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	Bytes   int64     `json:"bytes"`
}

// PruneResult says what prune did.
type PruneResult struct {
	Removed []Pruned `json:"removed"`
	InUse   []string `json:"in_use"` // would have gone, but a server has them open
	Kept    []string `json:"kept"`
	Freed   int64    `json:"bytes_freed"`
}

// Created is when snapshot id was made, read from the id itself.
func Created(id string) (time.Time, bool) {
	if !ValidID(id) {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102T150405Z", id[:16])
	return t, err == nil
}

// Prune removes the snapshots opt does not keep. It holds the ingest lock
// meanwhile, so the current snapshot cannot change under it: a run under
// way makes it a conflict.
func (d Dir) Prune(opt PruneOptions) (PruneResult, error) {
	res := PruneResult{Removed: []Pruned{}, InUse: []string{}, Kept: []string{}}
	if opt.Keep < 0 || opt.OlderThan < 0 {
		return res, observatory.Errorf(observatory.EINVALID, "keep and older-than cannot be negative")
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	unlock, err := d.lock()
	if err != nil {
		return res, err
	}
	defer unlock()
	cur, err := d.Current()
	if err != nil {
		return res, err
	}
	ids, err := d.List()
	if err != nil {
		return res, err
	}
	slices.Reverse(ids) // newest first
	for i, id := range ids {
		created, _ := Created(id)
		young := opt.OlderThan > 0 && opt.Now.Sub(created) < opt.OlderThan
		if id == cur || i < opt.Keep || young {
			res.Kept = append(res.Kept, id)
			continue
		}
		n, removed, err := d.removeSnapshot(id, opt.DryRun)
		if err != nil {
			return res, err
		}
		if !removed {
			res.InUse = append(res.InUse, id)
			res.Kept = append(res.Kept, id)
			continue
		}
		res.Removed = append(res.Removed, Pruned{ID: id, Created: created, Bytes: n})
		res.Freed += n
	}
	return res, nil
}

// removeSnapshot deletes snapshot id unless some process holds it open:
// the exclusive lock is held while the file goes, so a server opening it
// meanwhile sees it gone (openHandle checks) rather than half there.
func (d Dir) removeSnapshot(id string, dryRun bool) (int64, bool, error) {
	path := d.Path(id)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, true, nil
	}
	if err != nil {
		return 0, false, err
	}
	defer f.Close()
	ok, err := flockFile(f, true)
	if err != nil || !ok {
		return 0, false, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, false, err
	}
	n := st.Size()
	if dryRun {
		return n, true, nil
	}
	if wal, err := os.Stat(path + ".wal"); err == nil {
		n += wal.Size()
		if err := os.Remove(path + ".wal"); err != nil {
			return 0, false, err
		}
	}
	if err := os.Remove(path); err != nil {
		return 0, false, err
	}
	return n, true, syncDir(d.snapshots())
}
