package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/api/httpcache"
	"github.com/gen-numerique/observatory/observatory"
)

// What-if siting (docs/siting.md): POST /api/v1/simulate with the sites
// as JSON, or GET /api/v1/simulate?site=… with the same request in the
// query string, which is also the permalink of a POST. Both are read into
// one canonical query string: the same request gives the same answer,
// kept by the hash of that string and the snapshot.

// maxSimulateBody is the most a POST body may weigh: 20 sites take under
// 4 KiB.
const maxSimulateBody = 64 << 10

// simulateCommunes is how many communes' changes the JSON answer lists
// (those whose people gain most); the CSV and XLSX list all.
const simulateCommunes = 100

const siteParam = "site"

var simulateParams = append([]string{siteParam, "family", programmeParam}, offerTimeParams...)

// simulateBody is the POST body.
type simulateBody struct {
	Sites     []json.RawMessage `json:"sites"`
	At        string            `json:"at,omitempty"`
	View      string            `json:"view,omitempty"`
	Wave      int               `json:"wave,omitempty"`
	Year      int               `json:"year,omitempty"`
	Family    string            `json:"family,omitempty"`
	Programme string            `json:"programme,omitempty"`
}

// siteBody is one site of the body.
type siteBody struct {
	Commune   string   `json:"commune,omitempty"`
	Lon       *float64 `json:"lon,omitempty"`
	Lat       *float64 `json:"lat,omitempty"`
	Family    string   `json:"family"`
	Seats     *int     `json:"seats,omitempty"`
	Programme string   `json:"programme,omitempty"`
	Start     string   `json:"start,omitempty"`
}

type simulateOut struct {
	Snapshot       string   `json:"snapshot"`
	Synthetic      bool     `json:"synthetic"`
	MixedSynthetic bool     `json:"mixed_synthetic,omitempty"`
	Notice         string   `json:"notice,omitempty"`
	Programmes     []string `json:"programmes,omitempty"`
	// Query is the canonical query string of the request: GET
	// /api/v1/simulate?<query> gives the same answer; Hash is its SHA-256.
	Query  string         `json:"query"`
	Hash   string         `json:"hash"`
	Limits simulateLimits `json:"limits"`
	*observatory.Simulation
	Links map[string]string `json:"links"`
}

type simulateLimits struct {
	MaxSites     int `json:"max_sites"`
	MaxBodyBytes int `json:"max_body_bytes"`
	Communes     int `json:"communes_listed_max"`
}

// simRequest is a simulation read from a request: its canonical query
// and how to run it (at most once per snapshot, query and commune limit).
type simRequest struct {
	query, hash string
	sel         observatory.ProgrammeSelection
	// run simulates, listing communeLimit communes (0: all) and comparing
	// the gap zones of levels (nil: all three).
	run func(communeLimit int, levels ...observatory.Level) (*observatory.Simulation, error)
}

// simRequestOf reads vals (the GET form's parameters: site, family,
// programme and the offer time) into a simulation of the request's
// snapshot.
func (s *Server) simRequestOf(c echo.Context, vals url.Values) (*simRequest, error) {
	p := &params{vals: vals, geo: s.geo}
	sel := s.programmes(c, p)
	t := p.offerTime()
	family := s.family(c, p)
	known, err := programmeList(c)
	if err != nil {
		return nil, err
	}
	sites, canon, err := parseSites(vals[siteParam], known)
	if err != nil {
		return nil, err
	}
	if p.err != nil {
		return nil, p.err
	}
	vals[siteParam] = canon
	query := vals.Encode()
	sum := sha256.Sum256([]byte(query))
	r := &simRequest{query: query, hash: base64.RawURLEncoding.EncodeToString(sum[:]), sel: sel}
	st := store(c)
	r.run = func(limit int, levels ...observatory.Level) (*observatory.Simulation, error) {
		svc, err := s.indicatorsOf(c)
		if err != nil {
			return nil, err
		}
		key := fmt.Sprintf("%s|%d|%v|%s", st.Snapshot(), limit, levels, query)
		v, err := s.sims.Do(key, func() (any, error) {
			return svc.Simulate(c.Request().Context(), observatory.SiteQuery{At: t.At, View: t.View, Wave: t.Wave, Year: t.Year, Family: family,
				Sites: sites, CommuneLimit: limit, GapLevels: levels}, s.adjacency)
		})
		if err != nil {
			return nil, err
		}
		return v.(*observatory.Simulation), nil
	}
	return r, nil
}

// simulate serves GET and POST /api/v1/simulate[.csv|.xlsx].
func (s *Server) simulate(c echo.Context) error {
	vals, err := s.simulateValues(c)
	if err != nil {
		return err
	}
	fm := s.simulateFormat(c)
	dialect := ""
	if fm == FormatCSV {
		dialect = c.QueryParam("dialect")
		if dialect != "" && dialect != "fr" {
			return observatory.ParamError("dialect", "dialect must be fr (semicolons, decimal commas) or absent")
		}
	}
	sr, err := s.simRequestOf(c, vals)
	if err != nil {
		return err
	}
	query, st := sr.query, store(c)
	// The request as its GET form: permalinks, file names and file
	// metadata name that, whichever method asked.
	r := c.Request()
	if r.Method == http.MethodPost {
		u := *r.URL
		u.RawQuery = query
		if id := c.QueryParam(snapshotParam); id != "" {
			u.RawQuery += "&" + url.Values{snapshotParam: {id}}.Encode()
		}
		if d := c.QueryParam("dialect"); d != "" {
			u.RawQuery += "&dialect=" + url.QueryEscape(d)
		}
		r.URL = &u
		c.Set(permalinkKey, s.permalink(c, ""))
		etag := `"sim-` + etagHash(s.cfg.Version, st.Snapshot(), query, string(fm)+dialect) + `"`
		h := c.Response().Header()
		h.Set("ETag", etag)
		h.Set("Cache-Control", "private, no-store") // a POST: clients revalidate by ETag
		if inm := r.Header.Get("If-None-Match"); inm != "" && httpcache.Matches(inm, etag) {
			return c.NoContent(http.StatusNotModified)
		}
	}
	limit := simulateCommunes
	if fm != FormatJSON {
		limit = 0
	}
	sim, err := sr.run(limit)
	if err != nil {
		return err
	}
	out := simulateOut{Snapshot: st.Snapshot(), Programmes: programmesOut(sr.sel), Query: query, Hash: sr.hash, Simulation: sim,
		Limits: simulateLimits{MaxSites: observatory.MaxSites, MaxBodyBytes: maxSimulateBody, Communes: simulateCommunes}}
	if err := s.flagSynthetic(c, []string{"catalogue"}, &out.Synthetic, &out.Notice); err != nil {
		return err
	}
	out.MixedSynthetic = sr.sel.Mixed
	pin := url.Values{snapshotParam: {st.Snapshot()}}.Encode()
	page := url.Values{"mode": {"simulate"}}
	for k, vs := range vals {
		page[k] = vs
	}
	page.Set(snapshotParam, st.Snapshot())
	out.Links = map[string]string{
		"get":  "/api/v1/simulate?" + query + "&" + pin,
		"csv":  "/api/v1/simulate.csv?" + query + "&" + pin,
		"xlsx": "/api/v1/simulate.xlsx?" + query + "&" + pin,
		"page": "/?" + page.Encode(),
	}
	if fm != FormatJSON {
		return s.download(c, fm, simulationTable(sim, out.Synthetic))
	}
	c.Response().Header().Set("X-Observatory-Simulation", sr.hash)
	return c.JSON(http.StatusOK, out)
}

func etagHash(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\n")))
	return base64.RawURLEncoding.EncodeToString(sum[:18])
}

// simulateFormat is the format asked by suffix, format= or Accept.
func (s *Server) simulateFormat(c echo.Context) Format {
	p := &params{vals: url.Values{}, geo: s.geo}
	if f := c.QueryParam(formatParam); f != "" {
		p.vals.Set(formatParam, f)
	}
	f := p.format(c, FormatJSON, FormatCSV, FormatXLSX)
	if p.err != nil {
		return FormatJSON // reported by simulateValues, which reads the same parameters
	}
	return f
}

// simulateValues reads the request into the query string of its GET form:
// the query string itself for GET, the JSON body for POST (whose query
// string may only name a snapshot, a format or a CSV dialect).
func (s *Server) simulateValues(c echo.Context) (url.Values, error) {
	r := c.Request()
	extra := []string{formatParam, "dialect"}
	if r.Method != http.MethodPost {
		p := s.params(c, append(simulateParams, extra...)...)
		p.format(c, FormatJSON, FormatCSV, FormatXLSX)
		if p.err != nil {
			return nil, p.err
		}
		vals := url.Values{}
		for k, vs := range c.QueryParams() {
			if !slices.Contains(extra, k) && k != snapshotParam {
				vals[k] = vs
			}
		}
		return vals, nil
	}
	if p := s.params(c, extra...); p.err != nil {
		return nil, p.err
	}
	if ct := r.Header.Get(echo.HeaderContentType); ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return nil, observatory.Errorf(observatory.EINVALID, "the body must be JSON (Content-Type: application/json), not %s", ct)
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, maxSimulateBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, observatory.Errorf(observatory.ETOOLARGE, "the body is over %d KiB; a simulation takes at most %d sites", maxSimulateBody>>10, observatory.MaxSites)
	}
	if err != nil {
		return nil, err
	}
	var b simulateBody
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, bodyError("", err)
	}
	if dec.More() {
		return nil, observatory.ParamError("", "the body holds more than one JSON value")
	}
	vals := url.Values{}
	set := func(k, v string) {
		if v != "" {
			vals.Set(k, v)
		}
	}
	set("at", b.At)
	set("view", b.View)
	if b.Wave != 0 {
		set("wave", strconv.Itoa(b.Wave))
	}
	if b.Year != 0 {
		set("year", strconv.Itoa(b.Year))
	}
	set("family", b.Family)
	set(programmeParam, b.Programme)
	if len(b.Sites) > observatory.MaxSites {
		return nil, observatory.ParamError("sites", "%d sites: a simulation takes at most %d", len(b.Sites), observatory.MaxSites)
	}
	for i, raw := range b.Sites {
		var sb siteBody
		d := json.NewDecoder(bytes.NewReader(raw))
		d.DisallowUnknownFields()
		if err := d.Decode(&sb); err != nil {
			return nil, bodyError(fmt.Sprintf("sites[%d]", i), err)
		}
		v, err := sb.param(i)
		if err != nil {
			return nil, err
		}
		vals.Add(siteParam, v)
	}
	return vals, nil
}

// bodyError names the field of a JSON error.
func bodyError(at string, err error) error {
	var te *json.UnmarshalTypeError
	field := at
	if errors.As(err, &te) {
		if te.Field != "" {
			field = strings.TrimPrefix(at+"."+te.Field, ".")
		}
		return observatory.ParamError(field, "%s must be a JSON %s, not %s", cmpOr(field, "the body"), jsonKind(te.Type.Kind().String()), te.Value)
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		field = strings.TrimPrefix(at+"."+name, ".")
		return observatory.ParamError(field, "unknown field %q; a site has commune or lon and lat, family, seats, programme, start; "+
			"the body has sites, at, view, wave, year, family, programme", name)
	}
	return observatory.ParamError(at, "the body is not valid JSON: %s", strings.TrimPrefix(msg, "json: "))
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func jsonKind(k string) string {
	switch k {
	case "int", "int64", "float64":
		return "number"
	case "ptr":
		return "number"
	case "slice":
		return "array"
	}
	return k
}

// param writes a site of the body as its site= value.
func (sb siteBody) param(i int) (string, error) {
	place := strings.TrimSpace(sb.Commune)
	switch {
	case place != "" && (sb.Lon != nil || sb.Lat != nil):
		return "", observatory.ParamError(fmt.Sprintf("sites[%d].commune", i), "site %d: give a commune or a point (lon, lat), not both", i)
	case place == "" && (sb.Lon == nil) != (sb.Lat == nil):
		return "", observatory.ParamError(fmt.Sprintf("sites[%d].lon", i), "site %d: a point needs both lon and lat", i)
	case place == "" && sb.Lon != nil:
		place = fmtCoord(*sb.Lon) + ":" + fmtCoord(*sb.Lat)
	}
	seats := ""
	if sb.Seats != nil {
		if *sb.Seats < 1 || *sb.Seats > maxSeats {
			return "", observatory.ParamError(fmt.Sprintf("sites[%d].seats", i), "site %d: seats must be a whole number from 1 to %d (per session)", i, maxSeats)
		}
		seats = strconv.Itoa(*sb.Seats)
	}
	for _, f := range []string{place, sb.Family, sb.Programme, sb.Start} {
		if strings.ContainsAny(f, ",") {
			return "", observatory.ParamError(fmt.Sprintf("sites[%d]", i), "site %d: no field may hold a comma", i)
		}
	}
	return strings.Join([]string{place, strings.TrimSpace(sb.Family), seats, strings.TrimSpace(sb.Programme), strings.TrimSpace(sb.Start)}, ","), nil
}

const maxSeats = 10_000

func fmtCoord(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "NaN"
	}
	return strconv.FormatFloat(math.Round(f*1e5)/1e5, 'f', -1, 64)
}

// parseSites reads the site= values, "place,family[,seats[,programme[,start]]]"
// where place is an INSEE commune code or lon:lat, into sites and their
// canonical values (coordinates to 5 decimals, the GEN programme and
// empty trailing fields left out).
func parseSites(vs []string, known []observatory.Programme) ([]observatory.Site, []string, error) {
	if len(vs) == 0 {
		return nil, nil, observatory.ParamError("sites", "give at least one site: site=COMMUNE,FAMILY[,SEATS[,PROGRAMME[,START]]] "+
			"(or lon:lat for the place), e.g. site=23096,developpement,12; or POST a JSON body {\"sites\":[…]}")
	}
	if len(vs) > observatory.MaxSites {
		return nil, nil, observatory.ParamError("sites", "%d sites: a simulation takes at most %d", len(vs), observatory.MaxSites)
	}
	sites := make([]observatory.Site, len(vs))
	canon := make([]string, len(vs))
	for i, v := range vs {
		field := func(f string) string { return fmt.Sprintf("sites[%d].%s", i, f) }
		fs := strings.Split(strings.TrimSpace(v), ",")
		if len(fs) < 2 || len(fs) > 5 {
			return nil, nil, observatory.ParamError(fmt.Sprintf("sites[%d]", i), "site %d %q: give place,family[,seats[,programme[,start]]], "+
				"the place an INSEE commune code or lon:lat", i, v)
		}
		for len(fs) < 5 {
			fs = append(fs, "")
		}
		for j := range fs {
			fs[j] = strings.TrimSpace(fs[j])
		}
		st := observatory.Site{Family: fs[1], Programme: fs[3]}
		place := fs[0]
		if lon, lat, ok := strings.Cut(place, ":"); ok {
			x, err1 := strconv.ParseFloat(lon, 64)
			y, err2 := strconv.ParseFloat(lat, 64)
			if err1 != nil || err2 != nil || !finiteAll(x, y) {
				return nil, nil, observatory.ParamError(field("lon"), "site %d: the point %q must be lon:lat in WGS84 degrees, e.g. 1.87:46.17", i, place)
			}
			st.Point = &orb.Point{math.Round(x*1e5) / 1e5, math.Round(y*1e5) / 1e5}
			place = fmtCoord(x) + ":" + fmtCoord(y)
		} else {
			place = strings.ToUpper(place)
			if !observatory.IsCommune(place) {
				return nil, nil, observatory.ParamError(field("commune"), "site %d: %q is not an INSEE commune code (5 characters, e.g. 23096, 2A004)", i, fs[0])
			}
			st.Commune = place
		}
		if fs[2] != "" {
			n, err := strconv.Atoi(fs[2])
			if err != nil || n < 1 || n > maxSeats {
				return nil, nil, observatory.ParamError(field("seats"), "site %d: seats must be a whole number from 1 to %d (per session)", i, maxSeats)
			}
			st.Seats = n
		}
		if st.Programme == observatory.ProgrammeGEN {
			st.Programme = ""
		}
		if st.Programme != "" && !slices.ContainsFunc(known, func(p observatory.Programme) bool { return p.ID == st.Programme }) {
			ids := make([]string, len(known))
			for k, p := range known {
				ids[k] = p.ID
			}
			return nil, nil, observatory.ParamError(field("programme"), "site %d: no programme %q in this snapshot; known: %s", i, st.Programme, strings.Join(ids, ", "))
		}
		if fs[4] != "" {
			d, err := time.Parse(time.DateOnly, fs[4])
			if err != nil || d.Year() < 2000 || d.Year() > 2100 {
				return nil, nil, observatory.ParamError(field("start"), "site %d: start must be a date YYYY-MM-DD between 2000 and 2100", i)
			}
			st.Start = d
		}
		sites[i] = st
		c := []string{place, st.Family, fs[2], st.Programme, fs[4]}
		for len(c) > 2 && c[len(c)-1] == "" {
			c = c[:len(c)-1]
		}
		canon[i] = strings.Join(c, ",")
	}
	return sites, canon, nil
}

func finiteAll(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// simulationColumns are the columns of a simulation as a file: one row
// a site, an indicator that moves, a gap zone that changes or a site's
// supply/demand ratio.
var simulationColumns = []export.Column{
	{Name: "kind", Type: "string", Title: "Type", Description: "site, change, gap or ratio"},
	{Name: "site", Type: "integer", Title: "Site", Description: "index of the site (site and ratio rows)"},
	{Name: "level", Type: "string", Title: "Niveau"},
	{Name: "code", Type: "string", Title: "Code"},
	{Name: "name", Type: "string", Title: "Nom"},
	{Name: "indicator", Type: "string", Title: "Indicateur", Description: "the indicator; for a gap, its status (shrunk, split, vanished)"},
	{Name: "family", Type: "string", Title: "Famille"},
	{Name: "before", Type: "number", Title: "Avant", Description: "empty when not available (see reason_before), never 0 for unknown; a gap's population before"},
	{Name: "after", Type: "number", Title: "Après", Description: "a site's seats; a gap's population after"},
	{Name: "difference", Type: "number", Title: "Écart"},
	{Name: "class_before", Type: "string", Title: "Classe avant"},
	{Name: "class_after", Type: "string", Title: "Classe après"},
	{Name: "reason_before", Type: "string", Title: "Raison (avant)"},
	{Name: "reason_after", Type: "string", Title: "Raison (après)"},
	{Name: "flags", Type: "string", Title: "Signalements", Description: "| separated"},
	{Name: "note", Type: "string", Title: "Note"},
}

// simulationTable gives a simulation to the file formats.
func simulationTable(sim *observatory.Simulation, synthetic bool) export.Table {
	return export.Table{Name: "simulate", Columns: simulationColumns, Synthetic: synthetic, Each: func(yield func([]any) error) error {
		for _, p := range sim.Sites {
			note := fmt.Sprintf("%s; seats %s; programme %s; from %s to %s; brings %d inhabitants within 30 km, %d within 60 km",
				p.Placed, p.SeatsRule, p.Programme, p.Start, p.LabelEnd, p.Brought30, p.Brought60)
			if err := yield([]any{"site", p.Index, string(observatory.LevelCommune), p.Commune, p.Name, "", p.Family, nil, p.Seats, nil,
				"", "", "", "", strings.Join(sim.Flags, "|"), note}); err != nil {
				return err
			}
		}
		for _, ch := range sim.Changes {
			if err := yield([]any{"change", nil, string(ch.Level), ch.Code, ch.Name, ch.Indicator, ch.Family, ch.Before, ch.After, ch.Difference,
				ch.ClassBefore, ch.ClassAfter, ch.ReasonBefore, ch.ReasonAfter, strings.Join(ch.Flags, "|"), ch.Note}); err != nil {
				return err
			}
		}
		for _, g := range sim.Gaps {
			note := fmt.Sprintf("%s; %d → %d members; removed: %s; into: %s", g.Rule, g.Members, g.MembersAfter,
				strings.Join(g.RemovedNames, ", "), strings.Join(g.Into, ", "))
			if err := yield([]any{"gap", nil, string(g.Level), g.ID, "", g.Status, "", float64(g.PopulationBefore), float64(g.PopulationAfter),
				float64(g.PopulationAfter - g.PopulationBefore), "", "", "", "", strings.Join(sim.Flags, "|"), note}); err != nil {
				return err
			}
		}
		for _, r := range sim.Ratios {
			var diff *float64
			if r.Before != nil && r.After != nil {
				d := *r.After - *r.Before
				diff = &d
			}
			if err := yield([]any{"ratio", r.Site, string(r.Level), r.Code, r.Name, observatory.IndSupplyDemand, r.Family, r.Before, r.After, diff,
				"", "", r.Reason, r.Reason, strings.Join(sim.Flags, "|"), r.Note}); err != nil {
				return err
			}
		}
		return nil
	}}
}
