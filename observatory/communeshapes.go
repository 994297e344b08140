package observatory

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// lazyShapes parses the commune outlines on first use, once per gazetteer
// (a package-level cache would outlive it and tie tests together).
type lazyShapes struct {
	load   func() (map[string]orb.MultiPolygon, error)
	once   sync.Once
	shapes *CommuneShapes
	err    error
}

// CommuneShapes returns the commune outlines, parsed and indexed on the
// first call (a few tenths of a second for the embedded ones, see
// datasets' BenchmarkCommuneShapes) and shared afterwards. It fails when the gazetteer was built without
// outlines or they do not parse.
func (g *Gazetteer) CommuneShapes() (*CommuneShapes, error) {
	l := &g.communeShapes
	l.once.Do(func() {
		if l.load == nil {
			l.err = Errorf(ENOTFOUND, "this gazetteer has no commune outlines")
			return
		}
		m, err := l.load()
		if err != nil {
			l.err = fmt.Errorf("commune outlines: %w", err)
			return
		}
		l.shapes = NewCommuneShapes(m)
	})
	return l.shapes, l.err
}

// CommuneAt returns the commune whose outline contains the point (WGS84
// longitude and latitude) or, failing that, the one whose outline passes
// nearest within CommuneToleranceKm; false when none does.
func (g *Gazetteer) CommuneAt(lon, lat float64) (Commune, bool, error) {
	s, err := g.CommuneShapes()
	if err != nil {
		return Commune{}, false, err
	}
	code, ok := s.At(lon, lat)
	if !ok {
		return Commune{}, false, nil
	}
	c, ok := g.Commune(code)
	return c, ok, nil
}

func (g *Gazetteer) communeTerritories() []Territory {
	s, err := g.CommuneShapes()
	if err != nil {
		return nil
	}
	ts := make([]Territory, 0, len(g.communes))
	for _, c := range g.communes {
		ts = append(ts, g.asTerritory(c, s))
	}
	return ts
}

func (g *Gazetteer) communeTerritory(code string) (Territory, bool) {
	c, ok := g.Commune(code)
	if !ok || IsArrondissementMunicipal(code) {
		return Territory{}, false
	}
	s, err := g.CommuneShapes()
	if err != nil {
		return Territory{}, false
	}
	return g.asTerritory(c, s), true
}

func (g *Gazetteer) asTerritory(c Commune, s *CommuneShapes) Territory {
	t := Territory{Level: LevelCommune, Code: c.Code, Name: c.Name, Parent: c.Departement, Population: c.Population, Bassin: c.Bassin}
	if d, ok := g.Departement(c.Departement); ok {
		t.Zone = d.Zone
	}
	if mp, ok := s.Shape(c.Code); ok {
		t.Geometry = mp
	}
	return t
}

// CommuneToleranceKm is how far outside every commune outline a point may
// lie and still be given the nearest commune: the simplified coasts cut
// harbours and beaches by up to a few hundred metres.
const CommuneToleranceKm = 1.0

// communeCellDeg is the side of a cell of the point index, in degrees:
// about the size of a commune, so a cell lists a handful of outlines.
const communeCellDeg = 0.05

// CommuneShapes holds commune outlines indexed for point queries. It is
// immutable and safe for concurrent use; its outlines must not be modified.
type CommuneShapes struct {
	codes  []string // sorted
	shapes []orb.MultiPolygon
	bounds []orb.Bound // of each outline, grown by CommuneToleranceKm
	// The grid, in compressed rows: cells holds the keys of the cells some
	// grown bound meets, sorted; the bounds meeting cells[i] are
	// items[start[i]:start[i+1]], in ascending order.
	cells []int64
	start []int32
	items []int32
}

// NewCommuneShapes indexes outlines by code.
func NewCommuneShapes(m map[string]orb.MultiPolygon) *CommuneShapes {
	s := &CommuneShapes{}
	for code := range m {
		s.codes = append(s.codes, code)
	}
	slices.Sort(s.codes)
	s.shapes = make([]orb.MultiPolygon, len(s.codes))
	s.bounds = make([]orb.Bound, len(s.codes))
	type entry struct {
		cell int64
		item int32
	}
	n := 0
	for i, code := range s.codes {
		s.shapes[i] = m[code]
		s.bounds[i] = padKm(s.shapes[i].Bound(), CommuneToleranceKm)
		lo, hi := communeCell(s.bounds[i].Min), communeCell(s.bounds[i].Max)
		n += int(hi[0]-lo[0]+1) * int(hi[1]-lo[1]+1)
	}
	entries := make([]entry, 0, n)
	for i := range s.codes {
		lo, hi := communeCell(s.bounds[i].Min), communeCell(s.bounds[i].Max)
		for x := lo[0]; x <= hi[0]; x++ {
			for y := lo[1]; y <= hi[1]; y++ {
				entries = append(entries, entry{cellKey(x, y), int32(i)})
			}
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Or(cmp.Compare(a.cell, b.cell), cmp.Compare(a.item, b.item)) })
	s.items = make([]int32, len(entries))
	for k, e := range entries {
		if k == 0 || e.cell != entries[k-1].cell {
			s.cells = append(s.cells, e.cell)
			s.start = append(s.start, int32(k))
		}
		s.items[k] = e.item
	}
	s.start = append(s.start, int32(len(entries)))
	return s
}

func communeCell(p orb.Point) [2]int32 {
	return [2]int32{int32(math.Floor(p[0] / communeCellDeg)), int32(math.Floor(p[1] / communeCellDeg))}
}

func cellKey(x, y int32) int64 { return int64(x)<<32 | int64(uint32(y)) }

// candidates returns the outlines whose grown bound meets the point's cell.
func (s *CommuneShapes) candidates(pt orb.Point) []int32 {
	c := communeCell(pt)
	i, ok := slices.BinarySearch(s.cells, cellKey(c[0], c[1]))
	if !ok {
		return nil
	}
	return s.items[s.start[i]:s.start[i+1]]
}

// Len returns the number of outlines.
func (s *CommuneShapes) Len() int { return len(s.codes) }

// Shape returns the outline of a commune by INSEE code.
func (s *CommuneShapes) Shape(code string) (orb.MultiPolygon, bool) {
	i, ok := slices.BinarySearchFunc(s.codes, code, strings.Compare)
	if !ok {
		return nil, false
	}
	return s.shapes[i], true
}

// At returns the code of the commune whose outline contains the point or,
// failing that, of the one whose outline passes nearest within
// CommuneToleranceKm. A point on a border goes to one of the two, always
// the same: the lower code, unless the border is the other's hole.
func (s *CommuneShapes) At(lon, lat float64) (string, bool) {
	if !finite(lon, lat) || math.Abs(lon) > 180 || math.Abs(lat) > 90 {
		return "", false
	}
	pt := orb.Point{lon, lat}
	cands := s.candidates(pt)
	for _, i := range cands {
		if s.bounds[i].Contains(pt) && planar.MultiPolygonContains(s.shapes[i], pt) {
			return s.codes[i], true
		}
	}
	best, bestKm := -1, CommuneToleranceKm
	for _, i := range cands {
		if !s.bounds[i].Contains(pt) {
			continue
		}
		if d := boundaryKm(s.shapes[i], pt); d <= bestKm {
			best, bestKm = int(i), d
		}
	}
	if best < 0 {
		return "", false
	}
	return s.codes[best], true
}

// boundaryKm is the distance from pt to the nearest ring of mp, on a local
// equirectangular projection.
func boundaryKm(mp orb.MultiPolygon, pt orb.Point) float64 {
	kx := math.Cos(pt[1]*math.Pi/180) * kmPerDegree
	best := math.Inf(1)
	for _, p := range mp {
		for _, r := range p {
			for j := 1; j < len(r); j++ {
				a := orb.Point{(r[j-1][0] - pt[0]) * kx, (r[j-1][1] - pt[1]) * kmPerDegree}
				b := orb.Point{(r[j][0] - pt[0]) * kx, (r[j][1] - pt[1]) * kmPerDegree}
				best = min(best, planar.DistanceFromSegmentSquared(a, b, orb.Point{}))
			}
		}
	}
	return math.Sqrt(best)
}
