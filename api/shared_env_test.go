package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	validator "github.com/pb33f/libopenapi-validator"

	"github.com/gen-numerique/observatory/api"
	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// shared is one server over a copy of the default snapshot, for the tests
// that only read (GET, no ingest, no switch, no check of the cache's
// first miss or of metrics): its response cache then builds each answer
// once for all of them, the 21 MB commune layer among them, instead of
// once per test. A test that changes anything takes newEnv.
var shared struct {
	once sync.Once
	root string
	env  *env
	err  error

	server *api.Server

	validatorOnce sync.Once // openAPIValidator
	validator     validator.Validator
	validatorErr  error
}

func sharedEnv(t testing.TB) *env {
	t.Helper()
	src := defaultSnapshot(t)
	shared.once.Do(func() {
		if shared.root, shared.err = os.MkdirTemp("", "observatory-api-shared-"); shared.err != nil {
			return
		}
		datasetstest.CopyTree(t, src, shared.root)
		dir := duckdb.Dir{Root: shared.root}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		hub := duckdb.NewHub(dir, log)
		if _, shared.err = hub.Reload(context.Background()); shared.err != nil {
			return
		}
		var srv *api.Server
		if srv, shared.err = api.New(api.Config{Version: "test"}, hub, datasetstest.Reference(t), log); shared.err != nil {
			return
		}
		shared.server = srv
		shared.env = &env{hub: hub, dir: dir, w: duckdb.Writer{Dir: dir, Ref: datasetstest.Reference(t), Version: "test"},
			srv: httptest.NewServer(srv.Handler())}
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.env
}

// closeShared stops the shared server (TestMain).
func closeShared() {
	if shared.env != nil {
		shared.env.srv.Close()
		shared.server.Close()
		shared.env.hub.Close()
	}
	if shared.root != "" {
		os.RemoveAll(shared.root)
	}
}
