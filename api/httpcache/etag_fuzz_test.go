package httpcache

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzMatches: If-None-Match never panics; a list holding the ETag,
// strong or weak, among any other tags matches it, and * matches anything.
func FuzzMatches(f *testing.F) {
	tag := etagOf("v", "snap", "/api/v1/formations")
	for _, s := range []string{"", "*", tag, "W/" + tag, `"a", ` + tag, `"a","b"`, ` , ,`, `W/`, "\xff", gzipTag(tag)} {
		f.Add(s, tag)
	}
	f.Fuzz(func(t *testing.T, header, etag string) {
		got := Matches(header, etag)
		if got != Matches(header, etag) {
			t.Fatal("not deterministic")
		}
		if strings.Contains(etag, ",") || strings.TrimSpace(etag) != etag || etag == "" || strings.HasPrefix(etag, "W/") {
			return // not an ETag this package writes
		}
		if !Matches(header+", "+etag, etag) || !Matches("W/"+etag+","+header, etag) {
			t.Fatalf("%q with %q appended does not match", header, etag)
		}
		if !Matches("*", etag) {
			t.Fatalf("* does not match %q", etag)
		}
		if !strings.Contains(header, etag) && !strings.Contains(header, "*") && got {
			t.Fatalf("%q matches %q without naming it", header, etag)
		}
	})
}

// FuzzAcceptsGzip: Accept-Encoding never panics, and gzip alone with no
// q or a q above zero is accepted, with q=0 refused.
func FuzzAcceptsGzip(f *testing.F) {
	for _, s := range []string{"", "gzip", "GZIP;q=0.5", "gzip;q=0", "*;q=0", "br, deflate", "gzip;q=abc", ";q=1", "gzip;;", "x-gzip", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		r := &http.Request{Header: http.Header{"Accept-Encoding": {header}}}
		got := AcceptsGzip(r)
		if got != AcceptsGzip(r) {
			t.Fatal("not deterministic")
		}
		if !strings.Contains(strings.ToLower(header), "gzip") && !strings.Contains(header, "*") && got {
			t.Fatalf("%q: gzip accepted without being named", header)
		}
		if strings.ContainsAny(header, ",") {
			return
		}
		if !AcceptsGzip(&http.Request{Header: http.Header{"Accept-Encoding": {"gzip, " + header}}}) {
			t.Fatalf("gzip, %q: gzip refused", header)
		}
		if AcceptsGzip(&http.Request{Header: http.Header{"Accept-Encoding": {"gzip;q=0, " + header}}}) {
			t.Fatalf("gzip;q=0, %q: gzip accepted", header)
		}
	})
}

// FuzzCanonicalQuery: the fast path of the cache key gives what parsing
// and encoding the query gives, for any query; and AddVary never names a
// header twice.
func FuzzCanonicalQuery(f *testing.F) {
	for _, s := range []string{"", "level=departement", "a=1&b=2", "b=2&a=1", "a=1&a=2", "a", "a=", "=1", "a=b=c",
		"a=1&&b=2", "a=%41", "a=+", "a=1;b=2", "limit=100&region=84", "a=%zz", "&", "a=1&", "x=\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw)
		if got, want := canonicalQuery(raw), q.Encode(); got != want {
			t.Fatalf("canonicalQuery(%q) = %q, want %q", raw, got, want)
		}
		if raw == "" || strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r > '~' || r == ',' }) {
			return // not a header name
		}
		h := http.Header{}
		AddVary(h, "Accept", raw)
		AddVary(h, "accept", raw, "Accept-Encoding")
		want := map[string]bool{"accept": true, strings.ToLower(raw): true, "accept-encoding": true}
		if len(h["Vary"]) != len(want) {
			t.Fatalf("Vary after adding %q twice: %q", raw, h["Vary"])
		}
	})
}
