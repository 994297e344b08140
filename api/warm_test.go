package api_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/api"
	"github.com/gen-numerique/observatory/datasets/datasetstest"
)

// TestWarm: every warm-up path answers 200 on the default snapshot, and
// the warm-up says so in the log; a cancelled warm-up stops.
func TestWarm(t *testing.T) {
	e := newEnv(t)
	var logs bytes.Buffer
	srv, err := api.New(api.Config{Version: "test"}, e.hub, datasetstest.Reference(t), slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if failed := srv.Warm(context.Background()); len(failed) != 0 {
		t.Fatalf("warm-up paths not answered: %v", failed)
	}
	if !strings.Contains(logs.String(), "msg=warmed") || !strings.Contains(logs.String(), "failed=0") {
		t.Errorf("log:\n%s", logs.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if failed := srv.Warm(ctx); len(failed) != 0 {
		t.Errorf("a cancelled warm-up reports %v", failed)
	}
}
