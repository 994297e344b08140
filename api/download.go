package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/observatory"
)

// Point names the columns that hold a row's WGS84 longitude and latitude.
type Point struct{ Lon, Lat string }

// Select keeps the named columns, in that order (all of them for nil).
// Geometry still comes from the whole row, so a GeoJSON download keeps
// its points whatever columns are chosen.
func (t Table) Select(fields []string) Table {
	if fields == nil {
		return t
	}
	t.sel = make([]int, 0, len(fields))
	for _, f := range fields {
		for i, c := range t.Columns {
			if c.Name == f {
				t.sel = append(t.sel, i)
			}
		}
	}
	return t
}

// cols are the columns written, after Select.
func (t Table) cols() []Column {
	if t.sel == nil {
		return t.Columns
	}
	out := make([]Column, len(t.sel))
	for i, j := range t.sel {
		out[i] = t.Columns[j]
	}
	return out
}

// fieldNames are the names of the columns written; nil when all are.
func (t Table) fieldNames() []string {
	if t.sel == nil {
		return nil
	}
	return columnNames(t.cols())
}

// pick returns the values of the written columns, reusing buf.
func (t Table) pick(row, buf []any) []any {
	if t.sel == nil {
		return row
	}
	buf = buf[:0]
	for _, j := range t.sel {
		buf = append(buf, row[j])
	}
	return buf
}

func (t Table) index(name string) int {
	for i, c := range t.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// columnNames lists the names of cols, for fields= allow-lists.
func columnNames(cols []Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

// offers lists the download formats t supports.
func (t Table) offers() []Format {
	fs := []Format{FormatCSV, FormatXLSX}
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
func (s *Server) download(c echo.Context, f Format, t Table) error {
	t = withParquet(store(c), t)
	if !containsFormat(t.offers(), f) {
		return observatory.ParamError("format", "%s is not offered for %s; choose one of %s", f, t.Name, joinFormats(t.offers()))
	}
	st := store(c)
	info, err := s.snapshotInfo(c.Request().Context(), st)
	if err != nil {
		return err
	}
	meta := s.fileMeta(c, t, info)
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, mediaTypes[f])
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, meta.FileName(f)))
	if t.Synthetic {
		h.Set(headerSynthetic, "true")
	}
	switch f {
	case FormatParquet:
		return s.writeParquet(c, t, meta)
	case FormatXLSX:
		c.Response().WriteHeader(http.StatusOK)
		return s.abortOn(c, writeXLSX(c.Response(), t, meta))
	}
	bw := bufio.NewWriterSize(c.Response(), 32<<10)
	c.Response().WriteHeader(http.StatusOK)
	switch f {
	case FormatGeoJSON:
		err = writeGeoJSON(bw, t, meta)
	default:
		err = writeCSVTable(bw, t, c.QueryParam("dialect") == "fr")
	}
	if err == nil {
		err = bw.Flush()
	}
	return s.abortOn(c, err)
}

const headerSynthetic = "X-Observatory-Synthetic"

func containsFormat(fs []Format, f Format) bool {
	for _, g := range fs {
		if g == f {
			return true
		}
	}
	return false
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

// fileMeta is what a file says about itself: dataset, licence, provenance.
type fileMeta struct {
	Dataset   datasets.Dataset
	Snapshot  string
	Date      time.Time // the snapshot's creation
	Inputs    []observatory.Input
	Synthetic bool
	Notice    string
	URL       string // where the file was served from
	Columns   []Column
}

// FileName is <dataset>-<snapshot date>.<ext>.
func (m fileMeta) FileName(f Format) string {
	return fmt.Sprintf("%s-%s.%s", m.Dataset.Name, m.Date.Format(time.DateOnly), f)
}

func (s *Server) fileMeta(c echo.Context, t Table, info *observatory.Snapshot) fileMeta {
	d, ok := datasets.Lookup(t.Name)
	if !ok {
		d = datasets.Dataset{Name: t.Name, TitleFR: t.Name, TitleEN: t.Name}
	}
	m := fileMeta{Dataset: d, Snapshot: info.ID, Date: info.Created.UTC(), Synthetic: t.Synthetic,
		Inputs: inputsOf(info, d.InputKinds), Columns: t.cols(), URL: s.baseURL(c) + c.Request().URL.RequestURI()}
	if t.Synthetic {
		m.Notice = syntheticNotice
	}
	return m
}

// inputsOf keeps the snapshot's inputs of the given kinds ("*" for all).
func inputsOf(info *observatory.Snapshot, kinds []string) []observatory.Input {
	out := []observatory.Input{}
	for _, in := range info.Inputs {
		if containsString(kinds, "*") || containsString(kinds, in.Kind) {
			out = append(out, in)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// snapshotInfo describes st's snapshot; snapshots never change, so it is
// read once per snapshot.
func (s *Server) snapshotInfo(ctx context.Context, st observatory.Store) (*observatory.Snapshot, error) {
	if v, ok := s.infos.Load(st.Snapshot()); ok {
		return v.(*observatory.Snapshot), nil
	}
	info, err := st.Info(ctx)
	if err != nil {
		return nil, err
	}
	// Keep the few latest: a long-running server sees a snapshot a day.
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

// norm turns a cell value into one of nil, string, int64, float64, bool,
// time.Time or []string, so each writer handles a handful of types.
func norm(v any) any {
	switch x := v.(type) {
	case nil, string, int64, float64, bool, time.Time, []string:
		return x
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case float32:
		return float64(x)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		return norm(rv.Elem().Interface())
	}
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	}
	return fmt.Sprint(v)
}

// project keeps the named fields of each JSON item, in that order: the
// JSON side of fields=. Items are encoded once and cut, so every endpoint
// gets it whatever its item type.
func project[T any](items []T, fields []string) (any, error) {
	if fields == nil {
		return items, nil
	}
	out := make([]orderedObject, len(items))
	for i, it := range items {
		b, err := json.Marshal(it)
		if err != nil {
			return nil, err
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		o := make(orderedObject, 0, len(fields))
		for _, f := range fields {
			v, ok := m[f]
			if !ok {
				v = json.RawMessage("null")
			}
			o = append(o, kv{f, v})
		}
		out[i] = o
	}
	return out, nil
}

type kv struct {
	k string
	v json.RawMessage
}

// orderedObject is a JSON object that keeps its keys' order.
type orderedObject []kv

func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, p := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(p.k)
		b.Write(k)
		b.WriteByte(':')
		b.Write(p.v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}
