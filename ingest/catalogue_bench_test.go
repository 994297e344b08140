package ingest_test

import (
	"path/filepath"
	"testing"

	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// BenchmarkIngestCatalogue measures a whole catalogue run: read, check,
// repair, load into a new DuckDB snapshot, checkpoint and publish.
func BenchmarkIngestCatalogue(b *testing.B) {
	needShared(b)
	for _, name := range []string{"gen-formations-synthetique.csv", "gen-formations-synthetique.xlsx"} {
		b.Run(filepath.Ext(name)[1:], func(b *testing.B) {
			dir := duckdb.Dir{Root: b.TempDir()}
			path := filepath.Join(shared, "synthetic", name)
			rows := 0
			for i := 0; i < b.N; i++ {
				rep, err := ingestFiles(b, dir, path)
				if err != nil {
					b.Fatal(err)
				}
				rows, _, _, _ = rep.Totals()
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
