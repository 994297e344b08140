package carto

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// Scene is everything one map shows, resolved to text in the reader's
// language; the SVG and PNG writers only draw it.
type Scene struct {
	Geom       *Atlas
	Standalone bool // a file of its own: header, legend and footer drawn in
	Lang       string
	Title      string // indicator, level, filters
	Subtitle   string
	Desc       string // for screen readers: what the map shows and where the table is
	Shapes     []SceneShape
	Zones      []SceneZone
	Sites      []SceneSite // candidate sites of a simulation
	Legend     Legend
	Footer     []string
	Synthetic  string // the warning, when the data is synthetic
	Selected   string // code of the territory whose profile is open
}

// SceneShape is one territory as drawn.
type SceneShape struct {
	*Shape
	Value   string // raw value for data-value, "" when not available
	Display string // "Rhône (69) : 12 formations"
	Class   string
	Fill    string
	Href    string // profile link (page only)
	Near    string // ids of the gap zones it is in or touches, space-separated
	// Weak marks a value that rests on few units (low_n) or is withheld
	// (suppressed): a ring at the territory's label point says "read with
	// care" without hiding the colour.
	Weak bool
}

// SceneZone is one gap zone: its outline, label and, for the empty
// diagonal, its principal axis.
type SceneZone struct {
	ID       string // "z1", ...
	Label    string
	Title    string // hover text: members, population, area
	Diagonal bool
	Lines    [][]Point
	At       Point
	Axis     [2]Point
}

// SceneSite is a simulated formation: a marker at its place.
type SceneSite struct {
	At    Point
	Label string // hover text
}

type Legend struct {
	Title   string
	Classes []Class
	Gap     string // label of the gap outline sample, "" when no zone
	Diag    string // label of the diagonal sample, "" when none found
	Weak    string // label of the weak-value mark, "" when none is drawn
}

// Layout of the standalone file around the map.
const (
	headerH = 64.0
	footerH = 58.0
)

const (
	gapStroke  = "#1a1a1a"
	diagStroke = "#7b1fa2"
	borderCol  = "#ffffff"
	// selectedHalo marks the territory whose profile is open: the page's
	// focus colour, unlike any outline of the map.
	selectedHalo = "#ffbf47"
	textCol      = "#1a1a1a"
	fontFamily   = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
)

// WriteSVG draws the scene as an SVG document. Inline (page) maps link each
// territory to its profile and leave title and legend to the page; the
// standalone file carries them.
func WriteSVG(w io.Writer, sc *Scene) error {
	b := &strings.Builder{}
	esc := html.EscapeString
	top, height := 0.0, mapH
	if sc.Standalone {
		top, height = headerH, mapH+headerH+footerH
		fmt.Fprintf(b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
	}
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" width="%g" height="%g" class="map" lang="%s" role="group" aria-labelledby="map-title" aria-describedby="map-desc" font-family="%s">`,
		mapW, height, mapW, height, esc(sc.Lang), esc(fontFamily))
	fmt.Fprintf(b, "\n<title id=\"map-title\">%s</title>\n<desc id=\"map-desc\">%s</desc>\n", esc(sc.Title), esc(sc.Desc))
	b.WriteString(`<defs><pattern id="na" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
		`<rect width="6" height="6" fill="#f2f2f2"/><line x1="0" y1="0" x2="0" y2="6" stroke="#8c8c8c" stroke-width="2"/></pattern></defs>` + "\n")
	if sc.Standalone {
		fmt.Fprintf(b, `<rect width="%g" height="%g" fill="#ffffff"/>`+"\n", mapW, height)
		fmt.Fprintf(b, `<g class="header"><text x="%g" y="28" font-size="22" font-weight="bold" fill="%s">%s</text>`+
			`<text x="%g" y="52" font-size="15" fill="%s">%s</text></g>`+"\n",
			mapPad, textCol, esc(sc.Title), mapPad, textCol, esc(sc.Subtitle))
		fmt.Fprintf(b, `<g transform="translate(0 %g)">`+"\n", top)
	}

	// Insets: a frame and the territory's name.
	b.WriteString(`<g class="insets" aria-hidden="true">`)
	for _, in := range sc.Geom.Insets {
		fmt.Fprintf(b, `<rect x="%g" y="%g" width="%g" height="%g" rx="4" fill="#eef4f8" stroke="#9fb3c2"/>`+
			`<text x="%g" y="%g" font-size="13" fill="%s">%s</text>`,
			in.X, in.Y, in.W, in.H, in.X+6, in.Y+16, textCol, esc(in.Name))
	}
	b.WriteString("</g>\n")

	// Territories: one path each, in a link to its profile on the page.
	fmt.Fprintf(b, `<g class="territories" stroke="%s" stroke-width="%g" stroke-linejoin="round">`+"\n", borderCol, borderWidth(sc.Geom))
	light := lightLevel(sc.Geom)
	for _, s := range sc.Shapes {
		if light {
			// 34,875 communes: no link, name or raw value per path, which
			// would triple the page; the table and the downloads have them,
			// and the script opens a profile on click.
			fmt.Fprintf(b, `<path data-code="%s" data-class="%s" fill="%s" d="%s"><title>%s</title></path>`+"\n",
				esc(s.Code), esc(s.Class), esc(s.Fill), s.D, esc(s.Display))
			continue
		}
		if s.Href != "" {
			fmt.Fprintf(b, `<a href="%s" class="territory" aria-label="%s">`, esc(s.Href), esc(s.Display))
		}
		fmt.Fprintf(b, `<path id="t-%s" data-code="%s" data-name="%s" data-value="%s" data-class="%s" fill="%s"`,
			esc(s.Code), esc(s.Code), esc(s.Name), esc(s.Value), esc(s.Class), esc(s.Fill))
		if s.Near != "" {
			fmt.Fprintf(b, ` data-near="%s"`, esc(s.Near))
		}
		fmt.Fprintf(b, ` d="%s"><title>%s</title></path>`, s.D, esc(s.Display))
		if s.Href != "" {
			b.WriteString("</a>")
		}
		b.WriteByte('\n')
	}
	b.WriteString("</g>\n")
	writeSVGZoom(b, sc)

	// Weak values: a ring at the label point, over the fill.
	weak := false
	for _, s := range sc.Shapes {
		if s.Weak {
			if !weak {
				b.WriteString(`<g class="weak" fill="#ffffff" stroke="` + textCol + `" stroke-width="1.2" pointer-events="none" aria-hidden="true">`)
				weak = true
			}
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="%g"/>`, s.Label.X, s.Label.Y, weakRadius)
		}
	}
	if weak {
		b.WriteString("</g>\n")
	}

	// Gap zones: a white casing under a dark line, so the outline reads on
	// every fill; the diagonal in a colour of its own, with its axis.
	if len(sc.Zones) > 0 {
		b.WriteString(`<g class="gaps" fill="none" stroke-linejoin="round" stroke-linecap="round" pointer-events="none">` + "\n")
		for _, z := range sc.Zones {
			d := linesData(z.Lines)
			col, dash := gapStroke, ""
			if z.Diagonal {
				col, dash = diagStroke, ` stroke-dasharray="7 4"`
			}
			fmt.Fprintf(b, `<g id="gap-%s" class="gap%s"><title>%s</title>`, esc(z.ID), map[bool]string{true: " diagonal"}[z.Diagonal], esc(z.Title))
			fmt.Fprintf(b, `<path d="%s" stroke="#ffffff" stroke-width="5"/><path d="%s" stroke="%s" stroke-width="2.4"%s/>`, d, d, col, dash)
			if z.Diagonal {
				fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ffffff" stroke-width="6"/>`+
					`<line class="axis" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="3" marker-end="url(#arrow)"/>`,
					z.Axis[0].X, z.Axis[0].Y, z.Axis[1].X, z.Axis[1].Y, z.Axis[0].X, z.Axis[0].Y, z.Axis[1].X, z.Axis[1].Y, col)
			}
			b.WriteString("</g>\n")
		}
		b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse">` +
			`<path d="M0 0L10 5L0 10z" fill="` + diagStroke + `"/></marker></defs>` + "\n")
		// Labels last, over every outline, with a white halo.
		b.WriteString(`<g class="gap-labels" font-size="14" font-weight="bold" text-anchor="middle" stroke="#ffffff" stroke-width="4" paint-order="stroke" stroke-linejoin="round">`)
		for _, z := range sc.Zones {
			col := gapStroke
			if z.Diagonal {
				col = diagStroke
			}
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" fill="%s">%s</text>`, z.At.X, z.At.Y+5, col, esc(z.Label))
		}
		b.WriteString("</g>\n</g>\n")
	}

	if len(sc.Sites) > 0 {
		b.WriteString(`<g class="sites" pointer-events="none">`)
		for i, st := range sc.Sites {
			fmt.Fprintf(b, `<g class="site" data-site="%d"><title>%s</title><circle cx="%.1f" cy="%.1f" r="7" fill="#d7301f" stroke="#ffffff" stroke-width="2.5"/>`+
				`<text x="%.1f" y="%.1f" font-size="9" font-weight="bold" fill="#ffffff" text-anchor="middle">%d</text></g>`,
				i, esc(st.Label), st.At.X, st.At.Y, st.At.X, st.At.Y+3, i+1)
		}
		b.WriteString("</g>\n")
	}

	if sc.Selected != "" {
		if s, ok := sc.Geom.Shape(sc.Selected); ok {
			fmt.Fprintf(b, `<path class="selected" d="%s" fill="none" stroke="%s" stroke-width="5" stroke-linejoin="round" pointer-events="none"/>`+
				`<path class="selected" d="%s" fill="none" stroke="#000000" stroke-width="1.4" stroke-linejoin="round" pointer-events="none"/>`+"\n", s.D, selectedHalo, s.D)
		}
	}

	if sc.Standalone {
		writeSVGLegend(b, sc)
		b.WriteString("</g>\n")
		y := top + mapH + 20
		for i, line := range sc.Footer {
			fmt.Fprintf(b, `<text x="%g" y="%g" font-size="12" fill="#444444">%s</text>`+"\n", mapPad, y+float64(i)*16, esc(line))
		}
		if sc.Synthetic != "" {
			fmt.Fprintf(b, `<text x="%g" y="%g" font-size="13" font-weight="bold" fill="#b00020">%s</text>`+"\n",
				mapPad, y+float64(len(sc.Footer))*16, esc(sc.Synthetic))
		}
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// legendRows are the lines of the legend: its title wrapped, then one row
// per class and per outline sample.
type legendRow struct {
	Text   string
	Fill   string // swatch fill; "" for a title line
	Stroke string // outline sample colour
	Dash   bool
	Ring   bool // the weak-value mark
}

func legendRows(l Legend) []legendRow {
	var rows []legendRow
	for _, line := range wrap(l.Title, 24) {
		rows = append(rows, legendRow{Text: line})
	}
	for _, c := range l.Classes {
		rows = append(rows, legendRow{Text: c.Label, Fill: c.Fill})
	}
	if l.Gap != "" {
		rows = append(rows, legendRow{Text: l.Gap, Stroke: gapStroke})
	}
	if l.Diag != "" {
		rows = append(rows, legendRow{Text: l.Diag, Stroke: diagStroke, Dash: true})
	}
	if l.Weak != "" {
		rows = append(rows, legendRow{Text: l.Weak, Ring: true})
	}
	return rows
}

const legendRowH = 22.0

// weakRadius is the radius of the weak-value ring, in map units.
const weakRadius = 3.5

func writeSVGLegend(b *strings.Builder, sc *Scene) {
	esc := html.EscapeString
	box := sc.Geom.Legend
	rows := legendRows(sc.Legend)
	h := float64(len(rows))*legendRowH + 12
	y := box.Y + math.Max(0, box.H-h)
	fmt.Fprintf(b, `<g class="legend" font-size="13" fill="%s"><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="4" fill="#ffffff" fill-opacity="0.9" stroke="#bbbbbb"/>`+"\n",
		textCol, box.X, y, box.W, h)
	y += 8
	for _, r := range rows {
		switch {
		case r.Fill != "":
			fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="22" height="15" fill="%s" stroke="#666666" stroke-width="0.5"/>`, box.X+8, y+2, esc(r.Fill))
		case r.Ring:
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="%g" fill="#ffffff" stroke="%s" stroke-width="1.2"/>`, box.X+19, y+9.5, weakRadius, textCol)
		case r.Stroke != "":
			dash := ""
			if r.Dash {
				dash = ` stroke-dasharray="7 4"`
			}
			fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="22" height="15" fill="none" stroke="%s" stroke-width="2.4"%s/>`, box.X+8, y+2, r.Stroke, dash)
		}
		x, weight := box.X+36, ""
		if r.Fill == "" && r.Stroke == "" && !r.Ring {
			x, weight = box.X+8, ` font-weight="bold"`
		}
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f"%s>%s</text>`+"\n", x, y+15, weight, esc(r.Text))
		y += legendRowH
	}
	b.WriteString("</g>\n")
}

// wrap breaks s into lines of at most n runes, at spaces.
func wrap(s string, n int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		if cur != "" && len([]rune(cur))+1+len([]rune(w)) > n {
			lines = append(lines, cur)
			cur = w
			continue
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

func linesData(lines [][]Point) string {
	var b strings.Builder
	for _, l := range lines {
		for i, p := range l {
			if i == 0 {
				b.WriteByte('M')
			} else {
				b.WriteByte('L')
			}
			writeNum(&b, p.X)
			b.WriteByte(' ')
			writeNum(&b, p.Y)
		}
	}
	return b.String()
}

// writeSVGZoom draws the Paris inset's territories again, larger, with the
// same fill and link as on the mainland.
func writeSVGZoom(b *strings.Builder, sc *Scene) {
	esc := html.EscapeString
	open := false
	for _, s := range sc.Shapes {
		if s.ZoomD == "" {
			continue
		}
		if !open {
			fmt.Fprintf(b, `<g class="territories zoom" stroke="%s" stroke-width="0.6" stroke-linejoin="round">`+"\n", borderCol)
			open = true
		}
		if s.Href != "" {
			fmt.Fprintf(b, `<a href="%s" class="territory" aria-hidden="true" tabindex="-1">`, esc(s.Href))
		}
		fmt.Fprintf(b, `<path class="zoom" data-zoom="%s" fill="%s" d="%s"><title>%s</title></path>`, esc(s.Code), esc(s.Fill), s.ZoomD, esc(s.Display))
		if s.Href != "" {
			b.WriteString("</a>")
		}
		b.WriteByte('\n')
	}
	if open {
		b.WriteString("</g>\n")
	}
}

// lightLevel tells a level drawn with the least markup per territory.
func lightLevel(g *Atlas) bool { return g.Level == "commune" }

// borderWidth thins the borders as territories get smaller, so at the
// commune level the fills, not the lines, make the map.
func borderWidth(g *Atlas) float64 {
	switch g.Level {
	case "commune":
		return 0.08
	case "bassin":
		return 0.35
	}
	return 0.6
}
