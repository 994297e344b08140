package api

// The request side of POST/GET /api/v1/simulate: the JSON body and the
// site= values read into one canonical query string (simulate.go serves it).

import (
	"bytes"
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

	"github.com/gen-numerique/observatory/observatory"
)

// simulateValues reads the request into the query string of its GET form:
// the query string itself for GET, the JSON body for POST (whose query
// string may only name a snapshot, a format or a CSV dialect).
func (s *Server) simulateValues(c echo.Context) (url.Values, error) {
	r := c.Request()
	extra := []string{formatParam, "dialect"}
	if r.Method != http.MethodPost {
		p := s.params(c, slices.Concat(simulateParams, extra)...) // a new slice: see gaps
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
