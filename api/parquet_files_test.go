package api

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestParquetFiles: one write per key however many ask at once, the file
// kept for later requests, the oldest removed past max, a failed write
// tried again, and nothing left after Close.
func TestParquetFiles(t *testing.T) {
	parent := t.TempDir()
	p := newParquetFiles(parent, 2)
	var writes atomic.Int32
	write := func(body string) func(string) error {
		return func(path string) error {
			writes.Add(1)
			return os.WriteFile(path, []byte(body), 0o600)
		}
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, _, err := p.open("a", write("A"))
			if err != nil {
				t.Error(err)
				return
			}
			f.Close()
		}()
	}
	wg.Wait()
	if n := writes.Load(); n != 1 {
		t.Fatalf("%d writes for one key", n)
	}
	f, hit, err := p.open("a", write("A"))
	if err != nil || !hit {
		t.Fatalf("second open: hit %v, %v", hit, err)
	}
	pathA := f.Name()
	f.Close()
	for _, k := range []string{"b", "c"} {
		f, hit, err := p.open(k, write(k))
		if err != nil || hit {
			t.Fatalf("%s: hit %v, %v", k, hit, err)
		}
		f.Close()
	}
	// "a" is the oldest of three with max 2: evicted, its file removed
	// once written (by a goroutine: wait for it).
	for i := 0; i < 1000; i++ {
		if _, err := os.Stat(pathA); errors.Is(err, os.ErrNotExist) {
			break
		}
		if i == 999 {
			t.Fatal("evicted file still there")
		}
		time.Sleep(time.Millisecond)
	}
	if f, hit, err := p.open("a", write("A")); err != nil || hit {
		t.Errorf("evicted key: hit %v, %v", hit, err)
	} else {
		f.Close()
	}
	boom := errors.New("boom")
	if _, _, err := p.open("d", func(string) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("failed write: %v", err)
	}
	if f, hit, err := p.open("d", write("D")); err != nil || hit {
		t.Errorf("after a failure: hit %v, %v", hit, err)
	} else {
		f.Close()
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(parent, "*")); len(left) != 0 {
		t.Errorf("left after Close: %v", left)
	}
}
