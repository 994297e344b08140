//go:build !unix

package duckdb

import "os"

// lock is a no-op where flock is not available: runs must then be kept
// from overlapping by hand.
func (d Dir) lock() (func(), error) { return func() {}, nil }

// flockFile cannot lock here: every file counts as lockable, so prune must
// not run while a server has the snapshots open.
func flockFile(f *os.File, exclusive bool) (bool, error) { return true, nil }

// processAlive cannot tell here: every process counts as running, so no
// temporary file is taken for a dead run's.
func processAlive(pid int) bool { return true }
