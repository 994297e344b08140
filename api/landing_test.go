package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestLandingCoversRoutes: GET /api/v1 lists collections whose links all
// answer, and every public route under /api/v1 belongs to one of them.
func TestLandingCoversRoutes(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	res, body := e.fetch(t, "/api/v1")
	var doc struct {
		Title       map[string]string `json:"title"`
		Links       []struct{ Rel, Href string }
		Collections []struct {
			ID      string            `json:"id"`
			Title   map[string]string `json:"title"`
			Formats []string          `json:"formats"`
			Links   []struct{ Rel, Href, Type string }
		} `json:"collections"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || res.StatusCode != 200 || doc.Title["fr"] == "" || doc.Title["en"] == "" {
		t.Fatalf("GET /api/v1: %d %v %.300s", res.StatusCode, err, body)
	}
	segment := func(path string) string {
		path = strings.TrimPrefix(strings.SplitN(path, "?", 2)[0], "/api/v1/")
		seg, _, _ := strings.Cut(path, "/")
		seg, _, _ = strings.Cut(seg, ".")
		return seg
	}
	covered := map[string]bool{}
	for _, l := range doc.Links {
		if res, _ := e.fetch(t, l.Href); res.StatusCode != 200 {
			t.Errorf("link %s %s: %d", l.Rel, l.Href, res.StatusCode)
		}
	}
	for _, c := range doc.Collections {
		if c.Title["fr"] == "" || c.Title["en"] == "" || len(c.Formats) == 0 || len(c.Links) == 0 {
			t.Errorf("collection %+v", c)
		}
		for _, l := range c.Links {
			res, _ := e.fetch(t, l.Href)
			if res.StatusCode != 200 {
				t.Errorf("%s: link %s: %d", c.ID, l.Href, res.StatusCode)
			}
			if l.Type != "" && !strings.HasPrefix(res.Header.Get("Content-Type"), strings.SplitN(l.Type, ";", 2)[0]) {
				t.Errorf("%s: link %s announces %s, serves %s", c.ID, l.Href, l.Type, res.Header.Get("Content-Type"))
			}
			covered[segment(l.Href)] = true
		}
	}
	ec := e.srv.Config.Handler.(*echo.Echo)
	for _, r := range ec.Routes() {
		if r.Method != "GET" || !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		switch seg := segment(r.Path); seg {
		case "openapi", "docs": // the landing document's own links
		case "admin": // behind a token: not public
		default:
			if !covered[seg] {
				t.Errorf("route %s is in no collection of /api/v1", r.Path)
			}
		}
	}
}
