//go:build unix

package duckdb

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"

	"github.com/gen-numerique/observatory/observatory"
)

// lock takes the data directory's ingest lock, so two runs (a CLI ingest
// and an upload to the server, say) cannot both start from the same current
// snapshot, where the later one to publish would drop what the other
// loaded. The lock is an flock on DATA/ingest.lock: the kernel releases it
// if the process dies, so a crash never leaves the directory locked.
func (d Dir) lock() (func(), error) {
	f, err := os.OpenFile(filepath.Join(d.Root, "ingest.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, observatory.Errorf(observatory.ECONFLICT, "another ingest is building a snapshot of this data directory; try again when it has finished")
		}
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// flockFile takes a shared or exclusive flock on f without waiting; false
// when another open file holds a conflicting one. Servers hold a shared
// lock on every snapshot they have open and prune takes an exclusive one
// before removing a file, so a snapshot in use is never removed, whichever
// process uses it.
func flockFile(f *os.File, exclusive bool) (bool, error) {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}

// processAlive reports whether pid names a running process (one we may
// not signal still runs).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
