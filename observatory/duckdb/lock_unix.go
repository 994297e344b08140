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
