package duckdb

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// pastHandles keeps the past snapshots that requests replay open, at most
// max of them, least recently used out first. Each DuckDB instance costs
// file handles and a buffer pool (capped at pastMemoryLimit). An entry
// evicted while requests read it closes when the last one releases it;
// live bounds those too: at most 2 × max past snapshots are open at once,
// and a request for another waits until one closes.
type pastHandles struct {
	dir  Dir
	max  int
	live chan struct{} // a slot per open past snapshot

	mu   sync.Mutex
	lru  *list.List // of *pastEntry, most recent first
	byID map[string]*list.Element
}

// pastMemoryLimit caps the buffer pool of each past snapshot (DuckDB's
// default is 80 % of the machine's memory, per instance).
const pastMemoryLimit = "&memory_limit=256MB"

type pastEntry struct {
	id    string
	h     *handle       // nil while opening
	ready chan struct{} // closed once opened or failed
	err   error
	used  time.Time
}

func newPastHandles(dir Dir, max int) *pastHandles {
	max = clampMax(max)
	return &pastHandles{dir: dir, max: max, live: make(chan struct{}, 2*max), lru: list.New(), byID: map[string]*list.Element{}}
}

// acquire returns snapshot id with a reference taken for the caller,
// opening it if it is not open; concurrent requests for the same id wait
// for one open.
func (p *pastHandles) acquire(ctx context.Context, id string) (*handle, error) {
	for {
		p.mu.Lock()
		if el, ok := p.byID[id]; ok {
			e := el.Value.(*pastEntry)
			if e.h != nil {
				p.lru.MoveToFront(el)
				e.used = time.Now()
				e.h.refs.Add(1) // the cache holds one, so it cannot be closing
				p.mu.Unlock()
				return e.h, nil
			}
			p.mu.Unlock()
			select {
			case <-e.ready:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if e.err != nil {
				return nil, e.err
			}
			continue
		}
		e := &pastEntry{id: id, ready: make(chan struct{})}
		p.byID[id] = p.lru.PushFront(e)
		p.mu.Unlock()
		h, err := p.openLive(ctx, id)
		p.mu.Lock()
		if err != nil {
			e.err = err
			p.remove(e)
		} else {
			e.h, e.used = h, time.Now()
			p.evict()
		}
		close(e.ready)
		p.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
}

// openLive opens id once a live slot is free; the slot is freed when the
// handle closes.
func (p *pastHandles) openLive(ctx context.Context, id string) (*handle, error) {
	select {
	case p.live <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// Opened for whoever asks next, not only this request: its
	// cancellation must not fail the others waiting.
	h, err := openHandle(context.WithoutCancel(ctx), p.dir, id, pastMemoryLimit)
	if err != nil {
		<-p.live
		return nil, err
	}
	h.onClose = func() { <-p.live }
	return h, nil
}

// adopt takes over a handle the hub no longer serves as current, with its
// reference: the snapshot it names is the likeliest to be replayed.
func (p *pastHandles) adopt(h *handle) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.byID[h.db.ID]; ok {
		h.release()
		return
	}
	e := &pastEntry{id: h.db.ID, h: h, ready: make(chan struct{}), used: time.Now()}
	close(e.ready)
	p.byID[e.id] = p.lru.PushFront(e)
	p.evict()
}

// evict drops the least recently used open entries beyond max. Entries
// still opening are left alone: their opener holds them.
func (p *pastHandles) evict() {
	for el := p.lru.Back(); el != nil && p.lru.Len() > p.max; {
		prev := el.Prev()
		if e := el.Value.(*pastEntry); e.h != nil {
			p.remove(e)
			e.h.release()
		}
		el = prev
	}
}

// expire closes the entries no request has used for idle and none holds
// now, so a server does not keep snapshots open (and locked against a
// prune from the command line) that nobody reads any more.
func (p *pastHandles) expire(idle time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for el := p.lru.Back(); el != nil; {
		prev := el.Prev()
		if e := el.Value.(*pastEntry); e.h != nil && time.Since(e.used) >= idle && e.h.refs.Load() == 1 {
			p.remove(e)
			e.h.release()
		}
		el = prev
	}
}

// open lists the ids open now, most recently used first.
func (p *pastHandles) open() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var ids []string
	for el := p.lru.Front(); el != nil; el = el.Next() {
		if e := el.Value.(*pastEntry); e.h != nil {
			ids = append(ids, e.id)
		}
	}
	return ids
}

// closeAll drops every entry; handles in use close when released.
func (p *pastHandles) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for el := p.lru.Front(); el != nil; {
		next := el.Next()
		if e := el.Value.(*pastEntry); e.h != nil {
			p.remove(e)
			e.h.release()
		}
		el = next
	}
}

func (p *pastHandles) remove(e *pastEntry) {
	if el, ok := p.byID[e.id]; ok && el.Value == e {
		p.lru.Remove(el)
		delete(p.byID, e.id)
	}
}
