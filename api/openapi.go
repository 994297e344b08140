package api

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"
)

// openapiJSON is the API's OpenAPI 3.1 description, written by hand and
// kept complete by TestOpenAPIRoutes (every Echo route documented, every
// documented path routed) and validated by an OpenAPI library.
//
//go:embed openapi.json
var openapiJSON []byte

var openapiETag = func() string {
	sum := sha256.Sum256(openapiJSON)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}()

// openAPI serves the OpenAPI document.
func (s *Server) openAPI(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	addVary(c.Response().Header(), echo.HeaderAcceptEncoding)
	if etagMatches(c.Request().Header.Get("If-None-Match"), openapiETag) {
		return notModified(c, openapiETag)
	}
	c.Response().Header().Set(headerETag, openapiETag)
	c.Response().Header().Set(echo.HeaderCacheControl, cacheControl)
	return c.Blob(http.StatusOK, "application/json", openapiJSON)
}
