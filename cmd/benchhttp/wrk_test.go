package main

import (
	"os"
	"testing"
	"time"
)

// The testdata files are real wrk 4.1.0 outputs, captured against the
// observatory server (the port changed to 8080).
func TestParseWrk(t *testing.T) {
	for _, tc := range []struct {
		file string
		want Result
	}{
		{"wrk-16conns.txt", Result{ReqPerSec: 4626.79, P50: 2220 * time.Microsecond, P99: 77650 * time.Microsecond, Requests: 9286}},
		{"wrk-non2xx.txt", Result{ReqPerSec: 7034.69, P50: 392 * time.Microsecond, P99: 36250 * time.Microsecond, Requests: 7166, Errors: 7166}},
	} {
		out, err := os.ReadFile("testdata/" + tc.file)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseWrk(string(out))
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.file, got, tc.want)
		}
	}
}

func TestParseWrkSocketErrors(t *testing.T) {
	out := `Running 1s test @ http://127.0.0.1:8080/
  1 threads and 2 connections
  Latency Distribution
     50%    1.50s
     99%    2.00s
  10 requests in 1.00s, 1.00KB read
  Socket errors: connect 0, read 1, write 0, timeout 3
Requests/sec:     10.00
`
	got, err := parseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	if got.Errors != 4 || got.P50 != 1500*time.Millisecond || got.P99 != 2*time.Second || got.Requests != 10 {
		t.Errorf("got %+v", got)
	}
}

func TestParseWrkRejects(t *testing.T) {
	for name, out := range map[string]string{
		"empty":        "",
		"no latency":   "  5 requests in 1.00s, 1KB read\nRequests/sec:  5.00\n",
		"no requests":  "  0 requests in 1.00s, 0B read\nRequests/sec:  0.00\n",
		"bad duration": "  Latency Distribution\n     50%  1.2.3ms\n     99%  2ms\n  1 requests in 1s\nRequests/sec: 1\n",
	} {
		if r, err := parseWrk(out); err == nil {
			t.Errorf("%s: no error, got %+v", name, r)
		}
	}
}
