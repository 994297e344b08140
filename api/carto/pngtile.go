package carto

import (
	"image"
	"image/draw"
	"math"

	"golang.org/x/image/vector"
)

// strokeTile is the side, in pixels, of the tiles a long stroke is drawn
// in. x/image/vector composites every pixel of its bounds, and the box of
// an inset's frame, a zone's outline or the diagonal's axis is nearly all
// empty: drawn tile by tile, with its segments cut to a tile's length,
// only the tiles the stroke crosses are composited.
const strokeTile = 32

// tiledArea is the box, in pixels, above which a stroke is drawn by
// tiles; a territory's border is smaller and cheaper drawn in one box.
const tiledArea = 64 * strokeTile * strokeTile

// fillTiled is fill for a stroke's quads and joints: each tile
// rasterises, together, the polygons whose box touches it, so where they
// overlap they still add up under the non-zero rule, as in one
// rasteriser, and each pixel is composited once.
func (r *raster) fillTiled(polys [][]Point, src image.Image) {
	bounds := r.img.Bounds()
	if b := r.bounds(polys); b.Dx()*b.Dy() <= tiledArea {
		r.fillIn(b, polys, src)
		return
	}
	tiles := map[image.Point][]int{}
	var order []image.Point // the tiles in the order first touched
	for i, poly := range polys {
		if len(poly) < 3 {
			continue
		}
		b := r.bounds(polys[i : i+1])
		if b.Empty() {
			continue
		}
		for ty := b.Min.Y / strokeTile; ty <= (b.Max.Y-1)/strokeTile; ty++ {
			for tx := b.Min.X / strokeTile; tx <= (b.Max.X-1)/strokeTile; tx++ {
				t := image.Point{tx, ty}
				if _, ok := tiles[t]; !ok {
					order = append(order, t)
				}
				tiles[t] = append(tiles[t], i)
			}
		}
	}
	z := vector.NewRasterizer(strokeTile, strokeTile)
	for _, t := range order {
		b := image.Rect(t.X*strokeTile, t.Y*strokeTile, (t.X+1)*strokeTile, (t.Y+1)*strokeTile).Intersect(bounds)
		z.Reset(b.Dx(), b.Dy())
		z.DrawOp = draw.Over
		for _, i := range tiles[t] {
			r.path(z, polys[i], b.Min)
		}
		z.Draw(r.img, b, src, b.Min)
	}
}

// bounds is the pixel box of polys, within the image.
func (r *raster) bounds(polys [][]Point) image.Rectangle {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, poly := range polys {
		for _, p := range poly {
			x, y := r.px(p)
			x0, y0 = math.Min(x0, float64(x)), math.Min(y0, float64(y))
			x1, y1 = math.Max(x1, float64(x)), math.Max(y1, float64(y))
		}
	}
	if x0 > x1 {
		return image.Rectangle{}
	}
	return image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1))+1, int(math.Ceil(y1))+1).Intersect(r.img.Bounds())
}
