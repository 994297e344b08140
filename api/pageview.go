package api

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/carto"
	"github.com/gen-numerique/observatory/observatory"
)

// Everything the page template shows.
type pageView struct {
	Lang, Title, Subtitle, Unit, Definition, Formula, Sources string
	T                                                         map[string]string
	Q                                                         pageQuery
	Synthetic, Mixed                                          bool
	ProgrammesLine                                            string // the programmes counted, said real or synthetic
	Snapshot                                                  string
	Notices                                                   []string
	Indicators, Levels, Years, Waves, Families, Views         []option
	Programmes                                                []option
	At, Reference                                             string // the date asked, the reference date (YYYY-MM-DD)
	Map                                                       template.HTML
	Legend                                                    []carto.Class
	Zones                                                     []zoneView
	GapsOK                                                    bool
	GapsIntro, GapsNote                                       string
	Table                                                     tableView
	Downloads                                                 []link
	Profile                                                   *profileView
	Changes                                                   *changesView
	Simulate                                                  *simView
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
	More    string // the rows left out, when the table is cut
}

// maxTableRows cuts the commune table: 34,875 rows would weigh 18 MB of
// HTML, and a reader looks at the top of an order; the downloads list all.
const maxTableRows = 500

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
	v := &pageView{Lang: q.Lang, T: t, Q: q, Synthetic: d.Synthetic, Mixed: d.Mixed, Snapshot: store(c).Snapshot(), Notices: d.Notices,
		GapsOK: d.GapsOK, GapsIntro: d.GapsIntro, GapsNote: cmp.Or(d.GapsNote, t["gapsUnavail"]), Unit: unitLabel(d.Ind.Unit, q.Lang), Definition: indicatorDefinition(d.Ind, q.Lang),
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
	cal, err := store(c).Calendar(ctx)
	if err != nil {
		return nil, err
	}
	var years []int
	if len(cal.LabelYears) > 0 {
		for y := cal.LabelYears[0]; y <= cal.Reference.Year(); y++ {
			years = append(years, y)
		}
	}
	years = append(years, cal.Surveys...)
	if q.Year != 0 {
		years = append(years, q.Year)
	}
	slices.Sort(years)
	years = slices.Compact(years)
	v.Years = []option{{"", t["noYear"], q.Year == 0}}
	for _, y := range slices.Backward(years) {
		v.Years = append(v.Years, option{strconv.Itoa(y), strconv.Itoa(y), y == q.Year})
	}
	v.Waves = []option{{"", t["noWave"], q.Wave == 0}}
	for _, w := range cal.Waves {
		v.Waves = append(v.Waves, option{strconv.Itoa(w.N), fmt.Sprintf(t["waveN"], w.N, observatory.FormatDate(w.Date, q.Lang)), w.N == q.Wave})
	}
	v.Views = []option{{"", t["inForce"], q.View == "" || q.View == observatory.ViewInForce},
		{observatory.ViewLabelled, t["labelled"], q.View == observatory.ViewLabelled}}
	v.At = q.At
	if !cal.Reference.IsZero() {
		v.Reference = cal.Reference.Format(time.DateOnly)
	}
	if !d.Ind.PerFamily {
		v.Families = []option{{"", t["allFamilies"], q.Family == ""}}
	}
	for _, f := range d.Families {
		v.Families = append(v.Families, option{f, s.ref.Label(f, q.Lang), f == q.Family})
	}
	if err := s.programmeOptions(c, v); err != nil {
		return nil, err
	}
	if len(d.Shown) > 0 && slices.Contains(d.Ind.Sources, "catalogue") {
		v.ProgrammesLine = d.programmesLine()
	}

	// Map and legend.
	var svg bytes.Buffer
	if err := carto.WriteSVG(&svg, s.scene(d, false)); err != nil {
		return nil, err
	}
	v.Map = template.HTML(svg.String()) // built by carto.WriteSVG, every text escaped
	v.Legend = d.legend()
	if len(d.Gaps) > 0 {
		v.Legend = append(v.Legend, carto.Class{Key: "gap", Label: t["gapZone"]})
	}
	if slices.ContainsFunc(d.Gaps, func(z gapZone) bool { return z.Diagonal }) {
		v.Legend = append(v.Legend, carto.Class{Key: "diagonal", Label: t["diagonal"]})
	}
	if slices.ContainsFunc(d.Values, weak) {
		v.Legend = append(v.Legend, carto.Class{Key: "weak", Label: t["weak"]})
	}
	for i, z := range d.Gaps {
		v.Zones = append(v.Zones, d.zoneView(i, z, s.geo))
	}

	v.Table = d.table()
	apiQ := q.apiQuery(true)
	v.Downloads = []link{
		{"/api/v1/indicators/" + q.Indicator + ".csv" + q.csvQuery(true), t["csv"], "text/csv", ""},
		{"/api/v1/indicators/" + q.Indicator + ".xlsx" + q.csvQuery(true), t["xlsx"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ""},
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
	v.Changes = s.pageChanges(c, q.Lang)
	v.Simulate = d.simView(s.ref, store(c).Snapshot())
	v.Config = d.scriptConfig(v)
	return v, nil
}

// programmeOptions are the programme selector's choices: the GEN label
// (the default), each other programme of the snapshot alone, every
// programme; and the selection asked for, when it is none of these.
func (s *Server) programmeOptions(c echo.Context, v *pageView) error {
	known, err := programmeList(c)
	if err != nil {
		return err
	}
	t, q := v.T, v.Q
	label := func(p observatory.Programme) string {
		kind := t["realData"]
		if p.Synthetic {
			kind = t["syntheticData"]
		}
		return p.Title(q.Lang) + " (" + kind + ")"
	}
	found := q.Programme == "" || q.Programme == observatory.ProgrammeAll
	for _, p := range known {
		val := p.ID
		if p.ID == observatory.ProgrammeGEN {
			val = ""
		}
		v.Programmes = append(v.Programmes, option{val, label(p), val == q.Programme})
		found = found || val == q.Programme
	}
	if len(known) == 0 {
		v.Programmes = append(v.Programmes, option{"", t["catSource"], true})
	}
	if len(known) > 1 {
		v.Programmes = append(v.Programmes, option{observatory.ProgrammeAll, t["allProgrammes"], q.Programme == observatory.ProgrammeAll})
	}
	if !found {
		v.Programmes = append(v.Programmes, option{q.Programme, q.Programme, true})
	}
	return nil
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
		observatory.FormatNumber(float64(z.Population), d.Q.Lang), t["population"],
		observatory.FormatNumber(math.Round(z.AreaKm2), d.Q.Lang), t["area"])
	if z.Axis != "" {
		axis := z.Axis
		if d.Q.Lang == "fr" {
			axis = strings.NewReplacer("W", "O").Replace(axis)
		}
		zv.Facts += fmt.Sprintf(" · %s %s (%s°), %s km", t["orientation"], axis,
			observatory.FormatNumber(math.Round(z.Bearing), d.Q.Lang), observatory.FormatNumber(math.Round(z.LengthKm), d.Q.Lang))
	}
	return zv
}

// table lists the map's figures, sorted as asked.
func (d *mapData) table() tableView {
	q, t := d.Q, pageText[d.Q.Lang]
	tv := tableView{Caption: fmt.Sprintf(t["tableCaption"], indicatorTitle(d.Ind, q.Lang), strings.ToLower(t[string(q.Level)]))}
	legend := d.legend()
	for _, v := range d.Values {
		key, fill := d.Classes.Fill(v.Code)
		note := v.Note
		if q.Lang == "fr" && v.NoteFR != "" {
			note = v.NoteFR
		}
		if weak(v) {
			note = strings.TrimPrefix(note+" ; "+t["weak"], " ; ")
		}
		r := tableRow{Code: v.Code, Name: v.Name, Value: t["na"], Raw: rawValue(v), Class: key, Fill: fill, Note: note,
			Href: q.href("/", "code", v.Code) + "#profile", Selected: v.Code == q.Code}
		if v.Value != nil {
			r.Value = observatory.FormatNumber(*v.Value, q.Lang)
		}
		if i := slices.IndexFunc(legend, func(c carto.Class) bool { return c.Key == key }); i >= 0 {
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
	if n := len(tv.Rows); n > maxTableRows {
		tv.Rows = tv.Rows[:maxTableRows]
		tv.More = fmt.Sprintf(t["tableMore"], observatory.FormatNumber(maxTableRows, q.Lang), observatory.FormatNumber(float64(n), q.Lang))
	}
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
	for _, f := range append(d.ref.Families(), d.Families...) {
		fams[f] = d.ref.Label(f, d.Q.Lang)
	}
	zones := map[string]string{}
	for _, z := range v.Zones {
		zones[z.ID] = z.Label
	}
	return map[string]any{
		"lang": d.Q.Lang, "level": d.Q.Level, "api": d.Q.apiQuery(false), "csv": d.Q.csvQuery(false), "t": v.T,
		"indicators": inds, "families": fams, "zones": zones, "profileGroups": profileGroups,
		"snapshot": d.Q.Snapshot,
		"simulate": d.Simulate != nil, "siteFamily": d.Q.siteFamily(),
	}
}
