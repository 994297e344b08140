package httpcache

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// Headers the middleware writes.
const (
	HeaderCache = "X-Cache" // hit or miss, on cacheable responses
	headerETag  = "ETag"
)

// Config sets up the middleware.
type Config struct {
	Version string // the server's version: part of every ETag
	// Budget of the response cache in bytes; 0 means 64 MiB and a negative
	// one disables the cache (ETags and 304 answers still work).
	Budget int64
	// MaxEntry bounds one cached response; larger ones (big downloads) are
	// streamed, not kept. 0: an eighth of the budget, at most 8 MiB.
	MaxEntry int64
	// Hold is how much of a response is held back before the first byte is
	// sent, so a response that fits is sent with its Content-Length (for
	// GET and HEAD alike); larger ones stream. 0: 1 MiB.
	Hold int
	// Snapshot tells which snapshot a request reads and whether it is the
	// current one; "" means the request is not cacheable. Required.
	Snapshot func(r *http.Request) (id string, current bool)
	// Variant is what a response depends on besides the URL and the
	// snapshot, e.g. the format an Accept header negotiates to. Optional.
	Variant func(r *http.Request) string
	// CacheControl for responses of the current snapshot, and of an older
	// one, which never change again. Defaults: revalidate after five
	// minutes; a year, immutable.
	CacheControl, CacheControlPast string
}

// Cache is the middleware and its store.
type Cache struct {
	cfg   Config
	store *store // nil: no caching
}

// New returns the middleware described by cfg.
func New(cfg Config) *Cache {
	if cfg.Budget == 0 {
		cfg.Budget = 64 << 20
	}
	if cfg.MaxEntry == 0 {
		cfg.MaxEntry = min(cfg.Budget/8, 8<<20)
	}
	if cfg.Hold == 0 {
		cfg.Hold = 1 << 20
	}
	if cfg.CacheControl == "" {
		// A new snapshot may be served at any time, and revalidation costs
		// a 304 with no body.
		cfg.CacheControl = "public, max-age=300"
	}
	if cfg.CacheControlPast == "" {
		cfg.CacheControlPast = "public, max-age=31536000, immutable"
	}
	c := &Cache{cfg: cfg}
	if cfg.Budget > 0 {
		c.store = newStore(cfg.Budget)
	}
	return c
}

// Stats reports the cache's counters (zero when caching is off).
func (c *Cache) Stats() Stats {
	if c.store == nil {
		return Stats{}
	}
	return c.store.stats()
}

// Key is what a response depends on besides the snapshot: the host (some
// bodies hold absolute links), the path, the query with its keys sorted and
// the variant. Two requests with the same key get the same bytes.
func (c *Cache) Key(r *http.Request) string {
	v := ""
	if c.cfg.Variant != nil {
		v = c.cfg.Variant(r)
	}
	return r.Host + "\n" + r.URL.Path + "\n" + canonicalQuery(r.URL.RawQuery) + "\n" + v
}

// canonicalQuery is url.ParseQuery(raw).Encode(): keys sorted, values
// escaped alike. A query that is so already (the links the server writes,
// most scripts' URLs) is returned as it is, without parsing: this runs on
// every cache hit.
func canonicalQuery(raw string) string {
	if isCanonical(raw) {
		return raw
	}
	q, _ := url.ParseQuery(raw) // what a malformed pair leaves is still a key
	return q.Encode()
}

// isCanonical tells a query that Encode would give back unchanged: pairs
// of key=value with keys in strictly increasing order, made only of the
// bytes QueryEscape leaves as they are.
func isCanonical(raw string) bool {
	if raw == "" {
		return true
	}
	prev := ""
	for rest, more := raw, true; more; {
		var pair string
		pair, rest, more = strings.Cut(rest, "&")
		k, v, ok := strings.Cut(pair, "=")
		if !ok || k == "" || k <= prev || !allUnreserved(k) || !allUnreserved(v) {
			return false
		}
		prev = k
	}
	return true
}

func allUnreserved(s string) bool {
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			return false
		}
	}
	return true
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
}

// Handler answers conditional requests with 304, serves repeated requests
// from the cache in the encoding asked for, and gives every 200 a strong
// ETag and Cache-Control. Compression belongs inside it (next), so that
// what it records is what the client receives.
func (c *Cache) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		snap, current := c.cfg.Snapshot(r)
		if snap == "" {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		AddVary(h, "Accept", "Accept-Encoding")
		cc := c.cfg.CacheControl
		if !current {
			cc = c.cfg.CacheControlPast
		}
		key := snap + "\n" + c.Key(r)
		gz := AcceptsGzip(r)
		var e *entry
		if c.store != nil {
			e, _ = c.store.get(key)
		}
		etag := ""
		if e != nil {
			etag = e.etag
		} else {
			etag = etagOf(c.cfg.Version, snap, key)
		}
		if e != nil && c.serve(w, r, e, gz, cc) {
			return
		}
		if inm := r.Header.Get("If-None-Match"); inm != "" && (Matches(inm, etag) || Matches(inm, gzipTag(etag))) {
			h.Set(headerETag, etag)
			if gz && Matches(inm, gzipTag(etag)) {
				h.Set(headerETag, gzipTag(etag))
			}
			h.Set("Cache-Control", cc)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		rec := &recorder{w: w, etag: etag, cacheControl: cc, hold: c.cfg.Hold, before: keysOf(h)}
		if c.store != nil {
			rec.limit = c.cfg.MaxEntry
		}
		next.ServeHTTP(rec, r)
		rec.finish()
		if c.store != nil && rec.status == http.StatusOK && !rec.overflow && !rec.failed {
			ne := &entry{key: key, status: rec.status, header: rec.header, etag: etag, compressible: Compressible(rec.header.Get("Content-Type"))}
			if rec.gzipped {
				ne.gzipped = rec.body.Bytes()
			} else {
				ne.identity = rec.body.Bytes()
			}
			c.store.put(ne)
		}
	})
}

// serve answers from e, making the encoding asked for from the other one
// when it is missing (once: the result is kept). It reports false when e
// cannot serve the request (no such variant can be made).
func (c *Cache) serve(w http.ResponseWriter, r *http.Request, e *entry, gz bool, cc string) bool {
	body, etag, enc := e.identity, e.etag, ""
	switch {
	case gz && e.compressible && e.gzipped == nil:
		b, err := gzipBytes(e.identity)
		if err != nil {
			return false
		}
		c.store.put(&entry{key: e.key, status: e.status, header: e.header, etag: e.etag, compressible: true, gzipped: b})
		body = b
		fallthrough
	case gz && e.compressible:
		if e.gzipped != nil {
			body = e.gzipped
		}
		etag, enc = gzipTag(e.etag), "gzip"
	case e.identity == nil:
		b, err := gunzipBytes(e.gzipped)
		if err != nil {
			return false
		}
		c.store.put(&entry{key: e.key, status: e.status, header: e.header, etag: e.etag, compressible: e.compressible, identity: b})
		body = b
	}
	h := w.Header()
	if inm := r.Header.Get("If-None-Match"); inm != "" && Matches(inm, etag) {
		h.Set(headerETag, etag)
		h.Set("Cache-Control", cc)
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	for k, v := range e.header {
		h[k] = v
	}
	if enc != "" {
		h.Set("Content-Encoding", enc)
	} else {
		h.Del("Content-Encoding")
	}
	h.Set(headerETag, etag)
	h.Set("Cache-Control", cc)
	h.Set(HeaderCache, "hit")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return true
}

// Compressible lists the media types worth compressing: text, JSON, XML,
// SVG. XLSX, Parquet and PNG are compressed already.
func Compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"):
		return true
	case strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"), mt == "application/json",
		mt == "application/xml", mt == "application/x-ndjson":
		return true
	}
	return false
}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func gunzipBytes(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

func keysOf(h http.Header) map[string]bool {
	m := make(map[string]bool, len(h))
	for k := range h {
		m[k] = true
	}
	return m
}
