package main

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// killPoints are the delays after which an ingest or an upload is killed:
// from before the file is read (opening the snapshot) to the last rows
// and the commit of a run of a few seconds.
var killPoints = []time.Duration{20 * time.Millisecond, 150 * time.Millisecond, 400 * time.Millisecond,
	time.Second, 2 * time.Second, 4 * time.Second}

// killIngests kills `observatory ingest` at each point while the server
// serves: the served data must stay the base snapshot, whole.
func (w *world) killIngests(ctx context.Context) (int, error) {
	fmt.Println("soak: kill -9 of the ingest CLI")
	bad := 0
	for _, d := range killPoints {
		cmd := exec.CommandContext(ctx, w.cfg.bin, "ingest", "catalogue", "--data", w.data, "--allow-shrink", w.big)
		if err := cmd.Start(); err != nil {
			return 0, err
		}
		time.Sleep(d)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		what := fmt.Sprintf("ingest killed after %v", d)
		if err == nil {
			what = fmt.Sprintf("ingest finished before %v", d) // the kill came too late to count
		}
		time.Sleep(300 * time.Millisecond) // three watch ticks
		if err == nil {
			// A finished run is a new base, whole too.
			st, serr := w.state(ctx)
			if serr != nil || st.Total != w.cfg.rows {
				bad++
			}
			w.baseID, w.baseTotal = st.Snapshot, st.Total
			fmt.Printf("soak:   %-44s now serves %s, %d formations\n", what, st.Snapshot, st.Total)
			continue
		}
		if !w.intact(ctx, what) {
			bad++
		}
	}
	// After the kills a run still succeeds and is served.
	out, err := exec.CommandContext(ctx, w.cfg.bin, "ingest", "catalogue", "--data", w.data, "--allow-shrink", w.swapFiles[1]).CombinedOutput()
	if err != nil {
		fmt.Printf("soak:   ingest after the kills: FAILED %v\n%s\n", err, out)
		return bad + 1, nil
	}
	time.Sleep(300 * time.Millisecond)
	st, err := w.state(ctx)
	if err != nil || st.Snapshot == w.baseID || st.Total != 3100 {
		fmt.Printf("soak:   ingest after the kills: FAILED, serves %+v (%v)\n", st, err)
		return bad + 1, nil
	}
	fmt.Printf("soak:   ingest after the kills served as %s, %d formations: ok\n", st.Snapshot, st.Total)
	w.baseID, w.baseTotal = st.Snapshot, st.Total
	return bad, nil
}

// killUploads kills the server at each point of an upload of the big
// catalogue, restarts it and checks it serves the base snapshot, whole.
func (w *world) killUploads(ctx context.Context) (int, error) {
	fmt.Println("soak: kill -9 of the server during an upload")
	bad := 0
	for _, d := range killPoints {
		done := make(chan int, 1)
		go func() { done <- w.upload(ctx, w.big) }()
		time.Sleep(d)
		w.kill()
		code := <-done
		what := fmt.Sprintf("server killed %v into an upload", d)
		if err := w.start(ctx); err != nil {
			return bad, err
		}
		if code == http.StatusOK || code == http.StatusAccepted {
			// The upload finished (or was accepted) before the kill: the
			// served data is either the base or the whole upload.
			st, err := w.state(ctx)
			if err != nil || st.Snapshot != w.baseID && st.Total != w.cfg.rows || st.Snapshot == w.baseID && st.Total != w.baseTotal {
				bad++
				fmt.Printf("soak:   %-44s FAILED: %+v %v\n", what, st, err)
				continue
			}
			w.baseID, w.baseTotal = st.Snapshot, st.Total
			fmt.Printf("soak:   %-44s answered %d first; serves %s, %d formations: ok\n", what, code, st.Snapshot, st.Total)
			continue
		}
		if !w.intact(ctx, what) {
			bad++
		}
	}
	// What the killed servers had spooled of the uploads, left in the
	// temporary directory (reported, not failed: the data is intact).
	left, _ := filepath.Glob(filepath.Join(os.TempDir(), "observatory-upload-*"))
	fmt.Printf("soak:   spooled upload files in %s after the restarts: %d\n", os.TempDir(), len(left))
	return bad, nil
}

// upload posts a catalogue to the admin ingest; 0 when the connection
// broke (the server was killed).
func (w *world) upload(ctx context.Context, path string) int {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", filepath.Base(path))
		if err == nil {
			var f *os.File
			if f, err = os.Open(path); err == nil {
				_, err = io.Copy(part, f)
				f.Close()
			}
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+w.addr+"/api/v1/admin/ingest?kind=catalogue&allow_shrink=true", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+soakToken)
	res, err := (&http.Client{Timeout: 5 * time.Minute}).Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}
