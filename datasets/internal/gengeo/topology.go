package main

import (
	"fmt"
	"slices"

	"github.com/paulmach/orb"
)

// ipt is a vertex on the 1e-5 degree grid of the sources (about 1 m):
// coordinates are integers so that shared vertices compare equal and the
// orientation tests of the simplifier are exact.
type ipt struct{ X, Y int64 }

// quantum is the size of the grid in degrees, perUnit its inverse.
const (
	quantum = 1e-5
	perUnit = 1e5
)

// lon and lat divide by the exact 1e5 rather than multiply by the inexact
// 1e-5, so they give the double nearest the decimal value, the one a
// GeoJSON reader would get from the text "0.09".
func (p ipt) lon() float64 { return float64(p.X) / perUnit }
func (p ipt) lat() float64 { return float64(p.Y) / perUnit }

// topology is a set of faces (communes) whose rings are sequences of
// shared arcs: a border between two communes is stored once, so simplifying
// it once changes both sides the same way. Arcs run between junctions,
// vertices where three or more borders meet (or a border meets the coast);
// a ring that touches no other is cut at two vertices chosen from its
// points alone, so that an enclave and the hole around it are cut alike.
type topology struct {
	pts   []ipt     // vertices by id
	arcs  [][]int32 // vertex ids, from junction to junction
	faces []face    // in the order given
	users [][]int32 // arc → faces using it (one or two)
	// Edges by how many rings use them: two for a border the neighbours
	// draw with the same vertices, one for a coast, a national border, or
	// a border the neighbours draw differently.
	edges [3]int
}

// face is a commune: polygons of rings (exterior first), each ring a list
// of arc references. A reference r >= 0 is arc r forward; r < 0 is arc ^r
// reversed, as in TopoJSON.
type face struct {
	code  string
	polys [][][]int32
}

// arcOf returns the arc index and direction of a reference.
func arcOf(ref int32) (int32, bool) {
	if ref < 0 {
		return ^ref, false
	}
	return ref, true
}

// sourceFace is a commune as read: polygons of closed rings.
type sourceFace struct {
	code  string
	polys [][][]ipt
}

// buildTopology turns faces of closed rings into faces of shared arcs.
// Rings must be closed, without consecutive duplicate points; borders must
// be made of the same vertices on both sides (checked by the caller's
// report: an edge used by more than two rings is an error).
func buildTopology(src []sourceFace) (*topology, error) {
	t := &topology{}
	ids := map[ipt]int32{}
	vid := func(p ipt) int32 {
		id, ok := ids[p]
		if !ok {
			id = int32(len(t.pts))
			ids[p] = id
			t.pts = append(t.pts, p)
		}
		return id
	}
	// Rings as vertex ids, closed (last == first).
	rings := make([][][][]int32, len(src))
	for i, f := range src {
		rings[i] = make([][][]int32, len(f.polys))
		for j, p := range f.polys {
			rings[i][j] = make([][]int32, len(p))
			for k, r := range p {
				ids := make([]int32, len(r))
				for m, pt := range r {
					ids[m] = vid(pt)
				}
				rings[i][j][k] = ids
			}
		}
	}

	// A vertex is a junction when its edges lead to other than two
	// vertices: where borders meet, a border meets the coast, or a ring
	// touches itself or another at a point.
	nb := make([][]int32, len(t.pts))
	link := func(a, b int32) {
		if !slices.Contains(nb[a], b) {
			nb[a] = append(nb[a], b)
		}
	}
	edgeUse := map[[2]int32]int{}
	forRings(rings, func(_ int, r []int32) {
		for m := 1; m < len(r); m++ {
			link(r[m-1], r[m])
			link(r[m], r[m-1])
			edgeUse[undirected(r[m-1], r[m])]++
		}
	})
	for e, n := range edgeUse {
		t.edges[min(n, 2)]++
		if n > 2 {
			return nil, fmt.Errorf("edge %v–%v used by %d rings: the outlines do not form a partition", t.pts[e[0]], t.pts[e[1]], n)
		}
	}
	junction := make([]bool, len(t.pts))
	for v, n := range nb {
		junction[v] = len(n) != 2
	}
	forRings(rings, func(_ int, r []int32) {
		if !slices.ContainsFunc(r, func(v int32) bool { return junction[v] }) {
			a, b := t.cutPoints(r)
			junction[a], junction[b] = true, true
		}
	})

	// Cut each ring at its junctions; a piece already seen, either way
	// round, is the same arc.
	byStart := map[[2]int32]int32{} // first two vertices of an arc, as walked → reference
	t.faces = make([]face, len(src))
	for i, f := range src {
		t.faces[i] = face{code: f.code, polys: make([][][]int32, len(rings[i]))}
		for j, p := range rings[i] {
			for _, r := range p {
				var refs []int32
				for _, piece := range cutRing(r, junction) {
					ref, ok := byStart[[2]int32{piece[0], piece[1]}]
					if !ok {
						ref = int32(len(t.arcs))
						t.arcs = append(t.arcs, piece)
						t.users = append(t.users, nil)
						n := len(piece)
						byStart[[2]int32{piece[0], piece[1]}] = ref
						byStart[[2]int32{piece[n-1], piece[n-2]}] = ^ref
					}
					a, _ := arcOf(ref)
					if !slices.Contains(t.users[a], int32(i)) {
						t.users[a] = append(t.users[a], int32(i))
					}
					refs = append(refs, ref)
				}
				t.faces[i].polys[j] = append(t.faces[i].polys[j], refs)
			}
		}
	}
	return t, nil
}

func forRings(rings [][][][]int32, fn func(face int, r []int32)) {
	for i, f := range rings {
		for _, p := range f {
			for _, r := range p {
				fn(i, r)
			}
		}
	}
}

func undirected(a, b int32) [2]int32 {
	if b < a {
		a, b = b, a
	}
	return [2]int32{a, b}
}

// cutPoints chooses where to cut a ring that meets no other: its lowest
// then leftmost vertex and the vertex farthest from it (ties to the lowest,
// leftmost), both found from the coordinates alone, so any ring made of the
// same points is cut at the same two places.
func (t *topology) cutPoints(r []int32) (int32, int32) {
	less := func(a, b ipt) bool { return a.Y < b.Y || a.Y == b.Y && a.X < b.X }
	first := r[0]
	for _, v := range r {
		if less(t.pts[v], t.pts[first]) {
			first = v
		}
	}
	o := t.pts[first]
	far, farD := first, int64(-1)
	for _, v := range r {
		p := t.pts[v]
		d := (p.X-o.X)*(p.X-o.X) + (p.Y-o.Y)*(p.Y-o.Y)
		if d > farD || d == farD && less(p, t.pts[far]) {
			far, farD = v, d
		}
	}
	return first, far
}

// cutRing splits a closed ring at its junctions into pieces running from a
// junction to the next, each of at least two vertices. The ring must hold
// a junction.
func cutRing(r []int32, junction []bool) [][]int32 {
	open := r[:len(r)-1]
	start := slices.IndexFunc(open, func(v int32) bool { return junction[v] })
	var pieces [][]int32
	piece := []int32{open[start]}
	for k := 1; k <= len(open); k++ {
		v := open[(start+k)%len(open)]
		piece = append(piece, v)
		if junction[v] {
			pieces = append(pieces, piece)
			piece = []int32{v}
		}
	}
	return pieces
}

// ringPoints returns the closed ring a list of arc references describes,
// with the arcs' points as given by arcs (the source's or the simplified).
func ringPoints(arcs [][]int32, pts []ipt, refs []int32) []ipt {
	var out []ipt
	for _, ref := range refs {
		a, fwd := arcOf(ref)
		arc := arcs[a]
		for k := range arc {
			v := arc[k]
			if !fwd {
				v = arc[len(arc)-1-k]
			}
			if len(out) > 0 && k == 0 {
				continue // the previous arc ended here
			}
			out = append(out, pts[v])
		}
	}
	return out
}

// toMultiPolygon turns polygons of arc references into lon/lat polygons.
func toMultiPolygon(t *topology, kept [][]int32, polys [][][]int32) orb.MultiPolygon {
	mp := make(orb.MultiPolygon, len(polys))
	for i, p := range polys {
		mp[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			pts := ringPoints(kept, t.pts, r)
			ring := make(orb.Ring, len(pts))
			for k, q := range pts {
				ring[k] = orb.Point{q.lon(), q.lat()}
			}
			mp[i][j] = ring
		}
	}
	return mp
}
