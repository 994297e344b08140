package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// soakToken is the admin token of the server the suite starts.
const soakToken = "soak-admin-token"

// world is the suite's data directory, catalogues and running server.
type world struct {
	cfg        config
	dir, data  string
	big        string    // the catalogue killed mid-ingest
	swapFiles  [2]string // the catalogues the hot-swap run alternates
	addr       string
	srv        *exec.Cmd
	baseID     string // the snapshot that must survive every kill
	baseTotal  int
	httpClient *http.Client
}

// state is what the server serves: its snapshot and formation count.
type state struct {
	Snapshot string `json:"snapshot"`
	Total    int    `json:"total"`
}

func (w *world) prepare(ctx context.Context) error {
	w.data = filepath.Join(w.dir, "data")
	w.httpClient = &http.Client{Timeout: 30 * time.Second}
	var err error
	if w.big, err = genCatalogue(w.dir, w.cfg.rows, "csv"); err != nil {
		return err
	}
	for i, n := range []int{3000, 3100} {
		if w.swapFiles[i], err = genCatalogue(w.dir, n, "csv"); err != nil {
			return err
		}
	}
	// The base snapshot: the default data, then a catalogue of our own.
	if out, err := exec.CommandContext(ctx, w.cfg.bin, "ingest", "catalogue", "--data", w.data, "--allow-shrink", w.swapFiles[0]).CombinedOutput(); err != nil {
		return fmt.Errorf("base ingest: %v\n%s", err, out)
	}
	if err := w.start(ctx); err != nil {
		return err
	}
	st, err := w.state(ctx)
	if err != nil {
		return err
	}
	w.baseID, w.baseTotal = st.Snapshot, st.Total
	fmt.Printf("soak: base snapshot %s, %d formations; catalogue to kill: %d rows\n", st.Snapshot, st.Total, w.cfg.rows)
	return nil
}

// start runs the server on a free loopback port and waits until it is ready.
func (w *world) start(ctx context.Context) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	w.addr = l.Addr().String()
	l.Close()
	w.srv = exec.CommandContext(ctx, w.cfg.bin, "serve", "--data", w.data, "-addr", w.addr, "-watch", "100ms", "-admin-token", soakToken)
	w.srv.Stdout, w.srv.Stderr = io.Discard, io.Discard
	if os.Getenv("SOAK_VERBOSE") != "" {
		w.srv.Stderr = os.Stderr
	}
	if err := w.srv.Start(); err != nil {
		return err
	}
	for range 600 {
		res, err := w.httpClient.Get("http://" + w.addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("server on %s not ready after 30 s", w.addr)
}

// kill sends SIGKILL to the server and reaps it.
func (w *world) kill() {
	if w.srv != nil && w.srv.Process != nil {
		_ = w.srv.Process.Signal(syscall.SIGKILL)
		_ = w.srv.Wait()
	}
	w.srv = nil
}

func (w *world) stop() {
	if w.srv != nil && w.srv.Process != nil {
		_ = w.srv.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = w.srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			w.kill()
		}
	}
}

// state reads the snapshot and formation count the server answers with,
// and checks that the header and the body name the same snapshot.
func (w *world) state(ctx context.Context) (state, error) {
	var st state
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+w.addr+"/api/v1/formations?limit=1", nil)
	res, err := w.httpClient.Do(req)
	if err != nil {
		return st, err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return st, fmt.Errorf("formations: %s", res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		return st, err
	}
	if h := res.Header.Get("X-Observatory-Snapshot"); h != st.Snapshot {
		return st, fmt.Errorf("mixed answer: header %s, body %s", h, st.Snapshot)
	}
	if h := res.Header.Get("X-Total-Count"); h != "" && h != strconv.Itoa(st.Total) {
		return st, fmt.Errorf("mixed answer: total %s in the header, %d in the body", h, st.Total)
	}
	return st, nil
}

// intact checks the served data is still the base snapshot, whole.
func (w *world) intact(ctx context.Context, what string) bool {
	st, err := w.state(ctx)
	ok := err == nil && st.Snapshot == w.baseID && st.Total == w.baseTotal
	mark := "ok"
	if !ok {
		mark = fmt.Sprintf("FAILED (%v, %+v)", err, st)
	}
	fmt.Printf("soak:   %-44s served %s, %d formations: %s\n", what, st.Snapshot, st.Total, mark)
	return ok
}
