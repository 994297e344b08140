package main

// Exact predicates on grid points: products of coordinate differences fit
// in an int64 (differences are below 4e7 units, 400 degrees).

// orient returns +1 when c is left of a→b, -1 when right, 0 when collinear.
func orient(a, b, c ipt) int {
	return sign((b.X-a.X)*(c.Y-a.Y) - (b.Y-a.Y)*(c.X-a.X))
}

func sign(v int64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// onSegment reports whether p lies on segment ab, ends included.
func onSegment(p, a, b ipt) bool {
	return orient(a, b, p) == 0 && min(a.X, b.X) <= p.X && p.X <= max(a.X, b.X) && min(a.Y, b.Y) <= p.Y && p.Y <= max(a.Y, b.Y)
}

// segmentsOK reports whether two segments, given as vertex ids, meet at
// most at an end they share (and then without running along each other):
// what two edges of a valid planar partition may do.
func segmentsOK(pts []ipt, a, b, c, d int32) bool {
	p1, p2, q1, q2 := pts[a], pts[b], pts[c], pts[d]
	if max(p1.X, p2.X) < min(q1.X, q2.X) || max(q1.X, q2.X) < min(p1.X, p2.X) ||
		max(p1.Y, p2.Y) < min(q1.Y, q2.Y) || max(q1.Y, q2.Y) < min(p1.Y, p2.Y) {
		return true
	}
	shared := 0
	if a == c || a == d {
		shared++
	}
	if b == c || b == d {
		shared++
	}
	switch shared {
	case 2:
		return false // the same edge twice, or a collapsed lens
	case 1:
		// The other ends must not lie on the other segment (overlap).
		var o1, o2 ipt // the ends that are not shared
		if a == c || a == d {
			o1 = p2
		} else {
			o1 = p1
		}
		if c == a || c == b {
			o2 = q2
		} else {
			o2 = q1
		}
		return !onSegment(o1, q1, q2) && !onSegment(o2, p1, p2)
	}
	d1, d2 := orient(q1, q2, p1), orient(q1, q2, p2)
	d3, d4 := orient(p1, p2, q1), orient(p1, p2, q2)
	if d1*d2 < 0 && d3*d4 < 0 {
		return false // they cross
	}
	return !onSegment(p1, q1, q2) && !onSegment(p2, q1, q2) && !onSegment(q1, p1, p2) && !onSegment(q2, p1, p2)
}

// ringArea2 is twice the signed area of a closed ring, in grid units:
// positive when counter-clockwise.
func ringArea2(r []ipt) int64 {
	var s int64
	for k := 1; k < len(r); k++ {
		s += r[k-1].X*r[k].Y - r[k].X*r[k-1].Y
	}
	return s
}
