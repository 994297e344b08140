package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// metrics counts requests in the Prometheus text exposition format
// (version 0.0.4), written by hand: a few counters and one histogram do
// not need a client library.
type metrics struct {
	mu       sync.Mutex
	requests map[[2]string]uint64 // route, status -> count
	latency  map[string]*histogram
	started  time.Time
}

// latencyBuckets are the histogram's upper bounds in seconds.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	count  uint64
}

func newMetrics() *metrics {
	return &metrics{requests: map[[2]string]uint64{}, latency: map[string]*histogram{}, started: time.Now()}
}

// observe records every request by route template (not raw path, so the
// series stay few) and final status.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		route := c.Path()
		if route == "" || route == "/*" {
			route = "unmatched"
		}
		s.metrics.record(route, c.Response().Status, time.Since(start))
		return nil
	}
}

func (m *metrics) record(route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[[2]string{route, strconv.Itoa(status)}]++
	h := m.latency[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets))}
		m.latency[route] = h
	}
	sec := d.Seconds()
	for i, b := range latencyBuckets {
		if sec <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += sec
	h.count++
}

// metricsHandler serves /metrics.
func (s *Server) metricsHandler(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	c.Response().Header().Set(echo.HeaderContentType, "text/plain; version=0.0.4; charset=utf-8")
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	c.Response().WriteHeader(http.StatusOK)
	return s.writeMetrics(c.Request().Context(), c.Response())
}

func (s *Server) writeMetrics(ctx context.Context, w io.Writer) error {
	var b strings.Builder
	m := s.metrics
	m.mu.Lock()
	b.WriteString("# HELP observatory_http_requests_total HTTP requests served, by route template and status.\n")
	b.WriteString("# TYPE observatory_http_requests_total counter\n")
	keys := make([][2]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "observatory_http_requests_total{route=%s,status=%s} %d\n", label(k[0]), label(k[1]), m.requests[k])
	}
	b.WriteString("# HELP observatory_http_request_duration_seconds Time to serve a request, by route template.\n")
	b.WriteString("# TYPE observatory_http_request_duration_seconds histogram\n")
	for _, route := range sortedKeys(m.latency) {
		h := m.latency[route]
		var cum uint64
		for i, ub := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(&b, "observatory_http_request_duration_seconds_bucket{route=%s,le=%s} %d\n", label(route),
				label(strconv.FormatFloat(ub, 'g', -1, 64)), cum)
		}
		fmt.Fprintf(&b, "observatory_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", label(route), h.count)
		fmt.Fprintf(&b, "observatory_http_request_duration_seconds_sum{route=%s} %s\n", label(route), strconv.FormatFloat(h.sum, 'g', -1, 64))
		fmt.Fprintf(&b, "observatory_http_request_duration_seconds_count{route=%s} %d\n", label(route), h.count)
	}
	m.mu.Unlock()

	var hits, misses, evictions int64
	var entries int
	var bytes int64
	if rc := s.cache; rc != nil {
		hits, misses, evictions = rc.hits.Load(), rc.misses.Load(), rc.evictions.Load()
		entries, bytes = rc.stats()
	}
	counter := func(name, help string, v int64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	gauge := func(name, help string, v string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %s\n", name, help, name, name, v)
	}
	counter("observatory_cache_hits_total", "Responses served from the response cache.", hits)
	counter("observatory_cache_misses_total", "Cacheable requests the response cache did not hold.", misses)
	counter("observatory_cache_evictions_total", "Responses dropped from the cache to stay within its budget.", evictions)
	gauge("observatory_cache_entries", "Responses held in the cache.", strconv.Itoa(entries))
	gauge("observatory_cache_bytes", "Bytes held in the cache.", strconv.FormatInt(bytes, 10))
	gauge("observatory_uptime_seconds", "Seconds since the server started.", strconv.FormatFloat(time.Since(m.started).Seconds(), 'f', 3, 64))
	fmt.Fprintf(&b, "# HELP observatory_build_info The server's version.\n# TYPE observatory_build_info gauge\nobservatory_build_info{version=%s} 1\n", label(s.cfg.Version))

	// The snapshot: its id as a label, its age as a value.
	if st, release, err := s.hub.Acquire(); err == nil {
		info, err := s.snapshotInfo(ctx, st)
		release()
		if err == nil {
			fmt.Fprintf(&b, "# HELP observatory_snapshot_info The snapshot being served.\n# TYPE observatory_snapshot_info gauge\n"+
				"observatory_snapshot_info{snapshot=%s,synthetic=%s} 1\n", label(info.ID), label(strconv.FormatBool(info.Synthetic)))
			gauge("observatory_snapshot_age_seconds", "Seconds since the snapshot being served was built.",
				strconv.FormatFloat(time.Since(info.Created).Seconds(), 'f', 0, 64))
			gauge("observatory_snapshot_formations", "Formations in the snapshot being served.", strconv.Itoa(info.Counts.Formations))
			gauge("observatory_snapshot_quarantined_rows", "Input rows of the snapshot that were not loaded.", strconv.Itoa(info.Quarantined))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// label quotes a label value as the exposition format wants.
func label(v string) string {
	r := strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
	return `"` + r.Replace(v) + `"`
}
