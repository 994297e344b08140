package api

import (
	"context"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// fileFormats are the formats of downloads: files that may take minutes to
// write, unlike a JSON page.
var fileFormats = map[string]bool{"csv": true, "xlsx": true, "parquet": true, "ndjson": true}

// isExport tells a download from an interactive request, once routed: a
// file suffix on the last path segment (formations.csv, indicators/x.xlsx,
// datasets/gaps.parquet) or format=. The coverage and gap GeoJSON stay
// interactive: they are maps, read in a browser.
func isExport(c echo.Context) bool {
	ext := strings.TrimPrefix(path.Ext(c.Request().URL.Path), ".")
	if f := c.QueryParam(formatParam); f != "" {
		ext = strings.ToLower(f)
	}
	if ext == "geojson" {
		return strings.HasPrefix(c.Path(), "/api/v1/formations")
	}
	return fileFormats[ext]
}

// timeoutByRoute bounds each request's context: admin routes get
// AdminTimeout (an upload and its ingest take longer than a query),
// downloads ExportTimeout (a whole file must never be cut by the deadline
// of a page), the others RequestTimeout. It runs for every route but the
// GET routes behind the response cache: those set their deadline after
// it (withDeadline), since a response served from the cache runs no query
// and needs no timer.
func (s *Server) timeoutByRoute(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if m := c.Request().Method; (m == http.MethodGet || m == http.MethodHead) && s.lateDeadline[c.Path()] {
			return next(c)
		}
		return s.withDeadline(next)(c)
	}
}

// withDeadline sets the request's time limit by route (timeoutByRoute).
func (s *Server) withDeadline(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		d := s.cfg.RequestTimeout
		switch {
		case strings.HasPrefix(c.Path(), adminPrefix):
			d = s.cfg.AdminTimeout
			s.liftDeadlines(c, d, true)
		case isExport(c):
			d = s.cfg.ExportTimeout
			s.liftDeadlines(c, d, false)
		}
		ctx, cancel := context.WithTimeout(c.Request().Context(), d)
		defer cancel()
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}

// liftDeadlines lifts the server's write (and, for an upload, read)
// deadline for this request only, or a slow upload or a long download
// would be cut off by the defaults meant for pages.
func (s *Server) liftDeadlines(c echo.Context, d time.Duration, read bool) {
	rc := http.NewResponseController(c.Response())
	if read {
		if err := rc.SetReadDeadline(time.Now().Add(d)); err != nil {
			s.log.Debug("read deadline", "err", err)
		}
	}
	if err := rc.SetWriteDeadline(time.Now().Add(d + 10*time.Second)); err != nil {
		s.log.Debug("write deadline", "err", err)
	}
}

// exportSlot takes one of the slots for heavy downloads, or refuses with
// 503 and Retry-After before any byte is written: a few files at a time
// keep the server answering pages while they are written.
func (s *Server) exportSlot(c echo.Context) (release func(), err error) {
	select {
	case s.exports <- struct{}{}:
		return func() { <-s.exports }, nil
	default:
		c.Response().Header().Set("Retry-After", "10")
		return nil, observatory.Errorf(observatory.EUNAVAILABLE,
			"%d downloads are being written; try again in a few seconds", cap(s.exports))
	}
}
