package observatory

import (
	"maps"
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Two territories are adjacent when they share a border of at least
// MinSharedKm, measured with a tolerance of ToleranceKm: for each of the two,
// the length of its boundary lying within the tolerance of the other's
// boundary; the shorter of the two, less 2×ToleranceKm, estimates the common
// border (the tolerance adds about its own length at each end of a border,
// where the outlines part, and that much around a point where two territories
// only touch or nearly touch). The defaults:
//
//   - AdjacencyToleranceKm = 1 km, so outlines that do not share vertices
//     (simplified separately, or rounded) still meet, while sea straits and
//     estuaries do not join: on the embedded départements the graph is the
//     same for any tolerance from 20 m to 2 km; from 3 km the Seine estuary
//     joins Calvados and Seine-Maritime.
//   - AdjacencyMinSharedKm = 0.3 km, above the sampling error (0.1 km per
//     end) and the leftovers of corner touches, below the shortest real
//     border between départements (Var–Vaucluse, about 0.7 km).
//
// docs/design.md ("Gaps") gives the measurements behind these figures.
//
// Bassins d'emploi and communes take BassinAdjacencyToleranceKm = 0.2 km
// instead: their outlines are unions of the same simplified commune arcs,
// so neighbours share their vertices exactly and no more tolerance is
// needed. At 1 km, Morlaix and Douarnenez, which meet over 115 m where four
// bassins nearly meet at a point in the Monts d'Arrée, would count as
// neighbours; from 0.05 to 0.2 km the graph of the 403 bassins is exactly
// that of their shared borders of at least 0.3 km.
const (
	AdjacencyToleranceKm       = 1.0
	AdjacencyMinSharedKm       = 0.3
	BassinAdjacencyToleranceKm = 0.2
)

// AdjacencyOptions tunes NewAdjacency; zero fields take the defaults above:
// BassinAdjacencyToleranceKm when every territory is a bassin or a
// commune, AdjacencyToleranceKm otherwise.
type AdjacencyOptions struct {
	ToleranceKm float64
	MinSharedKm float64
}

// Adjacency is the graph of shared borders between territories, computed
// from their outlines by NewAdjacency. It is immutable and safe for
// concurrent use.
type Adjacency struct {
	minShared  float64
	neighbours map[string][]string   // sorted codes
	border     map[[2]string]float64 // by sorted pair of codes, every pair found near each other
}

// adjSampleKm is the length of the pieces a boundary is cut into to measure
// how much of it lies near another boundary: the measured length is off by
// at most this much at each end of a stretch of border.
const adjSampleKm = 0.1

// adjCellDeg is the side of a cell of the segment index, in degrees: about
// 11 km of latitude, several times the tolerance, so a query looks at one to
// four cells.
const adjCellDeg = 0.1

// adjSegment is a boundary segment of territory owner, in lon/lat.
type adjSegment struct {
	a, b  orb.Point
	owner int
}

// NewAdjacency computes which territories share a border. Territories whose
// Geometry is neither an orb.Polygon nor an orb.MultiPolygon have no
// neighbours. Only pairs whose bounds (grown by the tolerance) meet are
// compared; each boundary segment gathers from a grid index the other
// territories' segments whose bounds come within the tolerance (coasts
// find none and are skipped), then is cut into pieces of adjSampleKm, each
// counted as near the territories with a segment within the tolerance of
// its middle. All 101 départements take about 30 ms; the 403 bassins, with
// five times the boundary sampled twice as finely (the smaller tolerance),
// about four times as long (BenchmarkAdjacency, BenchmarkAdjacencyBassins).
func NewAdjacency(ts []Territory, opt AdjacencyOptions) *Adjacency {
	if opt.ToleranceKm <= 0 {
		opt.ToleranceKm = AdjacencyToleranceKm
		if len(ts) > 0 && !slices.ContainsFunc(ts, func(t Territory) bool { return t.Level != LevelBassin && t.Level != LevelCommune }) {
			opt.ToleranceKm = BassinAdjacencyToleranceKm
		}
	}
	if opt.MinSharedKm <= 0 {
		opt.MinSharedKm = AdjacencyMinSharedKm
	}
	eps := opt.ToleranceKm
	step := min(adjSampleKm, eps/4)

	// Outlines as segments, padded bounds, and the grid index.
	rings := make([][]orb.Ring, len(ts))
	bounds := make([]orb.Bound, len(ts))
	has := make([]bool, len(ts))
	grid := map[[2]int][]adjSegment{}
	for i, t := range ts {
		for _, p := range polygons(t.Geometry) {
			for _, r := range p {
				if len(r) < 2 {
					continue
				}
				rings[i] = append(rings[i], r)
				b := padKm(r.Bound(), eps)
				if has[i] {
					bounds[i] = bounds[i].Union(b)
				} else {
					bounds[i], has[i] = b, true
				}
				for j := 1; j < len(r); j++ {
					s := adjSegment{r[j-1], r[j], i}
					lo, hi := cell(orb.Point{min(s.a[0], s.b[0]), min(s.a[1], s.b[1])}), cell(orb.Point{max(s.a[0], s.b[0]), max(s.a[1], s.b[1])})
					for x := lo[0]; x <= hi[0]; x++ {
						for y := lo[1]; y <= hi[1]; y++ {
							grid[[2]int{x, y}] = append(grid[[2]int{x, y}], s)
						}
					}
				}
			}
		}
	}

	// near[i][j]: km of i's boundary within eps of j's boundary.
	near := make([]map[int]float64, len(ts))
	for i := range ts {
		near[i] = map[int]float64{}
		var cands []int // bounding-box prefilter
		for j := range ts {
			if j != i && has[i] && has[j] && bounds[i].Intersects(bounds[j]) {
				cands = append(cands, j)
			}
		}
		if len(cands) == 0 {
			continue
		}
		var nearby []adjSegment // other territories' segments near the current one
		var seen []int
		for _, r := range rings[i] {
			for k := 1; k < len(r); k++ {
				a, b := r[k-1], r[k]
				n := math.Ceil(distanceKm(a, b) / step)
				if n == 0 || math.IsNaN(n) || math.IsInf(n, 0) {
					continue
				}
				nearby = closeSegments(grid, a, b, eps, i, cands, nearby[:0])
				if len(nearby) == 0 {
					continue // a coast, or a border far from the others
				}
				piece := distanceKm(a, b) / n
				for m := 0.5; m < n; m++ {
					p := orb.Point{a[0] + (b[0]-a[0])*m/n, a[1] + (b[1]-a[1])*m/n}
					seen = nearOwners(nearby, p, eps, seen[:0])
					for _, j := range seen {
						near[i][j] += piece
					}
				}
			}
		}
	}

	adj := &Adjacency{minShared: opt.MinSharedKm, neighbours: map[string][]string{}, border: map[[2]string]float64{}}
	for i := range ts {
		for j, km := range near[i] {
			if j < i {
				continue // each pair once, from its first territory
			}
			shared := min(km, near[j][i]) - 2*eps // the ends' share of the tolerance
			if shared <= 0 {
				continue
			}
			adj.border[pairKey(ts[i].Code, ts[j].Code)] = shared
			if shared >= opt.MinSharedKm {
				adj.neighbours[ts[i].Code] = append(adj.neighbours[ts[i].Code], ts[j].Code)
				adj.neighbours[ts[j].Code] = append(adj.neighbours[ts[j].Code], ts[i].Code)
			}
		}
	}
	for _, ns := range adj.neighbours {
		slices.Sort(ns)
	}
	return adj
}

// closeSegments appends to out the segments of the candidate territories
// (other than self) whose bounds come within eps km of segment ab's.
func closeSegments(grid map[[2]int][]adjSegment, a, b orb.Point, eps float64, self int, cands []int, out []adjSegment) []adjSegment {
	box := padKm(orb.Bound{Min: orb.Point{min(a[0], b[0]), min(a[1], b[1])}, Max: orb.Point{max(a[0], b[0]), max(a[1], b[1])}}, eps)
	lo, hi := cell(box.Min), cell(box.Max)
	for x := lo[0]; x <= hi[0]; x++ {
		for y := lo[1]; y <= hi[1]; y++ {
			for _, s := range grid[[2]int{x, y}] {
				if s.owner == self || max(s.a[0], s.b[0]) < box.Min[0] || min(s.a[0], s.b[0]) > box.Max[0] ||
					max(s.a[1], s.b[1]) < box.Min[1] || min(s.a[1], s.b[1]) > box.Max[1] {
					continue
				}
				if _, ok := slices.BinarySearch(cands, s.owner); ok {
					out = append(out, s) // a segment in several cells comes several times: harmless
				}
			}
		}
	}
	return out
}

// nearOwners appends to out the owners of the segments within eps km of p.
func nearOwners(segs []adjSegment, p orb.Point, eps float64, out []int) []int {
	kx := math.Cos(p[1]*math.Pi/180) * kmPerDegree
	eps2 := eps * eps
	for _, s := range segs {
		if slices.Contains(out, s.owner) {
			continue
		}
		a := orb.Point{(s.a[0] - p[0]) * kx, (s.a[1] - p[1]) * kmPerDegree}
		c := orb.Point{(s.b[0] - p[0]) * kx, (s.b[1] - p[1]) * kmPerDegree}
		if planar.DistanceFromSegmentSquared(a, c, orb.Point{}) <= eps2 {
			out = append(out, s.owner)
		}
	}
	return out
}

func cell(p orb.Point) [2]int {
	return [2]int{int(math.Floor(p[0] / adjCellDeg)), int(math.Floor(p[1] / adjCellDeg))}
}

// padKm grows a lon/lat bound by km on every side, in degrees of longitude
// at its latitude farthest from the equator.
func padKm(b orb.Bound, km float64) orb.Bound {
	dLat := km / kmPerDegree
	dLon := dLat / math.Cos(math.Min(math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1]))+dLat, 89)*math.Pi/180)
	return orb.Bound{Min: orb.Point{b.Min[0] - dLon, b.Min[1] - dLat}, Max: orb.Point{b.Max[0] + dLon, b.Max[1] + dLat}}
}

// distanceKm is the length of segment ab on a local equirectangular
// projection at its middle latitude: exact enough for the few kilometres of
// a simplified outline's segment.
func distanceKm(a, b orb.Point) float64 {
	kx := math.Cos((a[1]+b[1])/2*math.Pi/180) * kmPerDegree
	return math.Hypot((b[0]-a[0])*kx, (b[1]-a[1])*kmPerDegree)
}

// polygons returns the polygons of a Polygon or MultiPolygon, nil otherwise.
func polygons(g orb.Geometry) []orb.Polygon {
	switch g := g.(type) {
	case orb.Polygon:
		return []orb.Polygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}

func pairKey(a, b string) [2]string {
	if b < a {
		a, b = b, a
	}
	return [2]string{a, b}
}

// Neighbours returns the codes of the territories adjacent to code, sorted;
// nil for an unknown code or a territory without neighbours (an island).
func (a *Adjacency) Neighbours(code string) []string {
	return slices.Clone(a.neighbours[code])
}

// Adjacent reports whether the territories share a border.
func (a *Adjacency) Adjacent(x, y string) bool {
	return a.BorderKm(x, y) >= a.minShared && x != y
}

// BorderKm returns the estimated length of the border between two
// territories, in km (see AdjacencyToleranceKm), 0 when they are apart. It
// may be a little above 0 for territories that touch at a sharp corner;
// they are adjacent only from MinSharedKm.
func (a *Adjacency) BorderKm(x, y string) float64 {
	return a.border[pairKey(x, y)]
}

// Map returns the whole graph: code → sorted neighbour codes, for the
// territories that have at least one neighbour.
func (a *Adjacency) Map() map[string][]string {
	m := make(map[string][]string, len(a.neighbours))
	for c, ns := range a.neighbours {
		m[c] = slices.Clone(ns)
	}
	return m
}

// Components returns the connected components of the sub-graph induced by
// codes (through the adjacency), each sorted, the components ordered by
// their first code. Codes may be listed in any order; duplicates count once.
func (a *Adjacency) Components(codes []string) [][]string {
	in := make(map[string]bool, len(codes))
	for _, c := range codes {
		in[c] = true
	}
	done := make(map[string]bool, len(in))
	var comps [][]string
	for _, start := range slices.Sorted(maps.Keys(in)) {
		if done[start] {
			continue
		}
		comp := []string{start}
		done[start] = true
		for k := 0; k < len(comp); k++ {
			for _, n := range a.neighbours[comp[k]] {
				if in[n] && !done[n] {
					done[n] = true
					comp = append(comp, n)
				}
			}
		}
		slices.Sort(comp)
		comps = append(comps, comp)
	}
	return comps
}

// adjacencies keeps each level's adjacency graph: the outlines never
// change, and a graph takes tens of milliseconds to build. Each level is
// built under its own Once, so a slow level does not hold up the others.
type adjacencies struct {
	mu  sync.Mutex
	adj map[Level]func() *Adjacency
}

// Adjacency is the adjacency graph of a level's territories (default
// options), built on first use and shared afterwards.
func (g *Gazetteer) Adjacency(l Level) *Adjacency {
	a := &g.adjacency
	a.mu.Lock()
	get, ok := a.adj[l]
	if !ok {
		if a.adj == nil {
			a.adj = map[Level]func() *Adjacency{}
		}
		get = sync.OnceValue(func() *Adjacency { return NewAdjacency(g.Territories(l), AdjacencyOptions{}) })
		a.adj[l] = get
	}
	a.mu.Unlock()
	return get()
}
