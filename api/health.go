package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// healthz says the process is up.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
}

// readyz says whether a snapshot is loaded and requests can be served.
func (s *Server) readyz(c echo.Context) error {
	id := s.hub.Current()
	if id == "" {
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "no snapshot"})
	}
	c.Response().Header().Set(headerSnapshot, id)
	return c.JSON(http.StatusOK, map[string]string{"status": "ready", "snapshot": id})
}
