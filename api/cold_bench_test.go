package api_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/api"
	"github.com/gen-numerique/observatory/api/carto"
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
// adjacency graphs) is built once per process, on first use (or by serve
// --warm); the benchmark builds it before timing. "profile/next" is a
// territory's profile after another's: the facts of the level are read.
//
//	go test -run '^$' -bench ColdPaths -benchtime 3x ./api/
func BenchmarkColdPaths(b *testing.B) {
	e := newEnv(b)
	ref := datasetstest.Reference(b)
	buildGeography(b, ref.Geo)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
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
				serve(b, h, p)
			}
			b.StartTimer()
			serve(b, h, path)
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

// buildGeography builds what depends on the geography alone (commune
// outlines, landmasses, adjacency graphs, the map's projected outlines)
// before a benchmark times anything: a server builds it once per process.
func buildGeography(b *testing.B, g *observatory.Gazetteer) {
	if _, err := g.Landmasses(); err != nil {
		b.Fatal(err)
	}
	for _, l := range []observatory.Level{observatory.LevelRegion, observatory.LevelDepartement, observatory.LevelBassin} {
		g.Adjacency(l)
		carto.NewAtlases(g).Level(l)
	}
}

// serve answers one GET and returns the body's size. The body is counted
// and dropped as it is written, as a client reading a download does: a
// recorder holding hundreds of megabytes would time its own growth.
func serve(b *testing.B, h http.Handler, path string) int64 { return serveW(b, h, path).n }

// serveW is serve, returning what the writer saw.
func serveW(b *testing.B, h http.Handler, path string) *countingWriter {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	w := &countingWriter{header: http.Header{}, start: time.Now()}
	h.ServeHTTP(w, req)
	if w.code != http.StatusOK {
		b.Fatalf("%s: %d %.300s", path, w.code, w.head)
	}
	return w
}

// countingWriter is a ResponseWriter that keeps the status, the size,
// the first bytes of the body and when the first of them came.
type countingWriter struct {
	header http.Header
	code   int
	n      int64
	head   []byte
	start  time.Time
	first  time.Duration // from start to the first byte of the body
}

func (w *countingWriter) Header() http.Header { return w.header }

// Flush is a connection's: nothing is buffered here.
func (w *countingWriter) Flush() {}

func (w *countingWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	if w.n == 0 && len(p) > 0 {
		w.first = time.Since(w.start)
	}
	if len(w.head) < 300 {
		w.head = append(w.head, p[:min(len(p), 300-len(w.head))]...)
	}
	w.n += int64(len(p))
	return len(p), nil
}
