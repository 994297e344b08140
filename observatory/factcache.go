package observatory

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// cachedFacts keeps the facts one computation reads several times: a
// simulation reads the same offer before and after, for each indicator; a
// profile reads the same offer facts for eight indicators and the same
// survey for three, and each read is a scan of the snapshot. A profile
// computes its indicators concurrently, so a read in flight is shared:
// the second caller waits for the first instead of scanning again.
// Callers only read the slices it hands out.
type cachedFacts struct {
	FactStore
	mu *sync.Mutex
	m  map[string]*factEntry
}

// factEntry is one read: done closes once v and err are set.
type factEntry struct {
	done chan struct{}
	v    any
	err  error
}

func newCachedFacts(s FactStore) *cachedFacts {
	return &cachedFacts{FactStore: s, m: map[string]*factEntry{}, mu: &sync.Mutex{}}
}

// cachedCall returns the value under key, reading it with get once. A
// failed read is forgotten, so a later caller tries again.
func cachedCall[T any](f *cachedFacts, key string, get func() (T, error)) (T, error) {
	f.mu.Lock()
	e, ok := f.m[key]
	if !ok {
		e = &factEntry{done: make(chan struct{})}
		f.m[key] = e
	}
	f.mu.Unlock()
	if ok {
		<-e.done
		if e.err != nil {
			var zero T
			return zero, e.err
		}
		return e.v.(T), nil
	}
	v, err := get()
	e.v, e.err = v, err
	if err != nil {
		f.mu.Lock()
		delete(f.m, key)
		f.mu.Unlock()
	}
	close(e.done)
	return v, err
}

func factKey(kind string, q FactQuery) string {
	return fmt.Sprintf("%s|%s|%s|%s|%d|%s|%t|%s", kind, q.Level, q.At.Format(time.DateOnly), q.View, q.Year, q.Family, q.ByFamily,
		programmeKey(q.Programmes))
}

func (f *cachedFacts) OfferFacts(ctx context.Context, q FactQuery) ([]OfferFacts, error) {
	return cachedCall(f, factKey("offer", q), func() ([]OfferFacts, error) { return f.FactStore.OfferFacts(ctx, q) })
}

func (f *cachedFacts) DemandFacts(ctx context.Context, q FactQuery) ([]DemandFacts, error) {
	return cachedCall(f, factKey("demand", q), func() ([]DemandFacts, error) { return f.FactStore.DemandFacts(ctx, q) })
}

func (f *cachedFacts) Calendar(ctx context.Context) (Calendar, error) {
	return cachedCall(f, "calendar", func() (Calendar, error) { return f.FactStore.Calendar(ctx) })
}

func (f *cachedFacts) Families(ctx context.Context) ([]string, error) {
	return cachedCall(f, "families", func() ([]string, error) { return f.FactStore.Families(ctx) })
}

// MemoFacts reads a snapshot's facts through m, so that the same query is
// run once per snapshot: a snapshot never changes, and each territory's
// profile (a page of its own for the response cache) would otherwise
// rescan the catalogue for the facts of its whole level. Callers only
// read the slices it hands out. With m nil it is s.
func MemoFacts(s FactStore, m Memo, snapshot string) FactStore {
	if m == nil {
		return s
	}
	return memoFacts{FactStore: s, m: m, snapshot: snapshot}
}

type memoFacts struct {
	FactStore
	m        Memo
	snapshot string
}

func memoCall[T any](ctx context.Context, f memoFacts, key string, get func() (T, error)) (T, error) {
	v, err := memoDo(ctx, f.m, f.snapshot+"|facts|"+key, func() (any, error) { return get() })
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}

func (f memoFacts) OfferFacts(ctx context.Context, q FactQuery) ([]OfferFacts, error) {
	return memoCall(ctx, f, factKey("offer", q), func() ([]OfferFacts, error) { return f.FactStore.OfferFacts(ctx, q) })
}

func (f memoFacts) DemandFacts(ctx context.Context, q FactQuery) ([]DemandFacts, error) {
	return memoCall(ctx, f, factKey("demand", q), func() ([]DemandFacts, error) { return f.FactStore.DemandFacts(ctx, q) })
}

func (f memoFacts) JobFacts(ctx context.Context, q FactQuery) ([]JobFacts, error) {
	return memoCall(ctx, f, factKey("jobs", q), func() ([]JobFacts, error) { return f.FactStore.JobFacts(ctx, q) })
}
