package duckdb_test

import (
	"context"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// counted counts the scans of the catalogue and the surveys that reach the
// snapshot.
type counted struct {
	*duckdb.DB
	offer, demand, jobs atomic.Int64
}

func (c *counted) OfferFacts(ctx context.Context, q observatory.FactQuery) ([]observatory.OfferFacts, error) {
	c.offer.Add(1)
	return c.DB.OfferFacts(ctx, q)
}

func (c *counted) DemandFacts(ctx context.Context, q observatory.FactQuery) ([]observatory.DemandFacts, error) {
	c.demand.Add(1)
	return c.DB.DemandFacts(ctx, q)
}

func (c *counted) JobFacts(ctx context.Context, q observatory.FactQuery) ([]observatory.JobFacts, error) {
	c.jobs.Add(1)
	return c.DB.JobFacts(ctx, q)
}

func (c *counted) reads() int64 { return c.offer.Load() + c.demand.Load() + c.jobs.Load() }

// mapMemo keeps every value: the API's memo adds a bound and waiting.
type mapMemo struct {
	mu sync.Mutex
	m  map[string]any
}

func (m *mapMemo) Do(key string, compute func() (any, error)) (any, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.m[key]; ok {
		return v, nil
	}
	v, err := compute()
	if err == nil {
		m.m[key] = v
	}
	return v, err
}

// A profile reads each fact of its level once, and a second territory's
// profile reads none: the facts of the level are those of the first. The
// answers are those of the snapshot read directly.
func TestMemoFactsReadOncePerSnapshot(t *testing.T) {
	db, g := defaultsDB(t)
	ctx := context.Background()
	c := &counted{DB: db}
	memo := &mapMemo{m: map[string]any{}}
	svc := observatory.Indicators{Facts: observatory.MemoFacts(c, memo, db.ID), Geo: g, Snapshot: db.ID}
	plain := observatory.Indicators{Facts: db, Geo: g, Snapshot: db.ID}
	q := observatory.IndicatorQuery{Level: observatory.LevelDepartement}

	first, err := svc.Profile(ctx, q, "23")
	if err != nil {
		t.Fatal(err)
	}
	// The offer facts of the level, by family, and those of the family
	// share's total are the same query; the survey is read for hiring,
	// difficulty and the ratio.
	if n := c.offer.Load(); n == 0 || n > 2 {
		t.Errorf("one profile read the offer facts %d times, want 1 or 2", n)
	}
	if n := c.demand.Load(); n != 1 {
		t.Errorf("one profile read the survey facts %d times, want 1", n)
	}
	after := c.reads()
	second, err := svc.Profile(ctx, q, "87")
	if err != nil {
		t.Fatal(err)
	}
	if n := c.reads() - after; n != 0 {
		t.Errorf("a second territory's profile read the snapshot %d more times, want 0", n)
	}
	for code, got := range map[string]map[string]observatory.Value{"23": first, "87": second} {
		want, err := plain.Profile(ctx, q, code)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("profile of %s through the memo differs from the snapshot's", code)
		}
	}
	// Another snapshot's facts are its own.
	other := observatory.Indicators{Facts: observatory.MemoFacts(c, memo, "other"), Geo: g, Snapshot: "other"}
	before := c.reads()
	if _, err := other.Profile(ctx, q, "23"); err != nil {
		t.Fatal(err)
	}
	if c.reads() == before {
		t.Error("a profile of another snapshot was answered from this one's facts")
	}
}
