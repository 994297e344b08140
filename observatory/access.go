package observatory

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
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
var catchmentBands = []struct{ upToKm, weight float64 }{{20, 1}, {40, 0.68}, {60, 0.22}}

func bandWeight(km float64) float64 {
	for _, b := range catchmentBands {
		if km <= b.upToKm {
			return b.weight
		}
	}
	return 0
}

// Access computes every commune's access to the supply. Communes without
// a centroid or population are left out.
func Access(g *Gazetteer, lands *Landmasses, supply []Supply) []CommuneAccess {
	communes := g.Communes()
	ix := newPointIndex(g, lands, supply)
	// Step 1 of E2SFCA: each supply point's ratio of seats to the weighted
	// population within its catchment (in its own area).
	weighted := make([]float64, len(supply))
	var cands []int
	for _, c := range communes {
		if c.Population <= 0 || c.Lat == 0 && c.Lon == 0 {
			continue
		}
		p, ar := orb.Point{c.Lon, c.Lat}, area(c.Departement)
		cands = ix.within(p, CatchmentKm, cands[:0])
		for _, j := range cands {
			if ix.area[j] == ar {
				weighted[j] += float64(c.Population) * bandWeight(greatCircleKm(p, supply[j].Point))
			}
		}
	}
	ratio := make([]float64, len(supply))
	for j, s := range supply {
		if weighted[j] > 0 {
			ratio[j] = s.Seats / weighted[j]
		}
	}
	// Step 2: each commune sums the ratios of the points within reach.
	out := make([]CommuneAccess, 0, len(communes))
	for _, c := range communes {
		if c.Population <= 0 || c.Lat == 0 && c.Lon == 0 {
			continue
		}
		p, ar := orb.Point{c.Lon, c.Lat}, area(c.Departement)
		a := CommuneAccess{Code: c.Code, Population: c.Population}
		cands = ix.within(p, CatchmentKm, cands[:0])
		for _, j := range cands {
			if ix.area[j] == ar {
				a.Accessibility += ratio[j] * bandWeight(greatCircleKm(p, supply[j].Point)) * 100_000
			}
		}
		a.NearestKm, a.OverSea, a.Reachable = ix.nearest(p, ar, lands.Of(c.Code))
		out = append(out, a)
	}
	return out
}

// greatCircleKm is the great-circle distance in km.
func greatCircleKm(a, b orb.Point) float64 { return geo.Distance(a, b) / 1000 }

// pointIndex is a grid of the supply points for distance queries, with
// each point's area and landmass (formations are grouped by commune, so
// there are a few thousand points at most).
type pointIndex struct {
	cells  map[[2]int][]int
	pts    []Supply
	area   []string
	land   []int
	areas  map[string]bool // areas with a supply point
	landed map[int]bool    // landmasses with a supply point
}

const pointCellDeg = 0.5 // about 40 × 55 km

func newPointIndex(g *Gazetteer, lands *Landmasses, pts []Supply) *pointIndex {
	ix := &pointIndex{cells: map[[2]int][]int{}, pts: pts, area: make([]string, len(pts)), land: make([]int, len(pts)),
		areas: map[string]bool{}, landed: map[int]bool{}}
	for i, p := range pts {
		c := pointCell(p.Point)
		ix.cells[c] = append(ix.cells[c], i)
		ix.area[i] = area(p.Dep)
		ix.land[i] = lands.Of(p.Commune)
		ix.areas[ix.area[i]] = true
		ix.landed[ix.land[i]] = true
	}
	return ix
}

func pointCell(p orb.Point) [2]int {
	return [2]int{int(math.Floor(p[0] / pointCellDeg)), int(math.Floor(p[1] / pointCellDeg))}
}

// within appends the points within km of p.
func (ix *pointIndex) within(p orb.Point, km float64, out []int) []int {
	dLat := km / kmPerDegree
	dLon := km / (kmPerDegree * math.Max(math.Cos(p[1]*math.Pi/180), 0.1))
	lo, hi := pointCell(orb.Point{p[0] - dLon, p[1] - dLat}), pointCell(orb.Point{p[0] + dLon, p[1] + dLat})
	for x := lo[0]; x <= hi[0]; x++ {
		for y := lo[1]; y <= hi[1]; y++ {
			for _, i := range ix.cells[[2]int{x, y}] {
				if greatCircleKm(p, ix.pts[i].Point) <= km {
					out = append(out, i)
				}
			}
		}
	}
	return out
}

// nearest finds the distance to the nearest supply point from p, in area
// ar: on landmass land when a point is there, else anywhere in the area
// (across the sea). The search widens ring by ring and stops once nothing
// beyond can be nearer.
func (ix *pointIndex) nearest(p orb.Point, ar string, land int) (km float64, overSea, ok bool) {
	if !ix.areas[ar] {
		return 0, false, false
	}
	sameLand := land >= 0 && ix.landed[land]
	best := math.Inf(1)
	home := pointCell(p)
	for r := 0; r < 400; r++ {
		for x := home[0] - r; x <= home[0]+r; x++ {
			for y := home[1] - r; y <= home[1]+r; y++ {
				if r > 0 && x != home[0]-r && x != home[0]+r && y != home[1]-r && y != home[1]+r {
					continue // inner cells were searched at a smaller r
				}
				for _, i := range ix.cells[[2]int{x, y}] {
					if ix.area[i] != ar || sameLand && ix.land[i] != land {
						continue
					}
					best = math.Min(best, greatCircleKm(p, ix.pts[i].Point))
				}
			}
		}
		// A point beyond ring r is more than r cells away in latitude or
		// in longitude, whichever is shorter on the ground.
		lat := math.Min(math.Abs(p[1])+pointCellDeg*float64(r+1), 85)
		if best <= float64(r)*pointCellDeg*kmPerDegree*math.Cos(lat*math.Pi/180) {
			break
		}
	}
	if math.IsInf(best, 1) {
		return 0, false, false
	}
	// Across the sea only when the commune's land is known and has none.
	return best, land >= 0 && !sameLand, true
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
	var sums accessSums
	for i := range cs {
		c, ok := g.Commune(cs[i].Code)
		if !ok {
			continue
		}
		if code := territoryOf(c, level); code != "" {
			sums.add(code, &cs[i])
		}
	}
	return sums.totals()
}

// accessSums adds communes' access up by territory: AccessBy's and the
// siting state's sums.
type accessSums struct {
	by map[string]*TerritoryAccess
	km map[string]float64 // population-weighted distance
}

func (s *accessSums) add(code string, a *CommuneAccess) {
	if s.by == nil {
		s.by, s.km = map[string]*TerritoryAccess{}, map[string]float64{}
	}
	t := s.by[code]
	if t == nil {
		t = &TerritoryAccess{}
		s.by[code] = t
	}
	if !a.Reachable {
		t.Unreachable += a.Population
		return
	}
	p := float64(a.Population)
	t.Population += a.Population
	t.Communes++
	s.km[code] += p * a.NearestKm
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
	for code, t := range s.by {
		if t.Population > 0 {
			t.MeanKm = s.km[code] / float64(t.Population)
			t.Accessibility /= float64(t.Population)
		}
		out[code] = *t
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
	median := medianSeats(pts)
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

// medianSeats is the median of the seats the formations give (the upper
// one of an even count), 1 when none gives any: what a formation without
// seats counts for.
func medianSeats(pts []FormationPoint) float64 {
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
