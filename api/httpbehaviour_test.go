package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/ingest"
)

// TestListParamErrors covers every way the list parameters can be wrong:
// each gets a problem+json naming the parameter (or the Accept header).
func TestListParamErrors(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		path, accept, param string
		status              int
		detail              string
	}{
		{"/api/v1/formations?regoin=84", "", "regoin", 400, "allowed:"},
		{"/api/v1/formations?region=99", "", "region", 400, "région code"},
		{"/api/v1/formations?departement=20", "", "departement", 400, "département"},
		{"/api/v1/formations?rome=XX", "", "rome", 400, "ROME"},
		{"/api/v1/formations?limit=1001", "", "limit", 400, "1 to 1000"},
		{"/api/v1/formations.xlsx?limit=1000001", "", "limit", 400, "1 to 1000000"}, // XLSX keeps the worksheet cap; CSV has none
		{"/api/v1/formations.csv?limit=2147483648", "", "limit", 400, "1 to 2147483647"},
		{"/api/v1/formations?sort=nope", "", "sort", 400, "learners"},
		{"/api/v1/formations?sort=title,-title", "", "sort", 400, "twice"},
		{"/api/v1/formations?fields=id,nope", "", "fields", 400, "choose among"},
		{"/api/v1/formations?fields=id,id", "", "fields", 400, "twice"},
		{"/api/v1/formations.pdf", "", "format", 400, "csv, xlsx"},
		{"/api/v1/formations?format=pdf", "", "format", 400, "csv, xlsx"},
		{"/api/v1/formations?dialect=fr", "", "dialect", 400, "CSV and XLSX only"},
		{"/api/v1/formations.csv?dialect=de", "", "dialect", 400, "fr, rfc4180"},
		{"/api/v1/formations?sort=title&cursor=ZjE6R0VOLTAwMDE", "", "cursor", 400, "cursor"},
		{"/api/v1/formations?format=csv&format=xlsx", "", "format", 400, "once"},
		{"/api/v1/formations", "image/png", "Accept", 406, "Accept"},
		{"/api/v1/formations", "application/json;q=0", "Accept", 406, "Accept"},
		{"/api/v1/formations?fields=" + strings.Repeat("id,", 400), "", "fields", 400, "too long"},
		{"/api/v1/snapshots/current/quarantine.geojson", "", "format", 400, "format"},
		{"/api/v1/snapshots/current/quarantine?sort=file", "", "sort", 400, "sort"},
		{"/api/v1/snapshots/current/quarantine?cursor=xx", "", "cursor", 400, "cursor"},
		{"/api/v1/datasets/formations.pdf", "", "format", 400, "csv"},
		{"/api/v1/datasets/nope.csv", "", "", 404, "formations"},
		{"/api/v1/datasets?format=csv", "", "format", 400, "json, jsonld"},
		{"/api/v1/openapi.json?x=1", "", "x", 400, "unknown"},
		{"/metrics?x=1", "", "x", 400, "unknown"},
	}
	for _, c := range cases {
		res, body := e.fetch(t, c.path, "Accept", c.accept)
		var p struct {
			Status int    `json:"status"`
			Param  string `json:"param"`
			Detail string `json:"detail"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("%s: %v: %s", c.path, err, body)
			continue
		}
		if res.StatusCode != c.status || p.Status != c.status || p.Param != c.param ||
			res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(p.Detail, c.detail) ||
			res.Header.Get("ETag") != "" {
			t.Errorf("%s (Accept %q): %d %+v %s", c.path, c.accept, res.StatusCode, p, res.Header.Get("Content-Type"))
		}
	}
}

// TestSortFieldsPaging sorts, chooses fields and pages through a sorted list.
func TestSortFieldsPaging(t *testing.T) {
	e := newEnv(t)
	var l struct {
		Total int              `json:"total"`
		Items []map[string]any `json:"items"`
		Next  string           `json:"next"`
	}
	e.get(t, "/api/v1/formations?sort=-learners,id&fields=id,learners,title&limit=1000", &l)
	if len(l.Items) != l.Total || l.Total < 500 {
		t.Fatalf("%d of %d", len(l.Items), l.Total)
	}
	prev := 1e18
	nulls := false
	for _, it := range l.Items {
		if len(it) != 3 {
			t.Fatalf("fields: %v", it)
		}
		v, ok := it["learners"].(float64)
		if !ok {
			nulls = true
			continue
		}
		if nulls || v > prev {
			t.Fatalf("not sorted by learners descending, nulls last: %v after %v", v, prev)
		}
		prev = v
	}
	// Key order follows fields=.
	res, body := e.fetch(t, "/api/v1/formations?fields=title,id&limit=1")
	if res.StatusCode != 200 || !regexp.MustCompile(`"items":\[\{"title":"[^"]*","id":"GEN-`).Match(body) {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	// Pages of a sorted list join up to the whole list, in order.
	var all []string
	path := "/api/v1/formations?sort=commune,-wave&limit=70&fields=id"
	for i := 0; path != ""; i++ {
		var page struct {
			Total int `json:"total"`
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		res := e.get(t, path, &page)
		for _, it := range page.Items {
			all = append(all, it.ID)
		}
		path = ""
		if link := res.Header.Get("Link"); link != "" {
			path = strings.TrimSuffix(strings.TrimPrefix(strings.Split(link, ";")[0], "<"), ">")
		}
		if i > 20 {
			t.Fatal("no end")
		}
	}
	var one struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	e.get(t, "/api/v1/formations?sort=commune,-wave&limit=1000&fields=id", &one)
	if len(all) != len(one.Items) || len(all) != l.Total {
		t.Fatalf("paged %d, whole %d, total %d", len(all), len(one.Items), l.Total)
	}
	for i := range all {
		if all[i] != one.Items[i].ID {
			t.Fatalf("row %d: paged %s, whole %s", i, all[i], one.Items[i].ID)
		}
	}
	// A CSV download honours sort and fields.
	_, csvBody := e.fetch(t, "/api/v1/formations.csv?sort=-learners,id&fields=id,learners")
	recs := readCSV(t, csvBody, ',')
	if strings.Join(recs[0], ",") != "id,learners" || len(recs)-1 != l.Total || recs[1][0] != l.Items[0]["id"] {
		t.Fatalf("csv head %v, %d rows, first %v", recs[0], len(recs)-1, recs[1])
	}
}

// TestETagRoundTrip: a repeated request with If-None-Match gets a 304; a
// new snapshot changes the ETag.
func TestETagRoundTrip(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/api/v1/formations?region=84", "/api/v1/formations.csv?region=84", "/api/v1/datasets"} {
		res, body := e.fetch(t, path)
		etag := res.Header.Get("ETag")
		if res.StatusCode != 200 || !regexp.MustCompile(`^"[A-Za-z0-9_-]{24}"$`).MatchString(etag) ||
			res.Header.Get("Cache-Control") != "public, max-age=300" || !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") {
			t.Fatalf("%s: %d ETag %q, %v", path, res.StatusCode, etag, res.Header)
		}
		res2, body2 := e.fetch(t, path, "If-None-Match", etag)
		if res2.StatusCode != http.StatusNotModified || len(body2) != 0 || res2.Header.Get("ETag") != etag {
			t.Fatalf("%s: conditional GET gave %d (%d bytes)", path, res2.StatusCode, len(body2))
		}
		res3, _ := e.fetch(t, path, "If-None-Match", `"other", W/`+etag)
		if res3.StatusCode != http.StatusNotModified {
			t.Fatalf("%s: weak match in a list gave %d", path, res3.StatusCode)
		}
		res4, body4 := e.fetch(t, path, "If-None-Match", `"stale"`)
		if res4.StatusCode != 200 || !bytes.Equal(body4, body) {
			t.Fatalf("%s: stale ETag gave %d", path, res4.StatusCode)
		}
	}
	// The representation is part of the ETag.
	a, _ := e.fetch(t, "/api/v1/formations?limit=5")
	b, _ := e.fetch(t, "/api/v1/formations?limit=5", "Accept", "text/csv")
	c, _ := e.fetch(t, "/api/v1/formations?limit=5", "Accept-Encoding", "gzip")
	if a.Header.Get("ETag") == b.Header.Get("ETag") || a.Header.Get("ETag") == c.Header.Get("ETag") {
		t.Fatal("ETag ignores Accept or Accept-Encoding")
	}
	// Query order does not matter.
	d, _ := e.fetch(t, "/api/v1/formations?region=84&limit=5")
	f, _ := e.fetch(t, "/api/v1/formations?limit=5&region=84")
	if d.Header.Get("ETag") != f.Header.Get("ETag") {
		t.Fatal("ETag depends on the order of the query")
	}
	// A new snapshot: the old ETag no longer matches.
	old := d.Header.Get("ETag")
	file, closer, err := ingest.OpenFile("../ingest/testdata/bad/catalogue-cp1252.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	// A 2-row catalogue replacing the default on purpose: AllowShrink.
	if _, err := ingest.Run(context.Background(), e.w, "catalogue", []ingest.File{file}, ingest.Options{Ref: datasetstest.Reference(t), AllowShrink: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.hub.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	res, body := e.fetch(t, "/api/v1/formations?region=84&limit=5", "If-None-Match", old)
	if res.StatusCode != 200 || res.Header.Get("ETag") == old || res.Header.Get("X-Observatory-Snapshot") != e.hub.Current() || len(body) == 0 {
		t.Fatalf("after a switch: %d ETag %s (was %s)", res.StatusCode, res.Header.Get("ETag"), old)
	}
}

// TestCacheGzipHead: the second identical request is served from the
// cache, byte for byte; gzip applies to text only; HEAD has no body.
func TestCacheGzipHead(t *testing.T) {
	e := newEnv(t)
	path := "/api/v1/formations?departement=69&limit=50"
	r1, b1 := e.fetch(t, path, "Accept-Encoding", "gzip")
	r2, b2 := e.fetch(t, path, "Accept-Encoding", "gzip")
	if r1.Header.Get("X-Cache") != "miss" || r2.Header.Get("X-Cache") != "hit" || !bytes.Equal(b1, b2) ||
		r1.Header.Get("ETag") != r2.Header.Get("ETag") || r2.Header.Get("X-Observatory-Synthetic") != "true" ||
		r2.Header.Get("Content-Type") != "application/json" || r2.Header.Get("Link") == "" && r1.Header.Get("Link") != "" {
		t.Fatalf("cache: %v / %v", r1.Header, r2.Header)
	}
	if r2.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("JSON not gzipped: %v", r2.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b2))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	_, want := e.fetch(t, path)
	if !bytes.Equal(plain, want) {
		t.Fatal("gunzipped body differs from the identity one")
	}
	for _, c := range []struct {
		path string
		gz   bool
	}{{"/api/v1/formations.csv?limit=10", true}, {"/api/v1/formations.geojson?limit=10", true}, {"/api/v1/formations.xlsx?limit=10", false},
		{"/api/v1/formations.parquet?limit=10", false}, {"/api/v1/openapi.json", true}, {"/api/v1/docs", true}} {
		res, _ := e.fetch(t, c.path, "Accept-Encoding", "gzip, deflate")
		if (res.Header.Get("Content-Encoding") == "gzip") != c.gz || res.StatusCode != 200 {
			t.Errorf("%s: %d Content-Encoding %q", c.path, res.StatusCode, res.Header.Get("Content-Encoding"))
		}
	}
	res, _ := e.fetch(t, "/api/v1/formations?limit=3", "Accept-Encoding", "gzip;q=0")
	if res.Header.Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 still gzipped")
	}
	req, _ := http.NewRequest(http.MethodHead, e.srv.URL+"/api/v1/formations.csv?limit=3", nil)
	hr, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	hb, _ := io.ReadAll(hr.Body)
	hr.Body.Close()
	if hr.StatusCode != 200 || len(hb) != 0 || !strings.HasPrefix(hr.Header.Get("Content-Type"), "text/csv") || hr.Header.Get("ETag") == "" {
		t.Fatalf("HEAD: %d, %d bytes, %v", hr.StatusCode, len(hb), hr.Header)
	}
}

// TestCORS: a browser's preflight from any origin is allowed for GET.
func TestCORS(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest(http.MethodOptions, e.srv.URL+"/api/v1/formations.csv", nil)
	req.Header.Set("Origin", "https://journal.example")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "If-None-Match")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(res.Header.Get("Access-Control-Allow-Methods"), "GET") ||
		!strings.Contains(strings.ToLower(res.Header.Get("Access-Control-Allow-Headers")), "if-none-match") {
		t.Fatalf("preflight: %d %v", res.StatusCode, res.Header)
	}
	r, _ := e.fetch(t, "/api/v1/formations?limit=1", "Origin", "https://journal.example")
	for _, h := range []string{"ETag", "Link", "X-Observatory-Snapshot", "Content-Disposition"} {
		if !strings.Contains(r.Header.Get("Access-Control-Expose-Headers"), h) || r.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("simple request: %v", r.Header)
		}
	}
}

// TestMetrics reads /metrics after some traffic.
func TestMetrics(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 3; i++ {
		e.fetch(t, "/api/v1/formations?limit=2")
	}
	e.fetch(t, "/api/v1/formations?regoin=1")
	e.fetch(t, "/nowhere")
	res, body := e.fetch(t, "/metrics")
	text := string(body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, re := range []string{
		`(?m)^observatory_http_requests_total\{route="/api/v1/formations",status="200"\} 3$`,
		`(?m)^observatory_http_requests_total\{route="/api/v1/formations",status="400"\} 1$`,
		`(?m)^observatory_http_requests_total\{route="unmatched",status="404"\} 1$`,
		`(?m)^observatory_http_request_duration_seconds_bucket\{route="/api/v1/formations",le="\+Inf"\} 4$`,
		`(?m)^observatory_http_request_duration_seconds_count\{route="/api/v1/formations"\} 4$`,
		`(?m)^# TYPE observatory_http_request_duration_seconds histogram$`,
		`(?m)^observatory_cache_hits_total 2$`,
		`(?m)^observatory_cache_misses_total 2$`,
		`(?m)^observatory_snapshot_age_seconds \d+(\.\d+)?$`,
		`(?m)^go_goroutines \d+$`, // the runtime's metrics come along
		`(?m)^process_resident_memory_bytes \d`,
		`(?m)^observatory_snapshot_info\{snapshot="` + regexp.QuoteMeta(e.hub.Current()) + `",synthetic="true"\} 1$`,
	} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("no match for %s in\n%s", re, text)
		}
	}
	// Buckets are cumulative.
	prev := -1
	for _, m := range regexp.MustCompile(`(?m)^observatory_http_request_duration_seconds_bucket\{route="/api/v1/formations",le="[^"]+"\} (\d+)$`).FindAllStringSubmatch(text, -1) {
		n, _ := strconv.Atoi(m[1])
		if n < prev {
			t.Fatalf("bucket counts decrease: %v", m)
		}
		prev = n
	}
}

// TestDatasets reads the catalogue and downloads each dataset in each
// format it lists.
func TestDatasets(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	var cat struct {
		Snapshot string `json:"snapshot"`
		Items    []struct {
			Name        string            `json:"name"`
			Title       map[string]string `json:"title"`
			Description map[string]string `json:"description"`
			Licence     map[string]string `json:"licence"` // the Data Package keys: name, path, title
			Sources     []struct {
				Title   string `json:"title"`
				Path    string `json:"path"`
				Licence string `json:"licence"`
			} `json:"sources"`
			Synthetic  bool   `json:"synthetic"`
			Notice     string `json:"notice"`
			Provenance struct {
				Snapshot string `json:"snapshot"`
				Inputs   []struct {
					Name   string `json:"name"`
					SHA256 string `json:"sha256"`
				} `json:"inputs"`
			} `json:"provenance"`
			Schema struct {
				Fields []struct{ Name, Type string } `json:"fields"`
			} `json:"schema"`
			Downloads []struct {
				Format string `json:"format"`
				URL    string `json:"url"`
			} `json:"downloads"`
		} `json:"items"`
	}
	if res := e.get(t, "/api/v1/datasets", &cat); res.StatusCode != 200 {
		t.Fatal(res.StatusCode)
	}
	names := []string{}
	for _, d := range cat.Items {
		names = append(names, d.Name)
		if d.Title["fr"] == "" || d.Title["en"] == "" || d.Description["fr"] == "" || d.Description["en"] == "" ||
			d.Licence["name"] != "etalab-2.0" || d.Licence["path"] == "" || d.Licence["title"] == "" || len(d.Licence) != 3 ||
			len(d.Sources) == 0 || d.Sources[0].Title == "" || d.Provenance.Snapshot != cat.Snapshot ||
			len(d.Provenance.Inputs) == 0 || len(d.Schema.Fields) < 5 || len(d.Downloads) < 3 {
			t.Errorf("dataset %+v", d)
		}
		for _, in := range d.Provenance.Inputs {
			if len(in.SHA256) != 64 {
				t.Errorf("%s: input %+v", d.Name, in)
			}
		}
		// Built from the synthetic catalogue: flagged; from real inputs only
		// (BMO, geography): not.
		builtFromCatalogue := map[string]bool{"formations": true, "indicators": true, "gaps": true, "needs": true}
		if builtFromCatalogue[d.Name] != d.Synthetic && d.Name != "quarantine" {
			t.Errorf("%s: synthetic = %v", d.Name, d.Synthetic)
		}
		for _, dl := range d.Downloads {
			res, body := e.fetch(t, dl.URL)
			if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), d.Name+"-") || len(body) < 100 {
				t.Errorf("%s: %d %v", dl.URL, res.StatusCode, res.Header)
			}
			if dl.Format == "csv" && !strings.Contains(dl.URL, "dialect") {
				recs := readCSV(t, body, ',')
				if len(recs[0]) != len(d.Schema.Fields) {
					t.Errorf("%s: %d columns, schema has %d", dl.URL, len(recs[0]), len(d.Schema.Fields))
				}
				if d.Name == "territories" && len(recs)-1 != 18+101 {
					t.Errorf("territories: %d rows", len(recs)-1)
				}
			}
		}
	}
	if strings.Join(names, ",") != "formations,quarantine,territories" && !strings.HasPrefix(strings.Join(names, ","), "formations,quarantine,territories") {
		t.Errorf("datasets %v", names)
	}
	var one map[string]any
	if res := e.get(t, "/api/v1/datasets/formations", &one); res.StatusCode != 200 || one["name"] != "formations" {
		t.Fatalf("one dataset: %d %v", res.StatusCode, one)
	}
	// DCAT-AP JSON-LD, by suffix and by Accept.
	for _, c := range [][2]string{{"/api/v1/datasets.jsonld", ""}, {"/api/v1/datasets", "application/ld+json"}} {
		res, body := e.fetch(t, c[0], "Accept", c[1])
		var ld map[string]any
		if err := json.Unmarshal(body, &ld); err != nil || res.Header.Get("Content-Type") != "application/ld+json" {
			t.Fatalf("%s: %v %s", c[0], err, res.Header.Get("Content-Type"))
		}
		ds, _ := ld["dcat:dataset"].([]any)
		if ld["@type"] != "dcat:Catalog" || len(ds) != len(cat.Items)+len(dcatExtras) || !strings.HasPrefix(ld["@id"].(string), "http://127.0.0.1") {
			t.Fatalf("%s: %v", c[0], ld)
		}
		first := ds[0].(map[string]any)
		dists, _ := first["dcat:distribution"].([]any)
		if first["@type"] != "dcat:Dataset" || first["dct:license"].(map[string]any)["@id"] == "" || len(dists) < 3 {
			t.Fatalf("dataset %v", first)
		}
		url := dists[0].(map[string]any)["dcat:downloadURL"].(map[string]any)["@id"].(string)
		r, err := http.Get(url)
		if err != nil || r.StatusCode != 200 {
			t.Fatalf("downloadURL %s: %v", url, err)
		}
		r.Body.Close()
	}
}
