package api_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/api"
	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/ingest"
)

// The siting benchmarks (docs/siting.md, "Speed"): a simulation of 10
// sites and a recommendation over every candidate commune, on the
// embedded data and on a catalogue of 100,000 formations spread over the
// 6,000 most populous communes. Each iteration asks something new, so no
// response and no simulation is served from a cache; the access of every
// commune to the offer (the siting base, computed once per snapshot and
// selection) is warm after the first request, as on a running server.
//
//	go test -run '^$' -bench 'Simulate|Recommend' -benchtime 20x ./api/
func BenchmarkSimulate(b *testing.B) {
	sites := []string{"23096", "87085", "19272", "15014", "03185", "36044", "18033", "58194", "24322", "46042"}
	for _, c := range sitingCatalogues(b) {
		b.Run(c.name, func(b *testing.B) {
			e := c.env(b)
			get := func(i int) {
				v := url.Values{}
				for k, s := range sites {
					v.Add("site", fmt.Sprintf("%s,developpement,%d", s, 8+(i+k)%500))
				}
				benchGet(b, e, "/api/v1/simulate?"+v.Encode(), "")
			}
			get(-1) // the siting base
			for b.Loop() {
				get(int(benchSeq.Add(1)))
			}
		})
	}
}

func BenchmarkRecommend(b *testing.B) {
	for _, c := range sitingCatalogues(b) {
		b.Run(c.name, func(b *testing.B) {
			e := c.env(b)
			path := "/api/v1/recommend-sites?family=developpement&limit=10"
			b.Run("cold", func(b *testing.B) {
				// A new date each time (the offer in force on another day),
				// so every commune's access is computed again.
				for b.Loop() {
					day := time.Date(2021, 6, 2, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(benchSeq.Add(1)))
					benchGet(b, e, path+"&at="+day.Format(time.DateOnly), "")
				}
			})
			b.Run("warm", func(b *testing.B) {
				benchGet(b, e, path, "")
				for b.Loop() {
					// Another candidate rule each time misses the response
					// cache and the ranking's memo, not the access memo.
					benchGet(b, e, fmt.Sprintf("%s&k=5&min_population=%d", path, 4000+benchSeq.Add(1)%2000), "")
				}
			})
		})
	}
}

// benchSeq makes each benchmark request new, across runs (-count).
var benchSeq atomic.Int64

func benchGet(b *testing.B, e *env, path, host string) {
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if host != "" {
		req.Host = host
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		b.Fatalf("%s: %d %.300s", path, res.StatusCode, body)
	}
}

type sitingCatalogue struct {
	name string
	env  func(b *testing.B) *env
}

func sitingCatalogues(b *testing.B) []sitingCatalogue {
	return []sitingCatalogue{
		{"embedded", func(b *testing.B) *env { return newEnv(b) }},
		{"100k", func(b *testing.B) *env { return bigCatalogueEnv(b, 100_000) }},
	}
}

// bigCatalogueEnv serves the default snapshot with a GEN catalogue of n
// formations in the most populous communes, all in force, of four job
// families by their ROME codes, with seats.
func bigCatalogueEnv(b *testing.B, n int) *env {
	e := newEnvWith(b, api.Config{}, nil)
	ref := datasetstest.Reference(b)
	cs := ref.Geo.Communes()
	// The 6,000 most populous communes.
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].Population > cs[j-1].Population; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
		if i > 20000 {
			break
		}
	}
	cs = cs[:6000]
	path := filepath.Join(b.TempDir(), "catalogue-synthetique-100k.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "Nom de la formation;Structure porteuse;Code commune INSEE;Date de labellisation;Codes ROME;Places par session")
	romes := []string{"M1805", "M1810", "M1801", "E1205"}
	for i := range n {
		fmt.Fprintf(w, "F%d;S%d;%s;2021-06-01;%s;%d\n", i, i%2000, cs[i%len(cs)].Code, romes[i%len(romes)], 8+i%17)
	}
	w.Flush()
	f.Close()
	file, closer, err := ingest.OpenFile(path)
	if err != nil {
		b.Fatal(err)
	}
	defer closer.Close()
	if _, err := ingest.Run(context.Background(), e.w, "catalogue", []ingest.File{file}, ingest.Options{Ref: ref, AllowShrink: true}); err != nil {
		b.Fatal(err)
	}
	if _, err := e.hub.Reload(context.Background()); err != nil {
		b.Fatal(err)
	}
	return e
}
