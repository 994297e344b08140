package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// snapshots lists every snapshot of the data directory, newest first.
func (s *Server) snapshots(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	list, err := s.hub.Snapshots(c.Request().Context())
	if err != nil {
		return err
	}
	if id := s.hub.Current(); id != "" {
		c.Response().Header().Set(headerSnapshot, id)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": list})
}
