package api_test

import (
	"io"
	"net/http"
	"strconv"
	"testing"
)

// BenchmarkEndpoints measures requests served from the response cache (the
// same request repeated) against ones it misses (a new Host each time, so
// the handler and DuckDB run), for the formations in every format, an
// indicator and the coverage GeoJSON, identity and gzip.
//
//	go test -run '^$' -bench Endpoints -benchmem ./api/
func BenchmarkEndpoints(b *testing.B) {
	e := newEnv(b)
	paths := map[string]string{
		"formations":         "/api/v1/formations?limit=1000",
		"formations.csv":     "/api/v1/formations.csv",
		"formations.xlsx":    "/api/v1/formations.xlsx",
		"formations.parquet": "/api/v1/formations.parquet",
		"formations.geojson": "/api/v1/formations.geojson",
		"indicator":          "/api/v1/indicators/formations_per_100k?level=departement",
		"coverage.geojson":   "/api/v1/coverage/departement.geojson",
	}
	for _, name := range []string{"formations", "formations.csv", "formations.xlsx", "formations.parquet",
		"formations.geojson", "indicator", "coverage.geojson"} {
		path := paths[name]
		for _, enc := range []string{"identity", "gzip"} {
			get := func(b *testing.B, host string) int {
				req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
				if host != "" {
					req.Host = host
				}
				req.Header.Set("Accept-Encoding", enc)
				res, err := http.DefaultTransport.RoundTrip(req)
				if err != nil {
					b.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					b.Fatalf("%s: %d %s", path, res.StatusCode, body)
				}
				return len(body)
			}
			b.Run("hit/"+name+"/"+enc, func(b *testing.B) {
				n := get(b, "")
				for b.Loop() {
					get(b, "")
				}
				b.ReportMetric(float64(n), "bytes/resp")
			})
			b.Run("miss/"+name+"/"+enc, func(b *testing.B) {
				i := 0
				for b.Loop() {
					// Part of the cache key (JSON-LD links use it): a miss
					// for the same content.
					i++
					get(b, enc+strconv.Itoa(i)+".test")
				}
			})
		}
	}
}

// BenchmarkMapPage measures the map page and the PNG map at each level, on
// a warm server (indicator values memoized; the page is drawn each time).
//
//	go test -run '^$' -bench MapPage -benchmem ./api/
func BenchmarkMapPage(b *testing.B) {
	e := newEnv(b)
	for _, l := range []string{"departement", "bassin", "commune"} {
		for _, path := range []string{"/", "/map.png"} {
			b.Run(l+path, func(b *testing.B) {
				url := e.srv.URL + path + "?indicator=distance_nearest_km&level=" + l
				n := 0
				for b.Loop() {
					res, err := http.Get(url)
					if err != nil {
						b.Fatal(err)
					}
					body, _ := io.ReadAll(res.Body)
					res.Body.Close()
					if res.StatusCode != 200 {
						b.Fatalf("%s: %d %.200s", url, res.StatusCode, body)
					}
					n = len(body)
				}
				b.ReportMetric(float64(n), "bytes/resp")
			})
		}
	}
}
