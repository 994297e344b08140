package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// routes registers every route of the server.
func (s *Server) routes() {
	e := s.echo
	e.Pre(headAsGet)
	e.Use(headAgain, s.observe, cors(), requestID, s.accessLog, s.recoverPanic, s.timeoutByRoute)
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metricsHandler)

	// What the binary alone serves: the page's style and script, the
	// OpenAPI document and its docs page (ETag, cache, gzip).
	static := e.Group("", fromBinary, s.cached)
	static.GET("/static/*", echo.WrapHandler(staticFiles()))

	// Data routes read a snapshot: ETag/304, response cache, gzip.
	data := e.Group("", s.withStore, s.cached)
	// The map page and the map as files (page.go).
	data.GET("/", s.page)
	data.GET("/map.svg", s.mapFile("svg"))
	data.GET("/map.png", s.mapFile("png"))

	v1 := e.Group("/api/v1")
	v1.GET("/snapshots", s.snapshots)
	v1s := v1.Group("", fromBinary, s.cached)
	v1s.GET("/openapi.json", s.openAPI)
	v1s.GET("/docs", s.docs)

	api := v1.Group("", s.withStore, s.cached)
	api.GET("/formations", s.formations)
	api.GET("/formations.:format", s.formations)
	api.GET("/formations/:id", s.formation)
	api.GET("/job-demand", s.jobDemand)
	api.GET("/job-demand.:format", s.jobDemand)
	api.GET("/indicators", s.indicatorList)
	api.GET("/indicators/:id", s.indicatorValues)
	api.GET("/territories/:level", s.territories)
	api.GET("/territories/:level/:code/profile", s.profile)
	api.GET("/coverage/:file", s.coverage)
	api.GET("/gaps", s.gaps)
	api.GET("/gaps.:format", s.gaps)
	api.GET("/metiers", s.metiers)
	api.GET("/metiers/:family", s.metier)
	api.GET("/snapshots/current/quarantine", s.quarantine)
	api.GET("/snapshots/current/quarantine.:format", s.quarantine)
	api.GET("/datasets", s.datasetsList)
	api.GET("/datasets.:format", s.datasetsList)
	api.GET("/datasets/:file", s.datasetFile)

	// Admin: bearer token, no cache; its own time limit (admin.go).
	v1.POST("/admin/ingest", s.adminIngest, s.adminAuth)

	e.RouteNotFound("/*", func(c echo.Context) error {
		return echo.NewHTTPError(http.StatusNotFound, "no such route; see /api/v1/openapi.json")
	})
}
