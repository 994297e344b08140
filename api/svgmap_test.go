package api

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/observatory"
)

func length(lines [][]pt) float64 {
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
	geo, err := datasets.Geography()
	if err != nil {
		t.Fatal(err)
	}
	g := mapGeometry(geo, observatory.LevelDepartement)
	a, b := g.outline([]string{"2A"}), g.outline([]string{"2B"})
	both := g.outline([]string{"2A", "2B"})
	la, lb, lab := length(a), length(b), length(both)
	shared := (la + lb - lab) / 2
	// 2A and 2B share a border of about 100 km, some 60 units on this map.
	if shared < 30 || shared > 120 {
		t.Fatalf("Corsica: 2A %.0f + 2B %.0f, union %.0f: shared border %.0f units", la, lb, lab, shared)
	}
	// Paris is surrounded by 92, 93 and 94: the outline of the four has
	// no trace of Paris.
	ring := g.outline([]string{"75", "92", "93", "94"})
	p, _ := g.shape("75")
	for _, line := range ring {
		for _, q := range line {
			for _, r := range p.Rings[0] {
				if q == r {
					t.Fatalf("the outline of the petite couronne passes through Paris at %v", q)
				}
			}
		}
	}
	if g.outline([]string{"nope"}) != nil {
		t.Error("unknown code outlined")
	}
	if len(g.Shapes) != 101 || len(g.Insets) != 5 {
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

// TestDiagonalDrawn draws a constructed empty diagonal (the band described
// in 2016, from the Ardennes to the Landes) and checks that both the SVG
// and the PNG show it as such: its own outline style, its axis from
// north-east to south-west, its label and its legend entry.
func TestDiagonalDrawn(t *testing.T) {
	sc, svg, pngBuf := diagonalScene(t)
	dec := xml.NewDecoder(bytes.NewReader(svg))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("not XML: %v", err)
		}
	}
	out := string(svg)
	for _, want := range []string{
		`<g id="gap-gap-03" class="gap diagonal">`, `class="axis"`, `>Diagonale vide</text>`, `stroke-dasharray="7 4"`,
		`<g id="gap-gap-74" class="gap">`, `>Zone 2</text>`, `>Zone blanche (contour)</text>`, "DONNÉES SYNTHÉTIQUES",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("SVG lacks %s", want)
		}
	}
	// The axis runs from the north-east (Ardennes) to the south-west (Landes).
	z := sc.Zones[0]
	ard, _ := sc.Geom.shape("08")
	lan, _ := sc.Geom.shape("40")
	if math.Hypot(z.Axis[0].X-ard.Label.X, z.Axis[0].Y-ard.Label.Y) > 80 || math.Hypot(z.Axis[1].X-lan.Label.X, z.Axis[1].Y-lan.Label.Y) > 80 {
		t.Errorf("axis %v, Ardennes at %v, Landes at %v", z.Axis, ard.Label, lan.Label)
	}

	img, err := png.Decode(bytes.NewReader(pngBuf))
	if err != nil {
		t.Fatal(err)
	}
	purple := 0
	want := hexColor(diagStroke)
	wr, wg, wb, _ := want.RGBA()
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			if r, g, b, _ := img.At(x, y).RGBA(); r == wr && g == wg && b == wb {
				purple++
			}
		}
	}
	if purple < 2000 {
		t.Errorf("the diagonal's colour covers %d pixels of the PNG", purple)
	}
	if dir := os.Getenv("MAP_SCREENSHOTS"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "diagonal.svg"), svg, 0o644)
		_ = os.WriteFile(filepath.Join(dir, "diagonal.png"), pngBuf, 0o644)
	}
}

// diagonalScene draws a constructed empty diagonal (the band described in
// 2016, from the Ardennes to the Landes) and a single-territory gap.
func diagonalScene(tb testing.TB) (sc *mapScene, svgOut, pngOut []byte) {
	t := tb
	geo, err := datasets.Geography()
	if err != nil {
		t.Fatal(err)
	}
	band := []string{"08", "51", "52", "21", "58", "03", "63", "15", "19", "46", "47", "40", "24"}
	f := func(v float64) *float64 { return &v }
	var vals []observatory.Value
	for _, d := range geo.Departements() {
		v := observatory.Value{Code: d.Code, Name: d.Name, Value: f(float64(len(d.Name) % 4))}
		for _, b := range band {
			if b == d.Code {
				v.Value = f(0)
			}
		}
		vals = append(vals, v)
	}
	ind, _ := observatory.LookupIndicator(observatory.IndFormations)
	d := &mapData{
		Q:   pageQuery{Indicator: ind.ID, Level: observatory.LevelDepartement, Lang: "fr"},
		Ind: ind, Values: vals, Classes: classify(ind.ID, vals), GapsOK: true, Synthetic: true,
		Gaps: []gapZone{
			{ID: "gap-03", Members: band, Population: 3_000_000, AreaKm2: 90_000, Bearing: 35, Axis: "NE–SW", LengthKm: 800, Diagonal: true},
			{ID: "gap-74", Members: []string{"74"}, Population: 800_000, AreaKm2: 4_600},
		},
	}
	s := &Server{geo: geo}
	sc = s.scene(d, true)
	var svg bytes.Buffer
	if err := writeSVG(&svg, sc); err != nil {
		t.Fatal(err)
	}
	var pngBuf bytes.Buffer
	if err := writePNG(&pngBuf, sc); err != nil {
		t.Fatal(err)
	}
	return sc, svg.Bytes(), pngBuf.Bytes()
}

func BenchmarkMapSVG(b *testing.B) {
	sc, _, _ := diagonalScene(b)
	for b.Loop() {
		var buf bytes.Buffer
		if err := writeSVG(&buf, sc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMapPNG(b *testing.B) {
	sc, _, _ := diagonalScene(b)
	for b.Loop() {
		var buf bytes.Buffer
		if err := writePNG(&buf, sc); err != nil {
			b.Fatal(err)
		}
	}
}
