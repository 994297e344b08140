package observatory

import (
	"cmp"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"golang.org/x/text/unicode/norm"
)

// Gazetteer is the reference geography: régions, départements, bassins
// d'emploi and communes with fast lookups by code, name, postcode and
// point. It is immutable once built (the commune outlines are parsed on
// first use) and safe for concurrent use. Slices it returns are copies,
// but the geometries and the lists inside (postcodes, a bassin's
// départements and régions) are shared and must not be modified.
type Gazetteer struct {
	regions, deps []Territory
	bassins       []Territory
	regIdx        map[string]int
	depIdx        map[string]int
	bassinIdx     map[string]int
	regNames      map[string]string // NormalizeName(name) -> code, "" when ambiguous
	depNames      map[string]string

	all        []Commune // communes and arrondissements municipaux, by code
	communes   []Commune // communes only: their populations add up
	communeIdx map[string]int
	postcodes  map[string][]int // postcode -> indexes into all

	shapes []shape // département outlines, by code

	communeShapes lazyShapes
	lands         lazyLands
	access        lazyAccess   // what Access needs of the communes, prepared once
	adjacency     adjacencies  // each level's adjacency graph, built once
	outlines      outlineCache // coverage maps' geometries, encoded once
	derived       derived      // other packages' structures (Derived)
}

// GazetteerData is what a gazetteer is built from. CommuneShapes, when not
// nil, returns the commune outlines by code; it is called once, on the
// first query that needs them, since parsing 35,000 outlines costs more
// than all the rest.
type GazetteerData struct {
	Regions, Departements, Bassins []Territory
	Communes                       []Commune
	CommuneShapes                  func() (map[string]orb.MultiPolygon, error)
}

// shape is a département outline prepared for point queries.
type shape struct {
	code   string
	padded orb.Bound // bound grown by the tolerance, to discard far points
	polys  []orb.Polygon
	bounds []orb.Bound // padded bound of each polygon
}

// toleranceKm is how far outside its simplified outline a point may lie and
// still count as in a département: simplified outlines cut capes and
// coastal towns by up to a kilometre or two.
const toleranceKm = 2.0

const kmPerDegree = 111.2 // along a meridian

// NewGazetteer indexes the given régions, départements and communes, with
// neither bassins nor commune outlines; see NewGazetteerFrom.
func NewGazetteer(regions, departements []Territory, communes []Commune) *Gazetteer {
	return NewGazetteerFrom(GazetteerData{Regions: regions, Departements: departements, Communes: communes})
}

// NewGazetteerFrom indexes the given territories and communes. Territories
// are sorted by code; the Geometry of départements, when it is an
// orb.Polygon or orb.MultiPolygon, serves point queries. Communes may
// include the arrondissements municipaux of Paris, Lyon and Marseille
// (recognised by code): they are found by code and postcode but left out
// of Communes, so populations summed over Communes are not counted twice.
func NewGazetteerFrom(d GazetteerData) *Gazetteer {
	g := &Gazetteer{
		regions:    sortedClone(d.Regions, func(t Territory) string { return t.Code }),
		deps:       sortedClone(d.Departements, func(t Territory) string { return t.Code }),
		bassins:    sortedClone(d.Bassins, func(t Territory) string { return t.Code }),
		all:        sortedClone(d.Communes, func(c Commune) string { return c.Code }),
		communes:   make([]Commune, 0, len(d.Communes)),
		communeIdx: make(map[string]int, len(d.Communes)),
		postcodes:  make(map[string][]int, len(d.Communes)),
	}
	g.communeShapes.load = d.CommuneShapes
	g.regIdx, g.regNames = indexTerritories(g.regions)
	g.depIdx, g.depNames = indexTerritories(g.deps)
	g.bassinIdx, _ = indexTerritories(g.bassins)
	for i, c := range g.all {
		g.communeIdx[c.Code] = i
		for _, pc := range c.Postcodes {
			g.postcodes[pc] = append(g.postcodes[pc], i)
		}
		if !IsArrondissementMunicipal(c.Code) {
			g.communes = append(g.communes, c)
		}
	}
	for _, d := range g.deps {
		if s, ok := newShape(d.Code, d.Geometry); ok {
			g.shapes = append(g.shapes, s)
		}
	}
	return g
}

func sortedClone[T any](s []T, key func(T) string) []T {
	s = slices.Clone(s)
	slices.SortStableFunc(s, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	return s
}

func indexTerritories(ts []Territory) (map[string]int, map[string]string) {
	idx := make(map[string]int, len(ts))
	names := make(map[string]string, 2*len(ts))
	add := func(name, code string) {
		if prev, ok := names[name]; ok && prev != code {
			code = "" // two territories answer to this name
		}
		names[name] = code
	}
	for i, t := range ts {
		idx[t.Code] = i
		n := NormalizeName(t.Name)
		add(n, t.Code)
		// Publishers write "Réunion" as often as "La Réunion".
		for _, article := range []string{"la ", "le ", "les ", "l "} {
			if rest, ok := strings.CutPrefix(n, article); ok {
				add(rest, t.Code)
			}
		}
	}
	return idx, names
}

// IsArrondissementMunicipal reports whether code is that of an
// arrondissement municipal of Paris (75101–75120), Marseille (13201–13216)
// or Lyon (69381–69389), whose population is part of its commune's.
func IsArrondissementMunicipal(code string) bool {
	if len(code) != 5 {
		return false
	}
	switch p, n := code[:3], code[3:]; p {
	case "751":
		return n >= "01" && n <= "20"
	case "132":
		return n >= "01" && n <= "16"
	case "693":
		return n >= "81" && n <= "89"
	}
	return false
}

// ArrondissementCommune is the commune an arrondissement municipal belongs
// to (75056 Paris, 13055 Marseille, 69123 Lyon); "" for another code.
func ArrondissementCommune(code string) string {
	if !IsArrondissementMunicipal(code) {
		return ""
	}
	return map[string]string{"751": "75056", "132": "13055", "693": "69123"}[code[:3]]
}

// Regions returns the régions sorted by code.
func (g *Gazetteer) Regions() []Territory { return slices.Clone(g.regions) }

// Departements returns the départements sorted by code.
func (g *Gazetteer) Departements() []Territory { return slices.Clone(g.deps) }

// Bassins returns the bassins d'emploi sorted by code.
func (g *Gazetteer) Bassins() []Territory { return slices.Clone(g.bassins) }

// Communes returns the communes sorted by code, without the arrondissements
// municipaux.
func (g *Gazetteer) Communes() []Commune { return slices.Clone(g.communes) }

// AllCommunes returns the communes and the arrondissements municipaux of
// Paris, Lyon and Marseille (which sources use as commune codes), by code.
// Their populations overlap: add up Communes, not these.
func (g *Gazetteer) AllCommunes() []Commune { return slices.Clone(g.all) }

// Territories returns the territories of a level, nil for levels the
// gazetteer does not hold. At LevelCommune they are the communes with their
// outlines, nil when the outlines are missing or fail to parse (which
// CommuneShapes reports).
func (g *Gazetteer) Territories(l Level) []Territory {
	switch l {
	case LevelRegion:
		return g.Regions()
	case LevelDepartement:
		return g.Departements()
	case LevelBassin:
		return g.Bassins()
	case LevelCommune:
		return g.communeTerritories()
	}
	return nil
}

// Region returns the région with an INSEE code such as "84".
func (g *Gazetteer) Region(code string) (Territory, bool) { return lookup(g.regions, g.regIdx, code) }

// Departement returns the département with an INSEE code such as "2A".
func (g *Gazetteer) Departement(code string) (Territory, bool) {
	return lookup(g.deps, g.depIdx, code)
}

// Bassin returns the bassin d'emploi with a BMO code such as "8457".
func (g *Gazetteer) Bassin(code string) (Territory, bool) {
	return lookup(g.bassins, g.bassinIdx, code)
}

// Territory returns the territory of a level by code.
func (g *Gazetteer) Territory(l Level, code string) (Territory, bool) {
	switch l {
	case LevelRegion:
		return g.Region(code)
	case LevelDepartement:
		return g.Departement(code)
	case LevelBassin:
		return g.Bassin(code)
	case LevelCommune:
		return g.communeTerritory(code)
	}
	return Territory{}, false
}

func lookup(ts []Territory, idx map[string]int, code string) (Territory, bool) {
	if i, ok := idx[code]; ok {
		return ts[i], true
	}
	return Territory{}, false
}

// Commune returns a commune, or an arrondissement municipal, by INSEE code.
func (g *Gazetteer) Commune(code string) (Commune, bool) {
	if i, ok := g.communeIdx[code]; ok {
		return g.all[i], true
	}
	return Commune{}, false
}

// CommunesByPostcode returns the communes and arrondissements a postcode
// serves, by code. A postcode often serves several communes, and a few
// serve communes of two départements.
func (g *Gazetteer) CommunesByPostcode(pc string) []Commune {
	idx := g.postcodes[strings.TrimSpace(pc)]
	out := make([]Commune, len(idx))
	for i, j := range idx {
		out[i] = g.all[j]
	}
	return out
}

var (
	// "69 - Rhône", "69 Rhône", "2A: Corse-du-Sud"
	codeThenName = regexp.MustCompile(`(?i)^(\d{1,3}|2[ab])\s*(?:[-–—:/,]\s*|\s)(.+)$`)
	// "Rhône (69)"
	nameThenCode = regexp.MustCompile(`(?i)^(.+?)\s*\(\s*(\d{1,3}|2[ab])\s*\)$`)
)

// NormalizeDepartement turns what publishers write into an INSEE
// département code: "1", "01" and " 01 " give "01", "2a" gives "2A", "971"
// stays, "Rhône", "rhone" and "69 - Rhône" give "69". It returns false when
// the value is unknown or ambiguous ("20", "97"), or when a code and a name
// given together disagree.
func (g *Gazetteer) NormalizeDepartement(s string) (string, bool) {
	return g.normalize(s, g.depCode, g.depNames)
}

// NormalizeRegion does for régions what NormalizeDepartement does for
// départements: "84", "Auvergne-Rhône-Alpes" and "auvergne rhone alpes"
// give "84", and the unpadded "1" of some files gives "01".
func (g *Gazetteer) NormalizeRegion(s string) (string, bool) {
	return g.normalize(s, g.regCode, g.regNames)
}

func (g *Gazetteer) normalize(s string, code func(string) (string, bool), names map[string]string) (string, bool) {
	s = strings.TrimSpace(s)
	if c, ok := code(s); ok {
		return c, true
	}
	byName := func(name string) (string, bool) {
		c := names[NormalizeName(name)]
		return c, c != ""
	}
	var c, name string
	if m := codeThenName.FindStringSubmatch(s); m != nil {
		c, name = m[1], m[2]
	} else if m := nameThenCode.FindStringSubmatch(s); m != nil {
		c, name = m[2], m[1]
	} else {
		return byName(s)
	}
	c, ok := code(c)
	if !ok {
		return "", false
	}
	// The name may be free text ("69 - Rhône (Lyon)"), so only a name that
	// designates another territory rejects the code.
	if n, ok := byName(name); ok && n != c {
		return "", false
	}
	return c, true
}

// depCode canonicalises a written département code and checks it exists.
func (g *Gazetteer) depCode(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSuffix(s, ".0")) // numeric spreadsheet cells
	switch {
	case len(s) == 1 && isDigits(s):
		s = "0" + s
	case len(s) == 3 && s[0] == '0' && isDigits(s):
		s = s[1:] // "069", zero-padded to the width of overseas codes
	}
	_, ok := g.depIdx[s]
	return s, ok
}

func (g *Gazetteer) regCode(s string) (string, bool) {
	s = strings.TrimSuffix(s, ".0")
	if len(s) == 1 && isDigits(s) {
		s = "0" + s
	}
	_, ok := g.regIdx[s]
	return s, ok
}

// Postcodes of collectivités d'outre-mer that share Guadeloupe's 971
// prefix: the rule would wrongly give 971.
var comPostcodes = map[string]bool{"97133": true, "97150": true} // Saint-Barthélemy, Saint-Martin

// DepartementOfPostcode returns the département of a postcode. A known
// postcode whose communes all lie in one département gives that
// département (so 94390, Orly airport, gives 91). Otherwise the postal rule
// applies: the first two digits, three for 97x, and in Corsica 200/201 for
// 2A and 202/206 for 2B. It returns false for anything but 5 digits and for
// codes that match no département (00xxx, 96xxx, 98xxx, 99xxx, COM).
func (g *Gazetteer) DepartementOfPostcode(pc string) (string, bool) {
	pc = strings.TrimSpace(pc)
	if len(pc) != 5 || !isDigits(pc) || comPostcodes[pc] {
		return "", false
	}
	if idx := g.postcodes[pc]; len(idx) > 0 {
		dep := g.all[idx[0]].Departement
		if !slices.ContainsFunc(idx[1:], func(i int) bool { return g.all[i].Departement != dep }) {
			return dep, true
		}
	}
	dep := pc[:2]
	switch dep {
	case "20":
		switch pc[:3] {
		case "200", "201":
			dep = "2A"
		case "202", "206":
			dep = "2B"
		default:
			return "", false
		}
	case "97":
		dep = pc[:3]
	}
	_, ok := g.depIdx[dep]
	return dep, ok
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// InDepartement reports whether the point lies in the département's
// outline or within toleranceKm of it.
func (g *Gazetteer) InDepartement(code string, lon, lat float64) bool {
	i, ok := slices.BinarySearchFunc(g.shapes, code, func(s shape, c string) int { return cmp.Compare(s.code, c) })
	if !ok || !finite(lon, lat) {
		return false
	}
	pt := orb.Point{lon, lat}
	s := &g.shapes[i]
	return s.padded.Contains(pt) && (s.contains(pt) || s.distanceKm(pt) <= toleranceKm)
}

// LocateDepartement returns the département whose outline contains the
// point or, failing that, the nearest one within toleranceKm. Coordinates
// are WGS84 longitude and latitude. Simplified borders are off by up to a
// kilometre or so, so about 1 commune centroid in 1,000 near a border is
// located in the neighbour: to check a declared département, prefer
// InDepartement.
func (g *Gazetteer) LocateDepartement(lon, lat float64) (string, bool) {
	if !finite(lon, lat) {
		return "", false // NaN would pass every bound test
	}
	pt := orb.Point{lon, lat}
	// Most points fall in one or two padded boxes; test containment first,
	// as the distance to the boundary costs more.
	var near []*shape
	for i := range g.shapes {
		s := &g.shapes[i]
		if !s.padded.Contains(pt) {
			continue
		}
		if s.contains(pt) {
			return s.code, true
		}
		near = append(near, s)
	}
	best, bestKm := "", toleranceKm
	for _, s := range near {
		if d := s.distanceKm(pt); d <= bestKm {
			best, bestKm = s.code, d
		}
	}
	return best, best != ""
}

func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

func newShape(code string, geom orb.Geometry) (shape, bool) {
	var mp orb.MultiPolygon
	switch g := geom.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	}
	s := shape{code: code}
	for _, p := range mp {
		if len(p) == 0 || len(p[0]) < 4 {
			continue
		}
		b := pad(p.Bound())
		s.polys = append(s.polys, p)
		s.bounds = append(s.bounds, b)
		if len(s.bounds) == 1 {
			s.padded = b
		} else {
			s.padded = s.padded.Union(b)
		}
	}
	return s, len(s.polys) > 0
}

// pad grows a bound by toleranceKm, in degrees of longitude at its
// latitude farthest from the equator.
func pad(b orb.Bound) orb.Bound {
	dLat := toleranceKm / kmPerDegree
	dLon := dLat / math.Cos(math.Min(math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1]))+dLat, 89)*math.Pi/180)
	return orb.Bound{Min: orb.Point{b.Min[0] - dLon, b.Min[1] - dLat}, Max: orb.Point{b.Max[0] + dLon, b.Max[1] + dLat}}
}

func (s *shape) contains(pt orb.Point) bool {
	for i, p := range s.polys {
		if s.bounds[i].Contains(pt) && planar.PolygonContains(p, pt) {
			return true
		}
	}
	return false
}

// distanceKm returns the distance from pt to the nearest boundary of the
// shape, on a local equirectangular projection (exact enough over a few
// kilometres). Polygons whose padded bound misses pt are skipped, so the
// result is only meaningful up to toleranceKm.
func (s *shape) distanceKm(pt orb.Point) float64 {
	kx := math.Cos(pt[1]*math.Pi/180) * kmPerDegree
	best := math.Inf(1)
	for i, p := range s.polys {
		if !s.bounds[i].Contains(pt) {
			continue
		}
		for _, r := range p {
			for j := 1; j < len(r); j++ {
				a := orb.Point{(r[j-1][0] - pt[0]) * kx, (r[j-1][1] - pt[1]) * kmPerDegree}
				b := orb.Point{(r[j][0] - pt[0]) * kx, (r[j][1] - pt[1]) * kmPerDegree}
				if d := planar.DistanceFromSegmentSquared(a, b, orb.Point{}); d < best {
					best = d
				}
			}
		}
	}
	return math.Sqrt(best)
}

// NormalizeName folds a name for matching: lower case, no accents, œ and
// æ spelt out, and every run of spaces, hyphens, apostrophes or other
// punctuation turned into one space. "Côtes-d’Armor" and "cotes d armor"
// give the same result.
func NormalizeName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	gap := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // combining accent left by the decomposition
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if gap && b.Len() > 0 {
				b.WriteByte(' ')
			}
			gap = false
			switch r = unicode.ToLower(r); r {
			case 'œ':
				b.WriteString("oe")
			case 'æ':
				b.WriteString("ae")
			case 'ß':
				b.WriteString("ss")
			default:
				b.WriteRune(r)
			}
		default:
			gap = true
		}
	}
	return b.String()
}

// Inside reports whether the territory (level, code) lies in place: a
// commune in its département, région or bassin, a département in its
// région, a territory in itself.
func (g *Gazetteer) Inside(level Level, code string, place Place) bool {
	if level == place.Level {
		return code == place.Code
	}
	switch level {
	case LevelCommune:
		c, ok := g.Commune(code)
		return ok && territoryOf(c, place.Level) == place.Code
	case LevelDepartement:
		d, ok := g.Departement(code)
		return ok && place.Level == LevelRegion && d.Parent == place.Code
	case LevelBassin:
		b, ok := g.Bassin(code)
		return ok && (place.Level == LevelDepartement && slices.Contains(b.Departements, place.Code) ||
			place.Level == LevelRegion && slices.Contains(b.Regions, place.Code))
	}
	return false
}
