package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// memCurve is `soak mem`: the peak resident memory of a catalogue ingest
// by row count, through the CLI (one process per run: its peak is the
// kernel's maxrss) and through an upload to a running server (VmRSS
// sampled every 100 ms, and again once the run has given its memory back).
// Each run starts from a data directory holding the embedded defaults and
// a small catalogue, as in use. The files are synthetic catalogues.
func memCurve(ctx context.Context, cfg config, sizes []int, ext, keep string) error {
	dir := keep
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "soak-mem-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	small, err := genCatalogue(dir, 3000, "csv")
	if err != nil {
		return err
	}
	fmt.Printf("%s catalogue\n", ext)
	fmt.Println("rows\tCLI peak RSS MB\tCLI s\tCLI rows/s\tserver idle MB\tserver peak MB\tserver after MB")
	for _, n := range sizes {
		path, err := genCatalogue(dir, n, ext)
		if err != nil {
			return err
		}
		data := filepath.Join(dir, fmt.Sprintf("data-cli-%d", n))
		if out, err := exec.CommandContext(ctx, cfg.bin, "ingest", "catalogue", "--data", data, "--quiet", "--allow-shrink", small).CombinedOutput(); err != nil {
			return fmt.Errorf("base ingest: %v\n%s", err, out)
		}
		cmd := exec.CommandContext(ctx, cfg.bin, "ingest", "catalogue", "--data", data, "--quiet", "--allow-shrink", path)
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("ingest of %d rows: %v\n%s", n, err, out)
		}
		took := time.Since(start)
		peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss / 1024 // KB on Linux
		os.RemoveAll(data)

		w := &world{cfg: cfg, dir: dir, data: filepath.Join(dir, fmt.Sprintf("data-srv-%d", n))}
		w.httpClient = &http.Client{Timeout: 30 * time.Second}
		if out, err := exec.CommandContext(ctx, cfg.bin, "ingest", "catalogue", "--data", w.data, "--quiet", "--allow-shrink", small).CombinedOutput(); err != nil {
			return fmt.Errorf("base ingest: %v\n%s", err, out)
		}
		if err := w.start(ctx); err != nil {
			return err
		}
		idle := rssMB(w.srv.Process.Pid)
		srvPeak, after, err := w.uploadPeak(ctx, path, n)
		w.stop()
		os.RemoveAll(w.data)
		if err != nil {
			return err
		}
		fmt.Printf("%d\t%d\t%.1f\t%.0f\t%d\t%d\t%d\n", n, peak, took.Seconds(), float64(n)/took.Seconds(), idle, srvPeak, after)
	}
	return nil
}

// uploadPeak uploads path and samples the server's RSS until it serves the
// n formations, then reads it again 5 s later.
func (w *world) uploadPeak(ctx context.Context, path string, n int) (peak, after int, err error) {
	pid := w.srv.Process.Pid
	done := make(chan int, 1)
	go func() { done <- w.upload(ctx, path) }()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	deadline := time.Now().Add(15 * time.Minute)
	for {
		peak = max(peak, rssMB(pid))
		select {
		case status := <-done:
			if status != 200 && status != 202 {
				return 0, 0, fmt.Errorf("upload of %d rows: status %d", n, status)
			}
			done = nil
		case <-tick.C:
		}
		if done == nil {
			if st, err := w.state(ctx); err == nil && st.Total == n {
				break
			}
			if why := w.failedRun(ctx); why != "" {
				return 0, 0, fmt.Errorf("upload of %d rows: the run failed: %s", n, why)
			}
		}
		if time.Now().After(deadline) {
			return 0, 0, fmt.Errorf("upload of %d rows: not served after 15 min", n)
		}
	}
	time.Sleep(5 * time.Second)
	return peak, rssMB(pid), nil
}

// rssMB is a process's resident set, in MB (0 if it cannot be read).
func rssMB(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return kb / 1024
		}
	}
	return 0
}

// failedRun is the error of the server's latest admin run if it failed,
// "" otherwise.
func (w *world) failedRun(ctx context.Context) string {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+w.addr+"/api/v1/admin/runs", nil)
	req.Header.Set("Authorization", "Bearer "+soakToken)
	res, err := w.httpClient.Do(req)
	if err != nil {
		return ""
	}
	defer res.Body.Close()
	var runs struct {
		Items []struct {
			Status string `json:"status"`
			Error  struct {
				Detail string `json:"detail"`
			} `json:"error"`
		} `json:"items"`
	}
	if json.NewDecoder(res.Body).Decode(&runs) != nil || len(runs.Items) == 0 || runs.Items[0].Status != "failed" {
		return ""
	}
	return runs.Items[0].Error.Detail
}
