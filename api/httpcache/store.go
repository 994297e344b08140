// Package httpcache is plain net/http middleware for responses that never
// change for a given snapshot: strong ETags with 304 answers, and a
// bounded in-memory cache of encoded responses shared by every encoding.
package httpcache

import (
	"container/list"
	"net/http"
	"sync"
	"sync/atomic"
)

// The cache's LRU list is hand-written (container/list and a map): it is a
// few dozen lines, and the entries' cost in bytes, not their count, is the
// bound, which the common LRU libraries do not do.

// entry is one response: status, the handler's headers and its body in
// the encodings asked for so far (identity, gzip or both).
type entry struct {
	key          string
	status       int
	header       http.Header
	etag         string // of the identity body; gzip adds a suffix
	compressible bool   // a gzip variant may be made from the identity one
	identity     []byte
	gzipped      []byte
}

func (e *entry) cost() int64 {
	return int64(len(e.identity)+len(e.gzipped)+len(e.key)) + 512 // headers and bookkeeping
}

// store keeps entries least recently used first out, within a budget in
// bytes.
type store struct {
	mu     sync.Mutex
	budget int64
	size   int64
	lru    *list.List // of *entry, most recent first
	byKey  map[string]*list.Element

	hits, misses, evictions atomic.Int64
}

func newStore(budget int64) *store {
	return &store{budget: budget, lru: list.New(), byKey: map[string]*list.Element{}}
}

func (s *store) get(key string) (*entry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	el, ok := s.byKey[key]
	if !ok {
		s.misses.Add(1)
		return nil, false
	}
	s.lru.MoveToFront(el)
	s.hits.Add(1)
	return el.Value.(*entry), true
}

// put adds e, or merges its bodies into the entry already there (a gzip
// variant recorded after an identity one), then evicts down to the budget.
func (s *store) put(e *entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if el, ok := s.byKey[e.key]; ok {
		old := el.Value.(*entry)
		s.size -= old.cost()
		merged := *old
		if merged.identity == nil {
			merged.identity = e.identity
		}
		if merged.gzipped == nil {
			merged.gzipped = e.gzipped
		}
		e = &merged
		s.lru.Remove(el)
	}
	s.byKey[e.key] = s.lru.PushFront(e)
	s.size += e.cost()
	for s.size > s.budget && s.lru.Len() > 0 {
		old := s.lru.Back()
		oe := old.Value.(*entry)
		s.lru.Remove(old)
		delete(s.byKey, oe.key)
		s.size -= oe.cost()
		s.evictions.Add(1)
	}
}

// Stats are the cache's counters, for metrics.
type Stats struct {
	Entries                 int
	Bytes                   int64
	Hits, Misses, Evictions int64
}

func (s *store) stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Entries: s.lru.Len(), Bytes: s.size, Hits: s.hits.Load(), Misses: s.misses.Load(), Evictions: s.evictions.Load()}
}
