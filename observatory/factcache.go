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
// survey for three, and each read is a scan of the snapshot. Callers only
// read the slices it hands out.
type cachedFacts struct {
	FactStore
	mu *sync.Mutex
	m  map[string]any
}

func newCachedFacts(s FactStore) *cachedFacts {
	return &cachedFacts{FactStore: s, m: map[string]any{}, mu: &sync.Mutex{}}
}

func cachedCall[T any](f *cachedFacts, key string, get func() (T, error)) (T, error) {
	f.mu.Lock()
	if v, ok := f.m[key]; ok {
		f.mu.Unlock()
		return v.(T), nil
	}
	f.mu.Unlock()
	v, err := get()
	if err != nil {
		return v, err
	}
	f.mu.Lock()
	f.m[key] = v
	f.mu.Unlock()
	return v, nil
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
