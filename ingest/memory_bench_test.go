package ingest_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/gen-numerique/observatory/internal/synth"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

var benchRows = flag.Int("rows", 0, "BenchmarkCatalogueRows: this many rows only (e.g. 2000000); 0: 10,000 and 100,000")

// BenchmarkCatalogueRows ingests synthetic catalogues of growing size, CSV
// and XLSX, into a fresh data directory, and reports the Go heap in use
// after the run (heap-MB) and the rows per second. Peak RSS of the
// process, CLI and server, is cmd/soak's (-mem): a benchmark shares its
// process with the test binary. Larger sizes: -rows 1000000.
func BenchmarkCatalogueRows(b *testing.B) {
	sizes := []int{10_000, 100_000}
	if *benchRows > 0 {
		sizes = []int{*benchRows}
	}
	for _, n := range sizes {
		for _, ext := range []string{"csv", "xlsx"} {
			b.Run(fmt.Sprintf("%s-%d", ext, n), func(b *testing.B) {
				path := filepath.Join(b.TempDir(), fmt.Sprintf("catalogue-synthetique-%d.%s", n, ext))
				f, err := os.Create(path)
				if err != nil {
					b.Fatal(err)
				}
				write := synth.CSV
				if ext == "xlsx" {
					write = synth.XLSX
				}
				if err := write(f, n); err != nil {
					b.Fatal(err)
				}
				f.Close()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					rep, err := ingestFiles(b, duckdb.Dir{Root: b.TempDir()}, path)
					if err != nil {
						b.Fatal(err)
					}
					if in := rep.Inputs[0]; in.Loaded != n || in.RowsRead != in.Loaded+in.Quarantined {
						b.Fatalf("input %+v", in)
					}
				}
				b.StopTimer()
				var ms runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&ms)
				b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}
