package main

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Result is one load run against one URL.
type Result struct {
	ReqPerSec float64
	P50, P99  time.Duration
	Requests  int64
	Errors    int64 // socket errors, timeouts and non-2xx/3xx answers
}

// LoadGen drives a closed loop of conns connections at url for d, each
// sending the next request when its previous answer is read.
type LoadGen interface {
	Name() string // with its version, for the report
	Run(ctx context.Context, url string, conns int, d time.Duration, gzip bool) (Result, error)
}

// requestTimeout is the load generators' per-request limit: past wrk's
// default 2s, a slow large download would count as an error and vanish
// from the latencies instead of showing in p99. The server's own is 30s.
const requestTimeout = 30 * time.Second

// chooseLoadGen picks the named generator, or for "auto" the first found of
// wrk, hey and the built-in vegeta. threads gives wrk's -t for a count of
// connections.
func chooseLoadGen(name string, threads func(conns int) int) (LoadGen, error) {
	has := func(bin string) bool { _, err := exec.LookPath(bin); return err == nil }
	switch {
	case name == "wrk" || name == "auto" && has("wrk"):
		if !has("wrk") {
			return nil, fmt.Errorf("wrk is not on PATH (apt-get install wrk)")
		}
		return wrk{version: firstLine(exec.Command("wrk", "-v")), threads: threads}, nil
	case name == "hey" || name == "auto" && has("hey"):
		if !has("hey") {
			return nil, fmt.Errorf("hey is not on PATH (apt-get install hey)")
		}
		return hey{version: packageVersion("hey")}, nil
	default:
		return vegetaGen{}, nil
	}
}

// firstLine is the first line a command prints, on stdout or stderr: wrk
// prints its version with its usage and exits 1, so the status is ignored.
func firstLine(cmd *exec.Cmd) string {
	out, _ := cmd.CombinedOutput()
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	line, _, _ = strings.Cut(line, " Copyright")
	return strings.TrimSpace(line)
}

// packageVersion is "NAME VERSION" from dpkg, for tools without a version
// flag (hey), or NAME alone.
func packageVersion(name string) string {
	out, err := exec.Command("dpkg-query", "-W", "-f", "${Version}", name).Output()
	if err != nil || len(out) == 0 {
		return name
	}
	return name + " " + strings.TrimSpace(string(out))
}
