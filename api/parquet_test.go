package api_test

import (
	"bytes"
	"database/sql"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/gen-numerique/observatory/api"
)

// TestParquetOfComputedTables: tables computed in Go (indicators, gaps,
// job-demand aggregates, territories) come as Parquet too, with the same
// rows as their JSON and typed columns.
func TestParquetOfComputedTables(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	read := func(path string) (int, string) {
		t.Helper()
		res, body := e.fetch(t, path)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/vnd.apache.parquet" {
			t.Fatalf("%s: %d %s", path, res.StatusCode, body)
		}
		file := filepath.Join(t.TempDir(), "x.parquet")
		if err := os.WriteFile(file, body, 0o600); err != nil {
			t.Fatal(err)
		}
		var n int
		var typ string
		if err := db.QueryRow(`SELECT count(*), typeof(any_value(value)) FROM read_parquet(?)`, file).Scan(&n, &typ); err != nil {
			// Tables without a value column: count only.
			if err := db.QueryRow(`SELECT count(*), 'none' FROM read_parquet(?)`, file).Scan(&n, &typ); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		return n, typ
	}
	var v values
	e.get(t, "/api/v1/indicators/formations_per_100k?level=region", &v)
	if n, typ := read("/api/v1/indicators/formations_per_100k.parquet?level=region"); n != v.Total || typ != "DOUBLE" {
		t.Errorf("indicator parquet: %d rows of %s, JSON %d", n, typ, v.Total)
	}
	var g gapBody
	e.get(t, "/api/v1/gaps?wave=1", &g)
	if n, _ := read("/api/v1/gaps.parquet?wave=1"); n != g.Total {
		t.Errorf("gaps parquet: %d rows, JSON %d", n, g.Total)
	}
	if n, _ := read("/api/v1/datasets/territories.parquet"); n != 18+101 {
		t.Errorf("territories parquet: %d rows", n)
	}
	var jd struct {
		Total int `json:"total"`
	}
	e.get(t, "/api/v1/job-demand?level=departement", &jd)
	if n, _ := read("/api/v1/job-demand.parquet?level=departement"); n != jd.Total || n < 100 {
		t.Errorf("job-demand parquet: %d rows, JSON %d", n, jd.Total)
	}
}

// TestParquetWrittenOnce: a Parquet download is written once per snapshot
// and canonical query (its permalink), then sent from the kept file, even
// when the response cache does not hold it; another
// filter or another Host (the permalink in the file names it) is another
// file.
func TestParquetWrittenOnce(t *testing.T) {
	t.Parallel() // its own server
	tmp := t.TempDir()
	// No response cache: every request reaches the handler.
	e := newEnvWith(t, api.Config{TempDir: tmp, CacheBytes: -1}, nil)
	get := func(host, path string) (string, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
		req.Host = host
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || len(body) < 100 || !bytes.HasPrefix(body, []byte("PAR1")) {
			t.Fatalf("%s: %d %q", path, res.StatusCode, body[:min(len(body), 200)])
		}
		return res.Header.Get("X-Observatory-File"), body
	}
	first, a := get("a.test", "/api/v1/formations.parquet?region=84&family=developpement")
	second, b := get("a.test", "/api/v1/formations.parquet?family=developpement&region=84")
	if first != "written" || second != "kept" || !bytes.Equal(a, b) {
		t.Errorf("first %q, second %q, same bytes %v", first, second, bytes.Equal(a, b))
	}
	if other, _ := get("a.test", "/api/v1/formations.parquet?region=11"); other != "written" {
		t.Errorf("another filter: %q", other)
	}
	if other, _ := get("b.test", "/api/v1/formations.parquet?region=11"); other != "written" {
		t.Errorf("another host: %q", other)
	}
	kept, _ := filepath.Glob(filepath.Join(tmp, "observatory-*-parquet-*", "*.parquet"))
	if len(kept) != 3 {
		t.Errorf("kept files: %v", kept)
	}
}
