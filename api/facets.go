package api

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// Facets on /api/v1/formations, as Datasette and OpenDataSoft give them:
// facet=region,family returns, beside the page, the count of formations
// per value of each field under the same filters, the largest first.
// The store counts them in one DuckDB scan (duckdb/facets.go).

// Facet sizes: the values listed per facet.
const (
	DefaultFacetSize = 30
	MaxFacetSize     = 1000
)

// facetParams are the parameters of facets, on lists that offer them.
var facetParams = []string{"facet", "facet_size"}

// facetOut is one facet in a response.
type facetOut = []observatory.FacetValue

// facets reads facet= (a comma-separated choice of allowed) and
// facet_size=; facets come with JSON only.
func (p *params) facets(f Format, allowed []string) ([]string, int) {
	v := p.str("facet")
	size := p.int("facet_size", DefaultFacetSize, 1, MaxFacetSize)
	if v == "" {
		if p.str("facet_size") != "" {
			p.fail("facet_size", "facet_size needs facet=")
		}
		return nil, size
	}
	if f != FormatJSON {
		p.fail("facet", "facets come with the JSON list; drop facet= for a %s file", f)
		return nil, size
	}
	var out []string
	for _, name := range strings.Split(v, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(allowed, name) {
			p.fail("facet", "cannot facet by %q; choose among %s, comma-separated", name, strings.Join(allowed, ", "))
			return nil, size
		}
		if slices.Contains(out, name) {
			p.fail("facet", "facet names %q twice", name)
			return nil, size
		}
		out = append(out, name)
	}
	return out, size
}

// formationFacets counts the formations matching f per value of each
// facet and labels the values: territory names, job family and
// programme titles, wave dates; a value that is not given says so.
func (s *Server) formationFacets(c echo.Context, f observatory.FormationFilter, names []string, size int) (map[string]facetOut, []string, error) {
	ctx := c.Request().Context()
	st := store(c)
	got, err := st.FormationFacets(ctx, f, names, size)
	if err != nil {
		return nil, nil, err
	}
	label, err := s.facetLabeller(ctx, st, names)
	if err != nil {
		return nil, nil, err
	}
	out := map[string]facetOut{}
	var truncated []string
	for _, name := range names {
		fc := got[name]
		vals := make(facetOut, len(fc.Values))
		for i, v := range fc.Values {
			v.Label = label(name, v.Value)
			vals[i] = v
		}
		out[name] = vals
		if fc.Truncated {
			truncated = append(truncated, name)
		}
	}
	return out, truncated, nil
}

// facetLabeller names facet values.
func (s *Server) facetLabeller(ctx context.Context, st observatory.Store, names []string) (func(string, any) string, error) {
	waves := map[int]string{}
	if slices.Contains(names, "wave") {
		cal, err := st.Calendar(ctx)
		if err != nil {
			return nil, err
		}
		for _, w := range cal.Waves {
			waves[w.N] = "vague " + strconv.Itoa(w.N) + " (" + w.Date.Format(time.DateOnly) + ")"
		}
	}
	progs := map[string]string{}
	if slices.Contains(names, "programme") {
		ps, err := st.Programmes(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			progs[p.ID] = p.Title("fr")
		}
	}
	return func(name string, v any) string {
		if v == nil {
			return facetNone[name]
		}
		var t observatory.Territory
		var ok bool
		switch name {
		case "region":
			t, ok = s.geo.Region(v.(string))
		case "departement":
			t, ok = s.geo.Departement(v.(string))
		case "bassin":
			t, ok = s.geo.Bassin(v.(string))
		case "family":
			return s.ref.Label(v.(string), "fr")
		case "wave":
			if n, isInt := v.(int); isInt {
				return waves[n]
			}
		case "programme":
			return progs[v.(string)]
		case "structure":
			return v.(string)
		}
		if ok {
			return t.Name
		}
		return ""
	}, nil
}

// facetNone says what a formation without a value of the facet lacks.
var facetNone = map[string]string{
	"region":      "région non renseignée",
	"departement": "département non renseigné",
	"bassin":      "hors bassin d'emploi connu",
	"family":      "non rattachée à une famille de métiers",
	"wave":        "sans vague (pas de date de labellisation dans une campagne)",
	"programme":   "programme non renseigné",
	"structure":   "structure non renseignée",
}
