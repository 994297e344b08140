package duckdb

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

// Dir is a data directory: complete snapshots in snapshots/<id>.duckdb and a
// file named current holding the id being served. Switching is a rename of
// that small file, which is atomic on POSIX file systems.
type Dir struct {
	Root string
}

const ext = ".duckdb"

// NewID returns a fresh snapshot id: sortable by time, unique by suffix.
func NewID(now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// ValidID reports whether id has the shape NewID makes; it keeps ids that
// reach file paths from carrying anything else.
func ValidID(id string) bool { return observatory.IsSnapshotID(id) }

func (d Dir) snapshots() string { return filepath.Join(d.Root, "snapshots") }

// Path is the file of snapshot id.
func (d Dir) Path(id string) string { return filepath.Join(d.snapshots(), id+ext) }

// Init creates the directory layout.
func (d Dir) Init() error {
	return os.MkdirAll(d.snapshots(), 0o755)
}

// Current returns the id being served, "" when there is none yet.
func (d Dir) Current() (string, error) {
	b, err := os.ReadFile(filepath.Join(d.Root, "current"))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	id := strings.TrimSpace(string(b))
	if !ValidID(id) {
		return "", fmt.Errorf("%s: bad snapshot id %q", filepath.Join(d.Root, "current"), id)
	}
	return id, nil
}

// Publish makes id the current snapshot: write a temporary file, fsync,
// rename over current, fsync the directory.
func (d Dir) Publish(id string) error {
	if !ValidID(id) {
		return observatory.Errorf(observatory.EINVALID, "bad snapshot id %q", id)
	}
	if _, err := os.Stat(d.Path(id)); err != nil {
		return fmt.Errorf("publish %s: %w", id, err)
	}
	tmp := filepath.Join(d.Root, ".current.tmp")
	if err := writeSync(tmp, []byte(id+"\n")); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(d.Root, "current")); err != nil {
		return err
	}
	return syncDir(d.Root)
}

// List returns the ids of complete snapshots, oldest first.
func (d Dir) List() ([]string, error) {
	entries, err := os.ReadDir(d.snapshots())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ext)
		if ok && ValidID(id) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids, nil
}

func writeSync(path string, b []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func syncDir(path string) error { return syncFile(path) }
