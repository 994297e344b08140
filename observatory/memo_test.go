package observatory

import (
	"context"
	"errors"
	"testing"
)

// passMemo keeps nothing: each Do computes, as the server's memo does
// after a failure (errors are not kept).
type passMemo struct{}

func (passMemo) Do(key string, compute func() (any, error)) (any, error) { return compute() }

// A request whose memo computation was cut short by another request's
// cancellation computes again under its own context; one whose own
// context is done gets its error.
func TestMemoDoRetriesAnotherRequestsCancellation(t *testing.T) {
	m := passMemo{}
	calls := 0
	compute := func() (any, error) {
		calls++
		if calls == 1 {
			return nil, errors.New("INTERRUPT Error: Interrupted!") // the request that started it went away
		}
		return "value", nil
	}
	v, err := memoDo(context.Background(), m, "k", compute)
	if err != nil || v != "value" || calls != 2 {
		t.Fatalf("alive request: %v, %v after %d computations; want the value after 2", v, err, calls)
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	calls = 0
	if _, err := memoDo(gone, m, "k", compute); err == nil || calls != 1 {
		t.Fatalf("cancelled request: err %v after %d computations; want its error after 1", err, calls)
	}
}
