package duckdb

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A run killed with kill -9 (or a machine that lost power) leaves files no
// one will use: the snapshot it was building and its WAL, a complete
// snapshot it renamed but never published, a half-written `current`, and
// the temporary files of uploads and downloads. Clean removes them; Build
// does it under the ingest lock before every run, and serve at start-up.

const (
	buildingExt = ".building"
	// pendingExt marks a complete snapshot not yet published (Commit).
	pendingExt = ".pending"
	// TempPrefix starts the names of the temporary files the server
	// writes in Temp(): TempPrefix + "<pid>-…", so that a file is known
	// to be a dead process's.
	TempPrefix = "observatory-"
)

// Leftover is a file of a killed run that Clean removed.
type Leftover struct {
	Path  string `json:"path"` // relative to the data directory, or absolute outside it
	Bytes int64  `json:"bytes"`
	What  string `json:"what"`
}

// Temp is the data directory's folder for temporary files (uploads being
// ingested, Parquet exports being written).
func (d Dir) Temp() string { return filepath.Join(d.Root, "tmp") }

// TempPattern is the os.CreateTemp pattern of this process's temporary
// files of one kind ("upload-*", "*.parquet"), which Clean recognises.
func TempPattern(kind string) string {
	return TempPrefix + strconv.Itoa(os.Getpid()) + "-" + kind
}

// Clean removes the leftovers of killed runs from the data directory and
// from the other temporary folders given. It takes the ingest lock, so it
// never removes the files of a run under way: while a run holds it, Clean
// returns a conflict and removes nothing.
func (d Dir) Clean(tempDirs ...string) ([]Leftover, error) {
	if err := d.Init(); err != nil {
		return nil, err
	}
	unlock, err := d.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	out, err := d.cleanLocked()
	if err != nil {
		return out, err
	}
	for _, t := range tempDirs {
		if t == "" || filepath.Clean(t) == d.Temp() {
			continue
		}
		ls, err := d.cleanTemp(t)
		out = append(out, ls...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// cleanLocked is Clean for a caller holding the ingest lock.
func (d Dir) cleanLocked() ([]Leftover, error) {
	var out []Leftover
	cur, err := d.Current()
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(d.snapshots())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(d.snapshots(), name)
		switch {
		case strings.Contains(name, ext+buildingExt):
			// The file being built, its WAL, DuckDB's spill folder.
			l, err := d.remove(path, "the snapshot of a run that did not finish")
			if err != nil {
				return out, err
			}
			out = append(out, l...)
		case strings.HasSuffix(name, ext+pendingExt):
			id := strings.TrimSuffix(name, ext+pendingExt)
			if ValidID(id) && id != cur {
				for _, p := range []string{d.Path(id), d.Path(id) + ".wal"} {
					l, err := d.remove(p, "a complete snapshot its run never published")
					if err != nil {
						return out, err
					}
					out = append(out, l...)
				}
			}
			// The marker itself: published or not, it has done its job.
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return out, err
			}
		}
	}
	l, err := d.remove(filepath.Join(d.Root, ".current.tmp"), "a current file being written")
	if err != nil {
		return out, err
	}
	out = append(out, l...)
	ls, err := d.cleanTemp(d.Temp())
	return append(out, ls...), err
}

// cleanTemp removes the server's temporary files whose process is gone.
func (d Dir) cleanTemp(dir string) ([]Leftover, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Leftover
	for _, e := range entries {
		pid, ok := tempOwner(e.Name())
		if !ok || processAlive(pid) {
			continue
		}
		l, err := d.remove(filepath.Join(dir, e.Name()), fmt.Sprintf("a temporary file of process %d, no longer running", pid))
		if err != nil {
			return out, err
		}
		out = append(out, l...)
	}
	return out, nil
}

// tempOwner reads the process id in a temporary file's name.
func tempOwner(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, TempPrefix)
	if !ok {
		return 0, false
	}
	digits, _, ok := strings.Cut(rest, "-")
	pid, err := strconv.Atoi(digits)
	return pid, ok && err == nil && pid > 0
}

// remove deletes path (a file or a folder) if it exists, saying how many
// bytes it held.
func (d Dir) remove(path, what string) ([]Leftover, error) {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	n := st.Size()
	if st.IsDir() {
		n = 0
		_ = filepath.WalkDir(path, func(_ string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				if fi, err := e.Info(); err == nil {
					n += fi.Size()
				}
			}
			return nil
		})
	}
	if err := os.RemoveAll(path); err != nil {
		return nil, err
	}
	rel := path
	if r, err := filepath.Rel(d.Root, path); err == nil && !strings.HasPrefix(r, "..") {
		rel = r
	}
	return []Leftover{{Path: rel, Bytes: n, What: what}}, nil
}
