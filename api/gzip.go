package api

import (
	"compress/gzip"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// gzipped compresses text responses (JSON, CSV, GeoJSON, HTML, problem+json)
// for clients that accept gzip. XLSX and Parquet are compressed already
// and go through untouched, as do 204 and 304. The decision waits for the
// handler's first write, when the Content-Type is known.
func gzipped(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !acceptsGzip(c.Request()) {
			return next(c)
		}
		gw := &gzipWriter{ResponseWriter: c.Response().Writer}
		c.Response().Writer = gw
		defer func() {
			gw.close()
			c.Response().Writer = gw.ResponseWriter
		}()
		return next(c)
	}
}

// acceptsGzip reads Accept-Encoding: gzip or * with a q above zero.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get(echo.HeaderAcceptEncoding), ",") {
		name, prm, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(prm), "q="); ok {
			if q, err := strconv.ParseFloat(v, 64); err != nil || q <= 0 {
				return false
			}
		}
		return true
	}
	return false
}

// compressible lists the media types worth compressing.
func compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"):
		return true
	case strings.HasSuffix(mt, "+json"), mt == "application/json", mt == "application/xml", mt == "image/svg+xml":
		return true
	}
	return false
}

var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression); return w }}

type gzipWriter struct {
	http.ResponseWriter
	status  int
	decided bool
	gz      *gzip.Writer
}

func (w *gzipWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

// decide starts the response, compressed or not.
func (w *gzipWriter) decide() {
	if w.decided {
		return
	}
	w.decided = true
	if w.status == 0 {
		w.status = http.StatusOK
	}
	h := w.Header()
	if compressible(h.Get(echo.HeaderContentType)) {
		addVary(h, echo.HeaderAcceptEncoding)
	}
	if w.status != http.StatusNoContent && w.status != http.StatusNotModified && w.status >= 200 &&
		h.Get(echo.HeaderContentEncoding) == "" && compressible(h.Get(echo.HeaderContentType)) {
		h.Set(echo.HeaderContentEncoding, "gzip")
		h.Del(echo.HeaderContentLength)
		w.gz = gzipPool.Get().(*gzip.Writer)
		w.gz.Reset(w.ResponseWriter)
	}
	w.ResponseWriter.WriteHeader(w.status)
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	w.decide()
	if w.gz != nil {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

func (w *gzipWriter) Flush() {
	w.decide()
	if w.gz != nil {
		_ = w.gz.Flush()
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *gzipWriter) close() {
	if !w.decided && w.status == 0 {
		return // nothing was written: the error handler writes later, uncompressed
	}
	w.decide()
	if w.gz != nil {
		_ = w.gz.Close()
		w.gz.Reset(nil)
		gzipPool.Put(w.gz)
		w.gz = nil
	}
}

func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
