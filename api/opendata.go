package api

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// openDataRoutes registers the open-data routes: the file formats of the
// lists, the datasets catalogue, the OpenAPI document and its docs page,
// and /metrics.
func (s *Server) openDataRoutes(e *echo.Echo, v1, data *echo.Group) {
	data.GET("/formations.:format", s.formations)
	data.GET("/snapshots/current/quarantine.:format", s.quarantine)
	data.GET("/datasets", s.datasetsList)
	data.GET("/datasets.:format", s.datasetsList)
	data.GET("/datasets/:file", s.datasetFile)
	v1.GET("/openapi.json", s.openAPI, gzipped)
	v1.GET("/docs", s.docs, gzipped)
	e.GET("/metrics", s.metricsHandler)
}

// cors lets any web page read the open data (GET and HEAD, with the
// headers an analyst's script needs); nothing here takes credentials.
func cors() echo.MiddlewareFunc {
	return middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins: []string{"*"},
		AllowMethods: []string{"GET", "HEAD", "OPTIONS"},
		AllowHeaders: []string{echo.HeaderAccept, echo.HeaderAcceptEncoding, "If-None-Match", echo.HeaderContentType},
		ExposeHeaders: []string{headerETag, "Link", headerSnapshot, headerSynthetic, headerTotal,
			echo.HeaderContentDisposition, echo.HeaderXRequestID, headerCache},
		MaxAge: 86400,
	})
}
