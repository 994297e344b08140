package carto

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"github.com/gen-numerique/observatory/observatory"
)

// The map's drawing area, in SVG user units: overseas insets in a column on
// the left, mainland France (Corsica included) on the right.
const (
	mapW, mapH = 1000.0, 800.0
	insetW     = 150.0
	mapPad     = 8.0
)

// Point is a position on the map, in SVG user units (y grows downwards).
type Point struct{ X, Y float64 }

// Shape is one territory's outline, projected onto the map.
type Shape struct {
	Code, Name string
	Inset      int       // index into Atlas.Insets, -1 for mainland France
	Rings      [][]Point // closed, exterior rings counter-clockwise on screen, holes clockwise
	D          string    // the SVG path data of Rings
	Label      Point     // where a label or marker for the territory goes
	Area       float64
}

// Inset frames one overseas territory, drawn at its own scale.
type Inset struct {
	X, Y, W, H float64
	Code, Name string
}

// Atlas is a level's territories projected once: outlines never change
// within a binary, so every map of the level reuses them.
type Atlas struct {
	Level  observatory.Level
	Shapes []Shape // by code
	Insets []Inset
	index  map[string]int
	// Legend is a stretch of sea (the Bay of Biscay) where the standalone
	// map puts its legend.
	Legend struct{ X, Y, W, H float64 }

	mainland projection
	insets   map[string]projection // by code of the territory an inset frames
}

type projection func(lon, lat float64) (float64, float64)

// Project places a WGS84 point on the map, in the frame of the territory
// code: its inset for an overseas territory, the mainland otherwise.
func (g *Atlas) Project(code string, lon, lat float64) Point {
	pr := g.mainland
	if p, ok := g.insets[code]; ok {
		pr = p
	}
	x, y := pr(lon, lat)
	return Point{x, y}
}

// Atlases projects each level's outlines once, on first use: outlines
// never change for a gazetteer, and every map of a level reuses them.
type Atlases struct {
	geo     *observatory.Gazetteer
	mu      sync.Mutex
	byLevel map[observatory.Level]*Atlas
}

// NewAtlases prepares the atlases of geo's levels.
func NewAtlases(geo *observatory.Gazetteer) *Atlases {
	return &Atlases{geo: geo, byLevel: map[observatory.Level]*Atlas{}}
}

// Level returns the projected outlines of a level's territories.
func (a *Atlases) Level(l observatory.Level) *Atlas {
	a.mu.Lock()
	defer a.mu.Unlock()
	g, ok := a.byLevel[l]
	if !ok {
		g = newAtlas(l, a.geo.Territories(l))
		a.byLevel[l] = g
	}
	return g
}

// Lambert-93 (EPSG:2154): the conformal conic France's official maps use,
// on GRS80, standard parallels 44°N and 49°N, origin 46°30'N 3°E. It keeps
// shapes and areas of the mainland as readers know them, which a plain
// equirectangular projection does not at this latitude.
// Written out (IGN's formulas) rather than through PROJ: one projection
// does not justify cgo, and it is checked against IGN's reference points.
var l93 = func() (p struct{ n, f, rho0 float64 }) {
	const e = 0.0818191910428158 // GRS80 first eccentricity
	rad := math.Pi / 180
	m := func(phi float64) float64 { s := math.Sin(phi); return math.Cos(phi) / math.Sqrt(1-e*e*s*s) }
	t := func(phi float64) float64 {
		s := math.Sin(phi)
		return math.Tan(math.Pi/4-phi/2) / math.Pow((1-e*s)/(1+e*s), e/2)
	}
	p1, p2, p0 := 44*rad, 49*rad, 46.5*rad
	p.n = (math.Log(m(p1)) - math.Log(m(p2))) / (math.Log(t(p1)) - math.Log(t(p2)))
	p.f = m(p1) / (p.n * math.Pow(t(p1), p.n))
	p.rho0 = 6378137 * p.f * math.Pow(t(p0), p.n)
	return p
}()

// lambert93 projects a WGS84 point (the difference with RGF93 is far below
// a pixel) to Lambert-93 metres, y growing northwards.
func lambert93(lon, lat float64) (x, y float64) {
	const e = 0.0818191910428158
	rad := math.Pi / 180
	phi := lat * rad
	s := math.Sin(phi)
	t := math.Tan(math.Pi/4-phi/2) / math.Pow((1-e*s)/(1+e*s), e/2)
	rho := 6378137 * l93.f * math.Pow(t, l93.n)
	theta := l93.n * (lon - 3) * rad
	return 700000 + rho*math.Sin(theta), 6600000 + l93.rho0 - rho*math.Cos(theta)
}

// polygons returns a territory's outline as a list of polygons.
func polygons(g orb.Geometry) orb.MultiPolygon {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}

func newAtlas(level observatory.Level, ts []observatory.Territory) *Atlas {
	g := &Atlas{Level: level, index: map[string]int{}}
	slices.SortFunc(ts, func(a, b observatory.Territory) int { return cmp.Compare(a.Code, b.Code) })

	// Mainland: Lambert-93, scaled to fit the area right of the insets.
	var metro []observatory.Territory
	var drom []observatory.Territory
	for _, t := range ts {
		if t.Zone == "drom" {
			drom = append(drom, t)
		} else {
			metro = append(metro, t)
		}
	}
	bx0, by0, bx1, by1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, t := range metro {
		for _, p := range polygons(t.Geometry) {
			for _, c := range p[0] {
				x, y := lambert93(c[0], c[1])
				bx0, by0, bx1, by1 = min(bx0, x), min(by0, y), max(bx1, x), max(by1, y)
			}
		}
	}
	ax0, aw, ah := insetW+2*mapPad, mapW-insetW-3*mapPad, mapH-2*mapPad
	k := min(aw/(bx1-bx0), ah/(by1-by0))
	ox := ax0 + (aw-k*(bx1-bx0))/2
	oy := mapPad + (ah-k*(by1-by0))/2
	metroProj := func(lon, lat float64) (float64, float64) {
		x, y := lambert93(lon, lat)
		return ox + k*(x-bx0), oy + k*(by1-y)
	}
	// The Bay of Biscay, between Brittany and the Pyrenees, west of the
	// Landes coast: in Lambert-93, x < 300 km and 6,150 km < y < 6,650 km.
	g.Legend.X, g.Legend.Y = ox+k*(100000-bx0), oy+k*(by1-6650000)
	g.Legend.W, g.Legend.H = k*200000, k*500000

	// Overseas: each in its own box, equirectangular at its own latitude
	// (they span a degree or two, where that is as good as any conic).
	n := max(len(drom), 1)
	boxH := (mapH - float64(n+1)*mapPad) / float64(n)
	insetProj := make(map[string]projection, len(drom))
	for i, t := range drom {
		box := Inset{X: mapPad, Y: mapPad + float64(i)*(boxH+mapPad), W: insetW, H: boxH, Code: t.Code, Name: t.Name}
		g.Insets = append(g.Insets, box)
		b := polygons(t.Geometry).Bound()
		cosLat := math.Cos((b.Min[1] + b.Max[1]) / 2 * math.Pi / 180)
		w, h := (b.Max[0]-b.Min[0])*cosLat, b.Max[1]-b.Min[1]
		// Room for the name above the shape.
		const top, pad = 22.0, 8.0
		s := min((box.W-2*pad)/w, (box.H-top-pad)/h)
		x0 := box.X + (box.W-s*w)/2
		y0 := box.Y + top + (box.H-top-pad-s*h)/2
		minLon, maxLat := b.Min[0], b.Max[1]
		insetProj[t.Code] = func(lon, lat float64) (float64, float64) {
			return x0 + s*(lon-minLon)*cosLat, y0 + s*(maxLat-lat)
		}
	}

	g.mainland, g.insets = metroProj, insetProj
	for _, t := range ts {
		sh := Shape{Code: t.Code, Name: t.Name, Inset: -1}
		pr := metroProj
		if p, ok := insetProj[t.Code]; ok {
			pr = p
			sh.Inset = slices.IndexFunc(g.Insets, func(b Inset) bool { return b.Code == t.Code })
		}
		var best float64
		for _, poly := range polygons(t.Geometry) {
			for ri, ring := range poly {
				r := projectRing(ring, pr)
				if len(r) < 4 {
					continue // an islet smaller than a tenth of a unit
				}
				a := ringArea(r)
				// Screen y grows downwards: a counter-clockwise exterior
				// has negative signed area here; holes the opposite, so
				// the non-zero rule leaves them empty.
				if (ri == 0) == (a > 0) {
					slices.Reverse(r)
				}
				sh.Rings = append(sh.Rings, r)
				if ri == 0 {
					sh.Area += math.Abs(a)
					if math.Abs(a) > best {
						best, sh.Label = math.Abs(a), ringCentroid(r)
					}
				} else {
					sh.Area -= math.Abs(a)
				}
			}
		}
		sh.D = pathData(sh.Rings)
		g.index[sh.Code] = len(g.Shapes)
		g.Shapes = append(g.Shapes, sh)
	}
	return g
}

// projectRing projects a ring and rounds it to a tenth of a unit, dropping
// points that round onto the previous one. Neighbours share their border's
// points in the source, so they round to the same coordinates and the
// border is drawn once, with no sliver.
func projectRing(ring orb.Ring, pr func(lon, lat float64) (float64, float64)) []Point {
	out := make([]Point, 0, len(ring))
	for _, c := range ring {
		x, y := pr(c[0], c[1])
		p := Point{math.Round(x*10) / 10, math.Round(y*10) / 10}
		if len(out) > 0 && out[len(out)-1] == p {
			continue
		}
		out = append(out, p)
	}
	if len(out) > 1 && out[0] != out[len(out)-1] {
		out = append(out, out[0])
	}
	return out
}

// ringArea is the signed area (shoelace) of a closed ring.
func ringArea(r []Point) float64 {
	var a float64
	for i := 1; i < len(r); i++ {
		a += r[i-1].X*r[i].Y - r[i].X*r[i-1].Y
	}
	return a / 2
}

func ringCentroid(r []Point) Point {
	var cx, cy, a float64
	for i := 1; i < len(r); i++ {
		c := r[i-1].X*r[i].Y - r[i].X*r[i-1].Y
		a += c
		cx += (r[i-1].X + r[i].X) * c
		cy += (r[i-1].Y + r[i].Y) * c
	}
	if a == 0 {
		return r[0]
	}
	return Point{cx / (3 * a), cy / (3 * a)}
}

func pathData(rings [][]Point) string {
	var b strings.Builder
	for _, r := range rings {
		for i, p := range r[:len(r)-1] {
			if i == 0 {
				b.WriteByte('M')
			} else {
				b.WriteByte('L')
			}
			writeNum(&b, p.X)
			b.WriteByte(' ')
			writeNum(&b, p.Y)
		}
		b.WriteByte('Z')
	}
	return b.String()
}

func writeNum(b *strings.Builder, v float64) {
	b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
}

func (g *Atlas) Shape(code string) (*Shape, bool) {
	i, ok := g.index[code]
	if !ok {
		return nil, false
	}
	return &g.Shapes[i], true
}

// outline returns the boundary of the union of some territories, as
// polylines: the segments of their rings that no other member shares.
// Shared borders have the same rounded points on both sides, so each
// inner segment appears twice and drops out.
func (g *Atlas) Outline(codes []string) [][]Point {
	type seg struct{ a, b Point }
	key := func(a, b Point) seg {
		if a.X < b.X || a.X == b.X && a.Y < b.Y {
			return seg{a, b}
		}
		return seg{b, a}
	}
	count := map[seg]int{}
	var order []seg // segments in drawing order, so chains follow the rings
	for _, c := range codes {
		sh, ok := g.Shape(c)
		if !ok {
			continue
		}
		for _, r := range sh.Rings {
			for i := 1; i < len(r); i++ {
				s := seg{r[i-1], r[i]}
				if count[key(s.a, s.b)]++; count[key(s.a, s.b)] == 1 {
					order = append(order, s)
				}
			}
		}
	}
	// Chain the boundary segments into polylines so dashes and joins run
	// smoothly along the outline.
	next := map[Point][]seg{}
	var edges []seg
	for _, s := range order {
		if count[key(s.a, s.b)] == 1 {
			edges = append(edges, s)
			next[s.a] = append(next[s.a], s)
		}
	}
	used := map[seg]bool{}
	var out [][]Point
	for _, s := range edges {
		if used[s] {
			continue
		}
		line := []Point{s.a, s.b}
		used[s] = true
		for cur := s.b; ; {
			var nx *seg
			for i := range next[cur] {
				if c := next[cur][i]; !used[c] {
					nx = &c
					break
				}
			}
			if nx == nil {
				break
			}
			used[*nx] = true
			line = append(line, nx.b)
			cur = nx.b
		}
		out = append(out, line)
	}
	return out
}
