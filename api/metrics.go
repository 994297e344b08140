package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (no global state): requests by route and status, their latency, the
// response cache, the snapshot served, and Go's runtime and process
// collectors.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	handler  http.Handler
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "observatory_http_requests_total", Help: "HTTP requests served, by route template and status."},
		[]string{"route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "observatory_http_request_duration_seconds", Help: "Time to serve a request, by route template.",
		Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}},
		[]string{"route"})
	m.reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		snapshotCollector{s})
	gauge := func(name, help string, f func() float64) {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
	}
	counter := func(name, help string, f func() float64) {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f))
	}
	counter("observatory_cache_hits_total", "Responses served from the response cache.", func() float64 { return float64(s.cache.Stats().Hits) })
	counter("observatory_cache_misses_total", "Cacheable requests the response cache did not hold.", func() float64 { return float64(s.cache.Stats().Misses) })
	counter("observatory_cache_evictions_total", "Responses dropped from the cache to stay within its budget.",
		func() float64 { return float64(s.cache.Stats().Evictions) })
	gauge("observatory_cache_entries", "Responses held in the cache.", func() float64 { return float64(s.cache.Stats().Entries) })
	gauge("observatory_cache_bytes", "Bytes held in the cache.", func() float64 { return float64(s.cache.Stats().Bytes) })
	build := prometheus.NewGauge(prometheus.GaugeOpts{Name: "observatory_build_info", Help: "The server's version.",
		ConstLabels: prometheus.Labels{"version": s.cfg.Version}})
	build.Set(1)
	m.reg.MustRegister(build)
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

// observe records every request by route template (not raw path, so the
// series stay few) and final status.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		route := c.Path()
		if route == "" || route == "/*" {
			route = "unmatched"
		}
		s.metrics.requests.WithLabelValues(route, strconv.Itoa(c.Response().Status)).Inc()
		s.metrics.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
		return nil
	}
}

// metricsHandler serves /metrics.
func (s *Server) metricsHandler(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	s.metrics.handler.ServeHTTP(c.Response(), c.Request())
	return nil
}

// snapshotCollector reports the snapshot being served: its id as a label,
// its age, formations and quarantined rows.
type snapshotCollector struct{ s *Server }

var (
	snapshotInfoDesc = prometheus.NewDesc("observatory_snapshot_info", "The snapshot being served.", []string{"snapshot", "synthetic"}, nil)
	snapshotAgeDesc  = prometheus.NewDesc("observatory_snapshot_age_seconds", "Seconds since the snapshot being served was built.", nil, nil)
	snapshotFormDesc = prometheus.NewDesc("observatory_snapshot_formations", "Formations in the snapshot being served.", nil, nil)
	snapshotQuarDesc = prometheus.NewDesc("observatory_snapshot_quarantined_rows", "Input rows of the snapshot that were not loaded.", nil, nil)
)

func (snapshotCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- snapshotInfoDesc
	ch <- snapshotAgeDesc
	ch <- snapshotFormDesc
	ch <- snapshotQuarDesc
}

func (sc snapshotCollector) Collect(ch chan<- prometheus.Metric) {
	st, release, err := sc.s.hub.Acquire()
	if err != nil {
		return
	}
	defer release()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	info, err := sc.s.snapshotInfo(ctx, st)
	if err != nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(snapshotInfoDesc, prometheus.GaugeValue, 1, info.ID, strconv.FormatBool(info.Synthetic))
	ch <- prometheus.MustNewConstMetric(snapshotAgeDesc, prometheus.GaugeValue, time.Since(info.Created).Seconds())
	ch <- prometheus.MustNewConstMetric(snapshotFormDesc, prometheus.GaugeValue, float64(info.Counts.Formations))
	ch <- prometheus.MustNewConstMetric(snapshotQuarDesc, prometheus.GaugeValue, float64(info.Quarantined))
}
