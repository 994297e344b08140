package observatory

import (
	"math"
	"sync"

	"github.com/paulmach/orb"
)

// What Access needs of the geography, prepared once per gazetteer: the
// communes it measures, their positions ready for distances, and a grid of
// them. BenchmarkAccess: recomputing these with every request (and hashing
// grid cells in a map) was most of a cold distance indicator.

// pos is a point prepared for distances: its coordinates in radians and
// the sine and cosine of half its latitude.
type pos struct{ lon, lat, sinHalf, cosHalf float64 }

func posOf(p orb.Point) pos {
	lat := p[1] * math.Pi / 180
	s, c := math.Sincos(lat / 2)
	return pos{lon: p[0] * math.Pi / 180, lat: lat, sinHalf: s, cosHalf: c}
}

// dist2 is the squared distance between a and b in earth radii as orb's
// geo.Distance measures it: equirectangular at their mean
// latitude, whose cosine comes from the half angles (cos(x+y) = cos x cos y
// − sin x sin y) rather than from a call to math.Cos per pair.
func dist2(a, b pos) float64 {
	dLat := a.lat - b.lat
	dLon := math.Abs(a.lon - b.lon)
	if dLon > math.Pi {
		dLon = 2*math.Pi - dLon
	}
	x := dLon * (a.cosHalf*b.cosHalf - a.sinHalf*b.sinHalf)
	return dLat*dLat + x*x
}

// kmOf turns a dist2 into km; dist2Of is its inverse.
func kmOf(d2 float64) float64 { return math.Sqrt(d2) * orb.EarthRadius / 1000 }

func dist2Of(km float64) float64 {
	r := km * 1000 / orb.EarthRadius
	return r * r
}

// cellGrid buckets points into square cells of deg degrees over their
// bounding box, stored flat (each cell's start in items), so that finding
// a cell is arithmetic rather than a map lookup.
type cellGrid struct {
	deg            float64
	x0, y0, nx, ny int
	start          []int32 // nx*ny+1 offsets into items
	items          []int32 // indexes of the points, cell by cell
}

func newCellGrid(pts []orb.Point, deg float64) *cellGrid {
	g := &cellGrid{deg: deg}
	if len(pts) == 0 {
		return g
	}
	x1, y1 := math.MinInt, math.MinInt
	g.x0, g.y0 = math.MaxInt, math.MaxInt
	for _, p := range pts {
		x, y := g.key(p)
		g.x0, g.y0, x1, y1 = min(g.x0, x), min(g.y0, y), max(x1, x), max(y1, y)
	}
	g.nx, g.ny = x1-g.x0+1, y1-g.y0+1
	g.start = make([]int32, g.nx*g.ny+1)
	cell := make([]int, len(pts))
	for i, p := range pts {
		x, y := g.key(p)
		cell[i] = (y-g.y0)*g.nx + x - g.x0
		g.start[cell[i]+1]++
	}
	for k := 1; k < len(g.start); k++ {
		g.start[k] += g.start[k-1]
	}
	g.items = make([]int32, len(pts))
	fill := append([]int32(nil), g.start[:len(g.start)-1]...)
	for i, k := range cell {
		g.items[fill[k]] = int32(i)
		fill[k]++
	}
	return g
}

func (g *cellGrid) key(p orb.Point) (int, int) {
	return int(math.Floor(p[0] / g.deg)), int(math.Floor(p[1] / g.deg))
}

// at lists the points of cell (x, y), none outside the grid.
func (g *cellGrid) at(x, y int) []int32 {
	x, y = x-g.x0, y-g.y0
	if x < 0 || y < 0 || x >= g.nx || y >= g.ny {
		return nil
	}
	k := y*g.nx + x
	return g.items[g.start[k]:g.start[k+1]]
}

// box is the range of cells holding every point within km of p, with a
// margin: the longitude span is taken at the box's latitude farthest from
// the equator, where a degree is shortest.
func (g *cellGrid) box(p orb.Point, km float64) (x0, y0, x1, y1 int) {
	dLat := km / kmPerDegree * 1.01
	far := math.Min(math.Abs(p[1])+dLat, 84)
	dLon := km / (kmPerDegree * math.Max(math.Cos(far*math.Pi/180), 0.1)) * 1.01
	x0, y0 = g.key(orb.Point{p[0] - dLon, p[1] - dLat})
	x1, y1 = g.key(orb.Point{p[0] + dLon, p[1] + dLat})
	return max(x0, g.x0), max(y0, g.y0), min(x1, g.x0+g.nx-1), min(y1, g.y0+g.ny-1)
}

// accessBase is the part of Access that depends on the geography alone.
type accessBase struct {
	code  []string
	comm  []int32 // each one's index in the gazetteer's communes
	pop   []float64
	pop0  []int64
	at    []pos
	area  []int16 // into areas
	areas []string
	grid  *cellGrid // of the communes, 0.25° cells (about 28 × 19 km)

	mu       sync.Mutex
	landsFor *Landmasses // the landmasses lands was read from
	lands    []int       // each commune's landmass; shared, never written
}

// areaID is the id of an area, -1 for one without communes.
func (b *accessBase) areaID(ar string) int16 {
	for i, a := range b.areas {
		if a == ar {
			return int16(i)
		}
	}
	return -1
}

// landsOf is each commune's landmass in l, read once for the gazetteer's
// own landmasses (35,000 map lookups otherwise paid by every call).
func (b *accessBase) landsOf(l *Landmasses) []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.landsFor == l && b.lands != nil {
		return b.lands
	}
	out := make([]int, len(b.code))
	for i, c := range b.code {
		out[i] = l.Of(c)
	}
	b.landsFor, b.lands = l, out
	return out
}

// lazyAccess builds the accessBase on first use, once per gazetteer.
type lazyAccess struct {
	once sync.Once
	base *accessBase
}

func (g *Gazetteer) accessBase() *accessBase {
	g.access.once.Do(func() {
		b := &accessBase{}
		var pts []orb.Point
		for k, c := range g.communes {
			if c.Population <= 0 || c.Lat == 0 && c.Lon == 0 {
				continue // Access leaves them out
			}
			b.comm = append(b.comm, int32(k))
			p := orb.Point{c.Lon, c.Lat}
			b.code, b.pop, b.pop0 = append(b.code, c.Code), append(b.pop, float64(c.Population)), append(b.pop0, c.Population)
			ar := b.areaID(area(c.Departement))
			if ar < 0 {
				ar = int16(len(b.areas))
				b.areas = append(b.areas, area(c.Departement))
			}
			b.at, b.area, pts = append(b.at, posOf(p)), append(b.area, ar), append(pts, p)
		}
		b.grid = newCellGrid(pts, 0.25)
		g.access.base = b
	})
	return g.access.base
}
