package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"
)

// hotSwap drives the server with clients while catalogues of 3,000 and
// 3,100 formations are ingested in turn: every answer must be a 200 whose
// header and body name the same snapshot, with that snapshot's count.
func (w *world) hotSwap(ctx context.Context) (int, error) {
	fmt.Printf("soak: hot swap: %d clients, at least %d requests and %d ingests\n", w.cfg.workers, w.cfg.requests, w.cfg.swaps)
	var requests, failures, mixed atomic.Int64
	totals := sync.Map{} // snapshot → formations it answered with
	stop := make(chan struct{})
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: w.cfg.workers}}
	paths := []string{"/api/v1/formations?limit=5", "/api/v1/formations?limit=1&region=84",
		"/api/v1/indicators/formations?level=region", "/readyz"}
	var wg sync.WaitGroup
	for i := range w.cfg.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := i; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				path := paths[n%len(paths)]
				requests.Add(1)
				res, err := client.Get("http://" + w.addr + path)
				if err != nil {
					failures.Add(1)
					continue
				}
				var body struct {
					Snapshot string `json:"snapshot"`
					Total    *int   `json:"total"`
				}
				err = json.NewDecoder(res.Body).Decode(&body)
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if err != nil || res.StatusCode != 200 {
					failures.Add(1)
					continue
				}
				if res.Header.Get("X-Observatory-Snapshot") != body.Snapshot {
					mixed.Add(1)
					continue
				}
				if n%len(paths) == 0 && body.Total != nil {
					if prev, loaded := totals.LoadOrStore(body.Snapshot, *body.Total); loaded && prev.(int) != *body.Total {
						mixed.Add(1)
					}
				}
			}
		}()
	}
	start := time.Now()
	swaps, failedIngests := 0, 0
	for swaps < w.cfg.swaps || requests.Load() < int64(w.cfg.requests) {
		if ctx.Err() != nil {
			break
		}
		out, err := exec.CommandContext(ctx, w.cfg.bin, "ingest", "catalogue", "--data", w.data, "--allow-shrink", w.swapFiles[swaps%2]).CombinedOutput()
		if err != nil {
			failedIngests++
			fmt.Printf("soak:   ingest %d failed: %v\n%s\n", swaps, err, out)
		}
		swaps++
		time.Sleep(150 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	el := time.Since(start)
	seen := 0
	totals.Range(func(_, _ any) bool { seen++; return true })
	fmt.Printf("soak:   %d requests in %.1f s (%.0f/s), %d ingests, %d snapshots answered: %d failures, %d mixed answers, %d failed ingests\n",
		requests.Load(), el.Seconds(), float64(requests.Load())/el.Seconds(), swaps, seen, failures.Load(), mixed.Load(), failedIngests)
	return int(failures.Load() + mixed.Load() + int64(failedIngests)), nil
}
