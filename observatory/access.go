package observatory

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Access to formations from each commune: straight-line distance to the
// nearest formation, and a two-step floating catchment area (2SFCA)
// accessibility, the method French health-care access is measured with
// (DREES's APL). docs/indicators.md gives the method and parameters.

// Supply is what a commune offers: its formations and their seats.
type Supply struct {
	Commune    string    // "" when the formations' commune is not known
	Dep        string    // their département, which says their area
	Point      orb.Point // where the formations are (lon, lat)
	Formations int
	Seats      float64 // seats per session, summed
}

// CommuneAccess is the access of one commune's inhabitants.
type CommuneAccess struct {
	Code       string
	Population int64
	// NearestKm is the distance from the commune's centroid to the nearest
	// formation: on its own landmass when one has a formation there, else
	// across the sea (OverSea), within its area (mainland with Corsica, or
	// one overseas département). Reachable is false when its area has none.
	NearestKm float64
	OverSea   bool
	Reachable bool
	// Accessibility is the E2SFCA index: seats within reach per 100,000
	// inhabitants within reach, distance-weighted.
	Accessibility float64
}

// E2SFCA parameters: a formation serves the population within
// CatchmentKm, with weights falling by band (Luo and Qi's enhanced 2SFCA,
// their Gaussian weights for three bands): people 40 km away count for a
// fifth of those next door. Distances are straight lines; 60 km is about
// an hour's drive, the far end of a daily commute to a course.
const CatchmentKm = 60.0

// catchmentBands are the E2SFCA's distance bands and weights.
var catchmentBands = [3]struct{ upToKm, weight float64 }{{20, 1}, {40, 0.68}, {60, 0.22}}

// bandEnds are the bands' ends as dist2 (access_index.go), so that the
// band of a pair is found without a square root.
var bandEnds = [3]float64{dist2Of(catchmentBands[0].upToKm), dist2Of(catchmentBands[1].upToKm), dist2Of(catchmentBands[2].upToKm)}

// bandOf is the index of the band of a dist2, -1 beyond the catchment.
func bandOf(d2 float64) int {
	switch {
	case d2 <= bandEnds[0]:
		return 0
	case d2 <= bandEnds[1]:
		return 1
	case d2 <= bandEnds[2]:
		return 2
	}
	return -1
}

// bandWeight is the E2SFCA weight of a dist2.
func bandWeight(d2 float64) float64 {
	if i := bandOf(d2); i >= 0 {
		return catchmentBands[i].weight
	}
	return 0
}

// Access computes every commune's access to the supply. Communes without
// a centroid or population are left out.
//
// It walks from the supply side: each supply point finds the communes
// within CatchmentKm of it in the communes' grid (a few hundred points
// rather than 35,000 communes searching), which serves both steps of
// E2SFCA and most nearest distances. Only the communes with no formation
// within CatchmentKm search for their nearest one, ring by ring in the
// grid of the supply.
func Access(g *Gazetteer, lands *Landmasses, supply []Supply) []CommuneAccess {
	b := g.accessBase()
	n := len(b.code)
	sp := newSupplyIndex(b, lands, supply)
	land := b.landsOf(lands)
	best := make([]float64, n) // dist2 to the nearest formation that counts
	// sameLand says whether a commune's nearest formation must be on its
	// own landmass: when the commune's land is known and has one.
	sameLand := make([]bool, n)
	for i := range n {
		best[i] = math.Inf(1)
		sameLand[i] = land[i] >= 0 && sp.landed[land[i]]
	}
	// Step 1 of E2SFCA: each supply point's ratio of seats to the weighted
	// population within its catchment (in its own area). The same walk
	// finds the nearest formation of every commune that has one within
	// the catchment, and keeps the pairs for step 2 (commune and band
	// packed in 32 bits: a few MB where a second walk would cost as much
	// time as the first). They are kept in chunks: with a formation in
	// every commune there are tens of millions, and one slice would be
	// copied at each growth (half of Access's time at 100,000 formations).
	reach := bandEnds[len(bandEnds)-1]
	ratio := make([]float64, len(supply))
	ends := make([]int, len(supply)) // where each point's pairs end, counted over the chunks
	var chunks [][]uint32
	pairChunk := 1 << pairShift
	pairs := make([]uint32, 0, min(pairChunk, 64*len(supply)))
	total := 0
	for j, s := range supply {
		var weighted float64
		x0, y0, x1, y1 := b.grid.box(s.Point, CatchmentKm)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				for _, i := range b.grid.at(x, y) {
					if b.area[i] != sp.area[j] {
						continue
					}
					d2 := dist2(b.at[i], sp.at[j])
					if d2 > reach {
						continue
					}
					band := bandOf(d2)
					weighted += b.pop[i] * catchmentBands[band].weight
					if len(pairs) == pairChunk {
						chunks, pairs = append(chunks, pairs), make([]uint32, 0, pairChunk)
					}
					pairs = append(pairs, uint32(i)<<2|uint32(band))
					total++
					if d2 < best[i] && (!sameLand[i] || sp.land[j] == land[i]) {
						best[i] = d2
					}
				}
			}
		}
		ends[j] = total
		if weighted > 0 {
			ratio[j] = s.Seats / weighted
		}
	}
	chunks = append(chunks, pairs)
	// Step 2: each commune sums the ratios of the points within reach.
	acc := make([]float64, n)
	k := 0
	for j, end := range ends {
		for ; k < end; k++ {
			p := chunks[k>>pairShift][k&(pairChunk-1)]
			acc[p>>2] += ratio[j] * catchmentBands[p&3].weight * 100_000
		}
	}
	farNearest(b, sp, land, sameLand, best)
	out := make([]CommuneAccess, n)
	for i := range n {
		a := CommuneAccess{Code: b.code[i], Population: b.pop0[i], Accessibility: acc[i]}
		if sp.areas[b.area[i]] {
			if math.IsInf(best[i], 1) {
				best[i] = sp.nearest(b.at[i], b.area[i], land[i], sameLand[i])
			}
			a.NearestKm, a.Reachable = kmOf(best[i]), true
			// Across the sea only when the commune's land is known and has none.
			a.OverSea = land[i] >= 0 && !sameLand[i]
		}
		out[i] = a
	}
	return out
}

// pairShift gives the length of a chunk of Access's commune–supply pairs,
// 1<<pairShift (4 MB); a variable so that a test can cross chunks with a
// few pairs.
var pairShift = 20

// supplyIndex is a grid of the supply points for nearest-distance
// searches, with each point's area and landmass.
type supplyIndex struct {
	grid   *cellGrid
	at     []pos
	area   []int16 // accessBase's area ids, -1 for an area without communes
	land   []int
	areas  map[int16]bool // areas with a supply point
	landed map[int]bool   // landmasses with a supply point
}

const pointCellDeg = 0.5 // about 40 × 55 km

func newSupplyIndex(b *accessBase, lands *Landmasses, supply []Supply) *supplyIndex {
	n := len(supply)
	ix := &supplyIndex{at: make([]pos, n), area: make([]int16, n), land: make([]int, n),
		areas: map[int16]bool{}, landed: map[int]bool{}}
	pts := make([]orb.Point, n)
	for i, s := range supply {
		pts[i], ix.at[i] = s.Point, posOf(s.Point)
		ix.area[i], ix.land[i] = b.areaID(area(s.Dep)), lands.Of(s.Commune)
		ix.areas[ix.area[i]] = true
		ix.landed[ix.land[i]] = true
	}
	ix.grid = newCellGrid(pts, pointCellDeg)
	return ix
}

// nearest is the dist2 from p to the nearest supply point of area ar (on
// landmass land when sameLand), +Inf when there is none. The search widens
// ring by ring and stops once nothing beyond can be nearer, or once the
// rings cover the whole grid.
func (ix *supplyIndex) nearest(p pos, ar int16, land int, sameLand bool) float64 {
	g := ix.grid
	best := math.Inf(1)
	deg := orb.Point{p.lon * 180 / math.Pi, p.lat * 180 / math.Pi}
	hx, hy := g.key(deg)
	for r := 0; ; r++ {
		for x := hx - r; x <= hx+r; x++ {
			for y := hy - r; y <= hy+r; y++ {
				if r > 0 && x != hx-r && x != hx+r && y != hy-r && y != hy+r {
					continue // inner cells were searched at a smaller r
				}
				for _, i := range g.at(x, y) {
					if ix.area[i] != ar || sameLand && ix.land[i] != land {
						continue
					}
					best = math.Min(best, dist2(p, ix.at[i]))
				}
			}
		}
		if hx-r <= g.x0 && hy-r <= g.y0 && hx+r >= g.x0+g.nx-1 && hy+r >= g.y0+g.ny-1 {
			return best // every cell searched
		}
		// A point beyond ring r is more than r cells away in latitude or
		// in longitude, whichever is shorter on the ground.
		lat := math.Min(math.Abs(deg[1])+pointCellDeg*float64(r+1), 85)
		if bound := float64(r) * pointCellDeg * kmPerDegree * math.Cos(lat*math.Pi/180); !math.IsInf(best, 1) && kmOf(best) <= bound {
			return best
		}
	}
}

// TerritoryAccess sums communes' access into a territory's.
type TerritoryAccess struct {
	Population    int64   // of the communes counted
	Communes      int     // communes counted
	MeanKm        float64 // population-weighted mean distance
	Beyond30      int64   // inhabitants more than 30 km from a formation
	Beyond60      int64
	OverSea       int64   // inhabitants whose nearest formation is across the sea
	Unreachable   int64   // inhabitants with no formation in their area
	Accessibility float64 // population-weighted mean E2SFCA index
}

// AccessBy adds communes' access up by territory of level (commune,
// bassin, département, région).
func AccessBy(g *Gazetteer, level Level, cs []CommuneAccess) map[string]TerritoryAccess {
	// Access's communes come in the order of the access base, which knows
	// where each is in the gazetteer: no lookup by code (a third of the
	// first access indicator's time when each commune was looked up).
	b := g.accessBase()
	var sums accessSums
	for i := range cs {
		var c *Commune
		if i < len(b.code) && cs[i].Code == b.code[i] {
			c = &g.communes[b.comm[i]]
		} else if cc, ok := g.Commune(cs[i].Code); ok {
			c = &cc
		} else {
			continue
		}
		if code := territoryOf(*c, level); code != "" {
			sums.add(code, &cs[i])
		}
	}
	return sums.totals()
}

// accessSums adds communes' access up by territory: AccessBy's and the
// siting state's sums.
type accessSums struct {
	by map[string]*territorySum
}

// territorySum is a territory's access being summed.
type territorySum struct {
	TerritoryAccess
	km float64 // population-weighted distance
}

func (s *accessSums) add(code string, a *CommuneAccess) {
	if s.by == nil {
		s.by = map[string]*territorySum{}
	}
	ts := s.by[code]
	if ts == nil {
		ts = &territorySum{}
		s.by[code] = ts
	}
	t := &ts.TerritoryAccess
	if !a.Reachable {
		t.Unreachable += a.Population
		return
	}
	p := float64(a.Population)
	t.Population += a.Population
	t.Communes++
	ts.km += p * a.NearestKm
	t.Accessibility += p * a.Accessibility
	if a.NearestKm > ReachKm {
		t.Beyond30 += a.Population
	}
	if a.NearestKm > FarKm {
		t.Beyond60 += a.Population
	}
	if a.OverSea {
		t.OverSea += a.Population
	}
}

// totals turns the sums into means.
func (s *accessSums) totals() map[string]TerritoryAccess {
	out := make(map[string]TerritoryAccess, len(s.by))
	for code, ts := range s.by {
		t := ts.TerritoryAccess
		if t.Population > 0 {
			t.MeanKm = ts.km / float64(t.Population)
			t.Accessibility /= float64(t.Population)
		}
		out[code] = t
	}
	return out
}

// territoryOf is the code of the territory of level a commune is in.
func territoryOf(c Commune, level Level) string {
	switch level {
	case LevelRegion:
		return c.Region
	case LevelDepartement:
		return c.Departement
	case LevelBassin:
		return c.Bassin
	case LevelCommune:
		return c.Code
	}
	return ""
}

// sortedCodes lists a map's keys in order.
func sortedCodes[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// SupplyOf groups formation points by commune (by point when the commune
// is not known) and sums their seats. A formation that gives no seats
// counts at the median of those that do, and is counted in guessed; with
// no seats given at all, each formation counts one seat.
func SupplyOf(pts []FormationPoint) (supply []Supply, guessed int) {
	median := MedianSeats(pts)
	at := map[string]int{}
	for _, p := range pts {
		key := p.Commune
		if key == "" {
			key = fmt.Sprintf("%s@%.5f,%.5f", p.Departement, p.Point[0], p.Point[1])
		}
		i, ok := at[key]
		if !ok {
			i = len(supply)
			at[key] = i
			supply = append(supply, Supply{Commune: p.Commune, Dep: p.Departement, Point: p.Point})
		}
		supply[i].Formations++
		if p.Seats != nil {
			supply[i].Seats += float64(*p.Seats)
		} else {
			supply[i].Seats += median
			guessed++
		}
	}
	return supply, guessed
}

// MedianSeats is the median of the seats the formations give (the upper
// one of an even count), 1 when none gives any: what a formation without
// seats counts for.
func MedianSeats(pts []FormationPoint) float64 {
	var known []int
	for _, p := range pts {
		if p.Seats != nil {
			known = append(known, *p.Seats)
		}
	}
	if len(known) == 0 {
		return 1
	}
	slices.Sort(known)
	return float64(known[len(known)/2])
}
