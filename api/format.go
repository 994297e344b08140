package api

// How a list endpoint plugs into the open-data machinery (formats, sort,
// fields, caching, datasets, OpenAPI). Formations (formations.go) is the
// worked example; a new endpoint, say /api/v1/job-demand, writes:
//
//  1. Routes (routes.go), in the `api` group so it gets the snapshot, the
//     ETag/304, the response cache and gzip; the suffix route gives
//     .csv .xlsx .parquet .geojson:
//
//     api.GET("/job-demand", s.jobDemand)
//     api.GET("/job-demand.:format", s.jobDemand)
//
//  2. The handler reads the list parameters with the generic helpers:
//
//     p := s.params(c, listParams("year", "level", "code")...)
//     fm := p.format(c, FormatJSON, FormatCSV, FormatXLSX, FormatParquet, FormatNDJSON)
//     f := observatory.JobDemandFilter{..., Sort: p.sort("sort", allowedSortFields)}
//     fields := p.fields("fields", export.ColumnNames(jobDemandColumns))
//     limit := p.limit(fm) // 100 by default, ≤ 1000 for JSON; ≤ MaxDownloadRows for files
//     if p.err != nil { return p.err }
//     if fm != FormatJSON { return s.download(c, fm, table.Select(fields)) }
//     ... JSON page as before, items through project(items, fields) ...
//
//     where table is an export.Table: Name (the dataset name), Columns
//     (name, Table Schema type, description), Each (streams rows in Columns order;
//     typed Go values: string, int, float64, bool, time.Time, []string,
//     or pointers to them, nil for missing), Synthetic, and optionally
//     Point (lon/lat columns → GeoJSON) and Parquet (a store method that
//     COPYs the same query to a file; see DB.FormationsParquet).
//
//  3. The dataset (datasets.go): append its metadata to
//     datasets.Catalogue (datasets/catalogue.go), declare how to build its
//     whole table in the resource's file, and list that in registered():
//
//     func jobDemandSpecs() []datasetSpec {
//         return []datasetSpec{{Name: "job-demand", List: "/api/v1/job-demand",
//             Formats: []Format{FormatCSV, FormatXLSX, FormatParquet, FormatNDJSON},
//             Table: func(s *Server, c echo.Context) (export.Table, error) { ... }}}
//     }
//
//  4. OpenAPI (openapi.json): document the paths; TestOpenAPIRoutes fails
//     until every route registered on Echo is documented, and validates
//     real responses against the documented schemas. Give each operation
//     an "x-example" request; `go test -run TestOpenAPIExamples ./api/
//     -update` writes its example response from a real answer. Reuse the shared
//     components: parameters Format, Dialect, Sort, Fields, Limit, Cursor;
//     responses BadRequest, NotAcceptable; headers Snapshot, ETag.

import (
	"mime"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// Format is a representation a list endpoint can produce.
type Format string

// The formats, named as their file suffixes.
const (
	FormatJSON    Format = "json"
	FormatCSV     Format = "csv"
	FormatXLSX    Format = "xlsx"
	FormatGeoJSON Format = "geojson"
	FormatParquet Format = "parquet"
	FormatJSONLD  Format = "jsonld"
	FormatNDJSON  Format = "ndjson" // newline-delimited JSON, streamed
)

// mediaTypes maps formats to the media type served; accepted lists the
// media types a client may ask for in Accept, first the preferred one.
var (
	mediaTypes = map[Format]string{
		FormatJSON:    "application/json",
		FormatCSV:     "text/csv; charset=utf-8",
		FormatXLSX:    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		FormatGeoJSON: "application/geo+json",
		FormatParquet: "application/vnd.apache.parquet",
		FormatJSONLD:  "application/ld+json",
		FormatNDJSON:  "application/x-ndjson",
	}
	accepted = map[string]Format{
		"application/json": FormatJSON,
		"text/json":        FormatJSON,
		"text/csv":         FormatCSV,
		"application/csv":  FormatCSV,
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": FormatXLSX,
		"application/geo+json":           FormatGeoJSON,
		"application/vnd.geo+json":       FormatGeoJSON,
		"application/vnd.apache.parquet": FormatParquet,
		"application/x-parquet":          FormatParquet,
		"application/parquet":            FormatParquet,
		"application/ld+json":            FormatJSONLD,
		"application/x-ndjson":           FormatNDJSON,
		"application/ndjson":             FormatNDJSON,
		"application/jsonl":              FormatNDJSON,
	}
	// allFormats is every format, in the order offered when a client
	// accepts anything.
	allFormats = []Format{FormatJSON, FormatCSV, FormatXLSX, FormatGeoJSON, FormatParquet, FormatJSONLD, FormatNDJSON}
)

// formatParam is the query parameter that overrides Accept.
const formatParam = "format"

// format picks the representation: the path's suffix (a route ending in
// .:format) first, then format=, then the Accept header; JSON when the
// client states no preference. A suffix or format= the endpoint does not
// offer is a 400 naming the parameter; an Accept header that matches none
// is a 406 naming the header.
func (p *params) format(c echo.Context, offered ...Format) Format {
	c.Set(offeredKey, offered) // for the links of a list (links.go)
	name, v := "format", c.Param("format")
	if v == "" {
		v = p.str(formatParam)
	}
	if v != "" {
		f := Format(strings.ToLower(v))
		if !slices.Contains(offered, f) {
			p.fail(name, "format %q is not offered here; choose one of %s", v, joinFormats(offered))
			return offered[0]
		}
		return f
	}
	f, ok := negotiate(c.Request().Header.Get(echo.HeaderAccept), offered)
	if !ok {
		p.failCode(observatory.ENOTACCEPTABLE, "Accept", "no representation here matches Accept %q; offered: %s (or add a suffix such as .csv, or format=)",
			c.Request().Header.Get(echo.HeaderAccept), offeredTypes(offered))
		return offered[0]
	}
	return f
}

func joinFormats(fs []Format) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

func offeredTypes(fs []Format) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i], _, _ = strings.Cut(mediaTypes[f], ";")
	}
	return strings.Join(s, ", ")
}

// negotiate picks the offered format the Accept header prefers (RFC 9110
// §12.5.1: highest q, then the most specific range, then the endpoint's
// order). An empty header accepts anything.
func negotiate(accept string, offered []Format) (Format, bool) {
	if strings.TrimSpace(accept) == "" {
		return offered[0], true
	}
	type choice struct {
		f           Format
		q           float64
		specificity int
		order       int
	}
	best := choice{q: -1}
	for _, part := range strings.Split(accept, ",") {
		mt, prm, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := prm["q"]; ok {
			if q, err = strconv.ParseFloat(v, 64); err != nil || q < 0 || q > 1 {
				continue
			}
		}
		for i, f := range offered {
			spec := matches(mt, f)
			if spec < 0 {
				continue
			}
			c := choice{f, q, spec, i}
			if c.q > best.q || (c.q == best.q && (c.specificity > best.specificity ||
				(c.specificity == best.specificity && c.order < best.order))) {
				best = c
			}
		}
	}
	// q=0 means "not acceptable", so it never wins.
	return best.f, best.q > 0
}

// matches tells how specifically a media range names format f: 2 for the
// exact type, 1 for type/*, 0 for */*, -1 for no match.
func matches(mediaRange string, f Format) int {
	if mediaRange == "*/*" {
		return 0
	}
	if g, ok := accepted[mediaRange]; ok {
		if g == f {
			return 2
		}
		return -1
	}
	if typ, ok := strings.CutSuffix(mediaRange, "/*"); ok && strings.HasPrefix(mediaTypes[f], typ+"/") {
		return 1
	}
	return -1
}

// canonicalFormat is the format a request asks for, for cache keys: the
// same for every Accept header that means the same thing.
func canonicalFormat(r *http.Request) string {
	f, ok := negotiate(r.Header.Get(echo.HeaderAccept), allFormats)
	if !ok {
		return "none"
	}
	return string(f)
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
