package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"
)

// server is one of the servers compared, as the load generator reaches it.
type server struct {
	name    string // project, FileServer, nginx
	base    string // http://127.0.0.1:PORT
	ceiling bool   // serves the saved responses by file name
}

func (s server) url(t Target) string {
	if s.ceiling {
		return s.base + "/" + t.File
	}
	return s.base + t.Endpoint.Path
}

// Cell is one target at one connection count, measured on every server.
type Cell struct {
	Target  Target
	Conns   int
	Results []Result // in the order of the servers; medians when repeated
}

// runMatrix measures every target that was not skipped, endpoint by
// endpoint, at each connection count. Within a cell the servers run back
// to back, and with -repeat the whole round alternates again, so that the
// machine's drift (heat, other users, a GC in the project) falls on all of
// them alike rather than on whichever ran last. On error or interrupt it
// returns the cells done so far.
func runMatrix(ctx context.Context, lg LoadGen, servers []server, targets []Target, cfg *Config, progress io.Writer) ([]Cell, error) {
	var todo []Cell
	for _, group := range byEndpoint(targets) {
		for _, c := range cfg.Conns {
			for _, t := range group {
				if t.Skip == "" {
					todo = append(todo, Cell{Target: t, Conns: c})
				}
			}
		}
	}
	per := time.Duration(len(servers)*cfg.Repeat) * cfg.Duration
	var done []Cell
	for i, cell := range todo {
		left := time.Duration(len(todo)-i) * per
		fmt.Fprintf(progress, "benchhttp: [%d/%d] %s %s, %d conns (about %s left)\n",
			i+1, len(todo), cell.Target.Endpoint.Name, cell.Target.encoding(), cell.Conns, left.Round(time.Second))
		runs := make([][]Result, len(servers))
		for range cfg.Repeat {
			for si, s := range servers {
				r, err := lg.Run(ctx, s.url(cell.Target), cell.Conns, cfg.Duration, cell.Target.Gzip)
				if err != nil {
					return done, fmt.Errorf("%s %s on %s: %w", cell.Target.Endpoint.Name, cell.Target.encoding(), s.name, err)
				}
				runs[si] = append(runs[si], r)
			}
		}
		for si, s := range servers {
			cell.Results = append(cell.Results, median(runs[si]))
			r := cell.Results[si]
			fmt.Fprintf(progress, "benchhttp:     %-10s %8.0f req/s  p50 %-8s p99 %-8s%s\n",
				s.name, r.ReqPerSec, fmtDur(r.P50), fmtDur(r.P99), errNote(r))
		}
		done = append(done, cell)
	}
	return done, nil
}

// byEndpoint groups consecutive targets of one endpoint (identity, gzip).
func byEndpoint(targets []Target) [][]Target {
	var groups [][]Target
	for i, t := range targets {
		if i > 0 && targets[i-1].Endpoint == t.Endpoint {
			groups[len(groups)-1] = append(groups[len(groups)-1], t)
			continue
		}
		groups = append(groups, []Target{t})
	}
	return groups
}

// median takes each figure's median on its own (the run with the median
// rate need not have the median p99); errors and requests add up.
func median(rs []Result) Result {
	pick := func(f func(Result) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		slices.Sort(v)
		if n := len(v); n%2 == 0 {
			return (v[n/2-1] + v[n/2]) / 2
		}
		return v[len(v)/2]
	}
	out := Result{
		ReqPerSec: pick(func(r Result) float64 { return r.ReqPerSec }),
		P50:       time.Duration(pick(func(r Result) float64 { return float64(r.P50) })),
		P99:       time.Duration(pick(func(r Result) float64 { return float64(r.P99) })),
	}
	for _, r := range rs {
		out.Requests += r.Requests
		out.Errors += r.Errors
	}
	return out
}

func errNote(r Result) string {
	if r.Errors == 0 {
		return ""
	}
	return fmt.Sprintf("  (%d errors of %d)", r.Errors, r.Requests)
}
