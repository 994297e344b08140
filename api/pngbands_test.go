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
	whole := drawPNG(t, sc, fonts, 1)
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
		off, worst := pixelDiff(drawPNG(t, &stroked, fonts, 1), whole)
		t.Logf("layer against strokes: %d channels of %d off by more than 1, worst %d", off, len(whole.Pix), worst)
		if worst > 4 || off > len(whole.Pix)/10_000 {
			t.Errorf("the border layer: %d channels off by more than 1, worst by %d", off, worst)
		}
	})
	for _, n := range []int{2, 3, 5} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			got := drawPNG(t, sc, fonts, n)
			if got.Bounds() != whole.Bounds() {
				t.Fatalf("bounds %v, whole %v", got.Bounds(), whole.Bounds())
			}
			off, worst := pixelDiff(got, whole)
			t.Logf("%d bands: %d channels of %d off by more than 1, worst %d", n, off, len(whole.Pix), worst)
			if worst > 4 || off > len(whole.Pix)/10_000 {
				t.Errorf("%d bands: %d channels off by more than 1, worst by %d", n, off, worst)
			}
		})
	}
}

// drawPNG draws sc as a PNG in n bands and decodes it.
func drawPNG(t *testing.T, sc *carto.Scene, fonts *carto.Fonts, n int) *image.RGBA {
	t.Helper()
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

// pixelDiff counts the channels of a and b that differ by more than one,
// and the largest difference.
func pixelDiff(a, b *image.RGBA) (off, worst int) {
	for i := range b.Pix {
		d := int(a.Pix[i]) - int(b.Pix[i])
		d = max(d, -d)
		if d > 1 {
			off++
		}
		worst = max(worst, d)
	}
	return off, worst
}
