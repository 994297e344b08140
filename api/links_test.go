package api_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

type link struct {
	Rel, Href, Type, Title string
}

// TestListLinks follows the links of every list response: self is the
// request, next gives the next page, each alternate serves its format,
// service-doc names an operation on the docs page, describedby a
// published dataset.
func TestListLinks(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	_, docs := e.fetch(t, "/api/v1/docs")
	anchors := map[string]bool{}
	for _, m := range regexp.MustCompile(`id="([^"]+)"`).FindAllSubmatch(docs, -1) {
		anchors[string(m[1])] = true
	}
	var cat struct {
		Items []struct{ Name string } `json:"items"`
	}
	e.get(t, "/api/v1/datasets", &cat)
	datasets := map[string]bool{}
	for _, d := range cat.Items {
		datasets[d.Name] = true
	}
	for _, c := range []struct {
		path    string
		next    bool
		formats []string // alternates expected
		dataset string
	}{
		{"/api/v1/formations?region=84&limit=2", true, []string{"csv", "xlsx", "geojson", "parquet", "ndjson"}, "formations"},
		{"/api/v1/formations.json?region=84&limit=2", true, []string{"csv"}, "formations"},
		{"/api/v1/formations?facet=family&facet_size=3&family=developpement", true, []string{"csv", "geojson"}, "formations"},
		{"/api/v1/indicators/hiring_projects?level=bassin&explain=1&limit=2", true, []string{"csv"}, "indicators"},
		{"/api/v1/indicators/formations_per_100k?level=region&limit=3", true, []string{"csv", "xlsx", "parquet", "ndjson"}, "indicators"},
		{"/api/v1/indicators", false, nil, ""},
		{"/api/v1/gaps?limit=1", true, []string{"csv"}, "gaps"},
		{"/api/v1/needs?level=region", false, []string{"csv"}, "needs"},
		{"/api/v1/territories/bassin/8428/needs", false, []string{"csv"}, "needs"},
		{"/api/v1/job-demand?level=region&limit=2", true, []string{"csv"}, "job-demand"},
		{"/api/v1/territories/region", false, []string{"geojson"}, "territories"},
		{"/api/v1/snapshots/current/quarantine?limit=1", true, []string{"csv"}, "quarantine"},
		{"/api/v1/snapshots/current/set-aside?limit=1", true, []string{"csv"}, ""},
		{"/api/v1/metiers", false, nil, ""},
		{"/api/v1/programmes", false, nil, ""},
		{"/api/v1/datasets", false, nil, ""},
		{"/api/v1/snapshots", false, nil, ""},
	} {
		t.Run(c.path, func(t *testing.T) {
			var body struct {
				Total int             `json:"total"`
				Items json.RawMessage `json:"items"`
				Links []link          `json:"links"`
			}
			res := e.get(t, c.path, &body)
			if res.StatusCode != 200 {
				t.Fatalf("status %d", res.StatusCode)
			}
			rels := map[string][]link{}
			for _, l := range body.Links {
				rels[l.Rel] = append(rels[l.Rel], l)
				if !strings.HasPrefix(l.Href, "/") || l.Type == "" {
					t.Errorf("link %+v", l)
				}
			}
			// self is the request, pinned to the answer's snapshot when
			// it reads one.
			u, _ := url.Parse(c.path)
			q := u.Query()
			if !strings.HasPrefix(u.Path, "/api/v1/snapshots") || strings.Contains(u.Path, "/current/") {
				q.Set("snapshot", res.Header.Get("X-Observatory-Snapshot"))
			}
			wantSelf := strings.TrimSuffix(u.Path, ".json")
			if len(q) > 0 {
				wantSelf += "?" + q.Encode()
			}
			if s := rels["self"]; len(s) != 1 || s[0].Href != wantSelf {
				t.Errorf("self = %+v, want %s", s, wantSelf)
			}
			if n := rels["next"]; c.next != (len(n) == 1) {
				t.Errorf("next = %+v", n)
			} else if c.next {
				var page2 struct {
					Total int             `json:"total"`
					Items json.RawMessage `json:"items"`
				}
				if res := e.get(t, n[0].Href, &page2); res.StatusCode != 200 || page2.Total != body.Total || string(page2.Items) == string(body.Items) {
					t.Errorf("next page %s: status %d, total %d (first %d)", n[0].Href, res.StatusCode, page2.Total, body.Total)
				}
			}
			alt := map[string]link{}
			for _, l := range rels["alternate"] {
				alt[strings.ToLower(l.Title)] = l
				if strings.Contains(l.Href, "cursor=") || strings.Contains(l.Href, "limit=") || strings.Contains(l.Href, "facet") {
					t.Errorf("alternate %s pages: a file is the whole selection", l.Href)
				}
				res, _ := e.fetch(t, l.Href)
				if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || !strings.HasPrefix(ct, l.Type) {
					t.Errorf("%s: status %d, type %q, link says %q", l.Href, res.StatusCode, ct, l.Type)
				}
			}
			for _, f := range c.formats {
				if _, ok := alt[f]; !ok {
					t.Errorf("no %s alternate in %+v", f, rels["alternate"])
				}
			}
			if d := rels["service-doc"]; len(d) != 1 || !anchors[strings.TrimPrefix(d[0].Href, "/api/v1/docs#")] {
				t.Errorf("service-doc %+v: no such operation on the docs page", d)
			}
			if d := rels["service-desc"]; len(d) != 1 || d[0].Href != "/api/v1/openapi.json" {
				t.Errorf("service-desc %+v", d)
			}
			d := rels["describedby"]
			switch {
			case c.dataset == "" && len(d) > 0:
				t.Errorf("describedby %+v, want none", d)
			case c.dataset != "" && (len(d) != 1 || d[0].Href != "/api/v1/datasets/"+c.dataset || !datasets[c.dataset]):
				t.Errorf("describedby %+v, want dataset %s", d, c.dataset)
			}
		})
	}
}
