package duckdb

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

// Hub serves the current snapshot of a Dir and switches to a new one
// atomically: requests in flight keep the snapshot they started with, which
// is closed once the last of them releases it. Past snapshots are served
// too (AcquireAt), from a bounded cache of read-only handles.
type Hub struct {
	dir   Dir
	log   *slog.Logger
	opt   HubOptions
	cur   atomic.Pointer[handle]
	past  *pastHandles
	mu    sync.Mutex // serialises Reload
	infos sync.Map   // id -> *observatory.Snapshot; snapshots never change
}

// HubOptions tune a hub; zero values get defaults.
type HubOptions struct {
	// MaxPast is how many past snapshots stay open for replay, least
	// recently used out first (DefaultMaxPast; at least 1).
	MaxPast int
	// IdlePast closes a past snapshot no request has read for this long
	// (DefaultIdlePast), so it does not stay locked against prune.
	IdlePast time.Duration
	// OnSwitch runs after the hub switches to a new current snapshot.
	OnSwitch func(ctx context.Context, id string)
}

// Defaults of HubOptions.
const (
	DefaultMaxPast  = 4
	DefaultIdlePast = 2 * time.Minute
)

func clampMax(n int) int {
	if n <= 0 {
		return DefaultMaxPast
	}
	return n
}

// NewHub returns a hub over dir with no snapshot open; call Reload.
func NewHub(dir Dir, log *slog.Logger) *Hub { return NewHubWith(dir, log, HubOptions{}) }

// NewHubWith is NewHub with options.
func NewHubWith(dir Dir, log *slog.Logger, opt HubOptions) *Hub {
	opt.MaxPast = clampMax(opt.MaxPast)
	if opt.IdlePast <= 0 {
		opt.IdlePast = DefaultIdlePast
	}
	return &Hub{dir: dir, log: log, opt: opt, past: newPastHandles(dir, opt.MaxPast)}
}

// MaxPast is the number of past snapshots kept open for replay.
func (h *Hub) MaxPast() int { return h.opt.MaxPast }

// Acquire returns the current snapshot and a release function to call when
// the request is done with it.
func (h *Hub) Acquire() (observatory.Store, func(), error) {
	for {
		c := h.cur.Load()
		if c == nil {
			return nil, nil, observatory.Errorf(observatory.EUNAVAILABLE, "no snapshot is loaded yet")
		}
		if c.tryAcquire() {
			return c.db, c.release, nil
		}
		// The handle closed between Load and tryAcquire: retry with the
		// new current one.
	}
}

// AcquireAt returns snapshot id, current or past ("" is the current one).
// An id that is not a snapshot of the directory, or no longer one, is an
// observatory.ENOTFOUND error naming it.
func (h *Hub) AcquireAt(ctx context.Context, id string) (observatory.Store, func(), error) {
	if id == "" {
		return h.Acquire()
	}
	if c := h.cur.Load(); c != nil && c.db.ID == id && c.tryAcquire() {
		return c.db, c.release, nil
	}
	p, err := h.past.acquire(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return p.db, p.release, nil
}

// Current is the id of the snapshot being served, "" before the first.
func (h *Hub) Current() string {
	if c := h.cur.Load(); c != nil {
		return c.db.ID
	}
	return ""
}

// Open lists the snapshots the hub has open: the current one, then the
// past ones kept for replay.
func (h *Hub) Open() []string {
	var ids []string
	if id := h.Current(); id != "" {
		ids = append(ids, id)
	}
	return append(ids, h.past.open()...)
}

// Reload switches to the directory's current snapshot if it changed.
func (h *Hub) Reload(ctx context.Context) (bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	id, err := h.dir.Current()
	if err != nil || id == "" || id == h.Current() {
		return false, err
	}
	nh, err := openHandle(ctx, h.dir, id, "")
	if err != nil {
		return false, err
	}
	if old := h.cur.Swap(nh); old != nil {
		// The snapshot just replaced is the likeliest to be replayed.
		h.past.adopt(old)
	}
	h.log.Info("snapshot switched", "snapshot", id)
	if h.opt.OnSwitch != nil {
		h.opt.OnSwitch(ctx, id)
	}
	return true, nil
}

// Watch reloads every interval until ctx ends, so an ingest run by another
// process is picked up without a restart, and closes the past snapshots
// no request has read for a while.
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
			h.past.expire(h.opt.IdlePast)
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
	out := make([]observatory.Snapshot, 0, len(ids))
	for i := len(ids) - 1; i >= 0; i-- {
		s, err := h.Snapshot(ctx, ids[i])
		if err != nil {
			h.log.Warn("snapshot unreadable", "snapshot", ids[i], "err", err)
			continue
		}
		out = append(out, *s)
	}
	return out, nil
}

// Snapshot describes snapshot id: what it was built from and by, its
// counts, the run's notes; ENOTFOUND when there is no such snapshot.
func (h *Hub) Snapshot(ctx context.Context, id string) (*observatory.Snapshot, error) {
	s, err := h.info(ctx, id)
	if err != nil {
		return nil, err
	}
	c := *s
	c.Current = c.ID == h.Current()
	return &c, nil
}

func (h *Hub) info(ctx context.Context, id string) (*observatory.Snapshot, error) {
	if v, ok := h.infos.Load(id); ok {
		return v.(*observatory.Snapshot), nil
	}
	st, release, err := h.AcquireAt(ctx, id)
	if err != nil {
		return nil, err
	}
	defer release()
	s, err := st.Info(ctx)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(h.dir.Path(id)); err == nil {
		s.Bytes = fi.Size()
	}
	h.infos.Store(id, s)
	return s, nil
}

// Prune removes the snapshots opt does not keep, as Dir.Prune does, after
// closing the past snapshots no request is reading: only those in use
// (here or in another process) are kept beyond opt.
func (h *Hub) Prune(opt PruneOptions) (PruneResult, error) {
	h.past.expire(0)
	res, err := h.dir.Prune(opt)
	for _, p := range res.Removed {
		if !opt.DryRun {
			h.infos.Delete(p.ID)
		}
	}
	return res, err
}

// Close closes the snapshots the hub holds once requests release them.
func (h *Hub) Close() error {
	if old := h.cur.Swap(nil); old != nil {
		old.release()
	}
	h.past.closeAll()
	return nil
}
