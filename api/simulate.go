package api

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

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
				Sites: sites, CommuneLimit: limit, GapLevels: levels}, s.geo.Adjacency)
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
