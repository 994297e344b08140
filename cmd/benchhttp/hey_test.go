package main

import (
	"os"
	"testing"
	"time"
)

func TestParseHey(t *testing.T) {
	out, err := os.ReadFile("testdata/hey-16conns.txt") // real hey 0.1.4 output
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseHey(string(out))
	if err != nil {
		t.Fatal(err)
	}
	want := Result{ReqPerSec: 4595.1939, P50: 2200 * time.Microsecond, P99: 20600 * time.Microsecond, Requests: 9201}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestParseHeyErrors(t *testing.T) {
	out := `Summary:
  Requests/sec:	10.0000
Latency distribution:
  50% in 0.0010 secs
  99% in 0.0100 secs
Status code distribution:
  [200]	8 responses
  [503]	2 responses

Error distribution:
  [3]	Get "http://127.0.0.1:8080/": context deadline exceeded
`
	got, err := parseHey(out)
	if err != nil {
		t.Fatal(err)
	}
	if got.Requests != 13 || got.Errors != 5 {
		t.Errorf("got %+v", got)
	}
}
