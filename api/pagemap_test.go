package api

import (
	"bytes"
	"encoding/xml"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/api/carto"
	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
)

// TestDiagonalDrawn draws a constructed empty diagonal (the band described
// in 2016, from the Ardennes to the Landes) and checks that both the SVG
// and the PNG show it as such: its own outline style, its axis from
// north-east to south-west, its label and its legend entry.
func TestDiagonalDrawn(t *testing.T) {
	t.Parallel()
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
	ard, _ := sc.Geom.Shape("08")
	lan, _ := sc.Geom.Shape("40")
	if math.Hypot(z.Axis[0].X-ard.Label.X, z.Axis[0].Y-ard.Label.Y) > 80 || math.Hypot(z.Axis[1].X-lan.Label.X, z.Axis[1].Y-lan.Label.Y) > 80 {
		t.Errorf("axis %v, Ardennes at %v, Landes at %v", z.Axis, ard.Label, lan.Label)
	}

	img, err := png.Decode(bytes.NewReader(pngBuf))
	if err != nil {
		t.Fatal(err)
	}
	purple := 0
	want := color.RGBA{0x7b, 0x1f, 0xa2, 0xff} // carto's diagonal stroke
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
func diagonalScene(tb testing.TB) (sc *carto.Scene, svgOut, pngOut []byte) {
	t := tb
	geo := datasetstest.Geo(t)
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
		Ind: ind, Values: vals, Classes: carto.Classify(ind.ID, vals), GapsOK: true, Synthetic: true,
		ref: datasetstest.Reference(t).Metiers,
	}
	// The zones as the domain finds them, so the axis drawn is the one it
	// computes.
	empty := map[string]bool{"74": true}
	for _, b := range band {
		empty[b] = true
	}
	adj := observatory.NewAdjacency(geo.Territories(observatory.LevelDepartement), observatory.AdjacencyOptions{})
	for _, g := range observatory.FindGaps(geo.Territories(observatory.LevelDepartement), adj, func(c string) bool { return empty[c] }, observatory.GapOptions{}) {
		d.Gaps = append(d.Gaps, zoneOf(g))
	}
	if len(d.Gaps) != 2 || !d.Gaps[0].Diagonal {
		t.Fatalf("constructed zones: %+v", d.Gaps)
	}
	fonts, err := carto.LoadFonts()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{geo: geo, atlases: carto.NewAtlases(geo), fonts: fonts}
	sc = s.scene(d, true)
	var svg bytes.Buffer
	if err := carto.WriteSVG(&svg, sc); err != nil {
		t.Fatal(err)
	}
	var pngBuf bytes.Buffer
	if err := carto.WritePNG(&pngBuf, sc, s.fonts); err != nil {
		t.Fatal(err)
	}
	return sc, svg.Bytes(), pngBuf.Bytes()
}

func BenchmarkMapSVG(b *testing.B) {
	sc, _, _ := diagonalScene(b)
	for b.Loop() {
		var buf bytes.Buffer
		if err := carto.WriteSVG(&buf, sc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMapPNG(b *testing.B) {
	sc, _, _ := diagonalScene(b)
	fonts, err := carto.LoadFonts()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		var buf bytes.Buffer
		if err := carto.WritePNG(&buf, sc, fonts); err != nil {
			b.Fatal(err)
		}
	}
}
