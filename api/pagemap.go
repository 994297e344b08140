package api

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/carto"
	"github.com/gen-numerique/observatory/observatory"
)

// coverageQuery asks the coverage GeoJSON for the map's filters and, as its
// "value" property, the indicator drawn (a share by family has no single
// value per territory, so it is left out).
func (d *mapData) coverageQuery() string {
	q := d.Q.apiQuery(false)
	if d.Ind.PerFamily {
		return q
	}
	if q == "" {
		return "?indicator=" + url.QueryEscape(d.Ind.ID)
	}
	return q + "&indicator=" + url.QueryEscape(d.Ind.ID)
}

// mapData is what one map shows, read from the request's snapshot.
type mapData struct {
	Q         pageQuery
	Ind       observatory.Indicator
	Values    []observatory.Value
	Classes   carto.Classing
	Gaps      []gapZone
	GapsOK    bool                // gap detection exists on this server
	GapsIntro string              // the rule that made the zones
	GapsNote  string              // why there are no zones, when GapsOK is false
	Near      map[string][]string // territory -> zones it is in or borders
	Synthetic bool
	Mixed     bool                    // the synthetic GEN stand-in and a real programme added up
	Shown     []observatory.Programme // the programmes the map counts
	Families  []string
	Notices   []string
	Time      *observatory.Result      // the date and view the values describe
	Simulate  *simData                 // simulate mode: the sites added and what they change
	ref       *observatory.Referential // family labels
}

// gapZone is a gap zone as the page shows it.
type gapZone struct {
	ID         string
	Members    []string
	Population int64
	AreaKm2    float64
	Bearing    float64 // main orientation, degrees clockwise from north, 0–180
	Axis       string  // "NE–SW", ...; "" for a single territory
	LengthKm   float64
	Ends       [2][2]float64 // the axis, [lon, lat], eastern end first
	Diagonal   bool
}

// loadMap reads the figures of q from the snapshot.
func (s *Server) loadMap(c echo.Context, q *pageQuery) (*mapData, error) {
	ctx := c.Request().Context()
	st := store(c)
	ind, _ := observatory.LookupIndicator(q.Indicator)
	if !ind.Has(q.Level) {
		q.Level = ind.Levels[0]
	}
	d := &mapData{Q: *q, Ind: ind, GapsOK: true, ref: s.ref}
	fams, err := st.Families(ctx)
	if err != nil {
		return nil, err
	}
	d.Families = fams
	t := pageText[q.Lang]
	// A share of each family needs one family to be drawn.
	if ind.PerFamily && q.Family == "" && len(fams) > 0 {
		q.Family = fams[0]
		d.Notices = append(d.Notices, fmt.Sprintf(t["familyChosen"], s.ref.Label(q.Family, q.Lang)))
	}
	d.Q = *q
	svc, err := s.indicatorsOf(c)
	if err != nil {
		return nil, err
	}
	res, err := svc.Values(ctx, q.time().query(observatory.IndicatorQuery{ID: ind.ID, Level: q.Level, Family: q.Family}))
	if err != nil {
		return nil, err
	}
	vals := res.Values
	d.Values, d.Time = vals, res
	d.Classes = carto.Classify(ind.ID, vals)
	if slices.IndexFunc(vals, func(v observatory.Value) bool { return v.Value != nil }) < 0 {
		msg := t["noValues"]
		if len(vals) > 0 && noteOf(vals[0], q.Lang) != "" {
			msg += " (" + noteOf(vals[0], q.Lang) + ")"
		}
		d.Notices = append(d.Notices, msg+".")
	}
	if d.Gaps, err = s.pageGaps(ctx, svc, *q); err != nil {
		return nil, err
	}
	if q.Mode == modeSimulate {
		if err := s.simulateMap(c, d, svc); err != nil {
			return nil, err
		}
	}
	switch q.Level {
	case observatory.LevelCommune:
		d.GapsOK, d.GapsNote = false, t["gapsCommune"]
	case observatory.LevelBassin:
		d.GapsIntro = fmt.Sprintf(t["gapsIntroBassin"], BassinGapKm)
	default:
		d.GapsIntro = t["gapsIntro"]
	}
	d.Near = s.nearZones(q.Level, d.Gaps)
	d.Synthetic, d.Mixed = svc.Synthetic, svc.Mixed
	known, err := programmeList(c)
	if err != nil {
		return nil, err
	}
	for _, p := range known {
		if slices.Contains(svc.Programmes, p.ID) {
			d.Shown = append(d.Shown, p)
		}
	}
	return d, nil
}

// mapSynthetic reports whether the snapshot's catalogue is synthetic.
func mapSynthetic(ctx context.Context, st observatory.Store) (bool, error) {
	info, err := st.Info(ctx)
	if err != nil {
		return false, err
	}
	return catalogueSynthetic(info), nil
}

// title names what the map shows: indicator, then level and filters.
func (d *mapData) title() (string, string) {
	q, t := d.Q, pageText[d.Q.Lang]
	parts := []string{t[string(q.Level)]}
	if r := d.Time; r != nil && !r.At.IsZero() && slices.Contains(d.Ind.Sources, "catalogue") {
		key := "offerInForce"
		if r.View == observatory.ViewLabelled {
			key = "offerLabelled"
		}
		parts = append(parts, fmt.Sprintf(t[key], observatory.FormatDate(r.At, q.Lang)))
	}
	if r := d.Time; r != nil && r.Survey != 0 {
		parts = append(parts, fmt.Sprintf("BMO %d", r.Survey))
	}
	if q.Family != "" {
		parts = append(parts, d.ref.Label(q.Family, q.Lang))
	} else {
		parts = append(parts, t["allFamilies"])
	}
	return indicatorTitle(d.Ind, q.Lang), strings.Join(parts, " · ")
}

// display is how a value reads: number and unit, or "not available".
func (d *mapData) display(v observatory.Value) string {
	t := pageText[d.Q.Lang]
	if v.Value == nil {
		return t["na"]
	}
	s := observatory.FormatNumber(*v.Value, d.Q.Lang)
	if u := unitLabel(d.Ind.Unit, d.Q.Lang); u == "%" {
		s += "\u00a0%"
	} else if u != "" {
		s += " " + u
	}
	if v.Class != "" {
		s += " — " + t[v.Class]
	}
	return s
}

func rawValue(v observatory.Value) string {
	if v.Value == nil {
		return ""
	}
	return strconv.FormatFloat(*v.Value, 'g', -1, 64)
}

// scene lays out the map of d.
func (s *Server) scene(d *mapData, standalone bool) *carto.Scene {
	q, t := d.Q, pageText[d.Q.Lang]
	g := s.atlases.Level(q.Level)
	title, sub := d.title()
	sc := &carto.Scene{Geom: g, Standalone: standalone, Lang: q.Lang, Title: title, Subtitle: sub, Selected: q.Code}
	inset := t["insetNote"]
	if q.Level != observatory.LevelRegion {
		inset = t["insetNoteZoom"] // the Paris inset, below the région
	}
	sc.Desc = fmt.Sprintf("%s, %s. %s", title, sub, inset)
	byCode := make(map[string]observatory.Value, len(d.Values))
	for _, v := range d.Values {
		byCode[v.Code] = v
	}
	near := d.Near
	for i := range g.Shapes {
		sh := &g.Shapes[i]
		v, ok := byCode[sh.Code]
		if !ok {
			v = observatory.Value{Code: sh.Code, Name: sh.Name}
		}
		key, fill := d.Classes.Fill(sh.Code)
		ss := carto.SceneShape{Shape: sh, Value: rawValue(v), Class: key, Fill: fill,
			Display: fmt.Sprintf("%s (%s)%s %s", sh.Name, sh.Code, t["colon"], d.display(v)),
			Near:    strings.Join(near[sh.Code], " "), Weak: weak(v)}
		if ss.Weak {
			sc.Legend.Weak = t["weak"]
		}
		switch {
		case standalone:
		case d.Simulate != nil:
			// A click adds a site: in the commune, or the territory's most populous.
			if main := d.Simulate.main[sh.Code]; main != "" {
				ss.Href = q.withSite(main, d.Simulate.Family).href("/") + "#simulate"
			}
		default:
			ss.Href = q.href("/", "code", sh.Code) + "#profile"
		}
		sc.Shapes = append(sc.Shapes, ss)
	}
	for i, z := range d.Gaps {
		sc.Zones = append(sc.Zones, d.zoneScene(g, i, z))
	}
	sc.Sites = d.sceneSites(g)
	sc.Legend.Title, sc.Legend.Classes = unitLabel(d.Ind.Unit, q.Lang), d.legend()
	for _, z := range d.Gaps {
		if z.Diagonal {
			sc.Legend.Diag = t["diagonal"]
		} else {
			sc.Legend.Gap = t["gapZone"]
		}
	}
	if d.Ind.ID == observatory.IndCoverage {
		sc.Legend.Title = indicatorTitle(d.Ind, q.Lang)
	}
	sc.Footer = []string{d.sources() + " " + inset}
	if slices.Contains(d.Ind.Sources, "catalogue") && len(d.Shown) > 0 {
		sc.Footer = append([]string{d.programmesLine()}, sc.Footer...)
	}
	if d.Synthetic {
		sc.Synthetic = t["syntheticShort"]
	}
	if d.Mixed {
		sc.Synthetic = t["mixedShort"]
	}
	return sc
}

// legend gives the classes their labels.
func (d *mapData) legend() []carto.Class {
	t := pageText[d.Q.Lang]
	out := slices.Clone(d.Classes.Classes)
	for i := range out {
		c := &out[i]
		switch {
		case c.Key == "na":
			c.Label = t["na"]
		case d.Ind.ID == observatory.IndCoverage:
			c.Label = t[c.Key]
		case c.Min == c.Max:
			c.Label = observatory.FormatNumber(c.Min, d.Q.Lang)
		default:
			c.Label = observatory.FormatNumber(c.Min, d.Q.Lang) + " – " + observatory.FormatNumber(c.Max, d.Q.Lang)
		}
	}
	return out
}

// programmesLine names the programmes whose formations the map counts,
// each said real or synthetic: the legend's and the map files' line.
func (d *mapData) programmesLine() string {
	t := pageText[d.Q.Lang]
	names := make([]string, len(d.Shown))
	for i, p := range d.Shown {
		kind := t["realData"]
		if p.Synthetic {
			kind = t["syntheticData"]
		}
		names[i] = p.Title(d.Q.Lang) + " (" + kind + ")"
	}
	return t["programmesShown"] + t["colon"] + " " + strings.Join(names, " ; ")
}

func (d *mapData) sources() string {
	t := pageText[d.Q.Lang]
	var src []string
	for _, s := range d.Ind.Sources {
		switch s {
		case "catalogue":
			if len(d.Shown) == 0 {
				src = append(src, t["catSource"])
			}
			for _, p := range d.Shown {
				if p.ID == observatory.ProgrammeGEN {
					src = append(src, t["catSource"])
				} else {
					src = append(src, p.Title(d.Q.Lang))
				}
			}
		case "bmo":
			src = append(src, t["bmoSource"])
		}
	}
	return t["sources"] + t["colon"] + " " + strings.Join(append(src, t["geoSource"]), " ; ")
}

// zoneScene outlines a zone, puts its label on the member nearest the
// members' mean position and, for the diagonal, draws its principal axis.
func (d *mapData) zoneScene(g *carto.Atlas, i int, z gapZone) carto.SceneZone {
	t := pageText[d.Q.Lang]
	sz := carto.SceneZone{ID: z.ID, Diagonal: z.Diagonal, Lines: g.Outline(z.Members)}
	sz.Label = fmt.Sprintf("%s %d", t["zone"], i+1)
	if z.Diagonal {
		sz.Label = t["diagonal"]
	}
	members := t["members"]
	if len(z.Members) == 1 {
		members = t["member"]
	}
	sz.Title = fmt.Sprintf("%s%s %d %s, %s %s, %s %s", sz.Label, t["colon"], len(z.Members), members,
		observatory.FormatNumber(float64(z.Population), d.Q.Lang), t["population"], observatory.FormatNumber(math.Round(z.AreaKm2), d.Q.Lang), t["area"])
	var pts []carto.Point
	for _, m := range z.Members {
		if sh, ok := g.Shape(m); ok && sh.Inset < 0 {
			pts = append(pts, sh.Label)
		}
	}
	if len(pts) == 0 {
		for _, m := range z.Members {
			if sh, ok := g.Shape(m); ok {
				pts = append(pts, sh.Label)
			}
		}
	}
	if len(pts) == 0 {
		return sz
	}
	var mx, my float64
	for _, p := range pts {
		mx, my = mx+p.X, my+p.Y
	}
	mx, my = mx/float64(len(pts)), my/float64(len(pts))
	sz.At = slices.MinFunc(pts, func(a, b carto.Point) int {
		return cmp.Compare(math.Hypot(a.X-mx, a.Y-my), math.Hypot(b.X-mx, b.Y-my))
	})
	// The axis is the one the domain computed (observatory.Orientation),
	// projected like the outlines: what the map draws is what the API says.
	if z.Diagonal && len(z.Members) > 1 {
		frame := z.Members[0]
		sz.Axis = [2]carto.Point{g.Project(frame, z.Ends[0][0], z.Ends[0][1]), g.Project(frame, z.Ends[1][0], z.Ends[1][1])}
	}
	return sz
}

// weak tells the values a reader must take with care: resting on few
// units, or withheld.
func weak(v observatory.Value) bool {
	return slices.Contains(v.Flags, observatory.FlagLowN) || slices.Contains(v.Flags, observatory.FlagSuppressed)
}
