package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// statusOf is the one table from domain error codes to HTTP statuses.
var statusOf = map[string]int{
	observatory.EINVALID:       http.StatusBadRequest,
	observatory.ENOTFOUND:      http.StatusNotFound,
	observatory.ECONFLICT:      http.StatusConflict,
	observatory.EUNAUTHORIZED:  http.StatusUnauthorized,
	observatory.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	observatory.ENOTACCEPTABLE: http.StatusNotAcceptable,
	observatory.EUNAVAILABLE:   http.StatusServiceUnavailable,
	observatory.ETOOMANY:       http.StatusTooManyRequests,
	observatory.EINTERNAL:      http.StatusInternalServerError,
}

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	Param    string `json:"param,omitempty"`
	Code     string `json:"code"`
	Request  string `json:"request_id,omitempty"`
}

// errorHandler renders every error as application/problem+json. Errors that
// are not the domain's (or Echo's own HTTP errors) are logged in full and
// shown to the client only as "internal error".
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p := Problem{Type: "about:blank", Instance: c.Request().URL.Path, Request: c.Response().Header().Get(echo.HeaderXRequestID)}
	var he *echo.HTTPError
	var oe *observatory.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		// Over its time limit (or the client left): an honest 503, not a
		// 500, whatever error the query returned when interrupted.
		p.Status, p.Code = http.StatusServiceUnavailable, observatory.EUNAVAILABLE
		p.Detail = "the request took longer than its time limit; try a narrower query, or again in a moment"
		c.Response().Header().Set("Retry-After", "30")
		s.log.Warn("request over its deadline", "path", c.Request().URL.Path, "request_id", p.Request, "err", err)
	case errors.As(err, &oe):
		p.Code, p.Detail, p.Param = oe.Code, oe.Message, oe.Param
		p.Status = statusOf[oe.Code]
		if p.Status == 0 {
			p.Status = http.StatusInternalServerError
		}
	case errors.As(err, &he):
		p.Status = he.Code
		p.Code = codeOfStatus(he.Code)
		if m, ok := he.Message.(string); ok && he.Code < 500 {
			p.Detail = m
		}
		switch he.Code {
		case http.StatusNotFound:
			p.Detail = "no such route; see /api/v1/openapi.json"
		case http.StatusMethodNotAllowed:
			p.Detail = "method " + c.Request().Method + " is not allowed here; allowed: " + c.Response().Header().Get(echo.HeaderAllow)
		}
	default:
		p.Status, p.Code = http.StatusInternalServerError, observatory.EINTERNAL
	}
	if p.Status >= 500 && p.Code != observatory.EUNAVAILABLE {
		s.log.Error("request failed", "err", err, "path", c.Request().URL.Path, "request_id", p.Request)
		if p.Code == observatory.EINTERNAL {
			p.Detail = "internal error; quote the request id when reporting it"
		}
	}
	p.Title = http.StatusText(p.Status)
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(p.Status)
	if c.Request().Method == http.MethodHead {
		return
	}
	if err := writeJSON(c.Response(), p); err != nil {
		s.log.Debug("write problem", "err", err)
	}
}

func codeOfStatus(status int) string {
	for code, st := range statusOf {
		if st == status {
			return code
		}
	}
	if status == http.StatusMethodNotAllowed || status < 500 {
		return observatory.EINVALID
	}
	return observatory.EINTERNAL
}
