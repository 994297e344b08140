package api

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/observatory"
)

const headerSynthetic = "X-Observatory-Synthetic"

// offers lists the download formats t supports.
func offers(t export.Table) []Format {
	fs := []Format{FormatCSV, FormatXLSX, FormatNDJSON}
	if t.Point != nil {
		fs = append(fs, FormatGeoJSON)
	}
	if t.Parquet != nil {
		fs = append(fs, FormatParquet)
	}
	return fs
}

// download writes t as a file in format f: CSV (dialect= from the query),
// XLSX, GeoJSON or Parquet. Rows are streamed as the store yields them.
// Errors before the first byte become problem+json; after it, the
// connection is cut so a client never takes a truncated file for a whole
// one.
func (s *Server) download(c echo.Context, f Format, t export.Table) error {
	t = withParquet(store(c), t)
	if !slices.Contains(offers(t), f) {
		return observatory.ParamError("format", "%s is not offered for %s; choose one of %s", f, t.Name, joinFormats(offers(t)))
	}
	release, err := s.exportSlot(c)
	if err != nil {
		return err
	}
	defer release()
	info, err := s.snapshotInfo(c.Request().Context(), store(c))
	if err != nil {
		return err
	}
	meta := s.fileMeta(c, t, info)
	meta.URL = s.permalink(c, f)
	h := c.Response().Header()
	setCanonical(h, meta.URL)
	h.Set(echo.HeaderContentType, mediaTypes[f])
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`,
		export.FileName(meta.Dataset.Name, meta.Date, string(f), fileNameParts(c)...)))
	if t.Synthetic {
		h.Set(headerSynthetic, "true")
	}
	if f == FormatXLSX {
		t = xlsxCapped(t)
	}
	if f == FormatParquet {
		return s.writeParquet(c, t, meta)
	}
	bw := bufio.NewWriterSize(c.Response(), 32<<10)
	c.Response().WriteHeader(http.StatusOK)
	sw := streamWriter{bw, c.Response().Writer} // echo.Response.Flush panics where flushing is not supported
	switch f {
	case FormatXLSX:
		err = export.WriteXLSX(sw, t, meta, dialectOf(c))
	case FormatGeoJSON:
		err = export.WriteGeoJSON(sw, t, meta)
	case FormatNDJSON:
		err = export.WriteNDJSON(sw, t, meta)
	default:
		err = export.WriteCSV(sw, t, dialectOf(c))
	}
	if err == nil {
		err = bw.Flush()
	}
	return s.abortOn(c, err)
}

// dialectOf is the dialect of a CSV or XLSX download (params.dialect has
// checked it).
func dialectOf(c echo.Context) export.Dialect {
	if c.QueryParam("dialect") == "fr" {
		return export.French
	}
	return export.RFC4180
}

// xlsxCapped: XLSX is the one download format with a row cap,
// MaxDownloadRows, since a worksheet holds at most 1,048,576 rows. CSV,
// NDJSON and GeoJSON go to the client row by row as the store yields
// them, in constant memory, and Parquet is written by DuckDB to a
// temporary file on disk: their size is bounded by the download's time
// limit (10 minutes) and the 4 downloads at once, not by a row count.
// See MaxStreamRows.
func xlsxCapped(t export.Table) export.Table {
	each := t.Each
	t.Each = func(yield func([]any) error) error {
		i := 0
		err := each(func(row []any) error {
			if i++; i > MaxDownloadRows {
				return errCapped
			}
			return yield(row)
		})
		if errors.Is(err, errCapped) {
			return nil
		}
		return err
	}
	return t
}

var errCapped = errors.New("row cap reached")

// fileNameParts names a download's filters and dialect, so that two files
// of different data never get the same name: ?region=84&dialect=fr gives
// region-84 and fr. Paging, ordering and format parameters do not change
// what the data is and are left out, and so is the snapshot: the name
// ends with its date, and a replayed file is named as it was when current.
func fileNameParts(c echo.Context) []string {
	q := c.QueryParams()
	var parts []string
	for _, k := range sortedKeys(q) {
		switch k {
		case formatParam, "limit", "cursor", "sort", "fields", "dialect", "lang", snapshotParam:
			continue
		}
		parts = append(parts, k+"-"+q.Get(k))
	}
	if q.Get("dialect") == "fr" {
		parts = append(parts, "fr")
	}
	return parts
}

// abortOn handles an error met after the response started: it is logged,
// and the connection is closed without ending the body, so the client
// sees a failed download rather than a short file.
func (s *Server) abortOn(c echo.Context, err error) error {
	if err == nil || !c.Response().Committed {
		return err
	}
	s.log.Error("download failed after the response started", "err", err, "path", c.Request().URL.Path,
		"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	if conn, _, herr := http.NewResponseController(c.Response().Writer).Hijack(); herr == nil {
		conn.Close()
	}
	return nil
}

// fileMeta is what the file of t says about itself.
func (s *Server) fileMeta(c echo.Context, t export.Table, info *observatory.Snapshot) export.Meta {
	d, ok := datasets.Lookup(t.Name)
	if !ok {
		d, ok = programmeDatasetOf(c, t.Name)
	}
	if !ok {
		d = datasets.Dataset{Name: t.Name, TitleFR: t.Name, TitleEN: t.Name, Licence: datasets.LicenceOuverte}
	}
	m := export.Meta{Dataset: d, Snapshot: info.ID, Date: info.Created.UTC(), Synthetic: t.Synthetic,
		Inputs: selectionInputs(c, info, d.InputKinds), Columns: t.Cols(), URL: s.baseURL(c) + c.Request().URL.RequestURI()}
	if t.Synthetic {
		m.Notice = syntheticNotice
		if sel, ok := c.Get(programmesKey).(observatory.ProgrammeSelection); ok && sel.Mixed {
			m.Notice = mixedNotice
		}
	}
	return m
}

// inputsOf keeps the snapshot's inputs of the given kinds ("*" for all).
func inputsOf(info *observatory.Snapshot, kinds []string) []observatory.Input {
	out := []observatory.Input{}
	for _, in := range info.Inputs {
		if slices.Contains(kinds, "*") || slices.Contains(kinds, in.Kind) {
			out = append(out, in)
		}
	}
	return out
}

// snapshotInfo describes st's snapshot; snapshots never change, so it is
// read once per snapshot and kept for the few served lately.
func (s *Server) snapshotInfo(ctx context.Context, st observatory.Store) (*observatory.Snapshot, error) {
	if v, ok := s.infos.Load(st.Snapshot()); ok {
		return v.(*observatory.Snapshot), nil
	}
	info, err := st.Info(ctx)
	if err != nil {
		return nil, err
	}
	s.infos.Range(func(k, _ any) bool {
		if k != s.hub.Current() {
			s.infos.Delete(k)
		}
		return true
	})
	s.infos.Store(st.Snapshot(), info)
	return info, nil
}

// baseURL is the public root of the API: Config.PublicURL, or what the
// request says.
func (s *Server) baseURL(c echo.Context) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimSuffix(s.cfg.PublicURL, "/")
	}
	return c.Scheme() + "://" + c.Request().Host
}

// streamWriter is a download's buffered body. Flush sends what is
// buffered now, past the response cache's hold: the store calls it once
// the first rows of a long export are written, so that its first byte
// does not wait for the whole first megabyte.
type streamWriter struct {
	*bufio.Writer
	rw http.ResponseWriter
}

// Flush shadows bufio.Writer's: it flushes the buffer, then the response.
// Under a writer that cannot flush (a benchmark's), echo's panics: the
// body then just waits for the hold.
func (s streamWriter) Flush() {
	defer func() { _ = recover() }()
	if s.Writer.Flush() == nil {
		_ = http.NewResponseController(s.rw).Flush()
	}
}
