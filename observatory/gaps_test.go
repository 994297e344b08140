package observatory_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb/geo"

	"github.com/gen-numerique/observatory/observatory"
)

// grid is rows × cols square territories of side km, row 0 in the south,
// column 0 in the west, around latitude 46; cell (r, c) is coded "rRRcCC"
// and has population 1000×(r+1) + c.
func gapGrid(rows, cols int, km float64) []observatory.Territory {
	const lat0 = 46.0
	dLat := km / 111.2
	dLon := dLat / math.Cos(lat0*math.Pi/180)
	var ts []observatory.Territory
	for r := range rows {
		for c := range cols {
			t := adjBox(gapCell(r, c), float64(c)*dLon, lat0-float64(rows)*dLat/2+float64(r)*dLat, float64(c+1)*dLon, lat0-float64(rows)*dLat/2+float64(r+1)*dLat)
			t.Population = int64(1000*(r+1) + c)
			ts = append(ts, t)
		}
	}
	return ts
}

func gapCell(r, c int) string { return fmt.Sprintf("r%02dc%02d", r, c) }

func gapSet(codes ...string) func(string) bool {
	return func(c string) bool { return slices.Contains(codes, c) }
}

func TestFindGapsGrid(t *testing.T) {
	ts := gapGrid(12, 12, 50)
	adj := observatory.NewAdjacency(ts, observatory.AdjacencyOptions{})

	// A staircase from the south-west to the north-east: (i, i) and
	// (i, i+1), each cell sharing an edge with the next.
	var stairs, mirrored, band, corners []string
	for i := range 10 {
		stairs = append(stairs, gapCell(i, i), gapCell(i, i+1))
		mirrored = append(mirrored, gapCell(i, 11-i), gapCell(i, 10-i))
		band = append(band, gapCell(5, i))
		corners = append(corners, gapCell(i, i))
	}

	t.Run("diagonal", func(t *testing.T) {
		gaps := observatory.FindGaps(ts, adj, gapSet(stairs...), observatory.GapOptions{})
		if len(gaps) != 1 {
			t.Fatalf("%d gaps, want 1: %+v", len(gaps), gaps)
		}
		g := gaps[0]
		o := g.Orientation
		if len(g.Members) != 20 || !g.Diagonal || o == nil || o.Axis != "NE–SW" {
			t.Fatalf("gap %+v, orientation %+v: want 20 members, diagonal, NE–SW", g, o)
		}
		// The band runs at 45° over 10 cells of 50 km and is about two
		// cells wide across: from the south-west corner of (0, 0) to the
		// north-east one of (9, 10), length ≈ (10 + 11) / √2 × 50 = 742 km;
		// across, from the corner of (i, i+1) at -2/√2 cells to that of
		// (i, i) at +1/√2, width ≈ 3 / √2 × 50 = 106 km. (Cells are 50 km
		// wide at 46° N only, hence the margins.)
		if math.Abs(o.BearingDeg-45) > 2 || math.Abs(o.LengthKm-742) > 10 || math.Abs(o.WidthKm-106) > 8 {
			t.Errorf("orientation %+v: want bearing 45 ± 2, length 742 ± 10 km, width 106 ± 8 km", o)
		}
		t.Logf("%s: bearing %.1f°, %v × %v km, elongation %.2f", g.Summary, o.BearingDeg, o.LengthKm, o.WidthKm, o.Elongation)
		if math.Abs(o.Elongation-o.LengthKm/o.WidthKm) > 0.01 {
			t.Errorf("elongation %v is not length / width", o.Elongation)
		}
		if want := fmt.Sprintf("NE–SW, %.0f km", o.LengthKm); g.Summary != want {
			t.Errorf("summary %q, want %q", g.Summary, want)
		}
	})

	t.Run("north-west to south-east", func(t *testing.T) {
		gaps := observatory.FindGaps(ts, adj, gapSet(mirrored...), observatory.GapOptions{})
		if len(gaps) != 1 || gaps[0].Diagonal || gaps[0].Orientation.Axis != "NW–SE" || math.Abs(gaps[0].Orientation.BearingDeg-135) > 2 {
			t.Errorf("gaps %+v: want one NW–SE zone at 135°, not diagonal", gaps)
		}
	})

	t.Run("east-west band", func(t *testing.T) {
		gaps := observatory.FindGaps(ts, adj, gapSet(band...), observatory.GapOptions{})
		if len(gaps) != 1 {
			t.Fatalf("%d gaps, want 1", len(gaps))
		}
		o := gaps[0].Orientation
		if gaps[0].Diagonal || o.Axis != "E–W" || math.Abs(o.BearingDeg-90) > 0.5 || math.Abs(o.LengthKm-500) > 2 || math.Abs(o.WidthKm-50) > 2 {
			t.Errorf("gap %+v, orientation %+v: want E–W, 90°, 500 × 50 km, not diagonal", gaps[0], o)
		}
	})

	t.Run("corner to corner is not connected", func(t *testing.T) {
		gaps := observatory.FindGaps(ts, adj, gapSet(corners...), observatory.GapOptions{})
		if len(gaps) != 10 {
			t.Fatalf("%d gaps, want 10 single cells", len(gaps))
		}
		for _, g := range gaps {
			if len(g.Members) != 1 || g.Orientation != nil || g.Diagonal || g.Summary != g.Names[0] {
				t.Errorf("gap %+v: want a single cell, no orientation, summary its name", g)
			}
		}
		// Largest population first: cell (9, 9) has 10,009 inhabitants.
		if gaps[0].ID != "gap-r09c09" || gaps[0].Population != 10009 || gaps[9].ID != "gap-r00c00" {
			t.Errorf("order: first %s (%d), last %s", gaps[0].ID, gaps[0].Population, gaps[9].ID)
		}
		if long := observatory.FindGaps(ts, adj, gapSet(corners...), observatory.GapOptions{MinMembers: 2}); len(long) != 0 {
			t.Errorf("MinMembers 2 kept %d single cells", len(long))
		}
	})

	t.Run("short diagonal", func(t *testing.T) {
		// Three cells in a staircase run NE–SW but are neither long nor many.
		gaps := observatory.FindGaps(ts, adj, gapSet(gapCell(0, 0), gapCell(0, 1), gapCell(1, 1)), observatory.GapOptions{})
		if len(gaps) != 1 || gaps[0].Diagonal || gaps[0].Orientation.Axis != "NE–SW" {
			t.Errorf("gaps %+v: want one NE–SW zone, not diagonal", gaps)
		}
	})

	t.Run("two zones", func(t *testing.T) {
		a := []string{gapCell(0, 0), gapCell(0, 1), gapCell(1, 0)}
		b := []string{gapCell(10, 10), gapCell(10, 11)}
		gaps := observatory.FindGaps(ts, adj, gapSet(append(a, b...)...), observatory.GapOptions{})
		if len(gaps) != 2 {
			t.Fatalf("%d gaps, want 2", len(gaps))
		}
		// b (11,000 + 10 and 11,000 + 11) outnumbers a (1000 + 1001 + 2000).
		want := []struct {
			id      string
			members []string
			pop     int64
		}{{"gap-r10c10", b, 22021}, {"gap-r00c00", a, 4001}}
		byCode := map[string]observatory.Territory{}
		for _, tr := range ts {
			byCode[tr.Code] = tr
		}
		for i, g := range gaps {
			w := want[i]
			if g.ID != w.id || !slices.Equal(g.Members, slices.Sorted(slices.Values(w.members))) || g.Population != w.pop {
				t.Errorf("gap %d: %s %v pop %d; want %s %v pop %d", i, g.ID, g.Members, g.Population, w.id, w.members, w.pop)
			}
			var area float64
			first := byCode[g.Members[0]].Geometry.Bound()
			bound := first
			for j, c := range g.Members {
				area += geo.Area(byCode[c].Geometry) / 1e6
				if len(g.Names) <= j || g.Names[j] != byCode[c].Name {
					t.Errorf("gap %s: names %v", g.ID, g.Names)
				}
				bound = bound.Union(byCode[c].Geometry.Bound())
			}
			if math.Abs(g.AreaKm2-area) > 1 || math.Abs(area-float64(len(g.Members))*2500) > 0.05*area {
				t.Errorf("gap %s: area %v km², want %v (≈ %d × 2500)", g.ID, g.AreaKm2, area, len(g.Members))
			}
			if ext := [4]float64{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]}; !nearAll(g.Extent[:], ext[:], 1e-5) {
				t.Errorf("gap %s: extent %v, want %v", g.ID, g.Extent, ext)
			}
			c := bound.Center() // the zones are symmetric about their bounds' centres in longitude
			if len(g.Members) == 2 && !nearAll(g.Centroid[:], c[:], 1e-4) {
				t.Errorf("gap %s: centroid %v, want %v", g.ID, g.Centroid, c)
			}
		}
	})

	t.Run("none", func(t *testing.T) {
		if gaps := observatory.FindGaps(ts, adj, func(string) bool { return false }, observatory.GapOptions{}); len(gaps) != 0 {
			t.Errorf("%d gaps, want none", len(gaps))
		}
		if gaps := observatory.FindGaps(nil, adj, func(string) bool { return true }, observatory.GapOptions{}); len(gaps) != 0 {
			t.Errorf("%d gaps for no territory, want none", len(gaps))
		}
	})
}

func nearAll(a, b []float64, tol float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Abs(x-y) <= tol })
}

// The empty diagonal of 2016, from the Ardennes and Lorraine through
// Burgundy and the Massif Central to the Landes.
var diagonal2016 = []string{"08", "55", "54", "52", "21", "58", "71", "03", "63", "15", "19", "46", "47", "40", "24", "87", "23"}

func TestFindGapsDiagonal(t *testing.T) {
	g, adj := depAdjacency(t)
	deps := g.Departements()
	gaps := observatory.FindGaps(deps, adj, gapSet(diagonal2016...), observatory.GapOptions{})
	if len(gaps) != 1 {
		t.Fatalf("%d gaps, want 1: %+v", len(gaps), gaps)
	}
	gap, o := gaps[0], gaps[0].Orientation
	if !slices.Equal(gap.Members, slices.Sorted(slices.Values(diagonal2016))) || !gap.Diagonal || o == nil {
		t.Fatalf("gap %+v: want the 17 départements, diagonal", gap)
	}
	var pop int64
	for _, c := range diagonal2016 {
		d, _ := g.Departement(c)
		pop += d.Population
	}
	if gap.Population != pop {
		t.Errorf("population %d, want %d", gap.Population, pop)
	}
	// From Sedan (4.9 E, 49.7 N) to Mont-de-Marsan (0.5 W, 43.9 N) the
	// bearing is about 34°; the zone bends west in the Massif Central.
	if o.BearingDeg < 30 || o.BearingDeg > 50 || o.LengthKm < 800 || o.LengthKm > 950 || o.Elongation < 2.3 {
		t.Errorf("orientation %+v: want bearing 30–50°, 800–950 km, elongation over 2.3", o)
	}
	if gap.AreaKm2 < 100000 || gap.AreaKm2 > 130000 {
		t.Errorf("area %v km², want 100,000–130,000 (17 départements of about 6,000 km²)", gap.AreaKm2)
	}
	t.Logf("%s: bearing %.1f°, %v × %v km, elongation %.2f, %d inhabitants, %.0f km²", gap.Summary, o.BearingDeg, o.LengthKm, o.WidthKm, o.Elongation, gap.Population, gap.AreaKm2)

	// Without the Massif Central (03, 63, 15, 19, 23) it breaks in two:
	// Lorraine–Burgundy and Limousin–Aquitaine.
	split := observatory.FindGaps(deps, adj, func(c string) bool {
		return slices.Contains(diagonal2016, c) && !slices.Contains([]string{"03", "63", "15", "19", "23"}, c)
	}, observatory.GapOptions{})
	if len(split) != 2 || len(split[0].Members)+len(split[1].Members) != 12 {
		t.Errorf("without the Massif Central: %d gaps %+v, want 2 of 12 départements in all", len(split), split)
	}
}

func TestFindGapsOverseas(t *testing.T) {
	g, adj := depAdjacency(t)
	gaps := observatory.FindGaps(g.Departements(), adj, func(c string) bool { return len(c) == 3 }, observatory.GapOptions{})
	var ids []string
	for _, gap := range gaps {
		ids = append(ids, gap.ID)
		if len(gap.Members) != 1 || gap.Orientation != nil {
			t.Errorf("gap %+v: want a single territory without orientation", gap)
		}
	}
	// By population: La Réunion, Guadeloupe, Martinique, Guyane, Mayotte.
	if want := []string{"gap-974", "gap-971", "gap-972", "gap-973", "gap-976"}; !slices.Equal(ids, want) {
		t.Errorf("gaps %v, want %v", ids, want)
	}
}

func BenchmarkFindGaps(b *testing.B) {
	g, adj := depAdjacency(b)
	deps := g.Departements()
	uncovered := gapSet(diagonal2016...)
	for b.Loop() {
		observatory.FindGaps(deps, adj, uncovered, observatory.GapOptions{})
	}
}
