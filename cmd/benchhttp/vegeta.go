package main

import (
	"context"
	"net/http"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// vegetaGen is vegeta as a library: the fallback that needs nothing
// installed. It runs in this process, so it shares no runtime with the
// servers (they are children), but it does share the machine's cores.
type vegetaGen struct{}

func (vegetaGen) Name() string { return "vegeta/v12 (library, built in)" }

func (vegetaGen) Run(ctx context.Context, url string, conns int, d time.Duration, gzip bool) (Result, error) {
	header := http.Header{}
	if gzip {
		header.Set("Accept-Encoding", "gzip")
	}
	// Our own transport: DisableCompression keeps "identity" identity
	// (Go's client would otherwise ask for gzip and decode it), and conns
	// connections at most, kept alive, like wrk's.
	client := &http.Client{Timeout: requestTimeout, Transport: &http.Transport{
		DisableCompression:  true,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
	}}
	defer client.CloseIdleConnections()
	// A zero rate is vegeta's "as fast as possible": with exactly conns
	// workers, a closed loop of conns requests in flight.
	atk := vegeta.NewAttacker(vegeta.Client(client), vegeta.Workers(uint64(conns)),
		vegeta.MaxWorkers(uint64(conns)), vegeta.MaxBody(0))
	targets := vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodGet, URL: url, Header: header})
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()
	var m vegeta.Metrics
	for res := range atk.Attack(targets, vegeta.ConstantPacer{}, d, "bench") {
		m.Add(res)
	}
	m.Close()
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	r := Result{ReqPerSec: m.Rate, P50: m.Latencies.P50, P99: m.Latencies.P99, Requests: int64(m.Requests)}
	for code, n := range m.StatusCodes {
		if code == "" || code[0] != '2' && code[0] != '3' {
			r.Errors += int64(n)
		}
	}
	return r, nil
}
