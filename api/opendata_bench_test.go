package api_test

import (
	"io"
	"net/http"
	"strconv"
	"testing"
)

// BenchmarkFormations measures whole-list requests served from the response
// cache (the same request repeated) against ones it misses (a new query
// each time, so the handler and DuckDB run), per format.
//
//	go test -run '^$' -bench Formations -benchmem ./api/
func BenchmarkFormations(b *testing.B) {
	e := newEnv(b)
	for _, format := range []string{"", ".csv", ".xlsx", ".parquet", ".geojson"} {
		base := "/api/v1/formations" + format + "?limit=1000"
		b.Run("hit"+format, func(b *testing.B) {
			e.fetch(b, base)
			b.ResetTimer()
			n := 0
			for i := 0; i < b.N; i++ {
				res, body := e.fetch(b, base)
				if res.Header.Get("X-Cache") != "hit" && format != ".xlsx" && format != ".parquet" {
					b.Fatalf("not a hit: %v", res.Header)
				}
				n = len(body)
			}
			b.ReportMetric(float64(n), "bytes/resp")
		})
		b.Run("miss"+format, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				// A distinct Host each time (part of the cache key, as
				// JSON-LD links use it): a miss for the same content.
				req, _ := http.NewRequest(http.MethodGet, e.srv.URL+base, nil)
				req.Host = "h" + strconv.Itoa(i) + ".test"
				req.Header.Set("Accept-Encoding", "identity")
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
