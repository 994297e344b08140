package api

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// cacheControl lets browsers and proxies keep a response five minutes,
// then revalidate it with If-None-Match: a new snapshot may be served at
// any time, and revalidation costs a 304 with no body.
const cacheControl = "public, max-age=300"

// canonicalRequest is what a response depends on besides the snapshot:
// the host (JSON-LD holds absolute links), the path, the query with its
// keys sorted, the format Accept negotiates to and whether it is gzipped.
// Two requests with the same canonical form get the same bytes.
func canonicalRequest(r *http.Request) string {
	enc := "identity"
	if acceptsGzip(r) {
		enc = "gzip"
	}
	return strings.Join([]string{r.Host, r.URL.Path, r.URL.Query().Encode(), canonicalFormat(r), enc}, "\n")
}

// etagFor is a strong ETag: a snapshot never changes, so the snapshot, the
// server's version and the canonical request determine the bytes.
func (s *Server) etagFor(snapshot, canonical string) string {
	sum := sha256.Sum256([]byte(s.cfg.Version + "\n" + snapshot + "\n" + canonical))
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// etagMatches implements If-None-Match (RFC 9110 §13.1.2), which compares
// weakly: W/"x" matches "x", and * matches anything.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// addVary adds names to the Vary header, once each.
func addVary(h http.Header, names ...string) {
	have := map[string]bool{}
	for _, v := range h.Values(echo.HeaderVary) {
		for _, n := range strings.Split(v, ",") {
			have[strings.ToLower(strings.TrimSpace(n))] = true
		}
	}
	for _, n := range names {
		if !have[strings.ToLower(n)] {
			h.Add(echo.HeaderVary, n)
			have[strings.ToLower(n)] = true
		}
	}
}

// notModified answers a conditional GET whose ETag still matches.
func notModified(c echo.Context, etag string) error {
	h := c.Response().Header()
	h.Set(headerETag, etag)
	h.Set(echo.HeaderCacheControl, cacheControl)
	return c.NoContent(http.StatusNotModified)
}

const headerETag = "ETag"
