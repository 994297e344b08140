package api_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gen-numerique/observatory/api"
	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
)

// BenchmarkColdPaths measures first answers: each iteration starts a new
// server (empty response cache, empty memo) over the same open snapshot of
// the embedded data, outside the timer, then times one request. Issue 19's
// cold-path targets: every indicator at every level under 20 ms; the map
// page, /map.png and a profile under 50 ms.
//
// What depends on the geography alone (commune outlines, landmasses,
// adjacency graphs) is built once per process, by the server's warm-up at
// start; the benchmark builds it before timing. "profile/next" is a
// territory's profile after another's: the facts of the level are read.
//
//	go test -run '^$' -bench ColdPaths -benchtime 3x ./api/
func BenchmarkColdPaths(b *testing.B) {
	e := newEnv(b)
	ref := datasetstest.Reference(b)
	if _, err := ref.Geo.Landmasses(); err != nil {
		b.Fatal(err)
	}
	for _, l := range []observatory.Level{observatory.LevelRegion, observatory.LevelDepartement, observatory.LevelBassin} {
		ref.Geo.Adjacency(l)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	get := func(b *testing.B, h http.Handler, path string) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %.200s", path, rec.Code, rec.Body.String())
		}
	}
	// cold times path on a new server, after the requests of before.
	cold := func(b *testing.B, path string, before ...string) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			srv, err := api.New(api.Config{Version: "bench"}, e.hub, ref, log)
			if err != nil {
				b.Fatal(err)
			}
			h := srv.Handler()
			for _, p := range before {
				get(b, h, p)
			}
			b.StartTimer()
			get(b, h, path)
		}
	}
	for _, ind := range observatory.Registry() {
		for _, l := range ind.Levels {
			b.Run("indicator/"+ind.ID+"/"+string(l), func(b *testing.B) {
				cold(b, "/api/v1/indicators/"+ind.ID+"?level="+string(l))
			})
		}
	}
	for name, path := range map[string]string{
		"page":    "/",
		"map.png": "/map.png",
		"profile": "/api/v1/territories/departement/23/profile",
	} {
		b.Run(name, func(b *testing.B) { cold(b, path) })
	}
	b.Run("profile/next", func(b *testing.B) {
		cold(b, "/api/v1/territories/departement/23/profile", "/api/v1/territories/departement/87/profile")
	})
}
