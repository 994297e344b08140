package carto

import (
	"image"
	"image/color"
	"image/draw"
	"io"
	"math"
	"runtime"
	"strconv"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// pngScale is pixels per SVG unit: 1,500 pixels wide, sharp enough for a
// slide or a report.
const pngScale = 1.5

// WritePNG rasterises the scene the way WriteSVG draws it, in pure Go: the
// outlines are filled with x/image/vector (non-zero rule, as in the SVG),
// strokes are drawn as quadrilaterals, text with the Go fonts, which cover
// the accents of every French name.
// The rasteriser is ours over x/image because the SVG renderers in Go
// (oksvg, canvas) either miss what the map uses or pull in cgo; this keeps
// the PNG identical in shapes to the SVG from one scene.
func WritePNG(w io.Writer, sc *Scene, fonts *Fonts) error {
	return WritePNGIn(w, sc, fonts, runtime.GOMAXPROCS(0))
}

// WritePNGIn is WritePNG drawing in at most n bands at once.
func WritePNGIn(w io.Writer, sc *Scene, fonts *Fonts, n int) error {
	top, height := 0.0, mapH
	if sc.Standalone {
		top, height = headerH, mapH+headerH+footerH
	}
	img := image.NewRGBA(image.Rect(0, 0, int(mapW*pngScale), int(math.Ceil(height*pngScale))))
	// The image is drawn and compressed in horizontal bands at once, one
	// per core: each band replays the whole scene clipped to its rows, so
	// the compositing, most of the time, is shared out, and its rows are
	// compressed as soon as it is drawn (encodeIn).
	return encodeIn(w, img, n, func(band *image.RGBA) {
		r := &raster{img: band, s: pngScale, full: img.Bounds()}
		r.scene(sc, fonts, top)
	})
}

// scene draws sc onto r's image (all of it, or a band of it): every
// operation is clipped to the image's bounds.
func (r *raster) scene(sc *Scene, fonts *Fonts, top float64) {
	draw.Draw(r.img, r.img.Bounds(), image.White, image.Point{}, draw.Src)
	if sc.Standalone {
		r.text(fonts.bold, 22, mapPad, 28, sc.Title, hexColor(textCol), false)
		r.text(fonts.regular, 15, mapPad, 52, sc.Subtitle, hexColor(textCol), false)
	}
	r.dy = top
	for _, in := range sc.Geom.Insets {
		box := [][]Point{rect(in.X, in.Y, in.W, in.H)}
		r.fill(box, image.NewUniform(hexColor("#eef4f8")))
		r.stroke(box, 1, hexColor("#9fb3c2"), false)
		r.text(fonts.regular, 13, in.X+6, in.Y+16, in.Name, hexColor(textCol), false)
	}
	for _, s := range sc.Shapes {
		var src image.Image = image.NewUniform(hexColor(s.Fill))
		if s.Fill == naFill {
			src = hatch{}
		}
		r.fill(s.Rings, src)
	}
	r.drawBorders(sc)
	for _, s := range sc.Shapes {
		if s.Zoom != nil {
			var src image.Image = image.NewUniform(hexColor(s.Fill))
			if s.Fill == naFill {
				src = hatch{}
			}
			r.fill(s.Zoom, src)
			r.stroke(s.Zoom, 0.6, hexColor(borderCol), false)
		}
	}
	for _, s := range sc.Shapes {
		if s.Weak {
			r.ring(s.Label)
		}
	}
	for _, z := range sc.Zones {
		col := hexColor(gapStroke)
		if z.Diagonal {
			col = hexColor(diagStroke)
		}
		r.stroke(z.Lines, 5, color.White, false)
		r.stroke(z.Lines, 2.4, col, z.Diagonal)
		if z.Diagonal && z.Axis[0] != z.Axis[1] {
			axis := [][]Point{{z.Axis[0], z.Axis[1]}}
			r.stroke(axis, 6, color.White, false)
			r.stroke(axis, 3, col, false)
			r.fill([][]Point{arrowHead(z.Axis[0], z.Axis[1], 12)}, image.NewUniform(col))
		}
	}
	for _, z := range sc.Zones {
		col := hexColor(gapStroke)
		if z.Diagonal {
			col = hexColor(diagStroke)
		}
		r.text(fonts.bold, 14, z.At.X, z.At.Y+5, z.Label, col, true)
	}
	if sc.Standalone {
		pngLegend(r, sc, fonts)
		r.dy = 0
		y := top + mapH + 20
		for i, line := range sc.Footer {
			r.text(fonts.regular, 12, mapPad, y+float64(i)*16, line, hexColor("#444444"), false)
		}
		if sc.Synthetic != "" {
			r.text(fonts.bold, 13, mapPad, y+float64(len(sc.Footer))*16, sc.Synthetic, hexColor("#b00020"), false)
		}
	}
	for _, f := range r.faces {
		f.Close()
	}
}

func pngLegend(r *raster, sc *Scene, fonts *Fonts) {
	box := sc.Geom.Legend
	rows := legendRows(sc.Legend)
	h := float64(len(rows))*legendRowH + 12
	y := box.Y + math.Max(0, box.H-h)
	frame := [][]Point{rect(box.X, y, box.W, h)}
	r.fill(frame, image.NewUniform(color.NRGBA{255, 255, 255, 230}))
	r.stroke(frame, 1, hexColor("#bbbbbb"), false)
	y += 8
	for _, row := range rows {
		sw := [][]Point{rect(box.X+8, y+2, 22, 15)}
		switch {
		case row.Fill == naFill:
			r.fill(sw, hatch{})
			r.stroke(sw, 0.5, hexColor("#666666"), false)
		case row.Fill != "":
			r.fill(sw, image.NewUniform(hexColor(row.Fill)))
			r.stroke(sw, 0.5, hexColor("#666666"), false)
		case row.Stroke != "":
			r.stroke(sw, 2.4, hexColor(row.Stroke), row.Dash)
		case row.Ring:
			r.ring(Point{box.X + 19, y + 9.5})
		}
		if row.Fill == "" && row.Stroke == "" && !row.Ring {
			r.text(fonts.bold, 13, box.X+8, y+15, row.Text, hexColor(textCol), false)
		} else {
			r.text(fonts.regular, 13, box.X+36, y+15, row.Text, hexColor(textCol), false)
		}
		y += legendRowH
	}
}

// ring draws the weak-value mark at c: a white disc with a dark edge.
func (r *raster) ring(c Point) {
	disc := make([]Point, 0, 17)
	for i := 0; i <= 16; i++ {
		a := 2 * math.Pi * float64(i) / 16
		disc = append(disc, Point{c.X + weakRadius*math.Cos(a), c.Y + weakRadius*math.Sin(a)})
	}
	r.fill([][]Point{disc}, image.White)
	r.stroke([][]Point{disc}, 1.2, hexColor(textCol), false)
}

// raster draws scene units onto an image: x·s, (y+dy)·s.
type raster struct {
	img   *image.RGBA
	full  image.Rectangle // the whole map's bounds when img is a band of it
	s     float64
	dy    float64
	faces map[faceKey]font.Face // a face caches its glyphs: make each once
}

type faceKey struct {
	f    *opentype.Font
	size float64
}

func (r *raster) px(p Point) (float32, float32) {
	return float32(p.X * r.s), float32((p.Y + r.dy) * r.s)
}

// fill fills polygons with src under the non-zero rule. The rasteriser
// covers only the polygons' bounding box, so small shapes cost little.
func (r *raster) fill(polys [][]Point, src image.Image) {
	r.fillIn(r.bounds(polys), polys, src)
}

// fillIn is fill with the polygons' box b already known.
func (r *raster) fillIn(b image.Rectangle, polys [][]Point, src image.Image) {
	if b.Empty() {
		return
	}
	z := vector.NewRasterizer(b.Dx(), b.Dy())
	z.DrawOp = draw.Over
	for _, poly := range polys {
		r.path(z, poly, b.Min)
	}
	z.Draw(r.img, b, src, b.Min)
}

// path adds poly, closed, to z, whose origin is the pixel at; a polygon
// of fewer than three points covers nothing.
func (r *raster) path(z *vector.Rasterizer, poly []Point, at image.Point) {
	if len(poly) < 3 {
		return
	}
	ox, oy := float32(at.X), float32(at.Y)
	for i, p := range poly {
		x, y := r.px(p)
		if i == 0 {
			z.MoveTo(x-ox, y-oy)
		} else {
			z.LineTo(x-ox, y-oy)
		}
	}
	z.ClosePath()
}

// stroke draws polylines of the given width (scene units) as one quad per
// segment and a small disc per joint, all wound the same way so overlaps
// add up instead of cancelling. Dashed lines follow the SVG's 7-4 pattern.
func (r *raster) stroke(lines [][]Point, width float64, col color.Color, dashed bool) {
	r.fillTiled(r.strokePolys(lines, width, dashed), image.NewUniform(col))
}

// strokePolys are the quads and joints of a stroke (stroke).
func (r *raster) strokePolys(lines [][]Point, width float64, dashed bool) [][]Point {
	hw := width / 2
	var polys [][]Point
	add := func(a, b Point) {
		dx, dy := b.X-a.X, b.Y-a.Y
		l := math.Hypot(dx, dy)
		if l == 0 {
			return
		}
		nx, ny := -dy/l*hw, dx/l*hw
		// Pieces of at most a tile's length (fillTiled): quads that
		// share their ends cover the segment exactly once.
		n := max(1, int(math.Ceil(l*r.s/strokeTile)))
		for k := range n {
			p, q := lerp(a, b, float64(k)/float64(n)), lerp(a, b, float64(k+1)/float64(n))
			polys = append(polys, []Point{{p.X + nx, p.Y + ny}, {q.X + nx, q.Y + ny}, {q.X - nx, q.Y - ny}, {p.X - nx, p.Y - ny}, {p.X + nx, p.Y + ny}})
		}
	}
	joint := func(c Point) {
		if hw*r.s < 0.75 {
			return // thinner than a pixel: the quads suffice
		}
		d := make([]Point, 0, 9)
		for k := 0; k <= 8; k++ {
			a := -float64(k) * math.Pi / 4 // same winding as the quads
			d = append(d, Point{c.X + hw*math.Cos(a), c.Y + hw*math.Sin(a)})
		}
		polys = append(polys, d)
	}
	for _, line := range lines {
		if !dashed {
			for i := 1; i < len(line); i++ {
				add(line[i-1], line[i])
				joint(line[i])
			}
			continue
		}
		on, left := true, 7.0
		for i := 1; i < len(line); i++ {
			a, b := line[i-1], line[i]
			seg := math.Hypot(b.X-a.X, b.Y-a.Y)
			for pos := 0.0; pos < seg; {
				step := math.Min(left, seg-pos)
				p0 := lerp(a, b, pos/seg)
				p1 := lerp(a, b, (pos+step)/seg)
				if on {
					add(p0, p1)
				}
				pos += step
				if left -= step; left <= 1e-9 {
					on = !on
					left = map[bool]float64{true: 7, false: 4}[on]
				}
			}
		}
	}
	// The quads' orientation depends on the screen's y axis; make them all
	// agree with the first so the non-zero rule adds them up.
	return orient(polys)
}

func orient(polys [][]Point) [][]Point {
	for _, p := range polys {
		if ringArea(p) > 0 {
			for i, j := 0, len(p)-1; i < j; i, j = i+1, j-1 {
				p[i], p[j] = p[j], p[i]
			}
		}
	}
	return polys
}

func lerp(a, b Point, f float64) Point { return Point{a.X + (b.X-a.X)*f, a.Y + (b.Y-a.Y)*f} }

func rect(x, y, w, h float64) []Point {
	return []Point{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}}
}

// arrowHead is a triangle at b pointing away from a.
func arrowHead(a, b Point, size float64) []Point {
	dx, dy := b.X-a.X, b.Y-a.Y
	l := math.Hypot(dx, dy)
	ux, uy := dx/l, dy/l
	tip := Point{b.X + ux*size/2, b.Y + uy*size/2}
	base := Point{b.X - ux*size/2, b.Y - uy*size/2}
	return []Point{tip, {base.X - uy*size/2, base.Y + ux*size/2}, {base.X + uy*size/2, base.Y - ux*size/2}, tip}
}

// text draws s with its baseline at (x, y), centred on x when centre is
// set, with a white halo then (like the SVG's paint-order stroke).
func (r *raster) text(f *opentype.Font, size, x, y float64, s string, col color.Color, centre bool) {
	face, ok := r.faces[faceKey{f, size}]
	if !ok {
		var err error
		if face, err = opentype.NewFace(f, &opentype.FaceOptions{Size: size * r.s, DPI: 72, Hinting: font.HintingFull}); err != nil {
			return
		}
		if r.faces == nil {
			r.faces = map[faceKey]font.Face{}
		}
		r.faces[faceKey{f, size}] = face
	}
	d := &font.Drawer{Dst: r.img, Face: face}
	px, py := x*r.s, (y+r.dy)*r.s
	if centre {
		px -= float64(d.MeasureString(s)) / 64 / 2
		d.Src = image.White
		for _, o := range [][2]float64{{-2, 0}, {2, 0}, {0, -2}, {0, 2}, {-1.5, -1.5}, {1.5, 1.5}, {-1.5, 1.5}, {1.5, -1.5}} {
			d.Dot = fixed.Point26_6{X: fixed.Int26_6((px + o[0]) * 64), Y: fixed.Int26_6((py + o[1]) * 64)}
			d.DrawString(s)
		}
	}
	d.Src = image.NewUniform(col)
	d.Dot = fixed.Point26_6{X: fixed.Int26_6(px * 64), Y: fixed.Int26_6(py * 64)}
	d.DrawString(s)
}

// hatch is the "not available" pattern of the SVG: grey diagonal stripes.
type hatch struct{}

func (hatch) ColorModel() color.Model { return color.RGBAModel }
func (hatch) Bounds() image.Rectangle {
	return image.Rect(-1<<20, -1<<20, 1<<20, 1<<20)
}
func (hatch) At(x, y int) color.Color {
	if ((x+y)%9+9)%9 < 3 {
		return color.RGBA{0x8c, 0x8c, 0x8c, 0xff}
	}
	return color.RGBA{0xf2, 0xf2, 0xf2, 0xff}
}

func hexColor(s string) color.Color {
	if len(s) != 7 || s[0] != '#' {
		return color.Black
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return color.Black
	}
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
}

// Fonts are the parsed Go fonts the PNG is drawn with: parse them once
// (LoadFonts) and share them; they are read-only.
type Fonts struct{ regular, bold *opentype.Font }

// LoadFonts parses the embedded Go fonts.
func LoadFonts() (*Fonts, error) {
	reg, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, err
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, err
	}
	return &Fonts{reg, bold}, nil
}
