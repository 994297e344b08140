package api

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"
)

// Every list response carries "links", as OGC API documents do (RFC 8288
// relations), each pinned to the answer's snapshot: self, the next page,
// the same selection in each other
// format the endpoint offers, the operation's documentation, the API's
// description and the dataset the list belongs to. A client holding one
// response finds the rest without reading the docs. Handlers only call
// listed; the JSON serializer writes the member, so no body type repeats
// it.

const (
	listKey    = "list"    // listMark: the response is a list page
	offeredKey = "offered" // []Format the endpoint offers (params.format)
)

type listMark struct{ next string }

// pageOnlyParams shape a JSON page, not the selection: the links to files
// drop them.
var pageOnlyParams = []string{"cursor", "limit", "facet", "facet_size"}

// listDatasets names the dataset (datasets.go) each list route is part of.
// TestListLinks checks every name is a registered dataset.
var listDatasets = map[string]string{
	"/api/v1/formations":                     "formations",
	"/api/v1/job-demand":                     "job-demand",
	"/api/v1/indicators/:id":                 "indicators",
	"/api/v1/needs":                          "needs",
	"/api/v1/gaps":                           "gaps",
	"/api/v1/territories/:level":             "territories",
	"/api/v1/snapshots/current/quarantine":   "quarantine",
	"/api/v1/snapshots/:id/quarantine":       "quarantine",
	"/api/v1/territories/:level/:code/needs": "needs",
	"/api/v1/recommend-sites":                "",
	"/api/v1/snapshots/current/set-aside":    "",
	"/api/v1/datasets":                       "",
	"/api/v1/metiers":                        "",
	"/api/v1/programmes":                     "",
	"/api/v1/indicators":                     "",
	"/api/v1/snapshots":                      "",
}

// listed marks the response as a list page whose next page, if any, is
// at cursor next; the next page also goes into a Link header, the same
// link as the body's, for the clients that follow headers. It returns
// next.
func listed(c echo.Context, next string) string {
	c.Set(listKey, listMark{next})
	if next != "" {
		q := linkQuery(c)
		q.Set("cursor", next)
		c.Response().Header().Set("Link", "<"+withQuery(basePath(c), q)+`>; rel="next"`)
	}
	return next
}

// basePath is the request's path without its format suffix.
func basePath(c echo.Context) string {
	p := c.Request().URL.Path
	if f := c.Param("format"); f != "" {
		p = strings.TrimSuffix(p, "."+f)
	}
	return p
}

// routePath is the route's path without its format suffix, as routes.go
// writes it.
func routePath(c echo.Context) string { return strings.TrimSuffix(c.Path(), ".:format") }

func withQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// linkQuery is the request's query as the links give it: no format (the
// path says it), pinned to the answer's snapshot as the permalink is, so
// that the next page and the files give the rows of this snapshot whatever
// is ingested meanwhile, and an answer is the same bytes whether or not its
// request named the snapshot.
func linkQuery(c echo.Context) url.Values {
	q := c.Request().URL.Query()
	q.Del(formatParam)
	if id := snapshotOf(c); id != "" && id != binarySnapshot {
		q.Set(snapshotParam, id)
	}
	return q
}

// listLinks are the links of a list response.
func listLinks(c echo.Context, m listMark) []webLink {
	base := basePath(c)
	q := linkQuery(c)
	out := []webLink{{Rel: "self", Href: withQuery(base, q), Type: typeJSON}}
	if m.next != "" {
		n := cloneValues(q)
		n.Set("cursor", m.next)
		out = append(out, webLink{Rel: "next", Href: withQuery(base, n), Type: typeJSON})
	}
	// A file is the whole selection: no page, no cursor, no facets.
	fq := cloneValues(q)
	for _, k := range pageOnlyParams {
		fq.Del(k)
	}
	offered, _ := c.Get(offeredKey).([]Format)
	for _, f := range offered {
		if f == FormatJSON {
			continue
		}
		mt, _, _ := strings.Cut(mediaTypes[f], ";")
		out = append(out, webLink{Rel: "alternate", Href: withQuery(base+"."+string(f), fq), Type: mt, Title: strings.ToUpper(string(f))})
	}
	route := routePath(c)
	out = append(out,
		webLink{Rel: "service-doc", Href: "/api/v1/docs#" + docAnchor("get", routeParam.ReplaceAllString(route, "{$1}")), Type: "text/html", Title: "documentation"},
		webLink{Rel: "service-desc", Href: "/api/v1/openapi.json", Type: "application/vnd.oai.openapi+json;version=3.1", Title: "OpenAPI"})
	if name := listDatasets[route]; name != "" {
		out = append(out, webLink{Rel: "describedby", Href: "/api/v1/datasets/" + name, Type: typeJSON, Title: "dataset " + name})
	}
	return out
}

// routeParam is a parameter of an Echo route (:id); OpenAPI writes {id}.
var routeParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// docAnchor is the id of an operation on the docs page (docs.go).
func docAnchor(method, openAPIPath string) string {
	return strings.NewReplacer("/", "-", "{", "", "}", "", ".", "-").Replace(method + openAPIPath)
}

func cloneValues(q url.Values) url.Values {
	out := make(url.Values, len(q))
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// withLinks adds the links of a list response to its JSON object, before
// any permalink; other responses are returned as they are.
func withLinks(c echo.Context, body []byte) []byte {
	m, ok := c.Get(listKey).(listMark)
	if !ok {
		return body
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // links to copy: & stays &
	if err := enc.Encode(listLinks(c, m)); err != nil {
		return body
	}
	return withMember(body, "links", bytes.TrimRight(buf.Bytes(), "\n"))
}
