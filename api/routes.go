package api

import "github.com/labstack/echo/v4"

// routes registers every route of the server. Middleware is given per
// route, not per group: Echo registers a catch-all for a group with
// middleware, which would answer a known path with the wrong method 404
// instead of 405 with Allow.
func (s *Server) routes() {
	e := s.echo
	e.Pre(headAsGet)
	e.Use(headAgain, s.observe, cors(), requestID, s.accessLog, s.recoverPanic, s.timeoutByRoute)
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metricsHandler)
	e.GET("/api/v1/snapshots", s.snapshots)
	e.GET("/api/v1/snapshots/:id", s.snapshot)

	// What the binary alone serves: the page's style and script, the
	// OpenAPI document and its docs page (ETag, cache, gzip).
	static := func(path string, h echo.HandlerFunc) { s.cachedGET(path, h, fromBinary) }
	static("/static/*", s.static)
	static("/api/v1", s.landingPage)
	static("/api/v1/openapi.json", s.openAPI)
	static("/api/v1/docs", s.docs)

	// Data routes read a snapshot: ETag/304, response cache, gzip.
	data := func(path string, h echo.HandlerFunc) { s.cachedGET(path, h, s.withStore) }
	// The map page and the map as files (page.go).
	data("/", s.page)
	data("/map.svg", s.mapFile("svg"))
	data("/map.png", s.mapFile("png"))

	const v1 = "/api/v1"
	data(v1+"/formations", s.formations)
	data(v1+"/formations.:format", s.formations)
	data(v1+"/formations/:id", s.formation)
	data(v1+"/job-demand", s.jobDemand)
	data(v1+"/job-demand.:format", s.jobDemand)
	data(v1+"/indicators", s.indicatorList)
	data(v1+"/indicators/:id", s.indicatorValues)
	data(v1+"/territories/:level", s.territories)
	data(v1+"/territories/:level/:code/profile", s.profile)
	data(v1+"/territories/:level/:code/needs", s.territoryNeeds)
	data(v1+"/territories/:level/:code/needs.:format", s.territoryNeeds)
	data(v1+"/needs", s.needs)
	data(v1+"/needs.:format", s.needs)
	data(v1+"/coverage/:file", s.coverage)
	data(v1+"/gaps", s.gaps)
	data(v1+"/gaps.:format", s.gaps)
	data(v1+"/metiers", s.metiers)
	data(v1+"/metiers/:family", s.metier)
	data(v1+"/snapshots/current/quarantine", s.quarantine)
	data(v1+"/snapshots/current/quarantine.:format", s.quarantine)
	s.cachedGET(v1+"/snapshots/:id/quarantine", s.quarantine, s.withPathSnapshot)
	s.cachedGET(v1+"/snapshots/:id/quarantine.:format", s.quarantine, s.withPathSnapshot)
	data(v1+"/snapshots/current/set-aside", s.setAside)
	data(v1+"/snapshots/current/set-aside.:format", s.setAside)
	data(v1+"/programmes", s.programmesList)
	data(v1+"/datasets", s.datasetsList)
	data(v1+"/datasets.:format", s.datasetsList)
	data(v1+"/datasets/datapackage.json", s.datapackage) // Frictionless Data Package (datapackage.go)
	data(v1+"/datasets/:file", s.datasetFile)
	data(v1+"/datasets/:file/cite", s.cite)

	// Siting (simulate.go, recommend.go): what-if sites and ranked
	// candidate places. POST /simulate takes the sites as JSON and stores
	// nothing; its GET form, with the sites in the query, is its permalink.
	data(v1+"/simulate", s.simulate)
	data(v1+"/simulate.:format", s.simulate)
	e.POST(v1+"/simulate", s.simulate, s.withStore)
	e.POST(v1+"/simulate.:format", s.simulate, s.withStore)
	data(v1+"/recommend-sites", s.recommendSites)
	data(v1+"/recommend-sites.:format", s.recommendSites)

	// What changed between snapshots (changes.go, feed.go): a diff is
	// named by the snapshot it goes to; the feed by none (it follows
	// prune too), with an ETag of its own.
	s.cachedGET(v1+"/changes", s.changes, s.withToSnapshot)
	e.GET(v1+"/changes.atom", s.feed)
	s.cachedGET(v1+"/changes.:format", s.changes, s.withToSnapshot)

	// Admin: bearer token, no cache; its own time limit (deadline.go).
	e.POST(v1+"/admin/ingest", s.adminIngest, s.adminAuth)
	e.GET(v1+"/admin/runs", s.adminRuns, s.adminAuth)
	e.GET(v1+"/admin/runs/:id", s.adminRun, s.adminAuth)
}

// cachedGET registers a GET route behind the response cache: pick names
// the snapshot it reads, then the cache answers what it holds, and only
// a miss gets a time limit (withDeadline) and runs h.
func (s *Server) cachedGET(path string, h echo.HandlerFunc, pick echo.MiddlewareFunc) {
	s.lateDeadline[path] = true
	s.echo.GET(path, h, pick, s.cached, s.withDeadline)
}
