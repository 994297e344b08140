package api

import (
	"bytes"
	"container/list"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/labstack/echo/v4"
)

// responseCache keeps encoded responses (status, headers, body, gzipped
// when the client took gzip) of the current snapshot, least recently used
// first out, within a budget in bytes. Snapshots never change, so an entry
// stays right until the snapshot does; then everything is dropped at once.
type responseCache struct {
	mu       sync.Mutex
	budget   int64
	maxEntry int64 // larger responses (big downloads) are streamed, not kept
	size     int64
	snapshot string
	lru      *list.List // of *cachedResponse, most recent first
	byKey    map[string]*list.Element

	hits, misses, evictions atomic.Int64
}

type cachedResponse struct {
	key    string
	status int
	header http.Header
	body   []byte
}

func (e *cachedResponse) cost() int64 { return int64(len(e.body)) + int64(len(e.key)) + 512 }

// newResponseCache returns a cache of budget bytes; nil (no caching) for
// a negative budget.
func newResponseCache(budget int64) *responseCache {
	if budget < 0 {
		return nil
	}
	return &responseCache{budget: budget, maxEntry: min(budget/8, 8<<20), lru: list.New(), byKey: map[string]*list.Element{}}
}

// use makes snapshot the one cached, dropping everything of another.
func (rc *responseCache) use(snapshot string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.snapshot != snapshot {
		rc.snapshot = snapshot
		rc.lru.Init()
		clear(rc.byKey)
		rc.size = 0
	}
}

func (rc *responseCache) get(snapshot, key string) (*cachedResponse, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if el, ok := rc.byKey[key]; ok && rc.snapshot == snapshot {
		rc.lru.MoveToFront(el)
		rc.hits.Add(1)
		return el.Value.(*cachedResponse), true
	}
	rc.misses.Add(1)
	return nil, false
}

func (rc *responseCache) put(snapshot string, e *cachedResponse) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.snapshot != snapshot || e.cost() > rc.maxEntry {
		return
	}
	if el, ok := rc.byKey[e.key]; ok {
		rc.size -= el.Value.(*cachedResponse).cost()
		rc.lru.Remove(el)
	}
	rc.byKey[e.key] = rc.lru.PushFront(e)
	rc.size += e.cost()
	for rc.size > rc.budget {
		old := rc.lru.Back()
		oe := old.Value.(*cachedResponse)
		rc.lru.Remove(old)
		delete(rc.byKey, oe.key)
		rc.size -= oe.cost()
		rc.evictions.Add(1)
	}
}

// stats reports entries and bytes held.
func (rc *responseCache) stats() (entries int, bytes int64) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.lru.Len(), rc.size
}

// httpCache answers conditional requests with 304, serves repeated
// requests from the cache, and gives every 200 a strong ETag and
// Cache-Control. It sits after withStore (the snapshot) and before gzip
// (so it keeps compressed bytes).
func (s *Server) httpCache(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodGet {
			return next(c)
		}
		snap := store(c).Snapshot()
		key := canonicalRequest(r)
		etag := s.etagFor(snap, key)
		h := c.Response().Header()
		addVary(h, echo.HeaderAccept, echo.HeaderAcceptEncoding)
		if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, etag) {
			return notModified(c, etag)
		}
		rc := s.cache
		// Only the current snapshot is cached; a request still reading the
		// previous one after a switch goes through uncached.
		current := s.hub.Current()
		if rc != nil {
			rc.use(current)
		}
		if rc != nil && snap == current {
			if e, ok := rc.get(snap, key); ok {
				for k, v := range e.header {
					h[k] = v
				}
				h.Set(headerETag, etag)
				h.Set(echo.HeaderCacheControl, cacheControl)
				h.Set(headerCache, "hit")
				c.Response().WriteHeader(e.status)
				_, err := c.Response().Write(e.body)
				return err
			}
		}
		rec := &recorder{ResponseWriter: c.Response().Writer, etag: etag, before: keysOf(h)}
		if rc != nil && snap == current {
			rec.limit = rc.maxEntry
		}
		c.Response().Writer = rec
		err := next(c)
		c.Response().Writer = rec.ResponseWriter
		if rc != nil && err == nil && rec.status == http.StatusOK && rec.limit > 0 && !rec.overflow {
			rc.put(snap, &cachedResponse{key: key, status: rec.status, header: rec.header, body: rec.body.Bytes()})
		}
		return err
	}
}

const headerCache = "X-Cache"

// recorder passes a response through while keeping a copy of it, up to
// limit bytes, and stamps the ETag on success.
type recorder struct {
	http.ResponseWriter
	etag     string
	before   map[string]bool // headers set before the handler ran (request id, CORS)
	limit    int64
	status   int
	header   http.Header
	body     bytes.Buffer
	overflow bool
}

func (w *recorder) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	w.status = code
	h := w.ResponseWriter.Header()
	if code == http.StatusOK {
		h.Set(headerETag, w.etag)
		h.Set(echo.HeaderCacheControl, cacheControl)
	} else {
		h.Del(headerETag)
		h.Set(echo.HeaderCacheControl, "no-store")
	}
	// Keep what the handler set, for replay; per-request headers stay out.
	w.header = http.Header{}
	for k, v := range h {
		if !w.before[k] && k != headerETag && k != echo.HeaderCacheControl && !strings.HasPrefix(k, "Access-Control-") {
			w.header[k] = append([]string(nil), v...)
		}
	}
	if w.limit > 0 {
		h.Set(headerCache, "miss")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.limit > 0 && !w.overflow {
		if int64(w.body.Len()+len(b)) > w.limit {
			w.overflow = true
			w.body = bytes.Buffer{}
		} else {
			w.body.Write(b)
		}
	}
	return w.ResponseWriter.Write(b)
}

func (w *recorder) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func keysOf(h http.Header) map[string]bool {
	m := make(map[string]bool, len(h))
	for k := range h {
		m[k] = true
	}
	return m
}
