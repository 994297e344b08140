package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/gen-numerique/observatory/api"
	"github.com/gen-numerique/observatory/internal/synth"
)

// TestParallelExportsComplete: 32 full exports at once, CSV, XLSX and
// GeoJSON of a 2,000-formation catalogue, under a page deadline far
// shorter than they take (the test checks that some outlast it, or it
// would prove nothing). A response that has started is never cut: every
// 200 holds every row; the others are 503 with Retry-After, refused
// before any byte of a file. Then with room for all 32, all complete.
func TestParallelExportsComplete(t *testing.T) {
	t.Parallel() // its own server and data directory
	const (
		rows     = 2_000
		deadline = 20 * time.Millisecond
	)
	// One catalogue for both cases: the ingest, not the exports, is what
	// costs most under -race.
	data := withSynthetic(t, rows, synth.CSV)
	for _, c := range []struct {
		name       string
		maxExports int
	}{{"cap 4", 4}, {"cap 32", 32}} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnvWith(t, api.Config{RequestTimeout: deadline, MaxExports: c.maxExports}, nil, data.dir.Root)
			formats := []string{"csv", "xlsx", "geojson"}
			type result struct {
				format      string
				status      int
				retry, body string
				rows        int
				took        time.Duration
				err         error
			}
			results := make([]result, 32)
			var wg sync.WaitGroup
			for i := range results {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := &results[i]
					r.format = formats[i%len(formats)]
					start := time.Now()
					defer func() { r.took = time.Since(start) }()
					res, err := http.Get(e.srv.URL + "/api/v1/formations." + r.format)
					if err != nil {
						r.err = err
						return
					}
					defer res.Body.Close()
					b, err := io.ReadAll(res.Body)
					r.status, r.retry, r.err = res.StatusCode, res.Header.Get("Retry-After"), err
					if err != nil || res.StatusCode != http.StatusOK {
						r.body = string(b)
						return
					}
					r.rows, r.err = countRows(r.format, b)
				}()
			}
			wg.Wait()
			complete, refused, outlasted := 0, 0, 0
			for i, r := range results {
				if r.status == http.StatusOK && r.took > deadline {
					outlasted++
				}
				switch {
				case r.err != nil:
					t.Errorf("export %d (%s): %v after status %d", i, r.format, r.err, r.status)
				case r.status == http.StatusOK && r.rows == rows:
					complete++
				case r.status == http.StatusOK:
					t.Errorf("export %d (%s): 200 with %d rows of %d: cut", i, r.format, r.rows, rows)
				case r.status == http.StatusServiceUnavailable && r.retry != "" && strings.Contains(r.body, `"status":503`):
					refused++
				default:
					t.Errorf("export %d (%s): %d Retry-After %q: %.200s", i, r.format, r.status, r.retry, r.body)
				}
			}
			t.Logf("%s: %d of 32 exports complete (%d took longer than the %v page deadline), %d refused with 503 before any byte",
				c.name, complete, outlasted, deadline, refused)
			if outlasted == 0 {
				t.Errorf("no export outlasted the %v page deadline: the test proves nothing", deadline)
			}
			if complete == 0 || complete+refused != 32 || (c.maxExports >= 32 && complete != 32) {
				t.Errorf("%d complete, %d refused", complete, refused)
			}
		})
	}
}

// countRows counts the data rows of an export.
func countRows(format string, b []byte) (int, error) {
	switch format {
	case "csv":
		r := csv.NewReader(bytes.NewReader(b))
		r.Comma = detectComma(b)
		recs, err := r.ReadAll()
		return len(recs) - 1, err
	case "geojson":
		var fc struct {
			Features []json.RawMessage `json:"features"`
		}
		err := json.Unmarshal(b, &fc)
		return len(fc.Features), err
	case "xlsx":
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			return 0, err
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetList()[0], excelize.Options{RawCellValue: true}) // counting needs no display formats
		return len(rows) - 1, err
	}
	return 0, fmt.Errorf("format %s", format)
}

func detectComma(b []byte) rune {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		return ';'
	}
	return ','
}
