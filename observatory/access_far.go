package observatory

import (
	"math"

	"github.com/paulmach/orb"
)

// farNearest sets best, the dist2 to the nearest formation, for the
// communes that have none within the catchment (best still +Inf) in an
// area with formations. They come in clusters (the empty diagonal is
// thousands of them), so they are searched by cell of the communes' grid
// rather than one by one: a ring search from the cell's centre finds d,
// the distance from the centre to its nearest formation; a commune at most
// h from the centre has its own nearest within d+2h of the centre
// (triangle inequality), so each commune compares only those few
// candidates. The minimum over a set that holds the nearest is the same
// number a search of every formation gives; the margin on the radius
// covers the equirectangular distance not being exactly a metric.
// BenchmarkColdPaths: one search per commune was 6 ms of a 24 ms first
// distance indicator.
func farNearest(b *accessBase, sp *supplyIndex, land []int, sameLand []bool, best []float64) {
	type group struct {
		area    int16
		land    int
		same    bool
		members []int32
	}
	var groups []group
	var cand []int32
	g := b.grid
	for k := range g.nx * g.ny {
		groups = groups[:0]
		for _, i := range g.items[g.start[k]:g.start[k+1]] {
			if !math.IsInf(best[i], 1) || !sp.areas[b.area[i]] {
				continue
			}
			l := land[i]
			if !sameLand[i] {
				l = -1 // any landmass of the area will do
			}
			at := -1
			for n := range groups {
				if groups[n].area == b.area[i] && groups[n].land == l && groups[n].same == sameLand[i] {
					at = n
					break
				}
			}
			if at < 0 {
				at = len(groups)
				groups = append(groups, group{area: b.area[i], land: l, same: sameLand[i]})
			}
			groups[at].members = append(groups[at].members, i)
		}
		if len(groups) == 0 {
			continue
		}
		centre := orb.Point{(float64(k%g.nx+g.x0) + 0.5) * g.deg, (float64(k/g.nx+g.y0) + 0.5) * g.deg}
		q := posOf(centre)
		for n := range groups {
			gr := &groups[n]
			var h2 float64
			for _, i := range gr.members {
				h2 = math.Max(h2, dist2(q, b.at[i]))
			}
			d2 := sp.nearest(q, gr.area, gr.land, gr.same)
			if math.IsInf(d2, 1) {
				continue // Access searches for each commune
			}
			radius := (kmOf(d2)+2*kmOf(h2))*1.02 + 1
			cand = sp.within(cand[:0], centre, q, radius, gr.area, gr.land, gr.same)
			for _, i := range gr.members {
				for _, j := range cand {
					best[i] = math.Min(best[i], dist2(b.at[i], sp.at[j]))
				}
			}
		}
	}
}

// within appends to dst the supply points of area ar (on landmass land
// when sameLand) within km of p (q prepared from it).
func (ix *supplyIndex) within(dst []int32, p orb.Point, q pos, km float64, ar int16, land int, sameLand bool) []int32 {
	r2 := dist2Of(km)
	x0, y0, x1, y1 := ix.grid.box(p, km)
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			for _, j := range ix.grid.at(x, y) {
				if ix.area[j] != ar || sameLand && ix.land[j] != land {
					continue
				}
				if dist2(q, ix.at[j]) <= r2 {
					dst = append(dst, j)
				}
			}
		}
	}
	return dst
}
