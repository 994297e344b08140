package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestNDJSONDownloads: every list streams as NDJSON, one JSON object a
// line in column order, as many as the JSON total, synthetic rows
// flagged; streamed formats take a limit over the XLSX cap.
func TestNDJSONDownloads(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	total := e.total(t, "region=84")
	lines := func(path string, hdr ...string) []map[string]any {
		t.Helper()
		res, body := e.fetch(t, path, hdr...)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("%s: %d %s %.200s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		var out []map[string]any
		sc := bufio.NewScanner(bytes.NewReader(body))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("%s: line %d: %v: %s", path, len(out)+1, err, sc.Bytes())
			}
			out = append(out, m)
		}
		return out
	}
	rows := lines("/api/v1/formations.ndjson?region=84")
	if len(rows) != total {
		t.Fatalf("%d lines, JSON total %d", len(rows), total)
	}
	if r := rows[0]; r["region"] != "84" || r["synthetic"] != true || r["id"] == nil {
		t.Errorf("first row %v", r)
	}
	if _, body := e.fetch(t, "/api/v1/formations.ndjson?region=84&fields=id,learners&limit=1"); !bytes.HasPrefix(body, []byte(`{"id":`)) ||
		bytes.Count(body, []byte("\n")) != 1 || !strings.Contains(string(body), `"learners":`) {
		t.Errorf("fields in order: %s", body)
	}
	if rows := lines("/api/v1/formations?region=84", "Accept", "application/x-ndjson"); len(rows) != total {
		t.Errorf("Accept: %d lines", len(rows))
	}
	vals := lines("/api/v1/indicators/coverage_class.ndjson?level=region")
	if len(vals) != 18 || vals[0]["synthetic"] != true || vals[0]["indicator"] != "coverage_class" {
		t.Errorf("indicator: %d lines, %v", len(vals), vals[0])
	}
	for _, path := range []string{"/api/v1/datasets/formations.ndjson", "/api/v1/datasets/territories.ndjson", "/api/v1/gaps.ndjson",
		"/api/v1/job-demand.ndjson?level=region", "/api/v1/needs.ndjson?level=region", "/api/v1/snapshots/current/quarantine.ndjson"} {
		if len(lines(path)) == 0 {
			t.Errorf("%s: no line", path)
		}
	}
	// Streamed files have no row cap; XLSX keeps the worksheet's.
	if res, _ := e.fetch(t, "/api/v1/formations.csv?limit=1500000"); res.StatusCode != 200 {
		t.Errorf("CSV over 1,000,000: %d", res.StatusCode)
	}
	var p problem
	if res := e.get(t, "/api/v1/formations.xlsx?limit=1500000", &p); res.StatusCode != 400 || p.Param != "limit" {
		t.Errorf("XLSX over 1,000,000: %d %+v", res.StatusCode, p)
	}
}
