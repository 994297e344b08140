package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// The built-in fallback sends exactly the Accept-Encoding it is told to:
// none for identity (Go's client would add gzip by itself), gzip for gzip.
func TestVegetaAcceptEncoding(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Header.Get("Accept-Encoding")]++
		mu.Unlock()
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	for _, gz := range []bool{false, true} {
		r, err := vegetaGen{}.Run(context.Background(), srv.URL, 2, 200*time.Millisecond, gz)
		if err != nil {
			t.Fatal(err)
		}
		if r.Requests == 0 || r.Errors != 0 || r.ReqPerSec <= 0 || r.P99 < r.P50 {
			t.Errorf("gzip %v: %+v", gz, r)
		}
	}
	mu.Lock()
	if len(seen) != 2 || seen[""] == 0 || seen["gzip"] == 0 {
		t.Errorf("Accept-Encoding seen: %v", seen)
	}
	mu.Unlock()
	r, err := vegetaGen{}.Run(context.Background(), srv.URL+"/fail", 1, 100*time.Millisecond, false)
	if err != nil || r.Errors == 0 || r.Errors != r.Requests {
		t.Errorf("503s: %+v, %v", r, err)
	}
}
