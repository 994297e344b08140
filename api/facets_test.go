package api_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/api"
	"github.com/gen-numerique/observatory/internal/synth"
)

type facetList struct {
	Total  int `json:"total"`
	Facets map[string][]struct {
		Value any    `json:"value"`
		Label string `json:"label"`
		Count int    `json:"count"`
	} `json:"facets"`
	Truncated []string `json:"facets_truncated"`
}

// TestFacetCounts: every facet's counts add up to the list's total under
// the same filters, each value's count is the total of the list filtered
// by it, values are labelled, and facets follow the filters.
func TestFacetCounts(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	var all facetList
	if res := e.get(t, "/api/v1/formations?limit=1&facet=region,departement,bassin,family,wave,programme,structure&facet_size=1000", &all); res.StatusCode != 200 {
		t.Fatalf("%d", res.StatusCode)
	}
	if len(all.Facets) != 7 || all.Total == 0 {
		t.Fatalf("%d facets, total %d", len(all.Facets), all.Total)
	}
	for name, vals := range all.Facets {
		sum := 0
		for i, v := range vals {
			sum += v.Count
			if v.Label == "" {
				t.Errorf("%s %v: no label", name, v.Value)
			}
			if i > 0 && v.Count > vals[i-1].Count {
				t.Errorf("%s: not the largest first", name)
			}
		}
		if sum != all.Total {
			t.Errorf("%s: counts add up to %d, total %d", name, sum, all.Total)
		}
	}
	reg := all.Facets["region"]
	if i := slices.IndexFunc(reg, func(v struct {
		Value any    `json:"value"`
		Label string `json:"label"`
		Count int    `json:"count"`
	}) bool {
		return v.Value == "84"
	}); i < 0 || reg[i].Label != "Auvergne-Rhône-Alpes" || reg[i].Count != e.total(t, "region=84") {
		t.Errorf("région 84: %+v", reg)
	}
	w := all.Facets["wave"][0]
	if n, ok := w.Value.(float64); !ok || !strings.HasPrefix(w.Label, "vague "+strconv.Itoa(int(n))+" (20") {
		t.Errorf("wave %+v", w)
	}
	fam := all.Facets["family"][0]
	if s, ok := fam.Value.(string); !ok || fam.Count != e.total(t, "family="+s) {
		t.Errorf("family %+v: total by family %d", fam, e.total(t, fmt.Sprint("family=", fam.Value)))
	}

	// Under a filter: the départements of 84 only, adding up to its total.
	var r84 facetList
	e.get(t, "/api/v1/formations?region=84&facet=departement,structure&facet_size=2", &r84)
	if len(r84.Facets["departement"]) != 2 || !slices.Contains(r84.Truncated, "departement") {
		t.Errorf("facet_size=2: %+v, truncated %v", r84.Facets["departement"], r84.Truncated)
	}
	for _, v := range r84.Facets["departement"] {
		if s, _ := v.Value.(string); !slices.Contains([]string{"01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"}, s) {
			t.Errorf("département %v outside 84", v.Value)
		}
	}

	for path, param := range map[string]string{
		"/api/v1/formations?facet=title":               "facet",
		"/api/v1/formations?facet=region,region":       "facet",
		"/api/v1/formations.csv?facet=region":          "facet",
		"/api/v1/formations?facet_size=3":              "facet_size",
		"/api/v1/formations?facet=region&facet_size=0": "facet_size",
		"/api/v1/formations?family=nope":               "family",
		"/api/v1/formations?wave=99":                   "wave",
		"/api/v1/formations?programme=nope":            "programme",
		"/api/v1/formations?bassin=nope":               "bassin",
		"/api/v1/formations?year=1990":                 "year",
		"/api/v1/formations?at=2021-13-01":             "at",
	} {
		var p problem
		if res := e.get(t, path, &p); res.StatusCode != 400 || p.Param != param || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s %+v, want a 400 naming %s", path, res.StatusCode, res.Header.Get("Content-Type"), p, param)
		}
	}
}

// TestFacetListParams: indicators and gaps take sort, limit, cursor and
// fields like formations, in JSON and in files.
func TestFacetListParams(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	type page struct {
		Total int              `json:"total"`
		Next  string           `json:"next"`
		Items []map[string]any `json:"items"`
	}
	var p1, p2 page
	e.get(t, "/api/v1/indicators/formations?level=departement&sort=-value,code&limit=5&fields=code,value", &p1)
	if len(p1.Items) != 5 || p1.Next == "" || p1.Total < 100 || len(p1.Items[0]) != 2 {
		t.Fatalf("page 1: %+v", p1)
	}
	e.get(t, "/api/v1/indicators/formations?level=departement&sort=-value,code&limit=5&fields=code,value&cursor="+url.QueryEscape(p1.Next), &p2)
	if len(p2.Items) != 5 {
		t.Fatalf("page 2: %+v", p2)
	}
	seq := append(p1.Items, p2.Items...)
	for i := 1; i < len(seq); i++ {
		if seq[i]["value"].(float64) > seq[i-1]["value"].(float64) {
			t.Errorf("not descending at %d: %v", i, seq)
		}
	}
	_, body := e.fetch(t, "/api/v1/indicators/formations.csv?level=departement&sort=-value&limit=3&fields=code,value")
	lines := strings.Split(strings.TrimSpace(string(body)), "\r\n")
	if len(lines) != 4 || lines[0] != "code,value" || !strings.HasPrefix(lines[1], seq[0]["code"].(string)+",") {
		t.Errorf("CSV %q, want the JSON's first %v", lines, seq[0])
	}
	var all page
	e.get(t, "/api/v1/indicators/formations?level=departement", &all)
	if len(all.Items) != all.Total || all.Next != "" {
		t.Errorf("without limit: %d of %d, next %q", len(all.Items), all.Total, all.Next)
	}

	var g page
	e.get(t, "/api/v1/gaps?level=bassin&wave=1&sort=-population&fields=id,population,length_km&limit=3", &g)
	if len(g.Items) == 0 || len(g.Items[0]) != 3 {
		t.Fatalf("gaps: %+v", g)
	}
	for i := 1; i < len(g.Items); i++ {
		if g.Items[i]["population"].(float64) > g.Items[i-1]["population"].(float64) {
			t.Errorf("gaps not by population: %v", g.Items)
		}
	}
	for path, param := range map[string]string{
		"/api/v1/indicators/formations?sort=nope": "sort", "/api/v1/gaps?fields=nope": "fields",
		"/api/v1/gaps?cursor=abc&limit=2": "cursor", "/api/v1/indicators/formations?limit=0": "limit",
	} {
		var p problem
		if res := e.get(t, path, &p); res.StatusCode != 400 || p.Param != param {
			t.Errorf("%s: %d %+v, want a 400 naming %s", path, res.StatusCode, p, param)
		}
	}
}

// BenchmarkFacets counts the seven facets over a synthetic catalogue of
// FACET_ROWS formations (1,000,000 by default), every request a cache
// miss (a new Host), with no filter and under a région filter.
//
//	go test -run '^$' -bench Facets -benchtime 20x ./api/
func BenchmarkFacets(b *testing.B) {
	rows := 1_000_000
	if v := os.Getenv("FACET_ROWS"); v != "" {
		rows, _ = strconv.Atoi(v)
	}
	data := withSynthetic(b, rows, synth.CSV)
	e := newEnvWith(b, api.Config{}, nil, data.dir.Root)
	var l facetList
	e.get(b, "/api/v1/formations?limit=1", &l)
	if l.Total != rows {
		b.Fatalf("%d formations, want %d", l.Total, rows)
	}
	for name, q := range map[string]string{
		"all-seven":       "facet=region,departement,bassin,family,wave,programme,structure",
		"region-84/seven": "region=84&facet=region,departement,bassin,family,wave,programme,structure",
		"structure":       "facet=structure&facet_size=1000",
		"no-facet":        "",
	} {
		b.Run(name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/formations?limit=10&"+q, nil)
				req.Host = "bench" + strconv.Itoa(i) + ".test"
				res, err := http.DefaultTransport.RoundTrip(req)
				if err != nil {
					b.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					b.Fatalf("%d %s", res.StatusCode, body)
				}
			}
		})
	}
}
