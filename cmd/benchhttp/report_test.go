package main

import (
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	got := median([]Result{
		{ReqPerSec: 300, P50: 3 * time.Millisecond, P99: 9 * time.Millisecond, Requests: 10},
		{ReqPerSec: 100, P50: 1 * time.Millisecond, P99: 30 * time.Millisecond, Requests: 10, Errors: 1},
		{ReqPerSec: 200, P50: 2 * time.Millisecond, P99: 10 * time.Millisecond, Requests: 10},
	})
	want := Result{ReqPerSec: 200, P50: 2 * time.Millisecond, P99: 10 * time.Millisecond, Requests: 30, Errors: 1}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := median([]Result{{ReqPerSec: 1}, {ReqPerSec: 3}}); got.ReqPerSec != 2 {
		t.Errorf("even count: %+v", got)
	}
}

func TestTables(t *testing.T) {
	servers := []server{{name: "project"}, {name: "FileServer", ceiling: true}, {name: "nginx", ceiling: true}}
	ep := Endpoint{"gaps", "/api/v1/gaps?wave=1", true}
	other := Endpoint{"bassin", "/b", true}
	id := Target{Endpoint: ep, Size: 3700}
	gz := Target{Endpoint: ep, Gzip: true, Size: 1500}
	targets := []Target{id, gz, {Endpoint: other, Skip: "skipped (status 400)"}}
	res := func(rate float64, p99 time.Duration) Result {
		return Result{ReqPerSec: rate, P50: time.Millisecond, P99: p99, Requests: 100}
	}
	cells := []Cell{
		{Target: id, Conns: 16, Results: []Result{res(1000, 20*time.Millisecond), res(4000, 2*time.Millisecond), res(20000, 900*time.Microsecond)}},
		{Target: gz, Conns: 16, Results: []Result{res(500, 30*time.Millisecond), res(5000, 2*time.Millisecond), {ReqPerSec: 10000, Requests: 9, Errors: 2}}},
	}
	var b strings.Builder
	writeTables(&b, servers, targets, cells)
	s := b.String()
	for _, want := range []string{
		"#### gaps: `GET /api/v1/gaps?wave=1`",
		"| conns | encoding | size | project req/s | p50 | p99 | FileServer req/s | p50 | p99 | nginx req/s | p50 | p99 | project/FileServer | project/nginx |",
		"| 16 | identity | 3.6 KiB | 1000 | 1.00ms | 20.0ms | 4000 | 1.00ms | 2.00ms | 20000 | 1.00ms | 900µs | 0.25 | 0.050 |",
		"- 16 conns, gzip, nginx: 2 errors of 9 requests",
		"#### bassin: `GET /b`\n\n- identity: skipped (status 400)\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("tables lack %q:\n%s", want, s)
		}
	}
	b.Reset()
	writeSummary(&b, servers, cells, 16)
	if want := "- **gaps** (gzip, 16 conns, 1.5 KiB): project 500 req/s, p99 30.0ms; 0.10× FileServer (5000 req/s, p99 2.00ms); 0.050× nginx (10000 req/s, p99 0µs)\n"; b.String() != want {
		t.Errorf("summary:\n%s\nwant\n%s", b.String(), want)
	}
}

func TestFormats(t *testing.T) {
	for d, want := range map[time.Duration]string{
		850 * time.Microsecond: "850µs", 2500 * time.Microsecond: "2.50ms",
		25 * time.Millisecond: "25.0ms", 250 * time.Millisecond: "250ms", 12 * time.Second: "12.0s",
	} {
		if got := fmtDur(d); got != want {
			t.Errorf("fmtDur(%v) = %q, want %q", d, got, want)
		}
	}
	if fmtSize(512) != "512 B" || fmtSize(1536) != "1.5 KiB" || fmtSize(3<<20) != "3.0 MiB" {
		t.Error("fmtSize")
	}
	if got := command([]string{"-duration", "5s", "-server-args", "--log-level warn", "-section", "it's"}); got !=
		`go run ./cmd/benchhttp -duration 5s -server-args '--log-level warn' -section 'it'\''s'` {
		t.Errorf("command: %s", got)
	}
}

func TestParseFlags(t *testing.T) {
	var errs strings.Builder
	c, err := parseFlags(nil, &errs)
	if err != nil {
		t.Fatal(err)
	}
	if c.Bin != "bin/observatory" || c.Duration != 10*time.Second || len(c.Conns) != 3 || c.Conns[2] != 64 || c.LoadGen != "auto" {
		t.Errorf("defaults: %+v", c)
	}
	if c.threads(1) != 1 || c.threads(64) < 1 {
		t.Error("threads")
	}
	for _, bad := range [][]string{{"-conns", "1,x"}, {"-conns", "0"}, {"-loadgen", "ab"}, {"-nginx", "maybe"},
		{"-duration", "10ms"}, {"-repeat", "0"}, {"-out", "x.md", "-section", "a b"}, {"stray"}} {
		if _, err := parseFlags(bad, &errs); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
