package carto

import (
	"math"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
)

func length(lines [][]Point) float64 {
	var l float64
	for _, line := range lines {
		for i := 1; i < len(line); i++ {
			l += math.Hypot(line[i].X-line[i-1].X, line[i].Y-line[i-1].Y)
		}
	}
	return l
}

// TestOutline: the outline of neighbours leaves out their shared border, and
// chains into closed lines when the union has no hole.
func TestOutline(t *testing.T) {
	g := NewAtlases(datasetstest.Geo(t)).Level(observatory.LevelDepartement)
	a, b := g.Outline([]string{"2A"}), g.Outline([]string{"2B"})
	both := g.Outline([]string{"2A", "2B"})
	la, lb, lab := length(a), length(b), length(both)
	shared := (la + lb - lab) / 2
	// 2A and 2B share a border of about 100 km, some 60 units on this map.
	if shared < 30 || shared > 120 {
		t.Fatalf("Corsica: 2A %.0f + 2B %.0f, union %.0f: shared border %.0f units", la, lb, lab, shared)
	}
	// Paris is surrounded by 92, 93 and 94: the outline of the four has
	// no trace of Paris.
	ring := g.Outline([]string{"75", "92", "93", "94"})
	p, _ := g.Shape("75")
	for _, line := range ring {
		for _, q := range line {
			for _, r := range p.Rings[0] {
				if q == r {
					t.Fatalf("the outline of the petite couronne passes through Paris at %v", q)
				}
			}
		}
	}
	if g.Outline([]string{"nope"}) != nil {
		t.Error("unknown code outlined")
	}
	if len(g.Shapes) != 101 || len(g.Insets) != 6 {
		t.Fatalf("%d shapes, %d insets", len(g.Shapes), len(g.Insets))
	}
	for _, s := range g.Shapes {
		for _, r := range s.Rings {
			if r[0] != r[len(r)-1] || len(r) < 4 {
				t.Fatalf("%s: ring not closed or degenerate", s.Code)
			}
		}
		if s.Label.X < 0 || s.Label.X > mapW || s.Label.Y < 0 || s.Label.Y > mapH {
			t.Errorf("%s: label at %v, off the map", s.Code, s.Label)
		}
	}
}

// TestPathDataRel: relative path data decodes back to the same points.
func TestPathDataRel(t *testing.T) {
	rings := [][]Point{
		{{709.3, 412.1}, {708.2, 411.5}, {708.2, 412}, {710, 412.1}, {709.3, 412.1}},
		{{1, 2}, {1.5, 2}, {1.5, 1}, {1, 2}},
	}
	d := pathDataRel(rings)
	if want := "M709.3 412.1l-1.1-.6 0 .5 1.8 .1zM1 2l.5 0 0-1z"; d != want {
		t.Errorf("pathDataRel = %q, want %q", d, want)
	}
	g := NewAtlases(datasetstest.Geo(t)).Level(observatory.LevelCommune)
	sh, ok := g.Shape("69123")
	if !ok || !strings.HasPrefix(sh.D, "M") || strings.Contains(sh.D, "L") {
		t.Fatalf("Lyon at commune level: %v %.40q", ok, sh.D)
	}
	if sh.Zoom != nil {
		t.Error("Lyon drawn in the Paris inset")
	}
	if p, _ := g.Shape("75056"); p != nil && p.Zoom == nil {
		t.Error("Paris not in the Paris inset")
	}
}
