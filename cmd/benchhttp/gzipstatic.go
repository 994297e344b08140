package main

import (
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// gzipStatic is http.FileServer over dir, with what nginx's gzip_static
// adds: NAME.gz is served with Content-Encoding: gzip to a client that
// accepts gzip. Each file gets the Content-Type the project sent (types,
// by file name), not one guessed from its extension. Unknown names are 404.
func gzipStatic(dir string, types map[string]string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	// The files never change during a run, so which ones have a .gz is
	// looked up once rather than per request.
	hasGz := map[string]bool{}
	for name := range types {
		if _, err := os.Stat(filepath.Join(dir, name+".gz")); err == nil {
			hasGz[name] = true
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		ct, ok := types[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", ct) // FileServer keeps a type already set
		if hasGz[name] {
			h.Set("Vary", "Accept-Encoding")
			if acceptsGzip(r.Header.Get("Accept-Encoding")) {
				h.Set("Content-Encoding", "gzip")
				r2 := *r
				u := *r.URL
				u.Path = "/" + name + ".gz"
				r2.URL = &u
				files.ServeHTTP(w, &r2)
				return
			}
		}
		files.ServeHTTP(w, r)
	})
}

// acceptsGzip reads an Accept-Encoding header: gzip (or *) with a q above 0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		if q, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			v, err := strconv.ParseFloat(q, 64)
			return err == nil && v > 0
		}
		return true
	}
	return false
}
