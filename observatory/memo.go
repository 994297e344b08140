package observatory

// Memo keeps what the indicators compute from a snapshot and a query and
// reuse across requests: a snapshot never changes, so neither does, say,
// every commune's access to the offer in force on a date. Keys start with
// the snapshot id. The server gives one; without it nothing is kept.
type Memo interface {
	Do(key string, compute func() (any, error)) (any, error)
}

// memo runs compute through s.Memo when there is one.
func (s Indicators) memo(key string, compute func() (any, error)) (any, error) {
	if s.Memo == nil {
		return compute()
	}
	return s.Memo.Do(s.Snapshot+"|"+key, compute)
}
