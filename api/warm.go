package api

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// warmPaths are the first requests that would otherwise wait longest on a
// new snapshot (BenchmarkColdPaths): the access indicators, whose
// nearest-formation distances and reach per commune feed the profile, the
// map and the gaps at bassin level; the map page's default view; the
// département coverage layer; and one profile per level, which reads the
// facts of the whole level for every other territory's profile
// (observatory.MemoFacts).
var warmPaths = []string{
	"/api/v1/indicators/distance_nearest_km?level=departement",
	"/api/v1/indicators/access_e2sfca?level=departement",
	"/api/v1/indicators/pop_beyond_30km?level=bassin",
	"/",
	"/map.png",
	"/api/v1/coverage/departement.geojson",
	"/api/v1/territories/region/84/profile",
	"/api/v1/territories/departement/75/profile",
	"/api/v1/territories/bassin/8428/profile",
}

// Warm answers warmPaths through the server's own handler, so that the
// memo of the indicators and the response cache fill as a first visitor's
// requests would fill them, before any visitor waits. It returns the paths
// that did not answer 200 (none, unless one is misspelt: TestWarm).
// serve runs it in the background at start and after each switch.
func (s *Server) Warm(ctx context.Context) []string {
	start := time.Now()
	h := s.Handler()
	var failed []string
	for _, p := range warmPaths {
		if ctx.Err() != nil {
			return failed
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, p, nil)
		if err != nil {
			failed = append(failed, p)
			continue
		}
		// The response cache is keyed by Host (answers carry absolute
		// links): with a public URL, the warm-up asks as its visitors do
		// and fills the cache for them; without one it fills the memo.
		req.Host = s.warmHost()
		req.Header.Set("User-Agent", "observatory-warm")
		w := &discard{h: http.Header{}}
		h.ServeHTTP(w, req)
		if w.code != http.StatusOK {
			failed = append(failed, p)
		}
	}
	s.log.Info("warmed", "snapshot", s.hub.Current(), "paths", len(warmPaths), "failed", len(failed),
		"duration", time.Since(start).Round(time.Millisecond))
	return failed
}

// discard is a ResponseWriter that keeps the status only.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header { return d.h }

func (d *discard) WriteHeader(code int) {
	if d.code == 0 {
		d.code = code
	}
}

func (d *discard) Write(b []byte) (int, error) {
	d.WriteHeader(http.StatusOK)
	return len(b), nil
}

// warmHost is the Host the warm-up's requests carry: the public URL's
// when the server has one.
func (s *Server) warmHost() string {
	if u, err := url.Parse(s.cfg.PublicURL); err == nil && u.Host != "" {
		return u.Host
	}
	return "warm.internal"
}
