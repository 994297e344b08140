package api

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// openapiJSON is the API's OpenAPI 3.1 description, written by hand and
// kept complete by TestOpenAPIRoutes (every Echo route documented, every
// documented path routed) and validated by an OpenAPI library.
//
//go:embed openapi.json
var openapiJSON []byte

// openAPI serves the OpenAPI document.
func (s *Server) openAPI(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	return c.Blob(http.StatusOK, "application/json", openapiJSON)
}
