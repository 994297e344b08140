// Package export writes tabular results as the files journalists and
// analysts download: CSV in two dialects, XLSX, GeoJSON points, with the
// metadata a file carries about itself. It knows nothing of HTTP, so the
// API and a command-line export share it.
package export

import "context"

// Column describes one column of a tabular result, for every format that is
// not JSON and for the dataset's Table Schema.
type Column struct {
	Name        string `json:"name"`
	Type        string `json:"type"` // Table Schema type: string, integer, number, boolean, date
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
}

// Point names the columns that hold a row's WGS84 longitude and latitude.
type Point struct{ Lon, Lat string }

// Table is a result in tabular form. Each streams its rows so large results
// are never built in memory; a row's values follow Columns (nil for
// missing) and are typed Go values: string, integers, float64, bool,
// time.Time, []string, or pointers to them.
type Table struct {
	Name    string // dataset name, used in file names
	Columns []Column
	Each    func(yield func(row []any) error) error

	Synthetic bool   // built from a synthetic input: flagged in each format's metadata
	Point     *Point // lon/lat columns, for GeoJSON points
	// Parquet has the store write the same rows to a Parquet file at path
	// (DuckDB's COPY), with the given columns (all when nil) and key-value
	// metadata. Without it the table is not offered as Parquet.
	Parquet func(ctx context.Context, fields []string, meta map[string]string, path string) error

	sel []int // indexes of the columns Select chose; nil for all
}

// Select keeps the named columns, in that order (all of them for nil).
// Geometry still comes from the whole row, so a GeoJSON download keeps its
// points whatever columns are chosen.
func (t Table) Select(fields []string) Table {
	if fields == nil {
		return t
	}
	t.sel = make([]int, 0, len(fields))
	for _, f := range fields {
		if i := t.Index(f); i >= 0 {
			t.sel = append(t.sel, i)
		}
	}
	return t
}

// Cols are the columns written, after Select.
func (t Table) Cols() []Column {
	if t.sel == nil {
		return t.Columns
	}
	out := make([]Column, len(t.sel))
	for i, j := range t.sel {
		out[i] = t.Columns[j]
	}
	return out
}

// FieldNames are the names of the columns written; nil when all are.
func (t Table) FieldNames() []string {
	if t.sel == nil {
		return nil
	}
	return ColumnNames(t.Cols())
}

// Pick returns the values of the written columns, reusing buf.
func (t Table) Pick(row, buf []any) []any {
	if t.sel == nil {
		return row
	}
	buf = buf[:0]
	for _, j := range t.sel {
		buf = append(buf, row[j])
	}
	return buf
}

// Index is the position of the named column in Columns, -1 if absent.
func (t Table) Index(name string) int {
	for i, c := range t.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// ColumnNames lists the names of cols, for fields= allow-lists.
func ColumnNames(cols []Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}
