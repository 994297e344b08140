package duckdb

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

// Hub serves the current snapshot of a Dir and switches to a new one
// atomically: requests in flight keep the snapshot they started with, which
// is closed once the last of them releases it.
type Hub struct {
	dir   Dir
	log   *slog.Logger
	cur   atomic.Pointer[handle]
	mu    sync.Mutex // serialises Reload
	infos sync.Map   // id -> *observatory.Snapshot; snapshots never change
}

type handle struct {
	db   *DB
	refs atomic.Int64 // the hub holds one reference while the handle is current
}

func (h *handle) release() {
	if h.refs.Add(-1) == 0 {
		h.db.Close()
	}
}

// NewHub returns a hub over dir with no snapshot open; call Reload.
func NewHub(dir Dir, log *slog.Logger) *Hub {
	return &Hub{dir: dir, log: log}
}

// Acquire returns the current snapshot and a release function to call when
// the request is done with it.
func (h *Hub) Acquire() (observatory.Store, func(), error) {
	for {
		c := h.cur.Load()
		if c == nil {
			return nil, nil, observatory.Errorf(observatory.EUNAVAILABLE, "no snapshot is loaded yet")
		}
		if c.refs.Add(1) > 1 {
			return c.db, c.release, nil
		}
		// The handle was being closed between Load and Add: undo and retry
		// with the new current one.
		c.refs.Add(-1)
	}
}

// Current is the id of the snapshot being served, "" before the first.
func (h *Hub) Current() string {
	if c := h.cur.Load(); c != nil {
		return c.db.ID
	}
	return ""
}

// Reload switches to the directory's current snapshot if it changed.
func (h *Hub) Reload(ctx context.Context) (bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	id, err := h.dir.Current()
	if err != nil || id == "" || id == h.Current() {
		return false, err
	}
	db, err := Open(ctx, h.dir, id)
	if err != nil {
		return false, err
	}
	nh := &handle{db: db}
	nh.refs.Store(1)
	old := h.cur.Swap(nh)
	if old != nil {
		old.release()
	}
	h.log.Info("snapshot switched", "snapshot", id)
	return true, nil
}

// Watch reloads every interval until ctx ends, so an ingest run by another
// process is picked up without a restart.
func (h *Hub) Watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := h.Reload(ctx); err != nil {
				h.log.Error("snapshot reload", "err", err)
			}
		}
	}
}

// Snapshots describes every complete snapshot of the directory, newest
// first, marking the one being served.
func (h *Hub) Snapshots(ctx context.Context) ([]observatory.Snapshot, error) {
	ids, err := h.dir.List()
	if err != nil {
		return nil, err
	}
	cur := h.Current()
	out := make([]observatory.Snapshot, 0, len(ids))
	for i := len(ids) - 1; i >= 0; i-- {
		s, err := h.info(ctx, ids[i])
		if err != nil {
			h.log.Warn("snapshot unreadable", "snapshot", ids[i], "err", err)
			continue
		}
		c := *s
		c.Current = c.ID == cur
		out = append(out, c)
	}
	return out, nil
}

func (h *Hub) info(ctx context.Context, id string) (*observatory.Snapshot, error) {
	if v, ok := h.infos.Load(id); ok {
		return v.(*observatory.Snapshot), nil
	}
	var s *observatory.Snapshot
	if st, release, err := h.Acquire(); err == nil && st.Snapshot() == id {
		s, err = st.Info(ctx)
		release()
		if err != nil {
			return nil, err
		}
	} else {
		if err == nil {
			release()
		}
		db, err := Open(ctx, h.dir, id)
		if err != nil {
			return nil, err
		}
		defer db.Close()
		if s, err = db.Info(ctx); err != nil {
			return nil, err
		}
	}
	h.infos.Store(id, s)
	return s, nil
}

// Close closes the snapshot being served once requests release it.
func (h *Hub) Close() error {
	if old := h.cur.Swap(nil); old != nil {
		old.release()
	}
	return nil
}
