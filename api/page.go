package api

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// The map page: templates, style and script embedded in the binary, so the
// page works offline and asks nothing of any other host.
//
//go:embed web/templates/*.tmpl web/static/*
var webFiles embed.FS

var pageTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	"inc": func(i int) int { return i + 1 },
}).ParseFS(webFiles, "web/templates/*.tmpl"))

// staticFiles serves the page's style and script.
func staticFiles() http.Handler {
	sub, err := fs.Sub(webFiles, "web/static")
	if err != nil {
		panic(err) // a constant, valid path
	}
	return http.StripPrefix("/static/", http.FileServer(http.FS(sub)))
}

// pageCSP keeps the page to its own origin: no script, style, font or
// image from anywhere else, and no inline script.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// pageQuery is what a map shows; the same query string drives the page, the
// map files and the links between them.
type pageQuery struct {
	Indicator string
	Level     observatory.Level
	Year      int
	Wave      int
	Family    string
	Code      string // territory whose profile is open (page only)
	Lang      string
	Sort      string // table order (page only): code, name, value, with "-" for descending
}

var mapLevels = []observatory.Level{observatory.LevelDepartement, observatory.LevelRegion}

// readPageQuery reads and checks the page's parameters; page adds the
// ones only the page uses.
func (s *Server) readPageQuery(c echo.Context, page bool) (pageQuery, error) {
	allowed := []string{"indicator", "level", "year", "wave", "family", "lang"}
	if page {
		allowed = append(allowed, "code", "sort")
	}
	p := s.params(c, allowed...)
	q := pageQuery{Indicator: p.str("indicator"), Lang: p.str("lang")}
	if q.Indicator == "" {
		q.Indicator = observatory.IndFormations
	}
	ind, ok := observatory.LookupIndicator(q.Indicator)
	if !ok || !ind.Has(observatory.LevelDepartement) && !ind.Has(observatory.LevelRegion) {
		p.fail("indicator", "indicator %q cannot be mapped; choose one of %s", q.Indicator, strings.Join(mappable(), ", "))
	}
	q.Level = p.level("level", observatory.LevelDepartement, mapLevels...)
	q.Year, q.Wave = p.int("year", 0, 2000, 2100), p.int("wave", 0, 1, 99)
	q.Family = s.family(c, p)
	switch q.Lang {
	case "":
		q.Lang = "fr"
	case "fr", "en":
	default:
		p.fail("lang", "lang must be fr or en")
	}
	if page {
		q.Code = p.territory("code", q.Level)
		q.Sort = p.str("sort")
		if k := strings.TrimPrefix(q.Sort, "-"); q.Sort != "" && k != "code" && k != "name" && k != "value" {
			p.fail("sort", "sort must be code, name or value, with - for descending")
		}
	}
	return q, p.err
}

// mappable lists the indicators the map can draw: those of régions and
// départements.
func mappable() []string {
	var ids []string
	for _, ind := range observatory.Registry() {
		if ind.Has(observatory.LevelDepartement) || ind.Has(observatory.LevelRegion) {
			ids = append(ids, ind.ID)
		}
	}
	return ids
}

// values is the query string of q, without the empty parameters and
// without French, the default; set overrides some of them ("" removes).
func (q pageQuery) values(set ...string) url.Values {
	v := url.Values{}
	add := func(k, val string) {
		if val != "" && val != "0" {
			v.Set(k, val)
		}
	}
	add("indicator", q.Indicator)
	add("level", string(q.Level))
	add("year", strconv.Itoa(q.Year))
	add("wave", strconv.Itoa(q.Wave))
	add("family", q.Family)
	add("code", q.Code)
	add("sort", q.Sort)
	if q.Lang != "fr" {
		add("lang", q.Lang)
	}
	for i := 0; i+1 < len(set); i += 2 {
		if set[i+1] == "" {
			v.Del(set[i])
		} else {
			v.Set(set[i], set[i+1])
		}
	}
	return v
}

func (q pageQuery) href(path string, set ...string) string {
	if e := q.values(set...).Encode(); e != "" {
		return path + "?" + e
	}
	return path
}

// apiQuery is the query string the API takes for the same figures.
func (q pageQuery) apiQuery(withLevel bool) string {
	v := url.Values{}
	if withLevel {
		v.Set("level", string(q.Level))
	}
	if q.Year != 0 {
		v.Set("year", strconv.Itoa(q.Year))
	}
	if q.Wave != 0 {
		v.Set("wave", strconv.Itoa(q.Wave))
	}
	if q.Family != "" {
		v.Set("family", q.Family)
	}
	if e := v.Encode(); e != "" {
		return "?" + e
	}
	return ""
}

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
	Classes   classing
	Gaps      []gapZone
	GapsOK    bool                // gap detection exists on this server
	Near      map[string][]string // territory -> zones it is in or borders
	Synthetic bool
	Families  []string
	Notices   []string
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
	d := &mapData{Q: *q, Ind: ind, GapsOK: true}
	fams, err := st.Families(ctx)
	if err != nil {
		return nil, err
	}
	d.Families = fams
	t := pageText[q.Lang]
	// A share of each family needs one family to be drawn.
	if ind.PerFamily && q.Family == "" && len(fams) > 0 {
		q.Family = fams[0]
		d.Notices = append(d.Notices, fmt.Sprintf(t["familyChosen"], familyLabel(q.Family, q.Lang)))
	}
	d.Q = *q
	vals, err := s.indicatorsOf(c).Values(ctx, observatory.IndicatorQuery{
		ID: ind.ID, Level: q.Level, Year: q.Year, Wave: q.Wave, Family: q.Family})
	if err != nil {
		return nil, err
	}
	d.Values = vals
	d.Classes = classify(ind.ID, vals)
	if slices.IndexFunc(vals, func(v observatory.Value) bool { return v.Value != nil }) < 0 {
		msg := t["noValues"]
		if len(vals) > 0 && vals[0].Note != "" {
			msg += " (" + vals[0].Note + ")"
		}
		d.Notices = append(d.Notices, msg+".")
	}
	if d.Gaps, err = s.pageGaps(ctx, st, *q); err != nil {
		return nil, err
	}
	d.Near = s.nearZones(q.Level, d.Gaps)
	if d.Synthetic, err = mapSynthetic(ctx, st); err != nil {
		return nil, err
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
	if q.Year != 0 {
		parts = append(parts, strconv.Itoa(q.Year))
	} else {
		parts = append(parts, t["allYears"])
	}
	if q.Family != "" {
		parts = append(parts, familyLabel(q.Family, q.Lang))
	} else {
		parts = append(parts, t["allFamilies"])
	}
	if q.Wave != 0 {
		parts = append(parts, waveLabel(q.Wave, q.Lang))
	}
	return indicatorTitle(d.Ind, q.Lang), strings.Join(parts, " · ")
}

func waveLabel(w int, lang string) string {
	if w == 1 {
		return pageText[lang]["wave1"]
	}
	return fmt.Sprintf(pageText[lang]["waveUpTo"], w)
}

// display is how a value reads: number and unit, or "not available".
func (d *mapData) display(v observatory.Value) string {
	t := pageText[d.Q.Lang]
	if v.Value == nil {
		return t["na"]
	}
	s := formatNumber(*v.Value, d.Q.Lang)
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
func (s *Server) scene(d *mapData, standalone bool) *mapScene {
	q, t := d.Q, pageText[d.Q.Lang]
	g := mapGeometry(s.geo, q.Level)
	title, sub := d.title()
	sc := &mapScene{Geom: g, Standalone: standalone, Lang: q.Lang, Title: title, Subtitle: sub, Selected: q.Code}
	sc.Desc = fmt.Sprintf("%s, %s. %s", title, sub, t["insetNote"])
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
		key, fill := d.Classes.fill(sh.Code)
		ss := sceneShape{mapShape: sh, Value: rawValue(v), Class: key, Fill: fill,
			Display: fmt.Sprintf("%s (%s)%s %s", sh.Name, sh.Code, t["colon"], d.display(v)),
			Near:    strings.Join(near[sh.Code], " ")}
		if !standalone {
			ss.Href = q.href("/", "code", sh.Code) + "#profile"
		}
		sc.Shapes = append(sc.Shapes, ss)
	}
	for i, z := range d.Gaps {
		sc.Zones = append(sc.Zones, d.sceneZone(g, i, z))
	}
	sc.Legend = sceneLegend{Title: unitLabel(d.Ind.Unit, q.Lang), Classes: d.legend()}
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
	sc.Footer = []string{d.sources() + " " + t["insetNote"]}
	if d.Synthetic {
		sc.Synthetic = t["syntheticShort"]
	}
	return sc
}

// legend gives the classes their labels.
func (d *mapData) legend() []mapClass {
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
			c.Label = formatNumber(c.Min, d.Q.Lang)
		default:
			c.Label = formatNumber(c.Min, d.Q.Lang) + " – " + formatNumber(c.Max, d.Q.Lang)
		}
	}
	return out
}

func (d *mapData) sources() string {
	t := pageText[d.Q.Lang]
	var src []string
	for _, s := range d.Ind.Sources {
		switch s {
		case "catalogue":
			src = append(src, t["catSource"])
		case "bmo":
			src = append(src, t["bmoSource"])
		}
	}
	return t["sources"] + t["colon"] + " " + strings.Join(append(src, t["geoSource"]), " ; ")
}

// sceneZone outlines a zone, puts its label on the member nearest the
// members' mean position and, for the diagonal, draws its principal axis.
func (d *mapData) sceneZone(g *mapGeom, i int, z gapZone) sceneZone {
	t := pageText[d.Q.Lang]
	sz := sceneZone{ID: z.ID, Diagonal: z.Diagonal, Lines: g.outline(z.Members)}
	sz.Label = fmt.Sprintf("%s %d", t["zone"], i+1)
	if z.Diagonal {
		sz.Label = t["diagonal"]
	}
	members := t["members"]
	if len(z.Members) == 1 {
		members = t["member"]
	}
	sz.Title = fmt.Sprintf("%s%s %d %s, %s %s, %s %s", sz.Label, t["colon"], len(z.Members), members,
		formatNumber(float64(z.Population), d.Q.Lang), t["population"], formatNumber(math.Round(z.AreaKm2), d.Q.Lang), t["area"])
	var pts []pt
	for _, m := range z.Members {
		if sh, ok := g.shape(m); ok && sh.Inset < 0 {
			pts = append(pts, sh.Label)
		}
	}
	if len(pts) == 0 {
		for _, m := range z.Members {
			if sh, ok := g.shape(m); ok {
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
	sz.At = slices.MinFunc(pts, func(a, b pt) int {
		return cmp.Compare(math.Hypot(a.X-mx, a.Y-my), math.Hypot(b.X-mx, b.Y-my))
	})
	if z.Diagonal && len(pts) > 1 {
		sz.Axis = principalAxis(pts, mx, my)
	}
	return sz
}

// principalAxis is the segment along the main direction of pts through
// their mean, spanning their extent, drawn from north-east to south-west.
func principalAxis(pts []pt, mx, my float64) [2]pt {
	var sxx, syy, sxy float64
	for _, p := range pts {
		dx, dy := p.X-mx, p.Y-my
		sxx, syy, sxy = sxx+dx*dx, syy+dy*dy, sxy+dx*dy
	}
	a := math.Atan2(2*sxy, sxx-syy) / 2
	ux, uy := math.Cos(a), math.Sin(a)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		s := (p.X-mx)*ux + (p.Y-my)*uy
		lo, hi = min(lo, s), max(hi, s)
	}
	p0, p1 := pt{mx + lo*ux, my + lo*uy}, pt{mx + hi*ux, my + hi*uy}
	if p0.X < p1.X { // start at the north-east end (screen: larger x)
		p0, p1 = p1, p0
	}
	return [2]pt{p0, p1}
}

// page serves the map page: the map, legend, gaps, profile, table and
// downloads are all drawn by the server, so it works without JavaScript.
func (s *Server) page(c echo.Context) error {
	q, err := s.readPageQuery(c, true)
	if err != nil {
		return s.pageError(c, q.Lang, err)
	}
	d, err := s.loadMap(c, &q)
	if err != nil {
		return s.pageError(c, q.Lang, err)
	}
	v, err := s.pageView(c, d)
	if err != nil {
		return s.pageError(c, q.Lang, err)
	}
	var buf bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&buf, "page.html.tmpl", v); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Content-Language", q.Lang)
	h.Set("X-Content-Type-Options", "nosniff")
	if d.Synthetic {
		h.Set("X-Observatory-Synthetic", "true")
	}
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

// pageError shows a bad request as a page a person can act on; other
// errors go to the API's error handler, which hides internal details.
func (s *Server) pageError(c echo.Context, lang string, err error) error {
	var oe *observatory.Error
	if !errors.As(err, &oe) || oe.Code != observatory.EINVALID && oe.Code != observatory.ENOTFOUND {
		return err
	}
	if lang != "en" {
		lang = "fr"
	}
	t := pageText[lang]
	var buf bytes.Buffer
	if e := pageTemplates.ExecuteTemplate(&buf, "error.html.tmpl", map[string]any{
		"Lang": lang, "T": t, "Message": oe.Message, "Param": oe.Param, "Home": pageQuery{Lang: lang}.href("/"),
	}); e != nil {
		return e
	}
	c.Response().Header().Set("Content-Security-Policy", pageCSP)
	return c.HTMLBlob(statusOf[oe.Code], buf.Bytes())
}

// mapFile serves the map alone, as SVG or PNG, with its title, legend,
// sources and, for synthetic data, the warning drawn in.
func (s *Server) mapFile(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		q, err := s.readPageQuery(c, false)
		if err != nil {
			return err
		}
		d, err := s.loadMap(c, &q)
		if err != nil {
			return err
		}
		sc := s.scene(d, true)
		h := c.Response().Header()
		name := fmt.Sprintf("carte-%s-%s-%s", q.Indicator, q.Level, h.Get(headerSnapshot))
		if d.Synthetic {
			h.Set("X-Observatory-Synthetic", "true")
			name += "-synthetique"
		}
		var buf bytes.Buffer
		ctype := "image/svg+xml; charset=utf-8"
		if format == "png" {
			ctype = "image/png"
			err = writePNG(&buf, sc)
		} else {
			err = writeSVG(&buf, sc)
		}
		if err != nil {
			return err
		}
		h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`inline; filename="%s.%s"`, name, format))
		h.Set("X-Content-Type-Options", "nosniff")
		return c.Blob(http.StatusOK, ctype, buf.Bytes())
	}
}

// Everything the page template shows.
type pageView struct {
	Lang, Title, Subtitle, Unit, Definition, Formula, Sources string
	T                                                         map[string]string
	Q                                                         pageQuery
	Synthetic                                                 bool
	Snapshot                                                  string
	Notices                                                   []string
	Indicators, Levels, Years, Waves, Families                []option
	Map                                                       template.HTML
	Legend                                                    []mapClass
	Zones                                                     []zoneView
	GapsOK                                                    bool
	Table                                                     tableView
	Downloads                                                 []link
	Profile                                                   *profileView
	SwitchHref, ProfileBase                                   string
	Config                                                    map[string]any // JSON for the script
}

type option struct {
	Value, Label string
	Selected     bool
}

type link struct{ Href, Label, Type, Download string }

type zoneView struct {
	ID, Label, Members, Facts string
	Diagonal                  bool
}

type tableView struct {
	Caption string
	Heads   []tableHead
	Rows    []tableRow
}

type tableHead struct {
	Key, Label, Href, Sort string // Sort: aria-sort value
	Numeric                bool
}

type tableRow struct {
	Code, Name, Value, Raw, ClassLabel, Class, Fill, Note, Href string
	Selected                                                    bool
}

func (s *Server) pageView(c echo.Context, d *mapData) (*pageView, error) {
	q, t := d.Q, pageText[d.Q.Lang]
	ctx := c.Request().Context()
	v := &pageView{Lang: q.Lang, T: t, Q: q, Synthetic: d.Synthetic, Snapshot: store(c).Snapshot(), Notices: d.Notices,
		GapsOK: d.GapsOK, Unit: unitLabel(d.Ind.Unit, q.Lang), Definition: indicatorDefinition(d.Ind, q.Lang),
		Formula: d.Ind.Formula, Sources: d.sources()}
	v.Title, v.Subtitle = d.title()
	v.SwitchHref = q.href("/", "lang", t["switchLang"])
	if t["switchLang"] == "fr" {
		v.SwitchHref = q.href("/", "lang", "")
	}

	// Filters.
	for _, id := range mappable() {
		ind, _ := observatory.LookupIndicator(id)
		v.Indicators = append(v.Indicators, option{id, indicatorTitle(ind, q.Lang), id == q.Indicator})
	}
	for _, l := range mapLevels {
		if d.Ind.Has(l) {
			v.Levels = append(v.Levels, option{string(l), t[string(l)], l == q.Level})
		}
	}
	label, survey, err := store(c).Years(ctx)
	if err != nil {
		return nil, err
	}
	years := slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(label), survey...))))
	if q.Year != 0 && !slices.Contains(years, q.Year) {
		years = append(years, q.Year)
		slices.Sort(years)
	}
	v.Years = []option{{"", t["allYears"], q.Year == 0}}
	for _, y := range slices.Backward(years) {
		v.Years = append(v.Years, option{strconv.Itoa(y), strconv.Itoa(y), y == q.Year})
	}
	waves, err := snapshotWaves(ctx, store(c))
	if err != nil {
		return nil, err
	}
	if q.Wave != 0 && !slices.Contains(waves, q.Wave) {
		waves = append(waves, q.Wave)
		slices.Sort(waves)
	}
	v.Waves = []option{{"", t["allWaves"], q.Wave == 0}}
	for _, w := range waves {
		v.Waves = append(v.Waves, option{strconv.Itoa(w), waveLabel(w, q.Lang), w == q.Wave})
	}
	if !d.Ind.PerFamily {
		v.Families = []option{{"", t["allFamilies"], q.Family == ""}}
	}
	for _, f := range d.Families {
		v.Families = append(v.Families, option{f, familyLabel(f, q.Lang), f == q.Family})
	}

	// Map and legend.
	var svg bytes.Buffer
	if err := writeSVG(&svg, s.scene(d, false)); err != nil {
		return nil, err
	}
	v.Map = template.HTML(svg.String()) // built by writeSVG, every text escaped
	v.Legend = d.legend()
	if len(d.Gaps) > 0 {
		v.Legend = append(v.Legend, mapClass{Key: "gap", Label: t["gapZone"]})
	}
	if slices.ContainsFunc(d.Gaps, func(z gapZone) bool { return z.Diagonal }) {
		v.Legend = append(v.Legend, mapClass{Key: "diagonal", Label: t["diagonal"]})
	}
	for i, z := range d.Gaps {
		v.Zones = append(v.Zones, d.zoneView(i, z, s.geo))
	}

	v.Table = d.table()
	apiQ := q.apiQuery(true)
	v.Downloads = []link{
		{"/api/v1/indicators/" + q.Indicator + ".csv" + apiQ, t["csv"], "text/csv", ""},
		{"/api/v1/indicators/" + q.Indicator + ".xlsx" + apiQ, t["xlsx"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ""},
		{"/api/v1/coverage/" + string(q.Level) + ".geojson" + d.coverageQuery(), t["geojson"], "application/geo+json", ""},
		{q.href("/map.svg", "code", "", "sort", ""), t["svg"], "image/svg+xml", "carte.svg"},
		{q.href("/map.png", "code", "", "sort", ""), t["png"], "image/png", "carte.png"},
		{"/api/v1/indicators/" + q.Indicator + apiQ, t["json"], "application/json", ""},
	}
	v.ProfileBase = "/api/v1/territories/" + string(q.Level) + "/"
	if q.Code != "" {
		if v.Profile, err = s.profileView(c, d); err != nil {
			return nil, err
		}
	}
	v.Config = d.scriptConfig(v)
	return v, nil
}

func (d *mapData) zoneView(i int, z gapZone, geo *observatory.Gazetteer) zoneView {
	t := pageText[d.Q.Lang]
	zv := zoneView{ID: z.ID, Diagonal: z.Diagonal, Label: fmt.Sprintf("%s %d", t["zone"], i+1)}
	if z.Diagonal {
		zv.Label += " — " + t["diagonal"]
	}
	names := make([]string, len(z.Members))
	for j, m := range z.Members {
		names[j] = m
		if tr, ok := geo.Territory(d.Q.Level, m); ok {
			names[j] = tr.Name + " (" + m + ")"
		}
	}
	zv.Members = strings.Join(names, ", ")
	members := t["members"]
	if len(z.Members) == 1 {
		members = t["member"]
	}
	zv.Facts = fmt.Sprintf("%d %s · %s %s · %s %s", len(z.Members), members,
		formatNumber(float64(z.Population), d.Q.Lang), t["population"],
		formatNumber(math.Round(z.AreaKm2), d.Q.Lang), t["area"])
	if z.Axis != "" {
		axis := z.Axis
		if d.Q.Lang == "fr" {
			axis = strings.NewReplacer("W", "O").Replace(axis)
		}
		zv.Facts += fmt.Sprintf(" · %s %s (%s°), %s km", t["orientation"], axis,
			formatNumber(math.Round(z.Bearing), d.Q.Lang), formatNumber(math.Round(z.LengthKm), d.Q.Lang))
	}
	return zv
}

// table lists the map's figures, sorted as asked.
func (d *mapData) table() tableView {
	q, t := d.Q, pageText[d.Q.Lang]
	tv := tableView{Caption: fmt.Sprintf(t["tableCaption"], indicatorTitle(d.Ind, q.Lang), strings.ToLower(t[string(q.Level)]))}
	legend := d.legend()
	for _, v := range d.Values {
		key, fill := d.Classes.fill(v.Code)
		r := tableRow{Code: v.Code, Name: v.Name, Value: t["na"], Raw: rawValue(v), Class: key, Fill: fill, Note: v.Note,
			Href: q.href("/", "code", v.Code) + "#profile", Selected: v.Code == q.Code}
		if v.Value != nil {
			r.Value = formatNumber(*v.Value, q.Lang)
		}
		if i := slices.IndexFunc(legend, func(c mapClass) bool { return c.Key == key }); i >= 0 {
			r.ClassLabel = legend[i].Label
		}
		tv.Rows = append(tv.Rows, r)
	}
	key, desc := strings.TrimPrefix(q.Sort, "-"), strings.HasPrefix(q.Sort, "-")
	if key == "" {
		key = "code"
	}
	slices.SortStableFunc(tv.Rows, func(a, b tableRow) int {
		var c int
		switch key {
		case "name":
			c = cmp.Compare(observatory.NormalizeName(a.Name), observatory.NormalizeName(b.Name))
		case "value":
			// Not available sorts last in either direction.
			if a.Raw == "" || b.Raw == "" {
				return cmp.Compare(len(b.Raw), len(a.Raw)) // the empty one last
			}
			x, _ := strconv.ParseFloat(a.Raw, 64)
			y, _ := strconv.ParseFloat(b.Raw, 64)
			c = cmp.Compare(x, y)
		default:
			c = cmp.Compare(a.Code, b.Code)
		}
		if desc {
			c = -c
		}
		return c
	})
	for _, h := range []struct {
		key, label string
		num        bool
	}{{"code", t["code"], false}, {"name", t["territory"], false}, {"value", t["value"] + " (" + unitLabel(d.Ind.Unit, q.Lang) + ")", true}} {
		th := tableHead{Key: h.key, Label: h.label, Numeric: h.num, Href: q.href("/", "sort", h.key) + "#table"}
		if h.key == key {
			th.Sort = "ascending"
			if desc {
				th.Sort = "descending"
			} else {
				th.Href = q.href("/", "sort", "-"+h.key) + "#table"
			}
		}
		tv.Heads = append(tv.Heads, th)
	}
	return tv
}

// scriptConfig is what the script needs to render profiles and messages in
// the page's language; the template writes it as JSON in a script element
// of type application/json, which is data, never run.
func (d *mapData) scriptConfig(v *pageView) map[string]any {
	inds := map[string]map[string]string{}
	for _, ind := range observatory.Registry() {
		inds[ind.ID] = map[string]string{"title": indicatorTitle(ind, d.Q.Lang), "unit": unitLabel(ind.Unit, d.Q.Lang)}
	}
	fams := map[string]string{}
	for id := range familyLabels {
		fams[id] = familyLabel(id, d.Q.Lang)
	}
	for _, f := range d.Families {
		fams[f] = familyLabel(f, d.Q.Lang)
	}
	zones := map[string]string{}
	for _, z := range v.Zones {
		zones[z.ID] = z.Label
	}
	return map[string]any{
		"lang": d.Q.Lang, "level": d.Q.Level, "api": d.Q.apiQuery(false), "t": v.T,
		"indicators": inds, "families": fams, "zones": zones, "profileGroups": profileGroups,
	}
}

// snapshotWaves lists the labelling waves of a snapshot's catalogue. A
// snapshot never changes, so the answer is kept for the snapshot served.
func snapshotWaves(ctx context.Context, st observatory.Store) ([]int, error) {
	wavesCache.Lock()
	if wavesCache.id == st.Snapshot() {
		defer wavesCache.Unlock()
		return slices.Clone(wavesCache.waves), nil
	}
	wavesCache.Unlock()
	seen := map[int]bool{}
	f := observatory.FormationFilter{Limit: 1000}
	for i := 0; i < 1000; i++ {
		page, err := st.Formations(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, fm := range page.Items {
			if fm.Wave != nil {
				seen[*fm.Wave] = true
			}
		}
		if page.Next == "" {
			break
		}
		f.Cursor = page.Next
	}
	waves := slices.Sorted(func(yield func(int) bool) {
		for w := range seen {
			if !yield(w) {
				return
			}
		}
	})
	wavesCache.Lock()
	wavesCache.id, wavesCache.waves = st.Snapshot(), waves
	wavesCache.Unlock()
	return slices.Clone(waves), nil
}

var wavesCache struct {
	sync.Mutex
	id    string
	waves []int
}
