package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/api"
)

// TestHonestErrors: what is the client's fault is a 4xx naming it; what is
// slow is a 503 with Retry-After; never a 500.
func TestHonestErrors(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	for _, c := range []struct {
		method, path string
		status       int
		param, allow string
	}{
		{"GET", "/api/v1/formations?q=%FF%FE", 400, "q", ""},
		{"GET", "/api/v1/formations?family=%C3", 400, "family", ""},
		{"GET", "/api/v1/formations/GEN-%FF", 400, "id", ""},
		{"GET", "/api/v1/formations?family=bogus", 400, "family", ""},
		{"GET", "/api/v1/indicators/formations?view=everything", 400, "view", ""},
		{"GET", "/api/v1/indicators/formations?at=2021-02-30", 400, "at", ""},
		{"POST", "/api/v1/formations", 405, "", "GET"},
		{"DELETE", "/api/v1/indicators/formations", 405, "", "GET"},
		{"PUT", "/", 405, "", "GET"},
		{"GET", "/static/nope.js", 404, "", ""},
		{"GET", "/nowhere", 404, "", ""},
	} {
		req, _ := http.NewRequest(c.method, e.srv.URL+c.path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var p problem
		decodeBody(t, res, &p)
		if res.StatusCode != c.status || p.Status != c.status || p.Param != c.param || p.Detail == "" ||
			res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s: %d %s %+v, want %d naming %q", c.method, c.path, res.StatusCode, res.Header.Get("Content-Type"), p, c.status, c.param)
		}
		if c.allow != "" && !strings.Contains(res.Header.Get("Allow"), c.allow) {
			t.Errorf("%s %s: Allow %q", c.method, c.path, res.Header.Get("Allow"))
		}
	}

	// A request over its time limit.
	slow := newEnvWith(t, api.Config{RequestTimeout: time.Nanosecond}, nil)
	res, body := slow.fetch(t, "/api/v1/indicators/distance_nearest_km?level=commune")
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "time limit") {
		t.Errorf("over the deadline: %d %s %s", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
}

func decodeBody(t *testing.T, res *http.Response, into any) {
	t.Helper()
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(into); err != nil {
		t.Errorf("%s: body is not JSON: %v", res.Request.URL, err)
	}
}
