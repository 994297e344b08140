package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/observatory/duckdb"
)

const smallCatalogue = "../../ingest/testdata/bad/catalogue-cp1252.csv"

// ingestN makes n snapshots of the small catalogue in data, oldest first.
func ingestN(t *testing.T, data string, n int) []string {
	t.Helper()
	var ids []string
	for i := 0; i < n; i++ {
		if code, out, stderr := runCmd(t, "ingest", "catalogue", "--data", data, "--quiet", smallCatalogue); code != 0 {
			t.Fatalf("ingest: %d %q %q", code, out, stderr)
		}
		cur, err := duckdb.Dir{Root: data}.Current()
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, cur)
		time.Sleep(1100 * time.Millisecond) // ids are made to the second
	}
	return ids
}

func exists(path string) bool { _, err := os.Stat(path); return err == nil }

// snapshots prune --keep N keeps the current one and the newest N, says
// what it removed and freed, and cleans the leftovers of killed runs; it
// will not guess N, and --dry-run removes nothing.
func TestPruneCommand(t *testing.T) {
	data := t.TempDir()
	dir := duckdb.Dir{Root: data}
	ids := ingestN(t, data, 4)
	if code, _, stderr := runCmd(t, "snapshots", "prune", "--data", data); code != 2 || !strings.Contains(stderr, "--keep") {
		t.Fatalf("prune without --keep: %d %q", code, stderr)
	}
	if code, out, _ := runCmd(t, "snapshots", "prune", "--keep", "2", "--dry-run", "--data", data); code != 0 ||
		!strings.Contains(out, "would remove "+ids[0]) || !strings.Contains(out, "would remove "+ids[1]) || !exists(dir.Path(ids[0])) {
		t.Fatalf("dry run: %d %q", code, out)
	}
	building := filepath.Join(data, "snapshots", duckdb.NewID(time.Now().Add(time.Hour))+".duckdb.building")
	if err := os.WriteFile(building, bytes.Repeat([]byte("x"), 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCmd(t, "snapshots", "prune", "--keep", "2", "--data", data)
	if code != 0 || !strings.Contains(out, "removed "+ids[0]) || !strings.Contains(out, "removed "+ids[1]) ||
		!strings.Contains(out, "removed 2 snapshots,") || !strings.Contains(out, "freed; 2 kept") || !strings.Contains(out, ".building") {
		t.Fatalf("prune: %d %q %q", code, out, stderr)
	}
	for i, id := range ids {
		if exists(dir.Path(id)) != (i >= 2) {
			t.Errorf("%s: exists %v after prune --keep 2", id, exists(dir.Path(id)))
		}
	}
	if exists(building) {
		t.Error("the killed run's .building file is left")
	}
	// --keep 0 still keeps the current one.
	if code, out, _ := runCmd(t, "snapshots", "prune", "--keep", "0", "--data", data); code != 0 || !exists(dir.Path(ids[3])) || exists(dir.Path(ids[2])) {
		t.Fatalf("prune --keep 0: %d %q", code, out)
	}
	if code, out, _ := runCmd(t, "snapshots", "--data", data); code != 0 || strings.Count(out, "\n") != 2 {
		t.Fatalf("after prune: %q", out)
	}
}

// startServe runs serve on a free port until the test ends.
func startServe(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	logs := &syncBuffer{}
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", addr, "--log-level", "info"}, args...), &bytes.Buffer{}, logs)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("no graceful shutdown")
		}
	})
	deadline := time.Now().Add(5 * time.Minute)
	for {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not up: %v; %s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return addr, logs
}

// syncBuffer is a buffer the server's log goroutines may write to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// At start, serve removes what killed runs left (a .building file and its
// WAL, a dead process's upload) and says so in its log; with --keep it
// prunes after each new snapshot.
func TestServeCleansAndKeeps(t *testing.T) {
	data := t.TempDir()
	dir := duckdb.Dir{Root: data}
	ids := ingestN(t, data, 2)
	killed := filepath.Join(data, "snapshots", duckdb.NewID(time.Now().Add(time.Hour))+".duckdb.building")
	upload := filepath.Join(dir.Temp(), duckdb.TempPrefix+"999999999-upload-1")
	for _, p := range []string{killed, killed + ".wal", upload} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("left by kill -9"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	addr, logs := startServe(t, "--data", data, "--keep", "1", "--watch", "100ms")
	for _, p := range []string{killed, killed + ".wal", upload} {
		if exists(p) {
			t.Errorf("%s left at start", p)
		}
	}
	if l := logs.String(); strings.Count(l, "removed a leftover of a killed run") != 3 {
		t.Errorf("the cleaning is not logged: %s", l)
	}
	// --keep applies at start too: the current one and the newest 1.
	if exists(dir.Path(ids[0])) || !exists(dir.Path(ids[1])) {
		t.Errorf("at start with --keep 1: %v %v", exists(dir.Path(ids[0])), exists(dir.Path(ids[1])))
	}
	// The current one, replayed by its id: the server holds it.
	res, err := http.Get("http://" + addr + "/api/v1/formations?limit=1&snapshot=" + ids[1])
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("replay of %s: %v %v\n%s", ids[0], res.StatusCode, err, logs.String())
	}
	res.Body.Close()

	// A new snapshot: the server switches to it and prunes the one it
	// served until then, once no request holds it.
	ingestN(t, data, 1)
	deadline := time.Now().Add(2 * time.Minute)
	for exists(dir.Path(ids[1])) {
		if time.Now().After(deadline) {
			t.Fatalf("serve --keep 1 did not prune %s:\n%s", ids[1], logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	res, err = http.Get("http://" + addr + "/api/v1/formations?limit=1&snapshot=" + ids[1])
	if err != nil || res.StatusCode != 404 {
		t.Fatalf("replay of the pruned %s: %v %v", ids[1], res.StatusCode, err)
	}
	res.Body.Close()
}
