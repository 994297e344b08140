package main

import (
	"fmt"
	"math"
	"slices"
)

// simplifier simplifies the arcs of a topology once each, so that
// neighbours keep sharing exactly the same vertices, and without changing
// the topology: Douglas–Peucker on each arc (endpoints kept) accepts a
// shortcut only if the region between it and the part of the arc it
// replaces holds no other vertex of the source (so no kept vertex changes
// side of any ring: no island swallowed, no enclave pushed out). A final
// check finds segments that cross or touch anywhere but at a shared end and
// rings that collapsed or turned over, and simplifies their arcs again at
// half the tolerance until none is left.
type simplifier struct {
	t     *topology
	grid  map[[2]int64][]int32 // vertex ids by cell of vertexCell units
	owner []int32              // arc of a vertex inside an arc, -1 for junctions
	index []int32              // position of such a vertex in its arc
}

// vertexCell is the cell of the vertex index, in grid units (0.01°, about
// 1 km): a shortcut within a tolerance of tens of metres spans few cells.
const vertexCell = 1000

// segmentCell is the cell of the segment index used by the final check.
const segmentCell = 2000

// kmPerDegree is the length of a degree of latitude.
const kmPerDegree = 111.2

func newSimplifier(t *topology) *simplifier {
	s := &simplifier{t: t, grid: map[[2]int64][]int32{}, owner: make([]int32, len(t.pts)), index: make([]int32, len(t.pts))}
	for v := range t.pts {
		s.owner[v] = -1
		p := t.pts[v]
		c := [2]int64{floorDiv(p.X, vertexCell), floorDiv(p.Y, vertexCell)}
		s.grid[c] = append(s.grid[c], int32(v))
	}
	for a, arc := range t.arcs {
		for k := 1; k < len(arc)-1; k++ {
			s.owner[arc[k]], s.index[arc[k]] = int32(a), int32(k)
		}
	}
	return s
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// simplifyStats tells what the simplification did.
type simplifyStats struct {
	Before, After int // vertices of all arcs, shared ones counted once per arc
	Rounds        int // check rounds needed
	Refined       int // arcs simplified again at a lower tolerance
}

// simplify returns, for each arc, the ids of the vertices kept.
func (s *simplifier) simplify(tolKm float64) ([][]int32, simplifyStats, error) {
	var st simplifyStats
	tol := make([]float64, len(s.t.arcs))
	kept := make([][]int32, len(s.t.arcs))
	for a := range s.t.arcs {
		tol[a] = tolKm
		kept[a] = s.arc(a, tolKm)
		st.Before += len(s.t.arcs[a])
	}
	refined := map[int32]bool{}
	for {
		bad := s.problems(kept)
		if len(bad) == 0 {
			break
		}
		if st.Rounds++; st.Rounds > 30 {
			return nil, st, fmt.Errorf("simplification: %d arcs still invalid after %d rounds", len(bad), st.Rounds)
		}
		for _, a := range bad {
			refined[a] = true
			if tol[a] /= 2; tol[a] < 0.001 {
				tol[a] = 0 // under a metre: keep the source's arc
			}
			kept[a] = s.arc(int(a), tol[a])
		}
	}
	st.Refined = len(refined)
	for _, k := range kept {
		st.After += len(k)
	}
	return kept, st, nil
}

// arc simplifies one arc by Douglas–Peucker at tolKm, distances measured
// on an equirectangular projection at the arc's first point, and returns
// the kept vertex ids. A zero tolerance keeps the arc as it is.
func (s *simplifier) arc(a int, tolKm float64) []int32 {
	arc := s.t.arcs[a]
	if tolKm == 0 || len(arc) <= 2 {
		return slices.Clone(arc)
	}
	kx := math.Cos(s.t.pts[arc[0]].lat()*math.Pi/180) * kmPerDegree * quantum
	ky := kmPerDegree * quantum
	keep := make([]bool, len(arc))
	keep[0], keep[len(arc)-1] = true, true
	stack := [][2]int{{0, len(arc) - 1}}
	for len(stack) > 0 {
		i, j := stack[len(stack)-1][0], stack[len(stack)-1][1]
		stack = stack[:len(stack)-1]
		if j-i < 2 {
			continue
		}
		p, q := s.t.pts[arc[i]], s.t.pts[arc[j]]
		far, farD := (i+j)/2, -1.0
		for k := i + 1; k < j; k++ {
			if d := segmentDistance(s.t.pts[arc[k]], p, q, kx, ky); d > farD {
				far, farD = k, d
			}
		}
		if farD <= tolKm && !s.sweeps(a, i, j) {
			continue
		}
		keep[far] = true
		stack = append(stack, [2]int{i, far}, [2]int{far, j})
	}
	var out []int32
	for k, v := range arc {
		if keep[k] {
			out = append(out, v)
		}
	}
	return out
}

// segmentDistance is the distance in km from p to segment ab, with kx and
// ky the km per grid unit along x and y.
func segmentDistance(p, a, b ipt, kx, ky float64) float64 {
	px, py := float64(p.X-a.X)*kx, float64(p.Y-a.Y)*ky
	dx, dy := float64(b.X-a.X)*kx, float64(b.Y-a.Y)*ky
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, (px*dx+py*dy)/l))
	}
	return math.Hypot(px-t*dx, py-t*dy)
}

// sweeps reports whether replacing arc[i..j] by the segment from arc[i] to
// arc[j] would move some other source vertex from one side of the arc to
// the other: whether one lies inside the polygon the two make, or on the
// segment.
func (s *simplifier) sweeps(a, i, j int) bool {
	arc := s.t.arcs[a]
	span := arc[i : j+1]
	lo, hi := s.t.pts[span[0]], s.t.pts[span[0]]
	for _, v := range span {
		p := s.t.pts[v]
		lo = ipt{min(lo.X, p.X), min(lo.Y, p.Y)}
		hi = ipt{max(hi.X, p.X), max(hi.Y, p.Y)}
	}
	a0, a1 := s.t.pts[span[0]], s.t.pts[span[len(span)-1]]
	for cx := floorDiv(lo.X, vertexCell); cx <= floorDiv(hi.X, vertexCell); cx++ {
		for cy := floorDiv(lo.Y, vertexCell); cy <= floorDiv(hi.Y, vertexCell); cy++ {
			for _, v := range s.grid[[2]int64{cx, cy}] {
				p := s.t.pts[v]
				if p.X < lo.X || p.X > hi.X || p.Y < lo.Y || p.Y > hi.Y || v == span[0] || v == span[len(span)-1] {
					continue
				}
				if s.owner[v] == int32(a) && int(s.index[v]) > i && int(s.index[v]) < j {
					continue // a vertex the shortcut removes
				}
				if onSegment(p, a0, a1) || inChain(p, span, s.t.pts) {
					return true
				}
			}
		}
	}
	return false
}

// inChain reports whether p lies inside the polygon the chain of vertex
// ids makes once closed (even–odd rule), in exact integer arithmetic.
func inChain(p ipt, chain []int32, pts []ipt) bool {
	in := false
	for k := range chain {
		a, b := pts[chain[k]], pts[chain[(k+1)%len(chain)]]
		if (a.Y > p.Y) != (b.Y > p.Y) {
			// x of the crossing > p.X, without division: the sign of
			// (b-a)×(p-a) against the direction of the edge.
			if c := orient(a, b, p); c != 0 && (c > 0) == (b.Y > a.Y) {
				in = !in
			}
		}
	}
	return in
}

// problems returns the arcs to simplify again: those of a ring that
// collapsed (fewer than three distinct points) or turned over (its signed
// area changed sign), and those with a segment that crosses or touches
// another anywhere but at an end both share (or overlaps it).
func (s *simplifier) problems(kept [][]int32) []int32 {
	bad := map[int32]bool{}
	for _, f := range s.t.faces {
		for _, p := range f.polys {
			for _, r := range p {
				before := ringArea2(ringPoints(s.t.arcs, s.t.pts, r))
				after := ringPoints(kept, s.t.pts, r)
				if len(after) < 4 || sign(ringArea2(after)) != sign(before) {
					for _, ref := range r {
						a, _ := arcOf(ref)
						bad[a] = true
					}
				}
			}
		}
	}
	type seg struct {
		a, b int32 // vertex ids
		arc  int32
	}
	grid := map[[2]int64][]seg{}
	for a, k := range kept {
		for m := 1; m < len(k); m++ {
			sg := seg{k[m-1], k[m], int32(a)}
			p, q := s.t.pts[sg.a], s.t.pts[sg.b]
			for cx := floorDiv(min(p.X, q.X), segmentCell); cx <= floorDiv(max(p.X, q.X), segmentCell); cx++ {
				for cy := floorDiv(min(p.Y, q.Y), segmentCell); cy <= floorDiv(max(p.Y, q.Y), segmentCell); cy++ {
					grid[[2]int64{cx, cy}] = append(grid[[2]int64{cx, cy}], sg)
				}
			}
		}
	}
	for _, segs := range grid {
		for x := range segs {
			for y := x + 1; y < len(segs); y++ {
				s1, s2 := segs[x], segs[y]
				if s1 == s2 || bad[s1.arc] && bad[s2.arc] {
					continue
				}
				if !segmentsOK(s.t.pts, s1.a, s1.b, s2.a, s2.b) {
					bad[s1.arc], bad[s2.arc] = true, true
				}
			}
		}
	}
	out := make([]int32, 0, len(bad))
	for a := range bad {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}
