package ingest_test

import (
	"path/filepath"
	"testing"

	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// BenchmarkIngestCatalogue measures a whole catalogue run: read, check,
// repair, load into a new DuckDB snapshot, checkpoint and publish.
func BenchmarkIngestCatalogue(b *testing.B) {
	for _, path := range []string{syntheticCSV, syntheticXLSX} {
		b.Run(filepath.Ext(path)[1:], func(b *testing.B) {
			dir := duckdb.Dir{Root: b.TempDir()}
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
