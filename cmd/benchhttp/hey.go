package main

import (
	"context"
	"fmt"
	"math"
	"os/exec"
	"regexp"
	"strconv"
	"time"
)

// hey is the hey command (Debian package hey), the fallback when wrk is
// missing. Its latencies have a resolution of 0.1 ms.
type hey struct{ version string }

func (h hey) Name() string { return h.version }

func (h hey) Run(ctx context.Context, url string, conns int, d time.Duration, gzip bool) (Result, error) {
	// -disable-compression: without it Go's client asks for gzip itself and
	// decodes it, so "identity" would be neither what it says nor what the
	// other generators send.
	args := []string{"-z", d.String(), "-c", strconv.Itoa(conns), "-t", strconv.Itoa(int(requestTimeout / time.Second)), "-disable-compression"}
	if gzip {
		args = append(args, "-H", "Accept-Encoding: gzip")
	}
	out, err := exec.CommandContext(ctx, "hey", append(args, url)...).CombinedOutput()
	if ctx.Err() != nil {
		return Result{}, ctx.Err()
	}
	if err != nil {
		return Result{}, fmt.Errorf("hey %s: %v\n%s", url, err, out)
	}
	return parseHey(string(out))
}

var (
	heyRate    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	heyPercent = regexp.MustCompile(`(?m)^\s+(50|99)% in ([0-9.]+) secs`)
	heyStatus  = regexp.MustCompile(`(?m)^\s+\[(\d{3})\]\s+(\d+) responses`)
	heyError   = regexp.MustCompile(`(?m)^\s+\[(\d+)\]\s+(?:Get|Head|Post)\b`)
)

// parseHey reads hey's summary: Requests/sec, the 50% and 99% latencies,
// the status code and the error distributions.
func parseHey(out string) (Result, error) {
	var r Result
	m := heyRate.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("no Requests/sec in hey's output:\n%s", out)
	}
	r.ReqPerSec, _ = strconv.ParseFloat(m[1], 64)
	for _, m := range heyPercent.FindAllStringSubmatch(out, -1) {
		secs, _ := strconv.ParseFloat(m[2], 64)
		d := time.Duration(math.Round(secs*1e6)) * time.Microsecond
		if m[1] == "50" {
			r.P50 = d
		} else {
			r.P99 = d
		}
	}
	for _, m := range heyStatus.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.ParseInt(m[2], 10, 64)
		r.Requests += n
		if m[1][0] != '2' && m[1][0] != '3' {
			r.Errors += n
		}
	}
	for _, m := range heyError.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		r.Requests += n
		r.Errors += n
	}
	if r.Requests == 0 {
		return r, fmt.Errorf("hey completed no request:\n%s", out)
	}
	return r, nil
}
