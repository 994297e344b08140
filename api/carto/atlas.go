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
	// Zoom is the outline again in the Paris inset, for the territories of
	// Paris and the petite couronne, too small to read or click at the
	// mainland's scale below the département; nil elsewhere.
	Zoom  [][]Point
	ZoomD string
	Label Point // where a label or marker for the territory goes
	Area  float64
}

// Inset frames one overseas département (its territories at the level:
// the département itself, its bassins or its communes), drawn at its own
// scale, or the zoom on Paris and the petite couronne.
type Inset struct {
	X, Y, W, H float64
	Code, Name string
}

// zoomDeps are the départements the Paris inset enlarges: the city and the
// petite couronne, where bassins and communes are a few pixels wide.
var zoomDeps = []string{"75", "92", "93", "94"}

// ZoomCode is the code of the Paris inset among Atlas.Insets.
const ZoomCode = "zoom-paris"

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
	insets   map[string]projection // by code of the département an inset frames
	frame    map[string]string     // a shape's code → the code of its inset's frame
	layers   borderLayers          // the PNG's borders, drawn once (pngborders.go)
	outlines struct {
		mu sync.Mutex
		by map[string][][]Point // by members, comma-joined
	}
}

type projection func(lon, lat float64) (float64, float64)

// Project places a WGS84 point on the map, in the frame of the territory
// code: its inset for an overseas territory, the mainland otherwise.
func (g *Atlas) Project(code string, lon, lat float64) Point {
	pr := g.mainland
	if p, ok := g.insets[g.frame[code]]; ok {
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

// NewAtlases returns the atlases of geo's levels, each projected on first
// use. They depend on the geography alone, so they are kept with the
// gazetteer: every server of a process shares them, and a new server's
// first map does not project the outlines again (9 ms a level).
func NewAtlases(geo *observatory.Gazetteer) *Atlases {
	return geo.Derived("carto.atlases", func() any {
		return &Atlases{geo: geo, byLevel: map[observatory.Level]*Atlas{}}
	}).(*Atlases)
}

// Level returns the projected outlines of a level's territories.
func (a *Atlases) Level(l observatory.Level) *Atlas {
	a.mu.Lock()
	defer a.mu.Unlock()
	g, ok := a.byLevel[l]
	if !ok {
		names := map[string]string{}
		for _, d := range a.geo.Territories(observatory.LevelDepartement) {
			names[d.Code] = d.Name
		}
		g = newAtlas(l, a.geo.Territories(l), names)
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

// frameOf is the code of the overseas frame or zoom a territory belongs
// to: itself for a région or a département, its département below, so the
// bassins or communes of Réunion share Réunion's inset.
func frameOf(level observatory.Level, t observatory.Territory) string {
	if level == observatory.LevelRegion || level == observatory.LevelDepartement {
		return t.Code
	}
	return t.Parent
}

func newAtlas(level observatory.Level, ts []observatory.Territory, depNames map[string]string) *Atlas {
	g := &Atlas{Level: level, index: map[string]int{}, frame: map[string]string{}}
	slices.SortFunc(ts, func(a, b observatory.Territory) int { return cmp.Compare(a.Code, b.Code) })

	// Mainland: Lambert-93, scaled to fit the area right of the insets.
	var metro []observatory.Territory
	drom := map[string]orb.Bound{} // overseas frame → bound of its territories
	var frames []string
	for _, t := range ts {
		f := frameOf(level, t)
		g.frame[t.Code] = f
		if t.Zone != "drom" {
			metro = append(metro, t)
			continue
		}
		b := polygons(t.Geometry).Bound()
		if old, ok := drom[f]; ok {
			b = b.Union(old)
		} else {
			frames = append(frames, f)
		}
		drom[f] = b
	}
	slices.Sort(frames)
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

	// Overseas: each département in its own box, equirectangular at its
	// own latitude (they span a degree or two, where that is as good as
	// any conic).
	n := max(len(frames), 1)
	boxH := (mapH - float64(n+1)*mapPad) / float64(n)
	insetProj := make(map[string]projection, len(frames)+1)
	for i, f := range frames {
		name := depNames[f]
		if level == observatory.LevelRegion || name == "" {
			name = nameOf(ts, f)
		}
		box := Inset{X: mapPad, Y: mapPad + float64(i)*(boxH+mapPad), W: insetW, H: boxH, Code: f, Name: name}
		g.Insets = append(g.Insets, box)
		insetProj[f] = fitEquirect(box, drom[f])
	}

	// Paris and the petite couronne, enlarged over the Channel, north of
	// Brittany: sea on every map, at every level below the région.
	zoomed := func(t observatory.Territory) bool {
		return level != observatory.LevelRegion && slices.Contains(zoomDeps, frameOf(level, t))
	}
	var zoomBound orb.Bound
	zoomN := 0
	for _, t := range metro {
		if zoomed(t) {
			b := polygons(t.Geometry).Bound()
			if zoomN == 0 {
				zoomBound = b
			} else {
				zoomBound = zoomBound.Union(b)
			}
			zoomN++
		}
	}
	var zoomProj projection
	if zoomN > 0 {
		// From the mainland's left edge to 330 km east in Lambert-93, and
		// from the top down to 6,895 km north: the Channel, west of the Cotentin
		// (x > 360 km) and north of the Breton coast (y < 6,885 km).
		x1, y1 := metroProj(lonAtL93(330000, 6895000))
		box := Inset{X: ax0, Y: oy, Code: ZoomCode, Name: "Paris – petite couronne"}
		box.W, box.H = x1-box.X, y1-box.Y
		g.Insets = append(g.Insets, box)
		zoomProj = fitLambert(box, zoomBound)
	}

	g.mainland, g.insets = metroProj, insetProj
	for _, t := range ts {
		sh := Shape{Code: t.Code, Name: t.Name, Inset: -1}
		pr := metroProj
		if p, ok := insetProj[g.frame[t.Code]]; ok && t.Zone == "drom" {
			pr = p
			sh.Inset = slices.IndexFunc(g.Insets, func(b Inset) bool { return b.Code == g.frame[t.Code] })
		}
		sh.Rings, sh.Area, sh.Label = projectShape(t.Geometry, pr)
		if lightLevel(g) {
			sh.D = pathDataRel(sh.Rings)
		} else {
			sh.D = pathData(sh.Rings)
		}
		if zoomProj != nil && t.Zone != "drom" && zoomed(t) {
			sh.Zoom, _, _ = projectShape(t.Geometry, zoomProj)
			sh.ZoomD = pathData(sh.Zoom)
		}
		g.index[sh.Code] = len(g.Shapes)
		g.Shapes = append(g.Shapes, sh)
	}
	return g
}

func nameOf(ts []observatory.Territory, code string) string {
	for _, t := range ts {
		if t.Code == code {
			return t.Name
		}
	}
	return code
}

// fitEquirect frames a bound in an inset box, with room for the name above.
func fitEquirect(box Inset, b orb.Bound) projection {
	cosLat := math.Cos((b.Min[1] + b.Max[1]) / 2 * math.Pi / 180)
	w, h := (b.Max[0]-b.Min[0])*cosLat, b.Max[1]-b.Min[1]
	const top, pad = 22.0, 8.0
	s := min((box.W-2*pad)/w, (box.H-top-pad)/h)
	x0 := box.X + (box.W-s*w)/2
	y0 := box.Y + top + (box.H-top-pad-s*h)/2
	minLon, maxLat := b.Min[0], b.Max[1]
	return func(lon, lat float64) (float64, float64) {
		return x0 + s*(lon-minLon)*cosLat, y0 + s*(maxLat-lat)
	}
}

// fitLambert frames a bound in Lambert-93 in an inset box: the zoom keeps
// the mainland's projection, only larger.
func fitLambert(box Inset, b orb.Bound) projection {
	x0, y0 := math.Inf(1), math.Inf(1)
	x1, y1 := math.Inf(-1), math.Inf(-1)
	for _, c := range []orb.Point{b.Min, b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}} {
		x, y := lambert93(c[0], c[1])
		x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
	}
	const top, pad = 22.0, 6.0
	s := min((box.W-2*pad)/(x1-x0), (box.H-top-pad)/(y1-y0))
	ox := box.X + (box.W-s*(x1-x0))/2
	oy := box.Y + top + (box.H-top-pad-s*(y1-y0))/2
	return func(lon, lat float64) (float64, float64) {
		x, y := lambert93(lon, lat)
		return ox + s*(x-x0), oy + s*(y1-y)
	}
}

// lonAtL93 inverts Lambert-93 well enough to place a frame: a few Newton
// steps from the projection's origin.
func lonAtL93(x, y float64) (lon, lat float64) {
	lon, lat = 3, 46.5
	for range 20 {
		px, py := lambert93(lon, lat)
		ex, ey := lambert93(lon+1e-4, lat)
		fx, fy := lambert93(lon, lat+1e-4)
		a, b := (ex-px)/1e-4, (fx-px)/1e-4
		c, d := (ey-py)/1e-4, (fy-py)/1e-4
		det := a*d - b*c
		dx, dy := x-px, y-py
		lon += (d*dx - b*dy) / det
		lat += (-c*dx + a*dy) / det
	}
	return lon, lat
}

// projectShape projects a territory's polygons: rings oriented for the
// non-zero rule, the area on screen and the label point (the centroid of
// the largest exterior ring).
func projectShape(geom orb.Geometry, pr projection) (rings [][]Point, area float64, label Point) {
	var best float64
	for _, poly := range polygons(geom) {
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
			rings = append(rings, r)
			if ri == 0 {
				area += math.Abs(a)
				if math.Abs(a) > best {
					best, label = math.Abs(a), ringCentroid(r)
				}
			} else {
				area -= math.Abs(a)
			}
		}
	}
	return rings, area, label
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

// pathDataRel writes rings with relative moves, in tenths: a commune's
// points are a few units apart, so "l-1.1-.6" is a third of the absolute
// "L708.2 411.5". The first move of each ring is absolute.
func pathDataRel(rings [][]Point) string {
	var b strings.Builder
	for _, r := range rings {
		var px, py int64 // in tenths, as projectRing rounded them
		for i, p := range r[:len(r)-1] {
			x, y := int64(math.Round(p.X*10)), int64(math.Round(p.Y*10))
			if i == 0 {
				b.WriteByte('M')
				writeTenths(&b, x, false)
				writeTenths(&b, y, true)
			} else {
				if i == 1 {
					b.WriteByte('l')
				}
				writeTenths(&b, x-px, i > 1)
				writeTenths(&b, y-py, true)
			}
			px, py = x, y
		}
		b.WriteByte('z')
	}
	return b.String()
}

// writeTenths writes v/10 as short as SVG allows: "-.6", "1.2", "3"; sep
// puts a space before a number that does not start with a minus sign.
func writeTenths(b *strings.Builder, v int64, sep bool) {
	if v < 0 {
		b.WriteByte('-')
		v = -v
	} else if sep {
		b.WriteByte(' ')
	}
	if v >= 10 {
		b.WriteString(strconv.FormatInt(v/10, 10))
	}
	if f := v % 10; f != 0 {
		b.WriteByte('.')
		b.WriteByte(byte('0' + f))
	} else if v < 10 {
		b.WriteByte('0')
	}
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

// Outline returns the boundary of the union of some territories, as
// polylines (outline). A gap zone's outline is drawn by every map of its
// level and snapshot, and depends on its members alone: it is kept, for
// the atlas's lifetime, up to outlinesKept sets of members (4 ms a map at
// département level). Callers must not change the lines.
func (g *Atlas) Outline(codes []string) [][]Point {
	key := strings.Join(codes, ",")
	g.outlines.mu.Lock()
	lines, ok := g.outlines.by[key]
	g.outlines.mu.Unlock()
	if ok {
		return lines
	}
	lines = g.outline(codes)
	g.outlines.mu.Lock()
	if g.outlines.by == nil || len(g.outlines.by) >= outlinesKept {
		g.outlines.by = map[string][][]Point{}
	}
	g.outlines.by[key] = lines
	g.outlines.mu.Unlock()
	return lines
}

// outlinesKept bounds the outlines an atlas keeps.
const outlinesKept = 256

// outline returns the boundary of the union of some territories, as
// polylines: the segments of their rings that no other member shares.
// Shared borders have the same rounded points on both sides, so each
// inner segment appears twice and drops out.
func (g *Atlas) outline(codes []string) [][]Point {
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
