package api

import (
	"context"
	"errors"
	"testing"
)

// A failed computation is dropped before its waiters wake: one that asks
// again at once (observatory's memo does, when the failure was another
// request's cancellation) computes anew instead of reading the failure.
func TestMemoWaiterAsksAgainAfterAFailure(t *testing.T) {
	m := newMemo(4)
	started, release, firstDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(firstDone)
		m.Do("k", func() (any, error) { close(started); <-release; return nil, context.Canceled })
	}()
	<-started
	type answer struct {
		v   any
		err error
	}
	waited := make(chan answer)
	go func() {
		v, err := m.Do("k", func() (any, error) { return "not this one", nil })
		if err != nil {
			v, err = m.Do("k", func() (any, error) { return 42, nil })
		}
		waited <- answer{v, err}
	}()
	// The second caller is waiting on the first's entry (or will find it
	// gone and compute); either way it must end with a value.
	close(release)
	a := <-waited
	<-firstDone
	if a.err != nil || (a.v != 42 && a.v != "not this one") {
		t.Fatalf("waiter got %v, %v; want a value", a.v, a.err)
	}
	if v, err := m.Do("k", func() (any, error) { return "again", nil }); err != nil || v == nil {
		t.Fatalf("after the retry: %v, %v", v, err)
	}
	// Errors are not kept.
	if _, err := m.Do("e", func() (any, error) { return nil, errors.New("boom") }); err == nil {
		t.Fatal("no error")
	}
	if v, err := m.Do("e", func() (any, error) { return 1, nil }); err != nil || v != 1 {
		t.Fatalf("after an error: %v, %v", v, err)
	}
}
