package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// A stand-in for the project: gzip for JSON when asked, never for PNG, and
// a 400 for a layer that does not exist yet.
func fakeProject(t *testing.T) *httptest.Server {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"a":1}`))
	zw.Close()
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/j":
			w.Header().Set("Content-Type", "application/json")
			if r.Header.Get("Accept-Encoding") == "gzip" {
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(gz.Bytes())
				return
			}
			w.Write([]byte(`{"a":1}`))
		case "/p.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte("PNG"))
		default:
			http.Error(w, "no", http.StatusBadRequest)
		}
	}))
}

func TestCapture(t *testing.T) {
	srv := fakeProject(t)
	defer srv.Close()
	dir := t.TempDir()
	eps := []Endpoint{{"j", "/j?x=1", true}, {"png", "/p.png", true}, {"missing", "/nope", true}}
	targets, err := capture(context.Background(), srv.URL, eps, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(targets) != 5 {
		t.Fatalf("got %d targets: %+v", len(targets), targets)
	}
	j, jgz, png, pnggz, missing := targets[0], targets[1], targets[2], targets[3], targets[4]
	if j.Skip != "" || jgz.Skip != "" || j.Gzip || !jgz.Gzip || j.File != jgz.File {
		t.Errorf("json targets: %+v %+v", j, jgz)
	}
	if j.Size != len(`{"a":1}`) || jgz.Size == j.Size {
		t.Errorf("sizes: identity %d, gzip %d", j.Size, jgz.Size)
	}
	if png.Skip != "" || pnggz.Skip != "skipped (server sent it uncompressed)" {
		t.Errorf("png targets: %+v %+v", png, pnggz)
	}
	if missing.Skip != "skipped (status 400)" {
		t.Errorf("missing: %+v", missing)
	}
	// The exact bytes, both encodings, and their types for the file server.
	if b, _ := os.ReadFile(filepath.Join(dir, j.File)); string(b) != `{"a":1}` {
		t.Errorf("identity file: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, j.File+".gz")); !gunzips(b) || len(b) != jgz.Size {
		t.Errorf("gzip file: %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, png.File+".gz")); err == nil {
		t.Error("a .gz for the PNG the server never compressed")
	}
	types, err := readTypes(dir)
	if err != nil || types[j.File] != "application/json" || types[png.File] != "image/png" || len(types) != 2 {
		t.Errorf("types: %v, %v", types, err)
	}
}
