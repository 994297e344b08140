package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestGzipStatic(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.json", "identity bytes")
	write("a.json.gz", "gzip bytes") // served as they are: not decoded, not checked
	write("m.png", "png bytes")
	write("secret.txt", "not listed")
	types := map[string]string{"a.json": "application/json", "m.png": "image/png"}
	srv := httptest.NewServer(gzipStatic(dir, types))
	defer srv.Close()
	// A transport that neither asks for gzip nor decodes it, like wrk.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}

	for _, tc := range []struct {
		path, accept          string
		status                int
		body, ctype, encoding string
	}{
		{"/a.json", "", 200, "identity bytes", "application/json", ""},
		{"/a.json", "gzip", 200, "gzip bytes", "application/json", "gzip"},
		{"/a.json", "br, gzip;q=0.5", 200, "gzip bytes", "application/json", "gzip"},
		{"/a.json", "gzip;q=0", 200, "identity bytes", "application/json", ""},
		{"/m.png", "gzip", 200, "png bytes", "image/png", ""}, // no .gz: identity
		{"/secret.txt", "", 404, "", "", ""},
		{"/a.json.gz", "", 404, "", "", ""},
		{"/", "", 404, "", "", ""},
	} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+tc.path, nil)
		if tc.accept != "" {
			req.Header.Set("Accept-Encoding", tc.accept)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		name := tc.path + " accept " + tc.accept
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", name, resp.StatusCode, tc.status)
			continue
		}
		if tc.status != 200 {
			continue
		}
		if string(body) != tc.body || resp.Header.Get("Content-Type") != tc.ctype || resp.Header.Get("Content-Encoding") != tc.encoding {
			t.Errorf("%s: got %q, %q, %q; want %q, %q, %q", name, body, resp.Header.Get("Content-Type"),
				resp.Header.Get("Content-Encoding"), tc.body, tc.ctype, tc.encoding)
		}
		if tc.path == "/a.json" && resp.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%s: no Vary: Accept-Encoding", name)
		}
	}
}
