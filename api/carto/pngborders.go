package carto

import (
	"image"
	"sort"
	"sync"
)

// The territories' borders depend on the atlas alone, yet stroking them
// was a fifth of drawing the PNG map (17 ms of 75 at département level).
// They are drawn once per atlas and layout onto a transparent canvas, and
// kept as the pixels they touch; a map composites those over its fills,
// as the strokes would have been, up to a unit of rounding a channel.

// borderLayer is a layout's borders: the pixels they touch, by index
// y·w + x in increasing order, and their premultiplied colours.
type borderLayer struct {
	w   int
	off []int32
	px  [][4]uint8
}

// borderLayers are an atlas's, one per layout (standalone or not).
type borderLayers struct {
	once  [2]sync.Once
	layer [2]*borderLayer
}

// borders returns the borders of g's shapes drawn at dy on a canvas of
// bounds b, made on first use.
func (g *Atlas) borders(standalone bool, b image.Rectangle, dy float64) *borderLayer {
	i := 0
	if standalone {
		i = 1
	}
	g.layers.once[i].Do(func() {
		img := image.NewRGBA(b)
		r := &raster{img: img, s: pngScale, dy: dy}
		col := hexColor(borderCol)
		for k := range g.Shapes {
			r.stroke(g.Shapes[k].Rings, borderWidth(g), col, false)
		}
		l := &borderLayer{w: b.Dx()}
		for p := 0; p < len(img.Pix); p += 4 {
			if img.Pix[p+3] != 0 {
				l.off = append(l.off, int32(p/4))
				l.px = append(l.px, [4]uint8(img.Pix[p:p+4]))
			}
		}
		g.layers.layer[i] = l
	})
	return g.layers.layer[i]
}

// over composites the layer over dst (the map, or a band of it) with the
// arithmetic of x/image/vector's Over.
func (l *borderLayer) over(dst *image.RGBA) {
	b := dst.Bounds()
	from := sort.Search(len(l.off), func(k int) bool { return int(l.off[k]) >= b.Min.Y*l.w })
	for k := from; k < len(l.off); k++ {
		y, x := int(l.off[k])/l.w, int(l.off[k])%l.w
		if y >= b.Max.Y {
			break
		}
		if x < b.Min.X || x >= b.Max.X {
			continue
		}
		p := dst.PixOffset(x, y)
		s := l.px[k]
		a := 0xffff - uint32(s[3])*0x101
		for c := range 4 {
			d := uint32(dst.Pix[p+c])*0x101*a/0xffff + uint32(s[c])*0x101
			dst.Pix[p+c] = uint8(d >> 8)
		}
	}
}

// drawBorders draws the scene's territory borders: from the atlas's layer
// when the scene shows the atlas's shapes, as a map does, else stroke by
// stroke.
func (r *raster) drawBorders(sc *Scene) {
	g := sc.Geom
	same := len(sc.Shapes) == len(g.Shapes)
	for i := 0; same && i < len(sc.Shapes); i++ {
		same = sc.Shapes[i].Shape == &g.Shapes[i]
	}
	if !same || r.s != pngScale {
		for _, s := range sc.Shapes {
			r.stroke(s.Rings, borderWidth(g), hexColor(borderCol), false)
		}
		return
	}
	full := r.full
	if full.Empty() {
		full = r.img.Bounds()
	}
	g.borders(sc.Standalone, full, r.dy).over(r.img)
}
