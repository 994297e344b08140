package api

import (
	"container/list"
	"sync"
)

// memo keeps the last few intermediate results the indicators compute
// (every commune's access to one offer, say) for all requests: keys name
// their snapshot, which never changes. Concurrent requests for the same key
// wait for one computation. Errors are not kept.
type memo struct {
	mu    sync.Mutex
	max   int
	lru   *list.List // of *memoEntry, most recent first
	byKey map[string]*list.Element
}

type memoEntry struct {
	key  string
	done chan struct{}
	val  any
	err  error
}

func newMemo(max int) *memo {
	return &memo{max: max, lru: list.New(), byKey: map[string]*list.Element{}}
}

// Do returns the value of key, computing it once.
func (m *memo) Do(key string, compute func() (any, error)) (any, error) {
	m.mu.Lock()
	if el, ok := m.byKey[key]; ok {
		m.lru.MoveToFront(el)
		e := el.Value.(*memoEntry)
		m.mu.Unlock()
		<-e.done
		return e.val, e.err
	}
	e := &memoEntry{key: key, done: make(chan struct{})}
	m.byKey[key] = m.lru.PushFront(e)
	for m.lru.Len() > m.max {
		old := m.lru.Back()
		m.lru.Remove(old)
		delete(m.byKey, old.Value.(*memoEntry).key)
	}
	m.mu.Unlock()
	e.val, e.err = compute()
	if e.err != nil {
		// Dropped before the waiters wake, so that one retrying (its
		// own request still alive, observatory's memo) computes anew.
		m.mu.Lock()
		if el, ok := m.byKey[key]; ok && el.Value == e {
			m.lru.Remove(el)
			delete(m.byKey, key)
		}
		m.mu.Unlock()
	}
	close(e.done)
	return e.val, e.err
}
