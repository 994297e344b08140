package httpcache

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// recorder passes a response through while keeping a copy of it (up to
// limit bytes) for the cache. It holds back the first hold bytes, so a
// response that fits is sent in one piece with its Content-Length, and it
// stamps the ETag and Cache-Control of a 200.
type recorder struct {
	w            http.ResponseWriter
	etag         string
	cacheControl string
	before       map[string]bool // headers set before the handler ran (request id, CORS)
	hold         int
	limit        int64

	status    int
	header    http.Header // the handler's headers, for replay
	gzipped   bool
	body      bytes.Buffer // the copy kept for the cache
	pending   []byte       // held back, not yet sent
	committed bool
	overflow  bool
	failed    bool // hijacked: the body did not end normally
}

func (w *recorder) Header() http.Header { return w.w.Header() }

func (w *recorder) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	w.status = code
	h := w.w.Header()
	w.gzipped = h.Get("Content-Encoding") == "gzip"
	if vary := h.Values("Vary"); len(vary) > 1 {
		h.Del("Vary") // the compressor adds Accept-Encoding again
		AddVary(h, vary...)
	}
	if code == http.StatusOK {
		etag := w.etag
		if w.gzipped {
			etag = gzipTag(etag)
		}
		h.Set(headerETag, etag)
		h.Set("Cache-Control", w.cacheControl)
		if w.limit > 0 {
			h.Set(HeaderCache, "miss")
		}
	} else {
		h.Del(headerETag)
		h.Set("Cache-Control", "no-store")
	}
	// Keep what the handler set, for replay; per-request headers stay out.
	w.header = http.Header{}
	for k, v := range h {
		if !w.before[k] && k != headerETag && k != "Cache-Control" && k != HeaderCache && k != "Content-Length" &&
			!strings.HasPrefix(k, "Access-Control-") {
			w.header[k] = append([]string(nil), v...)
		}
	}
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
	if !w.committed {
		if len(w.pending)+len(b) <= w.hold {
			w.pending = append(w.pending, b...)
			return len(b), nil
		}
		if err := w.commit(false); err != nil {
			return 0, err
		}
	}
	return w.w.Write(b)
}

// commit sends the status line, with the Content-Length of the held bytes
// when they are the whole body, then the held bytes.
func (w *recorder) commit(whole bool) error {
	w.committed = true
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if whole && w.status != http.StatusNotModified && w.status != http.StatusNoContent && w.w.Header().Get("Content-Length") == "" {
		w.w.Header().Set("Content-Length", strconv.Itoa(len(w.pending)))
	}
	w.w.WriteHeader(w.status)
	if len(w.pending) == 0 {
		return nil
	}
	_, err := w.w.Write(w.pending)
	w.pending = nil
	return err
}

// finish ends the response once the handler is done.
func (w *recorder) finish() {
	if !w.committed && w.status != 0 {
		_ = w.commit(true)
	}
}

func (w *recorder) Flush() {
	if !w.committed {
		if w.status == 0 {
			w.WriteHeader(http.StatusOK)
		}
		if w.commit(false) != nil {
			return
		}
	}
	_ = http.NewResponseController(w.w).Flush()
}

// Hijack lets a handler cut a response that failed half-way: the copy is
// then dropped, never cached.
func (w *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.failed = true
	hj, ok := w.w.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("httpcache: the connection cannot be hijacked")
	}
	return hj.Hijack()
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.w }
