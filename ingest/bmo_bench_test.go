package ingest_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/ingest/tabular"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// BenchmarkIngestBMO measures a whole BMO run on the real 2024 file (53,443
// rows): read, check, append into a new DuckDB snapshot, checkpoint and
// publish; then the same run on the rows exported to CSV; then DuckDB's own
// read_csv loading that CSV into a fresh database file, as the yardstick.
// Each reports rows/s, the peak Go heap and the peak process RSS (which
// includes DuckDB's own memory), sampled every 2 ms while it runs.
func BenchmarkIngestBMO(b *testing.B) {
	csvPath := filepath.Join(b.TempDir(), "bmo-2024-export.csv")
	n := exportBMO(b, bmo2024, csvPath)
	rates := map[string]float64{}
	run := func(name string, op func(b *testing.B, i int)) {
		b.Run(name, func(b *testing.B) {
			var pk peakMem
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				runtime.GC()
				debug.FreeOSMemory()
				stop := pk.sample()
				b.StartTimer()
				op(b, i)
				b.StopTimer()
				stop()
				b.StartTimer()
			}
			rate := float64(n*b.N) / b.Elapsed().Seconds()
			rates[name] = rate
			b.ReportMetric(rate, "rows/s")
			b.ReportMetric(float64(pk.heap)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(pk.growth)/(1<<20), "heap-growth-MiB")
			if pk.rss > 0 {
				b.ReportMetric(float64(pk.rss)/(1<<20), "peak-RSS-MiB")
			}
		})
	}
	for _, in := range []struct{ name, path string }{{"observatory-xlsx", bmo2024}, {"observatory-csv", csvPath}} {
		run(in.name, func(b *testing.B, _ int) {
			rep, err := ingestBMO(b, duckdb.Dir{Root: b.TempDir()}, in.path)
			if err != nil {
				b.Fatal(err)
			}
			if read, loaded, _, _ := rep.Totals(); read != n || loaded != n {
				b.Fatalf("read %d, loaded %d, want %d", read, loaded, n)
			}
		})
	}
	run("duckdb-read_csv", func(b *testing.B, _ int) {
		db, err := sql.Open("duckdb", filepath.Join(b.TempDir(), "t.duckdb"))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		// The path is the benchmark's own temp file, not input.
		q := fmt.Sprintf(`CREATE TABLE t AS SELECT * FROM read_csv('%s', header = true, nullstr = '*')`, strings.ReplaceAll(csvPath, "'", "''"))
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
		var got int
		if err := db.QueryRow(`SELECT count(*) FROM t`).Scan(&got); err != nil || got != n {
			b.Fatalf("read_csv loaded %d rows, %v", got, err)
		}
		if _, err := db.Exec(`CHECKPOINT`); err != nil {
			b.Fatal(err)
		}
	})
	if x, d := rates["observatory-xlsx"], rates["duckdb-read_csv"]; x > 0 && d > 0 {
		b.Logf("read_csv is %.1f times as fast as the XLSX ingest, %.1f times as fast as the CSV ingest", d/x, d/rates["observatory-csv"])
	}
}

// exportBMO writes the rows of the BMO workbook, as read, to a CSV file
// with the workbook's own header, and returns the number of rows.
func exportBMO(b *testing.B, from, to string) int {
	b.Helper()
	names := []string{"annee", "Code métier BMO", "Nom métier BMO", "Famille_met", "Lbl_fam_met", "REG", "NOM_REG", "Dept", "NomDept", "BE24", "NOMBE24", "met", "xmet", "smet"}
	s := tabular.Schema{Name: "export"}
	for i, h := range names {
		s.Columns = append(s.Columns, tabular.Column{Key: strconv.Itoa(i), Names: []string{h}, Required: true})
	}
	s.Columns[9].Names, s.Columns[9].Patterns = nil, []*regexp.Regexp{regexp.MustCompile(`^be\d\d$`)}
	t, err := tabular.Open(context.Background(), from, filepath.Base(from), s, tabular.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	defer t.Close()
	f, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := csv.NewWriter(f)
	w.Write(names)
	rec := make([]string, len(names))
	n := 0
	for {
		r, err := t.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		for i := range names {
			rec[i] = r.Values[strconv.Itoa(i)]
		}
		w.Write(rec)
		n++
	}
	w.Flush()
	if err := w.Error(); err != nil {
		b.Fatal(err)
	}
	return n
}

// peakMem keeps the highest Go heap and process RSS seen while sampling,
// and the largest growth of the heap over its level when sampling started
// (the geography and other shared data are alive throughout).
type peakMem struct{ heap, rss, growth uint64 }

// sample starts sampling every 2 ms; the returned func stops it.
func (p *peakMem) sample() (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	m := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(m)
	base := m[0].Value.Uint64()
	probe := func() {
		metrics.Read(m)
		h := m[0].Value.Uint64()
		p.heap = max(p.heap, h)
		p.growth = max(p.growth, h-min(h, base))
		p.rss = max(p.rss, rss())
	}
	go func() {
		defer close(finished)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			probe()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished; probe() }
}

// rss is the resident set size of the process on Linux, 0 elsewhere.
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseUint(f[1], 10, 64)
	return pages * uint64(os.Getpagesize())
}
