package httpcache

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/klauspost/compress/gzhttp"
)

// app is a handler that counts its calls and answers a body of n bytes
// named by the path, through gzhttp as the server runs it.
type app struct {
	calls atomic.Int64
	snap  string
}

func (a *app) handler(t *testing.T, c *Cache) http.Handler {
	gz, err := gzhttp.NewWrapper(gzhttp.ContentTypeFilter(Compressible))
	if err != nil {
		t.Fatal(err)
	}
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.calls.Add(1)
		var n int
		fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/"), "%d", &n)
		if n == 0 {
			http.Error(w, "no", http.StatusBadRequest)
			return
		}
		ct := "application/json"
		if r.URL.Query().Get("png") != "" {
			ct = "image/png"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("X-Handler", "yes")
		w.Write([]byte(strings.Repeat("a", n)))
	})
	return c.Handler(gz(inner))
}

func newCache(budget int64, a *app) *Cache {
	return New(Config{Version: "test", Budget: budget, MaxEntry: 4000, Hold: 3000,
		Snapshot: func(*http.Request) (string, bool) { return a.snap, a.snap == "s1" }})
}

func get(t *testing.T, h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func body(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	if w.Header().Get("Content-Encoding") != "gzip" {
		return w.Body.String()
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHitsMissesAndEncodings(t *testing.T) {
	a := &app{snap: "s1"}
	h := a.handler(t, newCache(1<<20, a))
	first := get(t, h, "GET", "/2000")
	if first.Code != 200 || first.Header().Get(HeaderCache) != "miss" || len(first.Body.String()) != 2000 ||
		first.Header().Get("Content-Length") != "2000" || first.Header().Get("X-Handler") != "yes" {
		t.Fatalf("first: %d %v %d", first.Code, first.Header(), first.Body.Len())
	}
	if v := first.Header().Values("Vary"); strings.Join(v, ",") != "Accept,Accept-Encoding" {
		t.Errorf("Vary %q", v)
	}
	etag := first.Header().Get("ETag")
	again := get(t, h, "GET", "/2000")
	if again.Header().Get(HeaderCache) != "hit" || again.Body.String() != first.Body.String() || again.Header().Get("ETag") != etag ||
		again.Header().Get("X-Handler") != "yes" || again.Header().Get("Content-Length") != "2000" {
		t.Fatalf("second: %v", again.Header())
	}
	// A gzip client after an identity one: served from the same entry,
	// compressed once, with the gzip variant's own ETag.
	gz := get(t, h, "GET", "/2000", "Accept-Encoding", "gzip")
	if gz.Header().Get("Content-Encoding") != "gzip" || body(t, gz) != first.Body.String() || gz.Header().Get("ETag") != gzipTag(etag) {
		t.Fatalf("gzip: %v", gz.Header())
	}
	if n := a.calls.Load(); n != 1 {
		t.Fatalf("handler ran %d times for one URL in two encodings", n)
	}
	// And the other way round: gzip first, identity made by gunzipping.
	gzFirst := get(t, h, "GET", "/2500", "Accept-Encoding", "gzip")
	plain := get(t, h, "GET", "/2500")
	if gzFirst.Header().Get(HeaderCache) != "miss" || plain.Header().Get(HeaderCache) != "hit" || plain.Body.Len() != 2500 ||
		plain.Header().Get("Content-Encoding") != "" || a.calls.Load() != 2 {
		t.Fatalf("identity after gzip: %v, %d bytes, %d calls", plain.Header(), plain.Body.Len(), a.calls.Load())
	}
	// PNG is not compressed, whoever asks.
	png := get(t, h, "GET", "/1500?png=1", "Accept-Encoding", "gzip")
	png2 := get(t, h, "GET", "/1500?png=1", "Accept-Encoding", "gzip")
	if png.Header().Get("Content-Encoding") != "" || png2.Header().Get(HeaderCache) != "hit" || png2.Body.Len() != 1500 {
		t.Fatalf("png: %v / %v", png.Header(), png2.Header())
	}
}

func TestConditionalAndHead(t *testing.T) {
	a := &app{snap: "s1"}
	h := a.handler(t, newCache(1<<20, a))
	first := get(t, h, "GET", "/1200")
	etag := first.Header().Get("ETag")
	for _, inm := range []string{etag, "W/" + etag, `"x", ` + etag, "*"} {
		if w := get(t, h, "GET", "/1200", "If-None-Match", inm); w.Code != http.StatusNotModified || w.Body.Len() != 0 || w.Header().Get("ETag") != etag {
			t.Errorf("If-None-Match %s: %d", inm, w.Code)
		}
	}
	if w := get(t, h, "GET", "/1200", "If-None-Match", `"other"`); w.Code != 200 {
		t.Errorf("stale tag: %d", w.Code)
	}
	// Without the cache, the ETag still comes out the same and 304 works.
	b := &app{snap: "s1"}
	nc := b.handler(t, New(Config{Version: "test", Budget: -1, Snapshot: func(*http.Request) (string, bool) { return "s1", true }}))
	if w := get(t, nc, "GET", "/1200", "If-None-Match", etag); w.Code != http.StatusNotModified {
		t.Errorf("no cache: %d", w.Code)
	}
	// HEAD: the length GET would send.
	hd := get(t, h, "HEAD", "/1300")
	if hd.Header().Get("Content-Length") != "1300" {
		t.Errorf("HEAD Content-Length %q", hd.Header().Get("Content-Length"))
	}
}

func TestEviction(t *testing.T) {
	a := &app{snap: "s1"}
	// Each entry costs its body plus key and 512 bytes of bookkeeping:
	// three of 2,000 bytes fit in 8,000, a fourth evicts the oldest.
	c := newCache(8000, a)
	h := a.handler(t, c)
	for _, p := range []string{"/2001", "/2002", "/2003"} {
		get(t, h, "GET", p)
	}
	get(t, h, "GET", "/2001") // now the most recent
	get(t, h, "GET", "/2004")
	st := c.Stats()
	if st.Evictions != 1 || st.Entries != 3 || st.Bytes > 8000 {
		t.Fatalf("stats after overflow: %+v", st)
	}
	calls := a.calls.Load()
	if get(t, h, "GET", "/2001").Header().Get(HeaderCache) != "hit" {
		t.Error("recently used entry was evicted")
	}
	if get(t, h, "GET", "/2002").Header().Get(HeaderCache) != "miss" || a.calls.Load() != calls+1 {
		t.Error("least recently used entry was kept")
	}
}

func TestNotCached(t *testing.T) {
	a := &app{snap: "s1"}
	c := newCache(1<<20, a)
	h := a.handler(t, c)
	// Errors: never cached, no ETag.
	for range 2 {
		w := get(t, h, "GET", "/0")
		if w.Code != 400 || w.Header().Get("ETag") != "" || w.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("error response: %d %v", w.Code, w.Header())
		}
	}
	// Over MaxEntry and Hold: streamed (no Content-Length), not kept.
	big := get(t, h, "GET", "/5000")
	if big.Body.Len() != 5000 || big.Header().Get("Content-Length") != "" {
		t.Fatalf("big: %d bytes, length %q", big.Body.Len(), big.Header().Get("Content-Length"))
	}
	if get(t, h, "GET", "/5000").Header().Get(HeaderCache) != "miss" {
		t.Error("a response over MaxEntry was cached")
	}
	if a.calls.Load() != 4 {
		t.Errorf("%d calls", a.calls.Load())
	}
	// Another snapshot: another key and ETag, cacheable forever.
	a.snap = "s0"
	old := get(t, h, "GET", "/1100")
	if !strings.Contains(old.Header().Get("Cache-Control"), "immutable") || old.Header().Get("ETag") == "" {
		t.Fatalf("past snapshot: %v", old.Header())
	}
	a.snap = "s1"
	if cur := get(t, h, "GET", "/1100"); cur.Header().Get("ETag") == old.Header().Get("ETag") || cur.Header().Get(HeaderCache) != "miss" {
		t.Fatal("two snapshots share an entry")
	}
	// No snapshot: passed through untouched.
	a.snap = ""
	if w := get(t, h, "GET", "/1100"); w.Header().Get("ETag") != "" {
		t.Fatal("uncacheable request got an ETag")
	}
}

func TestAcceptsGzip(t *testing.T) {
	for hdr, want := range map[string]bool{"": false, "gzip": true, "br, gzip;q=0.5": true, "gzip;q=0": false, "*": true,
		"identity": false, "gzip;q=bogus": false, "GZIP": true} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", hdr)
		if AcceptsGzip(r) != want {
			t.Errorf("%q: %v", hdr, !want)
		}
	}
}
