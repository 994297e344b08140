package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) routes() {
	e := s.echo
	e.Pre(headAsGet)
	e.Use(s.observe, cors(), requestID, s.accessLog, s.recoverPanic, s.timeoutByRoute)
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)

	// The map page and the map as files (page.go); style and script.
	e.GET("/", s.page, s.withStore, s.httpCache, gzipped)
	e.GET("/map.svg", s.mapFile("svg"), s.withStore, s.httpCache, gzipped)
	e.GET("/map.png", s.mapFile("png"), s.withStore, s.httpCache)
	e.GET("/static/*", echo.WrapHandler(staticFiles()))

	v1 := e.Group("/api/v1")
	v1.GET("/snapshots", s.snapshots)
	// data routes read a snapshot: ETag/304, response cache, gzip (cache.go).
	data := v1.Group("", s.withStore, s.httpCache, gzipped)
	s.openDataRoutes(e, v1, data) // formats, datasets, OpenAPI, docs, metrics (opendata.go)
	data.GET("/snapshots/current/quarantine", s.quarantine)
	data.GET("/formations", s.formations)
	data.GET("/formations/:id", s.formation)
	data.GET("/job-demand", s.jobDemand)
	data.GET("/job-demand.:format", s.jobDemand)
	data.GET("/indicators", s.indicatorList)
	data.GET("/indicators/:id", s.indicatorValues)
	data.GET("/territories/:level", s.territories)
	data.GET("/territories/:level/:code/profile", s.profile)
	data.GET("/coverage/:file", s.coverage)
	data.GET("/gaps", s.gaps)
	data.GET("/gaps.:format", s.gaps)
	data.GET("/metiers", s.metiers)
	data.GET("/metiers/:family", s.metier)

	// Admin: bearer token, no cache; its own time limit (admin.go).
	v1.POST("/admin/ingest", s.adminIngest, s.adminAuth)

	e.RouteNotFound("/*", func(c echo.Context) error {
		return echo.NewHTTPError(http.StatusNotFound, "no such route; see /api/v1/openapi.json")
	})
}
