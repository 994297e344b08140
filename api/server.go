// Package api serves the observatory over HTTP with Echo: the open-data
// API (JSON, CSV, XLSX, GeoJSON, Parquet), problem+json errors, OpenAPI,
// the map page; one snapshot per request. Drawing the map (api/carto),
// writing files (api/export) and HTTP caching (api/httpcache) live in
// packages of their own.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/klauspost/compress/gzhttp"
	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/carto"
	"github.com/gen-numerique/observatory/api/httpcache"
	"github.com/gen-numerique/observatory/observatory"
)

// Hub gives requests a snapshot to read; implemented by the DuckDB store.
type Hub interface {
	Acquire() (observatory.Store, func(), error)
	// AcquireAt holds snapshot id ("" for the current one); an unknown or
	// pruned id is an observatory.ENOTFOUND error.
	AcquireAt(ctx context.Context, id string) (observatory.Store, func(), error)
	Snapshots(ctx context.Context) ([]observatory.Snapshot, error)
	// Snapshot describes one snapshot; ENOTFOUND when there is none.
	Snapshot(ctx context.Context, id string) (*observatory.Snapshot, error)
	Current() string
}

// Config is the server's configuration; zero values get defaults.
type Config struct {
	Addr         string
	Version      string
	AdminToken   string        // empty disables admin routes
	AdminTimeout time.Duration // per admin request (upload and ingest); default 5 min
	// RunTimeout bounds an upload's ingest, which runs after its 202, on
	// its own: default 30 min. The row limits let in files of minutes (a
	// 1,048,576-row XLSX reads at 3,000-6,000 rows/s on two busy cores),
	// which the request's 5 minutes cut short.
	RunTimeout     time.Duration
	Ingest         IngestFunc    // runs POST /api/v1/admin/ingest; nil disables it
	RequestTimeout time.Duration // per request, applied to every query
	ExportTimeout  time.Duration // per download (CSV, XLSX, Parquet, NDJSON, formations GeoJSON); default 10 min
	MaxExports     int           // downloads written at once; more get 503 with Retry-After; default 4
	MaxBodyBytes   int64         // uploads and other bodies
	ReadTimeout    time.Duration
	WriteTimeout   time.Duration
	IdleTimeout    time.Duration
	PublicURL      string // e.g. https://observatoire.example.fr; empty: taken from each request
	CacheBytes     int64  // response cache budget; 0: 64 MiB, <0: no cache
	TempDir        string // for Parquet exports; empty: the system's

	// AdminMaxFailures wrong admin tokens from one address within
	// AdminFailWindow get its admin requests a 429 for a window; defaults
	// 10 and 1 min (throttle.go). Clock is the throttle's, for tests.
	AdminMaxFailures int
	AdminFailWindow  time.Duration
	Clock            func() time.Time
}

func (c *Config) defaults() {
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = 30 * time.Second
	}
	if c.ExportTimeout == 0 {
		c.ExportTimeout = 10 * time.Minute
	}
	if c.MaxExports == 0 {
		c.MaxExports = 4
	}
	if c.RunTimeout == 0 {
		c.RunTimeout = 30 * time.Minute
	}
	if c.AdminTimeout == 0 {
		c.AdminTimeout = 5 * time.Minute
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 64 << 20
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = 60 * time.Second
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = 2 * time.Minute
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 2 * time.Minute
	}
}

// Server is the HTTP API.
type Server struct {
	cfg  Config
	hub  Hub
	geo  *observatory.Gazetteer
	ref  *observatory.Referential
	log  *slog.Logger
	echo *echo.Echo
	http *http.Server

	cache   *httpcache.Cache // ETags, 304, encoded responses
	cached  echo.MiddlewareFunc
	metrics *metrics
	infos   sync.Map      // snapshot id -> *observatory.Snapshot
	memo    *memo         // intermediate results of the indicators, by snapshot
	facts   *memo         // the snapshot's facts as the indicators read them (observatory.MemoFacts)
	exports chan struct{} // slots for downloads being written
	atlases *carto.Atlases
	fonts   *carto.Fonts

	docsHTML  lazyDocs // the docs page by language, rendered from the OpenAPI document on first request
	geoInputs []observatory.Input

	ingestMu sync.Mutex // one admin ingest at a time
	runs     runRegistry
	diffs    *memo // diffs between two snapshots, by pair
	states   *memo // what a diff compares of a snapshot, by id
	sims     *memo // simulations, by snapshot and canonical query (simulate.go)
	recs     *memo // recommendations of every candidate, by snapshot and query (recommend.go)
	parquet  *parquetFiles

	// base is the server's lifetime, which background runs work under.
	base     context.Context
	stop     context.CancelFunc
	throttle *throttle // wrong admin tokens per address

	// lateDeadline holds the GET routes that set their time limit after
	// the response cache (cachedGET), written once by routes.
	lateDeadline map[string]bool
}

// New builds the server and its routes over the reference data ref.
func New(cfg Config, hub Hub, ref observatory.Reference, log *slog.Logger) (*Server, error) {
	cfg.defaults()
	s := &Server{cfg: cfg, hub: hub, geo: ref.Geo, ref: ref.Metiers, log: log,
		atlases: carto.NewAtlases(ref.Geo), geoInputs: embeddedInputs(), memo: newMemo(32), facts: newMemo(128),
		exports: make(chan struct{}, cfg.MaxExports), diffs: newMemo(64), states: newMemo(8), sims: newMemo(64), recs: newMemo(8),
		parquet: newParquetFiles(cfg.TempDir, 64)}
	s.base, s.stop = context.WithCancel(context.Background())
	s.throttle = newThrottle(cfg.AdminMaxFailures, cfg.AdminFailWindow, cfg.Clock, log)
	var err error
	if s.fonts, err = carto.LoadFonts(); err != nil {
		return nil, err
	}
	if err := validateRegistry(); err != nil {
		return nil, err
	}
	s.cache = httpcache.New(httpcache.Config{Version: cfg.Version, Budget: cfg.CacheBytes,
		Snapshot: s.requestSnapshot, Variant: canonicalFormat})
	gz, err := gzhttp.NewWrapper(gzhttp.ContentTypeFilter(httpcache.Compressible))
	if err != nil {
		return nil, err
	}
	s.cached = netHTTP(func(h http.Handler) http.Handler { return s.cache.Handler(gz(h)) })
	s.metrics = newMetrics(s)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	e.JSONSerializer = jsonSerializer{}
	s.echo = e
	s.lateDeadline = map[string]bool{}
	s.routes()
	s.http = &http.Server{
		Addr:              cfg.Addr,
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// Handler is the server's http.Handler, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.echo }

// Serve listens on l until ctx ends, then shuts down gracefully, letting
// requests in flight finish within grace.
func (s *Server) Serve(ctx context.Context, l net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := s.http.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	// A run under way may finish within the grace; else it is cancelled,
	// which drops the snapshot it was building and changes nothing.
	if err := s.runs.wait(sctx); err != nil {
		s.log.Warn("shutting down: an ingest run is cancelled", "err", err)
	}
	s.stop()
	return s.Close()
}

// Close removes what the server keeps on disk (the Parquet files written
// for downloads). Serve calls it; a server used through Handler alone
// (tests, embedding) calls it when done.
func (s *Server) Close() error { return s.parquet.Close() }
