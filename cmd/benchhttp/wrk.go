package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// wrk is the wrk command (Debian package wrk).
type wrk struct {
	version string
	threads func(conns int) int
}

func (w wrk) Name() string { return w.version }

func (w wrk) Run(ctx context.Context, url string, conns int, d time.Duration, gzip bool) (Result, error) {
	// wrk takes whole seconds ("1m30s" is not understood).
	secs := max(1, int(d.Round(time.Second)/time.Second))
	args := []string{"-t", strconv.Itoa(w.threads(conns)), "-c", strconv.Itoa(conns),
		"-d", fmt.Sprintf("%ds", secs), "--latency", "--timeout", fmt.Sprintf("%ds", int(requestTimeout/time.Second))}
	if gzip {
		args = append(args, "-H", "Accept-Encoding: gzip")
	}
	out, err := exec.CommandContext(ctx, "wrk", append(args, url)...).CombinedOutput()
	if ctx.Err() != nil {
		return Result{}, ctx.Err()
	}
	if err != nil {
		return Result{}, fmt.Errorf("wrk %s: %v\n%s", url, err, out)
	}
	return parseWrk(string(out))
}

var (
	wrkRate      = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	wrkCount     = regexp.MustCompile(`(?m)^\s*(\d+) requests in `)
	wrkPercent   = regexp.MustCompile(`^\s+(50|99)(?:\.0+)?%\s+([0-9.]+)(us|ms|s|m|h)\s*$`)
	wrkSocket    = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	wrkNon2xx3xx = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

// parseWrk reads the output of wrk --latency: Requests/sec, the 50% and
// 99% lines of its Latency Distribution, and the error counts.
func parseWrk(out string) (Result, error) {
	var r Result
	m := wrkRate.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("no Requests/sec in wrk's output:\n%s", out)
	}
	r.ReqPerSec, _ = strconv.ParseFloat(m[1], 64)
	if m := wrkCount.FindStringSubmatch(out); m != nil {
		r.Requests, _ = strconv.ParseInt(m[1], 10, 64)
	}
	inDist := false
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, "Latency Distribution") {
			inDist = true
			continue
		}
		m := wrkPercent.FindStringSubmatch(line)
		if !inDist || m == nil {
			continue
		}
		d, err := time.ParseDuration(m[2] + m[3])
		if err != nil {
			return r, fmt.Errorf("wrk latency %q: %w", line, err)
		}
		if m[1] == "50" {
			r.P50 = d
		} else {
			r.P99 = d
		}
	}
	if r.P50 == 0 || r.P99 == 0 {
		if r.Requests == 0 {
			return r, fmt.Errorf("wrk completed no request:\n%s", out)
		}
		return r, fmt.Errorf("no 50%%/99%% latency in wrk's output (--latency?):\n%s", out)
	}
	if m := wrkSocket.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.ParseInt(s, 10, 64)
			r.Errors += n
		}
	}
	if m := wrkNon2xx3xx.FindStringSubmatch(out); m != nil {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		r.Errors += n
	}
	return r, nil
}
