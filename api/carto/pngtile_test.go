package carto

import (
	"image"
	"image/color"
	"image/draw"
	"testing"
)

// TestTiledStrokeIsOneBox: a stroke drawn tile by tile, its segments cut
// to a tile's length, gives the pixels the same quads give drawn in one
// box with x/image/vector (up to one unit of rounding a channel): long
// diagonals, a frame, a dense zigzag whose quads overlap, dashes, widths
// under and over a pixel, a stroke across the image's edge. The canvas
// stays under 512 pixels a side, where x/image/vector uses fixed-point
// math in a box as in a tile; over it a box uses floating point, which
// rounds up to 4/255 differently (the map's PNG is 1,500 pixels wide).
func TestTiledStrokeIsOneBox(t *testing.T) {
	var zigzag []Point
	for i := range 60 {
		zigzag = append(zigzag, Point{X: 40 + float64(i)*7, Y: 300 + float64(i%2)*25})
	}
	lines := [][]Point{
		{{X: 5, Y: 5}, {X: 490, Y: 395}},
		rect(20, 30, 450, 320),
		zigzag,
		{{X: -50, Y: 200}, {X: 700, Y: 180}},
	}
	for _, c := range []struct {
		width  float64
		dashed bool
	}{{0.5, false}, {1, false}, {2.4, true}, {6, false}} {
		tiled, box := canvas(), canvas()
		tiled.stroke(lines, c.width, color.RGBA{200, 30, 60, 255}, c.dashed)
		polys := box.strokePolys(lines, c.width, c.dashed)
		if b := box.bounds(polys); b.Dx()*b.Dy() <= tiledArea {
			t.Fatalf("width %v: the stroke is small enough for one box, so the tiles are not tested", c.width)
		}
		box.fill(polys, image.NewUniform(color.RGBA{200, 30, 60, 255}))
		diff, worst := 0, 0
		for i := range tiled.img.Pix {
			d := int(tiled.img.Pix[i]) - int(box.img.Pix[i])
			d = max(d, -d)
			if d > 1 {
				diff++
			}
			worst = max(worst, d)
		}
		if diff > 0 {
			t.Errorf("width %v dashed %v: %d channels differ by more than 1 (worst %d)", c.width, c.dashed, diff, worst)
		}
	}
}

func canvas() *raster {
	img := image.NewRGBA(image.Rect(0, 0, 500, 400))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	return &raster{img: img, s: 1}
}
