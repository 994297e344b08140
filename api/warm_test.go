package api_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/api"
	"github.com/gen-numerique/observatory/datasets/datasetstest"
)

// TestWarm: every warm-up path answers 200 on the default snapshot, and
// the warm-up says so in the log; with a public URL it fills the response
// cache for the visitors who ask by that host (their first request is a
// hit, another host's a miss); a cancelled warm-up stops.
func TestWarm(t *testing.T) {
	t.Parallel() // its own server and data directory
	e := newEnv(t)
	var logs bytes.Buffer
	srv, err := api.New(api.Config{Version: "test", PublicURL: "https://observatoire.example.fr"}, e.hub, datasetstest.Reference(t),
		slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if failed := srv.Warm(context.Background()); len(failed) != 0 {
		t.Fatalf("warm-up paths not answered: %v", failed)
	}
	if !strings.Contains(logs.String(), "msg=warmed") || !strings.Contains(logs.String(), "failed=0") {
		t.Errorf("log:\n%s", logs.String())
	}
	for host, want := range map[string]string{"observatoire.example.fr": "hit", "other.example.fr": "miss"} {
		req := httptest.NewRequest(http.MethodGet, "/map.png", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || rec.Header().Get("X-Cache") != want {
			t.Errorf("/map.png by %s after the warm-up: %d, X-Cache %q, want %q", host, rec.Code, rec.Header().Get("X-Cache"), want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if failed := srv.Warm(ctx); len(failed) != 0 {
		t.Errorf("a cancelled warm-up reports %v", failed)
	}
}
