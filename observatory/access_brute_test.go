package observatory_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/gen-numerique/observatory/observatory"
)

// islandsGazetteer is a mainland of 40 × 30 communes (0.1° squares
// sharing their edges, one département per 10 columns), an island of 4 × 4
// communes 0.5° off its eastern coast, a second island with no formation,
// and an overseas département (971) of 5 × 5 communes across the ocean.
// Populations are drawn from seed; one mainland commune has nobody.
func islandsGazetteer(seed uint64) *observatory.Gazetteer {
	rng := rand.New(rand.NewPCG(seed, 1))
	var cs []observatory.Commune
	shapes := map[string]orb.MultiPolygon{}
	block := func(dep string, lon0, lat0 float64, nx, ny int) {
		for x := range nx {
			for y := range ny {
				d := dep
				if dep == "" {
					d = fmt.Sprintf("%02d", 1+x/10)
				}
				code := fmt.Sprintf("%s%03d", d, len(cs))
				lon, lat := lon0+0.1*float64(x), lat0+0.1*float64(y)
				cs = append(cs, observatory.Commune{Code: code, Departement: d, Region: "84",
					Population: 100 + rng.Int64N(20_000), Lon: lon + 0.05, Lat: lat + 0.05})
				shapes[code] = commune(lon, lat, lon+0.1, lat+0.1)
			}
		}
	}
	block("", 2, 44, 40, 30)
	block("04", 6.5, 45, 4, 4)
	block("04", 6.5, 43, 2, 2)
	block("971", -61.5, 16, 5, 5)
	cs[7].Population = 0
	return observatory.NewGazetteerFrom(observatory.GazetteerData{
		Regions:       []observatory.Territory{{Level: observatory.LevelRegion, Code: "84", Name: "R", Zone: "metro"}},
		Communes:      cs,
		CommuneShapes: func() (map[string]orb.MultiPolygon, error) { return shapes, nil },
	})
}

// TestAccessMatchesBruteForce: Access (supply-side walk, grids, the
// nearest search ring by ring) gives every commune what the definition
// gives when every commune is measured against every formation.
func TestAccessMatchesBruteForce(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			g := islandsGazetteer(seed)
			lands, err := g.Landmasses()
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(seed, 2))
			cs := g.Communes()
			var supply []observatory.Supply
			for range 25 + int(seed)*10 {
				c := cs[rng.IntN(len(cs)-25-4)] // none in 971 nor on the far island
				supply = append(supply, observatory.Supply{Commune: c.Code, Dep: c.Departement,
					Point: orb.Point{c.Lon, c.Lat}, Formations: 1, Seats: float64(1 + rng.IntN(30))})
			}
			// A formation whose commune is unknown, and one on the island.
			supply = append(supply, observatory.Supply{Dep: "02", Point: orb.Point{3.33, 45.01}, Formations: 1, Seats: 7},
				observatory.Supply{Commune: cs[1200+5].Code, Dep: "04", Point: orb.Point{cs[1205].Lon, cs[1205].Lat}, Formations: 1, Seats: 3})
			want := bruteAccess(cs, lands, supply)
			got := observatory.Access(g, lands, supply)
			// The same with the pairs kept in chunks of 8: the walk
			// crosses chunks at every few communes.
			restore := observatory.SetPairShift(3)
			chunked := observatory.Access(g, lands, supply)
			restore()
			if len(got) != len(want) {
				t.Fatalf("%d communes, want %d", len(got), len(want))
			}
			var far, sea int
			for i, w := range want {
				a := got[i]
				if a.Code != w.Code || a.Population != w.Population || a.Reachable != w.Reachable || a.OverSea != w.OverSea ||
					math.Abs(a.NearestKm-w.NearestKm) > 1e-9 || math.Abs(a.Accessibility-w.Accessibility) > 1e-9*math.Max(1, w.Accessibility) {
					t.Fatalf("%s: got %+v, want %+v", w.Code, a, w)
				}
				if chunked[i] != a {
					t.Fatalf("%s: in chunks of 8 pairs %+v, in one chunk %+v", w.Code, chunked[i], a)
				}
				if w.NearestKm > observatory.CatchmentKm {
					far++
				}
				if w.OverSea {
					sea++
				}
			}
			// The cases the search has to get right are all there.
			if far == 0 || sea == 0 {
				t.Errorf("%d communes beyond the catchment, %d across the sea: the fixture misses a case", far, sea)
			}
		})
	}
}

// bruteAccess is Access by its definition (docs/indicators.md), every
// commune against every formation.
func bruteAccess(cs []observatory.Commune, lands *observatory.Landmasses, supply []observatory.Supply) []observatory.CommuneAccess {
	areaOf := func(dep string) string {
		if len(dep) == 3 {
			return dep
		}
		return "metro"
	}
	km := func(c observatory.Commune, s observatory.Supply) float64 {
		return geo.Distance(orb.Point{c.Lon, c.Lat}, s.Point) / 1000
	}
	weight := func(d float64) float64 {
		switch {
		case d <= 20:
			return 1
		case d <= 40:
			return 0.68
		case d <= 60:
			return 0.22
		}
		return 0
	}
	var kept []observatory.Commune
	for _, c := range cs {
		if c.Population > 0 {
			kept = append(kept, c)
		}
	}
	ratio := make([]float64, len(supply))
	landed, areas := map[int]bool{}, map[string]bool{}
	for j, s := range supply {
		landed[lands.Of(s.Commune)], areas[areaOf(s.Dep)] = true, true
		var w float64
		for _, c := range kept {
			if areaOf(c.Departement) == areaOf(s.Dep) {
				w += float64(c.Population) * weight(km(c, s))
			}
		}
		if w > 0 {
			ratio[j] = s.Seats / w
		}
	}
	out := make([]observatory.CommuneAccess, len(kept))
	for i, c := range kept {
		a := observatory.CommuneAccess{Code: c.Code, Population: c.Population}
		land := lands.Of(c.Code)
		same := land >= 0 && landed[land]
		best := math.Inf(1)
		for j, s := range supply {
			if areaOf(s.Dep) != areaOf(c.Departement) {
				continue
			}
			d := km(c, s)
			a.Accessibility += ratio[j] * weight(d) * 100_000
			if !same || lands.Of(s.Commune) == land {
				best = math.Min(best, d)
			}
		}
		if areas[areaOf(c.Departement)] {
			a.NearestKm, a.Reachable, a.OverSea = best, true, land >= 0 && !same
		}
		out[i] = a
	}
	return out
}
