package api

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"testing"

	"github.com/gen-numerique/observatory/api/carto"
)

// TestPNGInBands: the map drawn in bands at once (each band replays the
// scene clipped to its rows) is the map drawn whole, up to the rounding
// of x/image/vector, whose arithmetic depends on the size of the box it
// composites: a territory cut by a band's edge is drawn in two smaller
// boxes. And the atlas's border layer, composited, gives the borders
// stroked one by one.
func TestPNGInBands(t *testing.T) {
	t.Parallel()
	sc, _, _ := diagonalScene(t)
	fonts, err := carto.LoadFonts()
	if err != nil {
		t.Fatal(err)
	}
	draw1 := func(n int) *image.RGBA {
		var buf bytes.Buffer
		if err := carto.WritePNGIn(&buf, sc, fonts, n); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatalf("%d bands: %v", n, err)
		}
		rgba := image.NewRGBA(img.Bounds())
		draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
		return rgba
	}
	whole := draw1(1)
	// The same map with its borders stroked one by one: its shapes are
	// copies, not the atlas's, so the atlas's border layer is not used.
	t.Run("borders stroked", func(t *testing.T) {
		stroked := *sc
		stroked.Shapes = nil
		for _, s := range sc.Shapes {
			sh := *s.Shape
			s.Shape = &sh
			stroked.Shapes = append(stroked.Shapes, s)
		}
		var buf bytes.Buffer
		if err := carto.WritePNGIn(&buf, &stroked, fonts, 1); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		got := image.NewRGBA(img.Bounds())
		draw.Draw(got, got.Bounds(), img, img.Bounds().Min, draw.Src)
		off, worst := 0, 0
		for i := range whole.Pix {
			d := int(got.Pix[i]) - int(whole.Pix[i])
			d = max(d, -d)
			if d > 1 {
				off++
			}
			worst = max(worst, d)
		}
		t.Logf("layer against strokes: %d channels of %d off by more than 1, worst %d", off, len(whole.Pix), worst)
		if worst > 4 || off > len(whole.Pix)/10_000 {
			t.Errorf("the border layer: %d channels off by more than 1, worst by %d", off, worst)
		}
	})
	for _, n := range []int{2, 3, 5} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			got := draw1(n)
			if got.Bounds() != whole.Bounds() {
				t.Fatalf("bounds %v, whole %v", got.Bounds(), whole.Bounds())
			}
			off, worst := 0, 0
			for i := range whole.Pix {
				d := int(got.Pix[i]) - int(whole.Pix[i])
				d = max(d, -d)
				if d > 1 {
					off++
				}
				worst = max(worst, d)
			}
			t.Logf("%d bands: %d channels of %d off by more than 1, worst %d", n, off, len(whole.Pix), worst)
			if worst > 4 || off > len(whole.Pix)/10_000 {
				t.Errorf("%d bands: %d channels off by more than 1, worst by %d", n, off, worst)
			}
		})
	}
}
