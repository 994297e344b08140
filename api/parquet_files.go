package api

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
)

// parquetFiles keeps the Parquet files written for downloads, one per
// snapshot and canonical query (the permalink): a snapshot never changes,
// so the file DuckDB wrote for the first request answers every later one
// (at a million formations the COPY is what costs). Concurrent first
// requests wait for one write. The newest max files are kept, in a
// directory of their own named like the server's other temporary files,
// which the next start removes if the process was killed; Close removes it.
type parquetFiles struct {
	parent string // where the directory is made; "" for the system's
	max    int

	mu    sync.Mutex
	dir   string // made on first use
	files map[string]*parquetFile
	order []string // keys, oldest first
	seq   int      // numbers the files, so that a key written again after its eviction never shares the path being removed
}

type parquetFile struct {
	done chan struct{}
	path string
	err  error
}

func newParquetFiles(parent string, max int) *parquetFiles {
	return &parquetFiles{parent: parent, max: max, files: map[string]*parquetFile{}}
}

// open returns the file for key, written by write(path) if it is not kept
// yet. write must leave a whole file at path or none.
func (p *parquetFiles) open(key string, write func(path string) error) (*os.File, bool, error) {
	for try := 0; ; try++ {
		path, hit, err := p.get(key, write)
		if err != nil {
			return nil, false, err
		}
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) && try == 0 {
			continue // evicted in between: write it again
		}
		return f, hit, err
	}
}

func (p *parquetFiles) get(key string, write func(path string) error) (string, bool, error) {
	p.mu.Lock()
	if f, ok := p.files[key]; ok {
		p.mu.Unlock()
		<-f.done
		return f.path, true, f.err
	}
	if p.dir == "" {
		dir, err := os.MkdirTemp(p.parent, tempPattern("parquet-*"))
		if err != nil {
			p.mu.Unlock()
			return "", false, err
		}
		p.dir = dir
	}
	sum := sha256.Sum256([]byte(key))
	p.seq++
	name := hex.EncodeToString(sum[:12]) + "-" + strconv.Itoa(p.seq) + ".parquet"
	f := &parquetFile{done: make(chan struct{}), path: filepath.Join(p.dir, name)}
	p.files[key] = f
	p.order = append(p.order, key)
	var evicted []*parquetFile
	for len(p.order) > p.max {
		old := p.order[0]
		p.order = p.order[1:]
		evicted = append(evicted, p.files[old])
		delete(p.files, old)
	}
	p.mu.Unlock()
	for _, e := range evicted {
		go func() { <-e.done; os.Remove(e.path) }() // a request still sending it keeps its descriptor
	}
	f.err = write(f.path)
	close(f.done)
	if f.err != nil {
		p.forget(key, f)
	}
	return f.path, false, f.err
}

// forget drops a failed write, so that the next request tries again.
func (p *parquetFiles) forget(key string, f *parquetFile) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.files[key] != f {
		return
	}
	delete(p.files, key)
	if i := slices.Index(p.order, key); i >= 0 {
		p.order = slices.Delete(p.order, i, i+1)
	}
}

// Close removes the kept files.
func (p *parquetFiles) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dir == "" {
		return nil
	}
	err := os.RemoveAll(p.dir)
	p.dir, p.files, p.order = "", map[string]*parquetFile{}, nil
	return err
}
