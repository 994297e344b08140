package api

import (
	"context"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/observatory"
)

// writeParquet has the store write t as Parquet (DuckDB COPY: typed,
// compressed columns, far faster than encoding in Go) into a file kept for
// the snapshot and query (parquetFiles), then sends that file with its
// length. The file's key-value metadata says where it comes from and
// whether it is synthetic.
func (s *Server) writeParquet(c echo.Context, t export.Table, m export.Meta) error {
	kv := map[string]string{
		"dataset":  m.Dataset.Name,
		"title":    m.Dataset.TitleFR + " / " + m.Dataset.TitleEN,
		"licence":  m.Dataset.Licence.Name + " " + m.Dataset.Licence.URL,
		"snapshot": m.Snapshot,
		"source":   sourcesLine(m),
	}
	if m.URL != "" {
		kv["permalink"] = m.URL
	}
	if m.Synthetic {
		kv["synthetic"] = "true"
		kv["notice"] = m.Notice
	}
	ctx := c.Request().Context()
	write := func(path string) error {
		tmp := path + ".part"
		if err := t.Parquet(ctx, t.FieldNames(), kv, tmp); err != nil {
			os.Remove(tmp)
			return err
		}
		return os.Rename(tmp, path)
	}
	var f *os.File
	var hit bool
	var err error
	if m.URL != "" && m.Snapshot != "" {
		// The permalink names the snapshot and the canonical query.
		f, hit, err = s.parquet.open(m.URL, write)
	} else {
		f, err = writeOnce(s.cfg.TempDir, write)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if hit {
		c.Response().Header().Set(headerFile, "kept")
	} else {
		c.Response().Header().Set(headerFile, "written")
	}
	c.Response().Header().Set(echo.HeaderContentLength, strconv.FormatInt(fi.Size(), 10))
	c.Response().WriteHeader(http.StatusOK)
	_, err = io.Copy(c.Response(), f)
	return s.abortOn(c, err)
}

// writeOnce writes a file for one request (no permalink to keep it by) and
// opens it; its name is removed at once, the descriptor keeps the data.
func writeOnce(dir string, write func(path string) error) (*os.File, error) {
	tmp, err := os.CreateTemp(dir, tempPattern("*.parquet"))
	if err != nil {
		return nil, err
	}
	path := tmp.Name()
	tmp.Close()
	defer os.Remove(path)
	if err := write(path); err != nil {
		return nil, err
	}
	return os.Open(path)
}

// headerFile says whether a Parquet download was written for the request
// or sent from the file kept for its snapshot and query.
const headerFile = "X-Observatory-File"

// sourcesLine lists the input files with their SHA-256, for metadata.
func sourcesLine(m export.Meta) string {
	parts := make([]string, len(m.Inputs))
	for i, in := range m.Inputs {
		parts[i] = in.Name + " (sha256 " + in.SHA256 + ")"
	}
	return strings.Join(parts, "; ")
}

// withParquet gives t the store's generic Parquet writer when t has no
// query of its own to COPY (values computed in Go: indicators, gaps,
// territories, job-demand aggregates).
func withParquet(st observatory.Store, t export.Table) export.Table {
	if t.Parquet != nil {
		return t
	}
	whole := t
	t.Parquet = func(ctx context.Context, fields []string, meta map[string]string, path string) error {
		sel := whole.Select(fields)
		cols := sel.Cols()
		names, types := make([]string, len(cols)), make([]string, len(cols))
		for i, c := range cols {
			names[i], types[i] = c.Name, c.Type
		}
		var buf []any
		out := make([]any, len(cols))
		return st.TableParquet(ctx, names, types, func(yield func([]any) error) error {
			return sel.Each(func(row []any) error {
				buf = sel.Pick(row, buf)
				for i, v := range buf {
					out[i] = export.Norm(v)
				}
				return yield(out)
			})
		}, meta, path)
	}
	return t
}
