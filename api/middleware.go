package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/gen-numerique/observatory/api/httpcache"
	"github.com/gen-numerique/observatory/observatory"
)

// requestID gives every request an id, echoed in the response and the logs.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if id == "" || len(id) > 64 {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

// accessLog logs one line per request with slog.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		r := c.Request()
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("query", r.URL.RawQuery),
			slog.Int("status", c.Response().Status),
			slog.Int64("bytes", c.Response().Size),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
			slog.String("snapshot", c.Response().Header().Get(headerSnapshot)),
		)
		return nil
	}
}

// recoverPanic turns a panic in a handler into a 500, logged with its value.
func (s *Server) recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if v := recover(); v != nil {
				err = fmt.Errorf("panic: %v", v)
			}
		}()
		return next(c)
	}
}

const headerSnapshot = "X-Observatory-Snapshot"

// snapshotKey holds, in a request's context, the id of the snapshot it reads.
type snapshotKey struct{}

// binarySnapshot stands for the snapshot of responses that come from the
// binary alone (OpenAPI, docs, style and script): they change only with
// the server's version, which every ETag holds.
const binarySnapshot = "binary"

// snapshotParam names the snapshot a read replays (replay.go).
const snapshotParam = "snapshot"

// withStore holds one snapshot for the whole request, so a switch in the
// middle cannot mix two snapshots in one response: the current one, or
// the one snapshot=ID names. The request's context then names it, which
// the cache keys on (a past snapshot's answers are immutable).
func (s *Server) withStore(next echo.HandlerFunc) echo.HandlerFunc {
	return s.holdSnapshot(func(c echo.Context) (string, string) {
		c.Set(snapshotQueryKey, true)
		return snapshotParam, queryValue(c, snapshotParam)
	})(next)
}

// holdSnapshot is withStore for the snapshot pick names: the parameter
// (for errors) and the id ("" or "current" for the current one).
func (s *Server) holdSnapshot(pick func(c echo.Context) (param, id string)) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			param, id := pick(c)
			st, release, err := s.acquireAt(c.Request().Context(), param, id)
			if err != nil {
				return err
			}
			defer release()
			c.Set(storeKeyName, st)
			r := c.Request()
			c.SetRequest(r.WithContext(context.WithValue(r.Context(), snapshotKey{}, st.Snapshot())))
			c.Response().Header().Set(headerSnapshot, st.Snapshot())
			c.Set(permalinkKey, lazyLink(func() string { return s.permalink(c, "") }))
			return next(c)
		}
	}
}

const (
	storeKeyName = "store"
	// snapshotQueryKey marks a request whose snapshot= parameter is read
	// by withStore, which params then allows.
	snapshotQueryKey = "snapshot-query"
	permalinkKey     = "permalink"
)

// queryValue is c.QueryParam(name) without parsing a query that cannot
// hold name (no escape and no name in it): withStore asks on every
// request, cache hits included, where nothing else reads the query.
func queryValue(c echo.Context, name string) string {
	raw := c.Request().URL.RawQuery
	if !strings.Contains(raw, name) && !strings.Contains(raw, "%") {
		return ""
	}
	return c.QueryParam(name)
}

// snapshotOf is the id of the snapshot the request reads, "" for none.
func snapshotOf(c echo.Context) string {
	id, _ := c.Request().Context().Value(snapshotKey{}).(string)
	return id
}

func store(c echo.Context) observatory.Store { return c.Get(storeKeyName).(observatory.Store) }

// fromBinary marks a response as depending on the binary alone, so the
// cache gives it an ETag and keeps it like snapshot data.
func fromBinary(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		c.SetRequest(r.WithContext(context.WithValue(r.Context(), snapshotKey{}, binarySnapshot)))
		return next(c)
	}
}

// requestSnapshot tells the cache which snapshot a request reads and
// whether it is the one being served.
func (s *Server) requestSnapshot(r *http.Request) (string, bool) {
	id, _ := r.Context().Value(snapshotKey{}).(string)
	return id, id == binarySnapshot || id == s.hub.Current()
}

// netHTTP runs net/http middleware (the cache, compression) in an Echo
// chain. Errors are rendered inside it, so a problem+json body goes
// through the middleware like any other response.
func netHTTP(m func(http.Handler) http.Handler) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			outer := c.Response()
			m(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				c.SetRequest(r)
				c.SetResponse(echo.NewResponse(w, c.Echo()))
				if err := next(c); err != nil {
					c.Error(err)
				}
			})).ServeHTTP(outer, c.Request())
			c.SetResponse(outer)
			return nil
		}
	}
}

// headAsGet routes HEAD as GET (RFC 9110 §9.3.2): Echo routes GET only,
// and CORS and curl -I use HEAD. Echo's router reads the method of the
// request net/http holds, so it is set to GET for routing; headAgain sets
// it back before the handler runs, so that net/http still answers the HEAD:
// it drops the body and keeps the headers GET would send, Content-Length
// included.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if r := c.Request(); r.Method == http.MethodHead {
			r.Method = http.MethodGet
			c.Set(headKey, true)
		}
		return next(c)
	}
}

// headAgain undoes headAsGet once the route is found.
func headAgain(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Get(headKey) == true {
			c.Request().Method = http.MethodHead
		}
		return next(c)
	}
}

const headKey = "head"

// cors lets any web page read the open data (GET and HEAD, with the
// headers an analyst's script needs); nothing here takes credentials.
func cors() echo.MiddlewareFunc {
	return middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins: []string{"*"},
		AllowMethods: []string{"GET", "HEAD", "OPTIONS"},
		AllowHeaders: []string{echo.HeaderAccept, echo.HeaderAcceptEncoding, "If-None-Match", echo.HeaderContentType},
		ExposeHeaders: []string{"ETag", "Link", headerSnapshot, headerSynthetic, headerTotal,
			echo.HeaderContentDisposition, echo.HeaderXRequestID, httpcache.HeaderCache},
		MaxAge: 86400,
	})
}
