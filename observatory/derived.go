package observatory

import "sync"

// derived holds what other packages build from the geography alone, once
// per gazetteer (Derived).
type derived struct {
	mu sync.Mutex
	by map[string]any
}

// Derived returns the value under key, built by build the first time: a
// structure another package derives from the geography alone (the map's
// projected outlines), shared by every server of the process as the
// gazetteer's own are. build must not call Derived.
func (g *Gazetteer) Derived(key string, build func() any) any {
	d := &g.derived
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.by[key]
	if !ok {
		if d.by == nil {
			d.by = map[string]any{}
		}
		v = build()
		d.by[key] = v
	}
	return v
}
