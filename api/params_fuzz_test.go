package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// fuzzPaths are the routes FuzzQueryParams sends query strings to: every
// data route that reads parameters, with real path values.
var fuzzPaths = []string{
	"/api/v1/formations", "/api/v1/formations.csv", "/api/v1/formations.geojson", "/api/v1/formations/GEN-0001",
	"/api/v1/job-demand", "/api/v1/job-demand.csv", "/api/v1/indicators", "/api/v1/indicators/formations_per_100k",
	"/api/v1/indicators/coverage_class", "/api/v1/indicators/supply_demand_ratio", "/api/v1/indicators/targets",
	"/api/v1/territories/departement", "/api/v1/territories/departement/69/profile", "/api/v1/coverage/departement.geojson",
	"/api/v1/gaps", "/api/v1/gaps.geojson", "/api/v1/metiers", "/api/v1/metiers/cybersecurite",
	"/api/v1/snapshots/current/quarantine", "/api/v1/datasets", "/api/v1/datasets/territories.csv",
	"/api/v1/snapshots", "/", "/map.svg",
}

// FuzzQueryParams sends arbitrary query strings to a real server over the
// default snapshot: no answer is a 5xx, and every 4xx is problem+json with
// a status that agrees with its body.
func FuzzQueryParams(f *testing.F) {
	for i, q := range []string{"", "limit=1", "limit=-1", "limit=1001", "cursor=abc", "region=84&departement=69",
		"sort=-learners,title&fields=id,title", "fields=nope", "q=cybers%C3%A9curit%C3%A9", "q=%FF%FE", "wave=1&year=2016",
		"level=bassin&digital=true", "level=commune&code=69123", "dialect=fr", "format=xlsx", "format=nope",
		"indicator=distance_nearest_km&min=40", "min=NaN&max=1e400", "class=low", "lang=en&level=region",
		"region=84&region=84", "a=" + strings.Repeat("x", 300), "%zz", "&&&=&", "family=donnees&rome=M1805"} {
		f.Add(uint8(i), q)
	}
	e := newEnv(f)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	f.Fuzz(func(t *testing.T, route uint8, query string) {
		path := fuzzPaths[int(route)%len(fuzzPaths)]
		u := e.srv.URL + path + "?" + escapeQuery(query)
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatalf("%s: body cut short after %d bytes: %v", u, len(body), err)
		}
		switch {
		case res.StatusCode >= 500:
			t.Fatalf("%s: %d: %s", u, res.StatusCode, body)
		case res.StatusCode >= 400:
			var p struct {
				Status int    `json:"status"`
				Code   string `json:"code"`
			}
			ct := res.Header.Get("Content-Type")
			if path == "/" && strings.HasPrefix(ct, "text/html") {
				return // the map page answers its errors in HTML, with the same status
			}
			if ct != "application/problem+json" {
				t.Fatalf("%s: %d with Content-Type %q: %s", u, res.StatusCode, ct, body)
			}
			if err := json.Unmarshal(body, &p); err != nil || p.Status != res.StatusCode || p.Code == "" {
				t.Fatalf("%s: %d with problem %s (%v)", u, res.StatusCode, body, err)
			}
		}
	})
}

// escapeQuery keeps the characters a query may hold as they are and
// percent-encodes the others, so that every fuzzed byte reaches the
// handler (invalid UTF-8 included) through a request line that HTTP
// accepts.
func escapeQuery(q string) string {
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c > ' ' && c < 0x7f && c != '#' && c != '"' && c != '<' && c != '>' && c != '\\' && c != '^' && c != '`' && c != '{' && c != '|' && c != '}' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
