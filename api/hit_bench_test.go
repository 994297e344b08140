package api_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gen-numerique/observatory/api"
	"github.com/gen-numerique/observatory/datasets/datasetstest"
)

// BenchmarkHit measures what a response-cache hit costs the server itself,
// without the network: the handler chain over a response already cached,
// as bench-http's cached endpoints see it. The access log is formatted
// (at info, into io.Discard) as it is in production.
//
//	go test -run '^$' -bench Hit -benchmem ./api/
func BenchmarkHit(b *testing.B) {
	e := newEnv(b)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := api.New(api.Config{Version: "bench"}, e.hub, datasetstest.Reference(b), log)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	h := srv.Handler()
	for _, p := range []struct{ name, path string }{
		{"indicator", "/api/v1/indicators/formations_per_100k?level=departement"},
		{"formations", "/api/v1/formations?limit=100"},
		{"coverage", "/api/v1/coverage/departement.geojson"},
	} {
		for _, enc := range []string{"identity", "gzip"} {
			b.Run(p.name+"/"+enc, func(b *testing.B) {
				get := func() *countingWriter {
					req := httptest.NewRequest(http.MethodGet, p.path, nil)
					req.Header.Set("Accept-Encoding", enc)
					w := &countingWriter{header: http.Header{}}
					h.ServeHTTP(w, req)
					return w
				}
				get()
				if w := get(); w.code != http.StatusOK || w.header.Get("X-Cache") != "hit" {
					b.Fatalf("%s: %d, X-Cache %q", p.path, w.code, w.header.Get("X-Cache"))
				}
				for b.Loop() {
					get()
				}
			})
		}
	}
}
