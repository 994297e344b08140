package api

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/carto"
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

// staticFS is the page's style and script.
var staticFS = func() fs.FS {
	sub, err := fs.Sub(webFiles, "web/static")
	if err != nil {
		panic(err) // a constant, valid path
	}
	return sub
}()

// static serves the page's style and script; a missing file is a 404
// problem like any other.
func (s *Server) static(c echo.Context) error {
	name := c.Param("*")
	if st, err := fs.Stat(staticFS, name); err != nil || st.IsDir() || !fs.ValidPath(name) {
		return echo.ErrNotFound
	}
	http.StripPrefix("/static/", http.FileServer(http.FS(staticFS))).ServeHTTP(c.Response(), c.Request())
	return nil
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
	At        string // YYYY-MM-DD
	View      string
	Year      int
	Wave      int
	Family    string
	Programme string // programme= as the API takes it: "" (the GEN label), ids, or "all"
	Code      string // territory whose profile is open (page only)
	Lang      string
	Sort      string // table order (page only): code, name, value, with "-" for descending
	Snapshot  string // the snapshot replayed, kept in every link; "" for the current one
	// Mode "simulate" lets a click add a candidate site (Sites, the
	// site= values of /api/v1/simulate) and draws the map with them.
	Mode  string
	Sites []string
	Recs  bool // simulate mode: list the recommended communes
}

var mapLevels = []observatory.Level{observatory.LevelDepartement, observatory.LevelRegion, observatory.LevelBassin, observatory.LevelCommune}

// readPageQuery reads and checks the page's parameters; page adds the
// ones only the page uses.
func (s *Server) readPageQuery(c echo.Context, page bool) (pageQuery, error) {
	allowed := append([]string{"indicator", "level", "family", "lang", programmeParam, "mode", siteParam, "recs"}, offerTimeParams...)
	if page {
		allowed = append(allowed, "code", "sort")
	}
	p := s.params(c, allowed...)
	q := pageQuery{Indicator: p.str("indicator"), Lang: p.str("lang"), Snapshot: p.str(snapshotParam)}
	if q.Indicator == "" {
		q.Indicator = observatory.IndFormations
	}
	ind, ok := observatory.LookupIndicator(q.Indicator)
	if !ok || !ind.Has(observatory.LevelDepartement) && !ind.Has(observatory.LevelRegion) {
		p.fail("indicator", "indicator %q cannot be mapped; choose one of %s", q.Indicator, strings.Join(mappable(), ", "))
	}
	q.Level = p.level("level", observatory.LevelDepartement, mapLevels...)
	// The form may send a date, a wave and a year: the most precise wins.
	t := p.anyOfferTime().first()
	q.Year, q.Wave, q.View = t.Year, t.Wave, t.View
	if !t.At.IsZero() {
		q.At = t.At.Format(time.DateOnly)
	}
	q.Family = s.family(c, p)
	q.Programme = s.programmes(c, p).Param()
	switch q.Mode = p.str("mode"); q.Mode {
	case "", modeSimulate:
	default:
		p.fail("mode", "mode must be simulate or absent")
	}
	switch p.str("recs") {
	case "":
	case "1", "true":
		q.Recs = true
	default:
		p.fail("recs", "recs must be 1 or absent")
	}
	for _, v := range p.vals[siteParam] {
		if v = strings.TrimSpace(v); v != "" {
			q.Sites = append(q.Sites, v)
		}
	}
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

// csvQuery is apiQuery for a CSV or XLSX download: the French page offers
// the French dialect (semicolons, decimal commas, French headers and
// labels), which French Excel opens by double-click; the English page the
// RFC 4180 one.
func (q pageQuery) csvQuery(withLevel bool) string {
	return withDialect(q.apiQuery(withLevel), q.Lang)
}

// withDialect adds dialect=fr to a query string (empty or "?…") for a
// French page.
func withDialect(query, lang string) string {
	if lang == "en" {
		return query
	}
	if query == "" {
		return "?dialect=fr"
	}
	return query + "&dialect=fr"
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
	add("at", q.At)
	add("view", q.View)
	add("year", strconv.Itoa(q.Year))
	add("wave", strconv.Itoa(q.Wave))
	add("family", q.Family)
	add(programmeParam, q.Programme)
	add("code", q.Code)
	add("sort", q.Sort)
	add(snapshotParam, q.Snapshot)
	add("mode", q.Mode)
	if q.Recs {
		add("recs", "1")
	}
	for _, st := range q.Sites {
		v.Add(siteParam, st)
	}
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
	if q.At != "" {
		v.Set("at", q.At)
	}
	if q.View != "" {
		v.Set("view", q.View)
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
	if q.Programme != "" {
		v.Set(programmeParam, q.Programme)
	}
	if q.Snapshot != "" {
		v.Set(snapshotParam, q.Snapshot)
	}
	if e := v.Encode(); e != "" {
		return "?" + e
	}
	return ""
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
	msg, detail := oe.Message, ""
	if lang == "fr" {
		msg, detail = pageErrorFR(oe, c.QueryParam(oe.Param)), oe.Message
	}
	var buf bytes.Buffer
	if e := pageTemplates.ExecuteTemplate(&buf, "error.html.tmpl", map[string]any{
		"Lang": lang, "T": t, "Message": msg, "Detail": detail, "Param": oe.Param, "Home": pageQuery{Lang: lang}.href("/"),
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
			err = carto.WritePNG(&buf, sc, s.fonts)
		} else {
			err = carto.WriteSVG(&buf, sc)
		}
		if err != nil {
			return err
		}
		h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`inline; filename="%s.%s"`, name, format))
		h.Set("X-Content-Type-Options", "nosniff")
		setCanonical(h, permalinkOf(c))
		return c.Blob(http.StatusOK, ctype, buf.Bytes())
	}
}

// time is the page's offer time as the API reads it.
func (q pageQuery) time() offerTime {
	t := offerTime{View: q.View, Wave: q.Wave, Year: q.Year}
	if q.At != "" {
		t.At, _ = time.Parse(time.DateOnly, q.At) // checked by readPageQuery
	}
	return t
}
