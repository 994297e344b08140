package observatory

import "context"

// Memo keeps what the indicators compute from a snapshot and a query and
// reuse across requests: a snapshot never changes, so neither does, say,
// every commune's access to the offer in force on a date. Keys start with
// the snapshot id. The server gives one; without it nothing is kept.
type Memo interface {
	Do(key string, compute func() (any, error)) (any, error)
}

// memo runs compute through s.Memo when there is one.
func (s Indicators) memo(ctx context.Context, key string, compute func() (any, error)) (any, error) {
	if s.Memo == nil {
		return compute()
	}
	return memoDo(ctx, s.Memo, s.Snapshot+"|"+key, compute)
}

// memoDo is m.Do, except that a request does not fail because another one
// was cut short: the computation runs under the context of the request
// that started it, and when that one is cancelled (a browser that moved
// on, a time limit) those that waited for it compute again under theirs.
// The failure does not always say it was a cancellation (DuckDB answers
// "INTERRUPT Error"), so any failure is tried once more while the
// request is alive: a real error then comes back the second time.
func memoDo(ctx context.Context, m Memo, key string, compute func() (any, error)) (any, error) {
	v, err := m.Do(key, compute)
	if err != nil && ctx.Err() == nil {
		return m.Do(key, compute)
	}
	return v, err
}
