package observatory

import (
	"math"
	"sync"
)

// Landmasses groups communes into pieces of land: communes that share a
// border edge are on the same landmass. Mainland France is one, Corsica
// another, each island (Oléron, Belle-Île, Marie-Galante…) its own. A
// distance measured across the sea is flagged: people cannot walk it.
type Landmasses struct {
	of map[string]int // commune code → landmass id
}

// Of is the landmass of a commune (an arrondissement municipal's is its
// commune's), -1 when it has no outline.
func (l *Landmasses) Of(code string) int {
	if id, ok := l.of[code]; ok {
		return id
	}
	if id, ok := l.of[ArrondissementCommune(code)]; ok {
		return id
	}
	return -1
}

// Count is the number of landmasses.
func (l *Landmasses) Count() int {
	seen := map[int]bool{}
	for _, id := range l.of {
		seen[id] = true
	}
	return len(seen)
}

// NewLandmasses finds the landmasses of outlines that share their borders'
// vertices exactly (the embedded outlines are built so: see
// datasets/internal/gengeo): two outlines meet when they share an edge.
func NewLandmasses(s *CommuneShapes) *Landmasses {
	parent := make([]int, len(s.codes))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	type key struct{ ax, ay, bx, by int64 }
	grid := func(v float64) int64 { return int64(math.Round(v * 1e5)) }
	first := map[key]int{}
	for i, mp := range s.shapes {
		for _, poly := range mp {
			for _, ring := range poly {
				for k := 1; k < len(ring); k++ {
					a := [2]int64{grid(ring[k-1][0]), grid(ring[k-1][1])}
					b := [2]int64{grid(ring[k][0]), grid(ring[k][1])}
					if a[0] > b[0] || a[0] == b[0] && a[1] > b[1] {
						a, b = b, a
					}
					e := key{a[0], a[1], b[0], b[1]}
					if j, ok := first[e]; ok {
						if ri, rj := find(i), find(j); ri != rj {
							parent[ri] = rj
						}
					} else {
						first[e] = i
					}
				}
			}
		}
	}
	l := &Landmasses{of: make(map[string]int, len(s.codes))}
	for i, code := range s.codes {
		l.of[code] = find(i)
	}
	return l
}

// lazyLands finds the landmasses on first use, once per gazetteer.
type lazyLands struct {
	once  sync.Once
	lands *Landmasses
	err   error
}

// Landmasses returns the landmasses of the commune outlines, found on
// first use (about a second) and shared afterwards.
func (g *Gazetteer) Landmasses() (*Landmasses, error) {
	l := &g.lands
	l.once.Do(func() {
		s, err := g.CommuneShapes()
		if err != nil {
			l.err = err
			return
		}
		l.lands = NewLandmasses(s)
	})
	return l.lands, l.err
}
