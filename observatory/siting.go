package observatory

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"
)

// Siting answers the two questions GEN staff ask before labelling: what
// would a new formation here change (Simulate), and where would one help
// most (Recommend). Both work on the access of every commune to the offer
// in force (access.go), adding candidate sites to it incrementally: a new
// formation changes the nearest distance and the E2SFCA index only of the
// communes around it, so nothing is recomputed for the rest of France.
// docs/siting.md gives the method, the score and the limits.

const (
	// MaxSites is the most candidate sites one simulation takes: enough
	// for a labelling campaign, few enough to answer in well under a
	// second.
	MaxSites = 20
	// LabelYears is how long a GEN label runs: a simulated formation is
	// in force from its start for that long.
	LabelYears = 3
	// ReachKm and FarKm are the distances of pop_beyond_30km and
	// pop_beyond_60km: "within reach" is within ReachKm.
	ReachKm = 30.0
	FarKm   = 60.0
)

// Site is a candidate place for a new formation, as asked.
type Site struct {
	Commune   string     // INSEE code; "" when Point is given
	Point     *orb.Point // lon, lat; nil when Commune is given
	Family    string
	Seats     int    // seats per session; 0: the median of the offer's
	Programme string // "": the GEN label
	Start     time.Time
}

// PlacedSite is a site found in the reference geography, with what it
// counts for.
type PlacedSite struct {
	Index       int     `json:"index"`
	Commune     string  `json:"commune"`
	Name        string  `json:"name"`
	Departement string  `json:"departement"`
	Region      string  `json:"region"`
	Bassin      string  `json:"bassin,omitempty"`
	Lon         float64 `json:"lon"`
	Lat         float64 `json:"lat"`
	// Placed says where the formation is put: "commune" (the commune's
	// centroid, as the catalogue places formations without coordinates),
	// "formations" (where the commune's formations of the offer already
	// are) or "point" (where given).
	Placed    string  `json:"placed"`
	Family    string  `json:"family"`
	Seats     float64 `json:"seats"`
	SeatsRule string  `json:"seats_rule"` // "given", or "median": the offer's median, as for formations that give none
	Programme string  `json:"programme"`
	Start     string  `json:"start"`     // labelling date (the date the offer is read at when not given)
	LabelEnd  string  `json:"label_end"` // start + LabelYears
	// Brought30 and Brought60 are the inhabitants this site brings within
	// 30 and 60 km of a formation, given the sites listed before it.
	Brought30 int64 `json:"population_brought_within_30km"`
	Brought60 int64 `json:"population_brought_within_60km"`

	commune int // index into the siting base's communes, -1 when the commune has no access row
	area    string
	land    int
	start   time.Time
}

// counts reports whether the site counts in facts read at d in view (d
// zero: every formation, as FactQuery says).
func (p PlacedSite) counts(d time.Time, view string) bool {
	if d.IsZero() {
		return true
	}
	if p.start.After(d) {
		return false
	}
	return view == ViewLabelled || p.start.AddDate(LabelYears, 0, 0).After(d)
}

// placeSites finds each site in the reference geography and checks it
// against the simulation's filters. A site that cannot be simulated is a
// ParamError naming it: sites[i].field.
func (s Indicators) placeSites(ctx context.Context, sites []Site, fq FactQuery, b *sitingBase) ([]PlacedSite, error) {
	fams, err := s.Facts.Families(ctx)
	if err != nil {
		return nil, err
	}
	if len(sites) == 0 {
		return nil, ParamError("sites", "give at least one site (a commune or a point, and a job family)")
	}
	if len(sites) > MaxSites {
		return nil, ParamError("sites", "%d sites: a simulation takes at most %d", len(sites), MaxSites)
	}
	out := make([]PlacedSite, len(sites))
	for i, st := range sites {
		field := func(f string) string { return fmt.Sprintf("sites[%d].%s", i, f) }
		p := PlacedSite{Index: i, Family: st.Family, Programme: st.Programme, commune: -1}
		var c Commune
		switch {
		case st.Commune != "" && st.Point != nil:
			return nil, ParamError(field("commune"), "site %d: give a commune or a point (lon, lat), not both", i)
		case st.Commune != "":
			var ok bool
			if c, ok = s.Geo.Commune(st.Commune); !ok {
				return nil, ParamError(field("commune"), "site %d: no commune %q in the reference geography (INSEE code, e.g. 23096 for Guéret)", i, st.Commune)
			}
			if c.Lat == 0 && c.Lon == 0 {
				return nil, ParamError(field("commune"), "site %d: commune %s (%s) has no known centroid; give its point (lon, lat)", i, c.Code, c.Name)
			}
			p.Lon, p.Lat, p.Placed = c.Lon, c.Lat, "commune"
			if at, ok := b.at[c.Code]; ok {
				// Where the commune's formations already are, as the
				// catalogue's formations of one commune are counted.
				p.Lon, p.Lat, p.Placed = at[0], at[1], "formations"
			}
		case st.Point != nil:
			lon, lat := st.Point[0], st.Point[1]
			if !finite(lon, lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
				return nil, ParamError(field("lon"), "site %d: lon and lat must be WGS84 degrees", i)
			}
			found, ok, err := s.Geo.CommuneAt(lon, lat)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, ParamError(field("lon"), "site %d: the point (%g, %g) is in no commune of France (metropolitan or overseas)", i, lon, lat)
			}
			c = found
			p.Lon, p.Lat, p.Placed = lon, lat, "point"
		default:
			return nil, ParamError(field("commune"), "site %d: give a commune (INSEE code) or a point (lon, lat)", i)
		}
		if whole := ArrondissementCommune(c.Code); whole != "" {
			// An arrondissement places the formation; its commune counts it.
			if w, ok := s.Geo.Commune(whole); ok {
				c.Code, c.Name = w.Code, w.Name
			}
		}
		p.Commune, p.Name, p.Departement, p.Region, p.Bassin = c.Code, c.Name, c.Departement, c.Region, c.Bassin
		switch {
		case st.Family == "":
			return nil, ParamError(field("family"), "site %d: give its job family (one of %v, see /api/v1/metiers)", i, fams)
		case !slices.Contains(fams, st.Family):
			return nil, ParamError(field("family"), "site %d: %q is not a job family; allowed: %v (see /api/v1/metiers)", i, st.Family, fams)
		case fq.Family != "" && st.Family != fq.Family:
			return nil, ParamError(field("family"), "site %d is of family %s, but the simulation reads family %s alone: "+
				"it would change nothing; drop family= or give the site that family", i, st.Family, fq.Family)
		}
		if p.Programme == "" {
			p.Programme = ProgrammeGEN
		}
		if fq.Programmes != nil && !slices.Contains(fq.Programmes, p.Programme) {
			return nil, ParamError(field("programme"), "site %d is of programme %s, which the simulation does not read (it reads %v): "+
				"it would change nothing; give programme= with it", i, p.Programme, fq.Programmes)
		}
		p.start = st.Start
		if p.start.IsZero() {
			p.start = fq.At
		}
		switch {
		case p.start.After(fq.At):
			return nil, ParamError(field("start"), "site %d starts on %s, after the date the offer is read at (%s): it would not count; "+
				"read the offer at its start or later (at=%s)", i, p.start.Format(time.DateOnly), fq.At.Format(time.DateOnly), p.start.Format(time.DateOnly))
		case !p.counts(fq.At, fq.View):
			return nil, ParamError(field("start"), "site %d starts on %s: its label (%d years) has ended by %s, the date the offer is read at",
				i, p.start.Format(time.DateOnly), LabelYears, fq.At.Format(time.DateOnly))
		}
		p.Start, p.LabelEnd = p.start.Format(time.DateOnly), p.start.AddDate(LabelYears, 0, 0).Format(time.DateOnly)
		p.Seats, p.SeatsRule = b.median, "median"
		if st.Seats > 0 {
			p.Seats, p.SeatsRule = float64(st.Seats), "given"
		}
		if j, ok := b.idx[c.Code]; ok {
			p.commune = j
		}
		p.area, p.land = area(c.Departement), b.lands.Of(c.Code)
		out[i] = p
	}
	return out, nil
}

// sitingBase is what siting reads of one offer: every commune's access to
// it, with the communes' positions, areas, landmasses and bassins, a grid
// to find them by distance, and the aggregates by territory. It is built
// once per snapshot and selection and never modified.
type sitingBase struct {
	g        *Gazetteer
	lands    *Landmasses
	access   []CommuneAccess // baseline, in the order of g.Communes() (those with a centroid and people)
	communes []Commune       // the same order
	idx      map[string]int
	pt       []orb.Point
	area     []string
	land     []int
	bassin   []int // into bassins, -1 for none
	bassins  []Territory
	grid     *communeGrid
	by       map[Level]map[string]TerritoryAccess
	national TerritoryAccess
	median   float64
	guessed  int
	points   int
	at       map[string]orb.Point // where each commune's formations are
	terr     map[Level][]string   // each commune's territory by level
	cos      []float64            // cosine of each commune's latitude
	pos      []pos                // each commune's position for distances (Access's)
}

// sitingBase builds (or finds in the memo) the base of the offer fq
// selects; the level of fq does not matter.
func (s Indicators) sitingBase(ctx context.Context, fq FactQuery) (*sitingBase, error) {
	af, err := s.communeAccess(ctx, fq)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("siting|%s|%s|%s|%s", fq.At.Format(time.DateOnly), fq.View, fq.Family, programmeKey(fq.Programmes))
	v, err := s.memo(ctx, key, func() (any, error) {
		lands, err := s.Geo.Landmasses()
		if err != nil {
			lands = &Landmasses{}
		}
		b := newSitingBase(s.Geo, lands, af.communes, af.median)
		b.guessed, b.points, b.at = af.guessed, af.points, af.at
		return b, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*sitingBase), nil
}

// newSitingBase indexes the communes' access to an offer (as Access
// computes it) for siting; median is the seats a formation that gives
// none counts for.
func newSitingBase(g *Gazetteer, lands *Landmasses, access []CommuneAccess, median float64) *sitingBase {
	b := &sitingBase{g: g, lands: lands, access: access, idx: make(map[string]int, len(access)),
		median: median, bassins: g.Bassins(), by: map[Level]map[string]TerritoryAccess{}}
	bidx := make(map[string]int, len(b.bassins))
	for i, t := range b.bassins {
		bidx[t.Code] = i
	}
	n := len(access)
	b.communes, b.pt, b.area, b.land, b.bassin = make([]Commune, n), make([]orb.Point, n), make([]string, n), make([]int, n), make([]int, n)
	for i, a := range access {
		c, _ := g.Commune(a.Code)
		b.communes[i], b.idx[a.Code] = c, i
		b.pt[i], b.area[i], b.land[i] = orb.Point{c.Lon, c.Lat}, area(c.Departement), lands.Of(c.Code)
		b.bassin[i] = -1
		if j, ok := bidx[c.Bassin]; ok {
			b.bassin[i] = j
		}
	}
	b.grid = newCommuneGrid(b.pt)
	b.cos, b.pos = make([]float64, n), make([]pos, n)
	for i, p := range b.pt {
		b.pos[i] = posOf(p)
		b.cos[i] = math.Cos(math.Min(math.Abs(p[1]), 89) * math.Pi / 180)
	}
	b.terr = map[Level][]string{}
	for _, l := range []Level{LevelRegion, LevelDepartement, LevelBassin} {
		b.by[l] = AccessBy(g, l, access)
		b.terr[l] = make([]string, n)
		for i, c := range b.communes {
			b.terr[l][i] = territoryOf(c, l)
		}
	}
	b.national = nationalAccess(access)
	return b
}

// nationalAccess adds every commune's access up, as AccessBy does a
// territory's.
func nationalAccess(cs []CommuneAccess) TerritoryAccess {
	var t TerritoryAccess
	var km float64
	for _, a := range cs {
		if !a.Reachable {
			t.Unreachable += a.Population
			continue
		}
		p := float64(a.Population)
		t.Population += a.Population
		t.Communes++
		km += p * a.NearestKm
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
	if t.Population > 0 {
		t.MeanKm = km / float64(t.Population)
		t.Accessibility /= float64(t.Population)
	}
	return t
}

// communeGrid finds communes by distance: cells of gridDeg degrees, each
// with its bounds, so that a search can skip cells that cannot matter.
type communeGrid struct {
	cells  []gridCell
	at     map[[2]int]int
	cellOf []int
}

type gridCell struct {
	min, max orb.Point
	cos      float64 // cosine of its latitude farthest from the equator
	members  []int
}

const gridDeg = 0.25 // about 28 × 19 km in mainland France

func gridKey(p orb.Point) [2]int {
	return [2]int{int(math.Floor(p[0] / gridDeg)), int(math.Floor(p[1] / gridDeg))}
}

func newCommuneGrid(pts []orb.Point) *communeGrid {
	g := &communeGrid{at: map[[2]int]int{}, cellOf: make([]int, len(pts))}
	for i, p := range pts {
		k := gridKey(p)
		ci, ok := g.at[k]
		if !ok {
			ci = len(g.cells)
			g.at[k] = ci
			lo := orb.Point{float64(k[0]) * gridDeg, float64(k[1]) * gridDeg}
			far := math.Min(math.Max(math.Abs(lo[1]), math.Abs(lo[1]+gridDeg)), 89)
			g.cells = append(g.cells, gridCell{min: lo, max: orb.Point{lo[0] + gridDeg, lo[1] + gridDeg}, cos: math.Cos(far * math.Pi / 180)})
		}
		g.cells[ci].members = append(g.cells[ci].members, i)
		g.cellOf[i] = ci
	}
	return g
}

// within calls fn for each commune within km of p, with its dist2.
func (g *communeGrid) within(at []pos, p orb.Point, km float64, fn func(i int, d2 float64)) {
	// The box is Access's (cellGrid.box): its longitude span is taken at
	// its latitude farthest from the equator, so no commune within km
	// falls outside it.
	dLat := km / kmPerDegree * 1.01
	far := math.Min(math.Abs(p[1])+dLat, 84)
	dLon := km / (kmPerDegree * math.Max(math.Cos(far*math.Pi/180), 0.1)) * 1.01
	lo, hi := gridKey(orb.Point{p[0] - dLon, p[1] - dLat}), gridKey(orb.Point{p[0] + dLon, p[1] + dLat})
	pp, reach := posOf(p), dist2Of(km)
	for x := lo[0]; x <= hi[0]; x++ {
		for y := lo[1]; y <= hi[1]; y++ {
			ci, ok := g.at[[2]int{x, y}]
			if !ok {
				continue
			}
			for _, i := range g.cells[ci].members {
				if d2 := dist2(pp, at[i]); d2 <= reach {
					fn(i, d2)
				}
			}
		}
	}
}

// lowerBoundKm is at most the great-circle distance from p (whose
// latitude has cosine cosP) to any point of the cell: the
// equirectangular distance to its bounds at the latitude farthest from
// the equator involved, less 5 % for the projection.
func (c *gridCell) lowerBoundKm(p orb.Point, cosP float64) float64 {
	dLat := max(0, c.min[1]-p[1], p[1]-c.max[1])
	dLon := max(0, c.min[0]-p[0], p[0]-c.max[0])
	x, y := dLon*kmPerDegree*min(cosP, c.cos), dLat*kmPerDegree
	return 0.95 * math.Sqrt(x*x+y*y)
}

// lowerKm is at most the great-circle distance between p and q (cosines
// of their latitudes cp, cq), the same way.
func lowerKm(p, q orb.Point, cp, cq float64) float64 {
	x, y := (p[0]-q[0])*kmPerDegree*min(cp, cq), (p[1]-q[1])*kmPerDegree
	return 0.95 * math.Sqrt(x*x+y*y)
}

// accessState is the access of every commune as sites are added: a copy
// of the base's, and for each grid cell the largest distance to a
// formation among its communes (+Inf when one has none in its area or
// has it across the sea), which bounds the searches.
type accessState struct {
	b        *sitingBase
	access   []CommuneAccess
	cellNear []float64
	// cellScore bounds the searches of the score (Recommend), which need
	// a commune with no formation in its area only within FarKm (farther
	// it counts for nothing), and one whose nearest is across the sea
	// only within islandKm or its distance: an island's own first
	// formation is within that reach of it.
	cellScore []float64
}

// islandKm is the reach of the score's search for communes whose nearest
// formation is across the sea: more than Corsica's length.
const islandKm = 250.0

func (b *sitingBase) state() *accessState {
	st := &accessState{b: b, access: slices.Clone(b.access), cellNear: make([]float64, len(b.grid.cells)), cellScore: make([]float64, len(b.grid.cells))}
	for ci := range b.grid.cells {
		st.refreshCell(ci)
	}
	return st
}

func (st *accessState) refreshCell(ci int) {
	m, ms := 0.0, 0.0
	for _, i := range st.b.grid.cells[ci].members {
		a := st.access[i]
		switch {
		case !a.Reachable:
			m, ms = math.Inf(1), max(ms, FarKm)
		case a.OverSea:
			m, ms = math.Inf(1), max(ms, a.NearestKm, islandKm)
		default:
			m, ms = max(m, a.NearestKm), max(ms, a.NearestKm)
		}
	}
	st.cellNear[ci], st.cellScore[ci] = m, ms
}

// scoreReach is how far a formation can change commune a for the score.
func scoreReach(a CommuneAccess) float64 {
	switch {
	case !a.Reachable:
		return FarKm
	case a.OverSea:
		return max(a.NearestKm, islandKm)
	}
	return a.NearestKm
}

// nearWith is a commune's access to its nearest formation once one is
// added at distance d on landmass land, as Access measures it: on the
// commune's own landmass when one is there, else across the sea within
// its area. It reports false when nothing changes.
func nearWith(a CommuneAccess, d float64, ownLand, land int) (CommuneAccess, bool) {
	known, same := ownLand >= 0, ownLand >= 0 && ownLand == land
	switch {
	case !a.Reachable:
		a.NearestKm, a.OverSea, a.Reachable = d, known && !same, true
	case same && a.OverSea:
		a.NearestKm, a.OverSea = d, false // its own land now has one, nearer or not
	case known && !same && !a.OverSea:
		return a, false // its own land has one: a point across the sea does not count
	case d < a.NearestKm:
		a.NearestKm = d
	default:
		return a, false
	}
	return a, true
}

// improvable calls fn for every commune of area ar whose access a
// formation at p on landmass land would change, with the new access.
// With scoring, it leaves out the communes the score cannot count (see
// cellScore).
func (st *accessState) improvable(p orb.Point, ar string, land int, scoring bool, fn func(i int, now CommuneAccess)) {
	b := st.b
	cosP := math.Cos(math.Min(math.Abs(p[1]), 89) * math.Pi / 180)
	pp := posOf(p)
	bound := st.cellNear
	if scoring {
		bound = st.cellScore
	}
	for ci := range b.grid.cells {
		c := &b.grid.cells[ci]
		if c.lowerBoundKm(p, cosP) >= bound[ci] {
			continue
		}
		for _, i := range c.members {
			a := st.access[i]
			if b.area[i] != ar {
				continue
			}
			if lb := lowerKm(p, b.pt[i], cosP, b.cos[i]); scoring && lb >= scoreReach(a) || a.Reachable && !a.OverSea && lb >= a.NearestKm {
				continue // farther than its nearest formation: nothing changes
			}
			if now, ok := nearWith(a, kmOf(dist2(pp, b.pos[i])), b.land[i], land); ok {
				fn(i, now)
			}
		}
	}
}

// add puts a formation of seats at p (area ar, landmass land) into the
// state: the nearest distances it shortens and the E2SFCA index of the
// communes within CatchmentKm (its ratio of seats to the weighted
// population around it, step 1, summed back, step 2; the ratios of the
// other formations do not change, since they depend on population only).
// It returns the communes whose access changed.
func (st *accessState) add(p orb.Point, ar string, land int, seats float64) []int {
	b := st.b
	changed := map[int]bool{}
	var weighted float64
	b.grid.within(b.pos, p, CatchmentKm, func(i int, d2 float64) {
		if b.area[i] == ar {
			weighted += float64(b.access[i].Population) * bandWeight(d2)
		}
	})
	if weighted > 0 {
		ratio := seats / weighted
		b.grid.within(b.pos, p, CatchmentKm, func(i int, d2 float64) {
			if b.area[i] == ar {
				if w := bandWeight(d2); w > 0 {
					st.access[i].Accessibility += ratio * w * 100_000
					changed[i] = true
				}
			}
		})
	}
	cells := map[int]bool{}
	st.improvable(p, ar, land, false, func(i int, now CommuneAccess) {
		now.Accessibility = st.access[i].Accessibility
		st.access[i] = now
		changed[i] = true
		cells[b.grid.cellOf[i]] = true
	})
	for ci := range cells {
		st.refreshCell(ci)
	}
	out := make([]int, 0, len(changed))
	for i := range changed {
		out = append(out, i)
	}
	slices.Sort(out)
	return out
}

// accessBy adds the state's communes up for the territories of level
// that hold one of the communes touched (all of them when touched is nil).
func (st *accessState) accessBy(level Level, touched map[string]bool) map[string]TerritoryAccess {
	b := st.b
	var sums accessSums
	for i := range b.communes {
		code := b.terr[level][i]
		if code == "" || touched != nil && !touched[code] {
			continue
		}
		sums.add(code, &st.access[i])
	}
	return sums.totals()
}
