package httpcache

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
)

// etagOf is a strong ETag: a snapshot never changes, so the server's
// version, the snapshot and the canonical request determine the bytes.
func etagOf(version, snapshot, key string) string {
	sum := sha256.Sum256([]byte(version + "\n" + snapshot + "\n" + key))
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// gzipTag is the ETag of the gzip variant: a representation with another
// content coding must have another strong validator (RFC 9110 §8.8.3).
func gzipTag(etag string) string { return strings.TrimSuffix(etag, `"`) + `-gz"` }

// Matches implements If-None-Match (RFC 9110 §13.1.2), which compares
// weakly: W/"x" matches "x", and * matches anything.
func Matches(header, etag string) bool {
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// AcceptsGzip reads Accept-Encoding: gzip or * with a q above zero.
func AcceptsGzip(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
		name, prm, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(prm), "q="); ok {
			if q, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil || q <= 0 {
				return false
			}
		}
		return true
	}
	return false
}

// AddVary adds names to the Vary header, once each. It runs on every
// request, so it scans the values in place rather than building a set.
func AddVary(h http.Header, names ...string) {
	for _, n := range names {
		if !varies(h["Vary"], n) {
			h.Add("Vary", n)
		}
	}
}

// varies tells whether the Vary values name n (case-insensitive).
func varies(values []string, n string) bool {
	for _, v := range values {
		for f := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), n) {
				return true
			}
		}
	}
	return false
}
