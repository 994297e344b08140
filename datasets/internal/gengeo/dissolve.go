package main

import (
	"fmt"
	"math"
	"slices"
)

// dissolve merges the faces of each group (the communes of a bassin) into
// polygons through the shared arcs: an arc that two faces of the group use
// is inside the group and goes; the others, taken in the direction their
// face uses them (interior on the left), are chained into rings. Where
// several continue from a junction, the walk takes the first met turning
// clockwise from the way it came (the sharpest left turn), so it follows
// the boundary of one region; a ring that still passes twice through a
// junction (an exterior touching one of its holes) is cut there. Counter-
// clockwise rings are exteriors, clockwise ones holes, each put in the
// smallest exterior that contains it. kept gives the arcs' points.
// group[i] is face i's group, "" for none; the result maps each group to
// its polygons, each a list of rings of arc references.
func dissolve(t *topology, kept [][]int32, group []string) (map[string][][][]int32, error) {
	// Directed boundary arcs of each group, in face order.
	boundary := map[string][]int32{}
	var groups []string
	for i, f := range t.faces {
		g := group[i]
		if g == "" {
			continue
		}
		if _, ok := boundary[g]; !ok {
			groups = append(groups, g)
			boundary[g] = nil
		}
		for _, p := range f.polys {
			for _, r := range p {
				for _, ref := range r {
					a, _ := arcOf(ref)
					inner := false
					for _, u := range t.users[a] {
						inner = inner || u != int32(i) && group[u] == g
					}
					if !inner {
						boundary[g] = append(boundary[g], ref)
					}
				}
			}
		}
	}
	out := make(map[string][][][]int32, len(groups))
	for _, g := range groups {
		rings, err := chainRings(t, kept, boundary[g])
		if err != nil {
			return nil, fmt.Errorf("bassin %s: %w", g, err)
		}
		polys, err := nestRings(t, kept, rings)
		if err != nil {
			return nil, fmt.Errorf("bassin %s: %w", g, err)
		}
		out[g] = polys
	}
	return out, nil
}

// ends returns the first and last vertex ids of a directed arc, and the
// vertex after the first and the one before the last, from kept points.
func ends(kept [][]int32, ref int32) (first, second, beforeLast, last int32) {
	a, fwd := arcOf(ref)
	k := kept[a]
	n := len(k)
	if fwd {
		return k[0], k[1], k[n-2], k[n-1]
	}
	return k[n-1], k[n-2], k[1], k[0]
}

// chainRings joins directed arcs end to end into closed rings.
func chainRings(t *topology, kept [][]int32, refs []int32) ([][]int32, error) {
	from := map[int32][]int32{} // start vertex → unused arcs leaving it
	for _, r := range refs {
		s, _, _, _ := ends(kept, r)
		from[s] = append(from[s], r)
	}
	used := make(map[int32]bool, len(refs))
	var rings [][]int32
	for _, start := range refs {
		if used[start] {
			continue
		}
		used[start] = true
		ring := []int32{start}
		startNode, _, _, _ := ends(kept, start)
		cur := start
		for {
			_, _, prev, v := ends(kept, cur)
			cands := slices.DeleteFunc(slices.Clone(from[v]), func(r int32) bool { return used[r] })
			if v == startNode {
				cands = append(cands, start)
			}
			if len(cands) == 0 {
				return nil, fmt.Errorf("open boundary at %v", t.pts[v])
			}
			next := sharpestLeft(t.pts, kept, t.pts[prev], t.pts[v], cands)
			if next == start {
				break
			}
			used[next] = true
			ring = append(ring, next)
			cur = next
		}
		rings = append(rings, splitAtNodes(kept, ring)...)
	}
	return rings, nil
}

// sharpestLeft picks, among arcs leaving cur, the first met turning
// clockwise from the way back to prev.
func sharpestLeft(pts []ipt, kept [][]int32, prev, cur ipt, cands []int32) int32 {
	back := math.Atan2(float64(prev.Y-cur.Y), float64(prev.X-cur.X))
	best, bestAngle := cands[0], math.Inf(1)
	for _, c := range cands {
		_, second, _, _ := ends(kept, c)
		p := pts[second]
		a := back - math.Atan2(float64(p.Y-cur.Y), float64(p.X-cur.X))
		for a <= 0 {
			a += 2 * math.Pi
		}
		for a > 2*math.Pi {
			a -= 2 * math.Pi
		}
		if a < bestAngle {
			best, bestAngle = c, a
		}
	}
	return best
}

// splitAtNodes cuts a closed chain of arcs that passes twice through a
// junction into chains that do not.
func splitAtNodes(kept [][]int32, ring []int32) [][]int32 {
	var out [][]int32
	var stack []int32
	at := map[int32]int{} // start node → index in stack
	for _, r := range ring {
		s, _, _, _ := ends(kept, r)
		if i, ok := at[s]; ok {
			out = append(out, slices.Clone(stack[i:]))
			for _, q := range stack[i:] {
				qs, _, _, _ := ends(kept, q)
				delete(at, qs)
			}
			stack = stack[:i]
		}
		at[s] = len(stack)
		stack = append(stack, r)
	}
	if len(stack) > 0 {
		out = append(out, stack)
	}
	return out
}

// nestRings makes polygons of counter-clockwise exterior rings and the
// clockwise holes inside them, each hole in the smallest exterior holding
// one of its vertices that is not on that exterior.
func nestRings(t *topology, kept [][]int32, rings [][]int32) ([][][]int32, error) {
	type ext struct {
		refs []int32
		pts  []ipt
		area int64
	}
	var exts []ext
	var holes [][]int32
	for _, r := range rings {
		pts := ringPoints(kept, t.pts, r)
		switch a := ringArea2(pts); {
		case a > 0:
			exts = append(exts, ext{r, pts, a})
		case a < 0:
			holes = append(holes, r)
		default:
			return nil, fmt.Errorf("ring of no area at %v", pts[0])
		}
	}
	polys := make([][][]int32, len(exts))
	for i, e := range exts {
		polys[i] = [][]int32{e.refs}
	}
	for _, h := range holes {
		hp := ringPoints(kept, t.pts, h)
		best := -1
		for i, e := range exts {
			if best >= 0 && e.area >= exts[best].area {
				continue
			}
			for _, p := range hp {
				if on, in := inRing(p, e.pts); !on {
					if in {
						best = i
					}
					break
				}
			}
		}
		if best < 0 {
			return nil, fmt.Errorf("hole at %v outside every exterior", hp[0])
		}
		polys[best] = append(polys[best], h)
	}
	return polys, nil
}

// inRing tells whether p is on the closed ring r, and if not whether it
// is inside (even–odd rule).
func inRing(p ipt, r []ipt) (on, in bool) {
	for k := 1; k < len(r); k++ {
		a, b := r[k-1], r[k]
		if onSegment(p, a, b) {
			return true, false
		}
		if (a.Y > p.Y) != (b.Y > p.Y) {
			if c := orient(a, b, p); (c > 0) == (b.Y > a.Y) {
				in = !in
			}
		}
	}
	return false, in
}
