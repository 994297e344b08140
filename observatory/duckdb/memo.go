package duckdb

import (
	"context"
	"slices"
	"sync"

	"github.com/gen-numerique/observatory/observatory"
)

// facts keeps what a snapshot says of itself and nearly every request
// asks: its calendar, its families and its programmes. A snapshot never
// changes once published, so each is read once per open snapshot rather
// than once per request (3 to 4 ms of DuckDB each on a cold indicator:
// BenchmarkColdPaths). Failed reads (a cancelled request) are not kept.
type facts struct {
	mu sync.Mutex
	m  map[string]any
}

func keep[T any](d *DB, key string, read func() (T, error)) (T, error) {
	d.facts.mu.Lock()
	v, ok := d.facts.m[key]
	d.facts.mu.Unlock()
	if ok {
		return v.(T), nil
	}
	t, err := read()
	if err != nil {
		return t, err
	}
	d.facts.mu.Lock()
	if d.facts.m == nil {
		d.facts.m = map[string]any{}
	}
	d.facts.m[key] = t
	d.facts.mu.Unlock()
	return t, nil
}

// Calendar reads the snapshot's time (calendar); callers get their own
// copy of its lists.
func (d *DB) Calendar(ctx context.Context) (observatory.Calendar, error) {
	c, err := keep(d, "calendar", func() (observatory.Calendar, error) { return d.calendar(ctx) })
	c.Waves, c.LabelYears, c.Surveys = slices.Clone(c.Waves), slices.Clone(c.LabelYears), slices.Clone(c.Surveys)
	return c, err
}

// Families lists the job families of the referential and any other the
// catalogue uses, sorted (families).
func (d *DB) Families(ctx context.Context) ([]string, error) {
	f, err := keep(d, "families", func() ([]string, error) { return d.families(ctx) })
	return slices.Clone(f), err
}

// Programmes lists the programmes of the snapshot (programmes); the
// lists inside each are shared and must not be changed.
func (d *DB) Programmes(ctx context.Context) ([]observatory.Programme, error) {
	p, err := keep(d, "programmes", func() ([]observatory.Programme, error) { return d.programmes(ctx) })
	return slices.Clone(p), err
}
