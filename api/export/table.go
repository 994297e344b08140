// Package export writes tabular results as the files journalists and
// analysts download: CSV in two dialects, XLSX, GeoJSON points, with the
// metadata a file carries about itself. It knows nothing of HTTP, so the
// API and a command-line export share it.
package export

import (
	"context"
	"io"
	"math"

	"github.com/gen-numerique/observatory/observatory"
)

// Column describes one column of a tabular result, for every format that is
// not JSON and for the dataset's Table Schema.
type Column struct {
	Name        string `json:"name"`
	Type        string `json:"type"`            // Table Schema type: string, integer, number, boolean, date
	Title       string `json:"title,omitempty"` // French title: the header of French files
	TitleEN     string `json:"title_en,omitempty"`
	Description string `json:"description,omitempty"`
	// Decimals is the precision a number column is rounded to in every
	// file (CSV of both dialects, XLSX, GeoJSON, NDJSON); nil keeps the
	// value as computed (integers, or columns rounded row by row, such as
	// an indicator's value by its unit).
	Decimals *int `json:"decimals,omitempty"`
	// Precision says how the column is rounded, for the Table Schema
	// ("counts as integers", "0.1 percentage point"…).
	Precision string `json:"precision,omitempty"`
	// LabelsFR are the French labels of an enumerated column's values:
	// French files write them instead of the machine names (for a list
	// column, label by label).
	LabelsFR map[string]string `json:"labels_fr,omitempty"`
	// TextFR translates a free-text column's values for French files
	// (the reasons of a quarantine); nil keeps them as they are.
	TextFR func(string) string `json:"-"`
}

// Dec is a precision for Column.Decimals.
func Dec(n int) *int { return &n }

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
	// Lines has the store write the rows itself, as CSV records or NDJSON
	// objects, byte for byte what WriteCSV and WriteNDJSON write from
	// Each (api/lines_test.go holds the two to that), several times
	// faster. Without it, or for columns it cannot format (see
	// storeLines), the rows go through Each.
	Lines func(l observatory.Lines, w io.Writer) error

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

// Pick returns the values of the written columns, reusing buf, with
// numbers rounded to their column's Decimals: every writer goes through
// it, so every format rounds alike.
func (t Table) Pick(row, buf []any) []any {
	buf = buf[:0]
	if t.sel == nil {
		for j, v := range row {
			buf = append(buf, t.round(j, v))
		}
		return buf
	}
	for _, j := range t.sel {
		buf = append(buf, t.round(j, row[j]))
	}
	return buf
}

// round rounds v, the value of column j, to the column's precision.
func (t Table) round(j int, v any) any {
	if j >= len(t.Columns) || t.Columns[j].Decimals == nil {
		return v
	}
	if x, ok := Norm(v).(float64); ok {
		return Round(x, *t.Columns[j].Decimals)
	}
	return v
}

// Round rounds x half away from zero to n decimals.
func Round(x float64, n int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	p := math.Pow10(n)
	r := math.Round(x*p) / p
	if math.IsInf(r, 0) || math.IsNaN(r) {
		return x // too large to scale: already coarser than n decimals
	}
	return r
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

// storeLines is the observatory.Lines the store writes for the columns of
// t in CSV of dialect d or (json) NDJSON, and whether it can: each number
// column needs its Decimals, and free text translated for French files
// (TextFR) is Go's alone.
func (t Table) storeLines(json bool, d Dialect) (observatory.Lines, bool) {
	cols := t.Cols()
	if t.Lines == nil || len(cols) == 0 {
		return observatory.Lines{}, false
	}
	l := observatory.Lines{JSON: json, Sep: ',', French: !json && d == French}
	if l.French {
		l.Sep = ';'
	}
	for _, c := range cols {
		if c.TextFR != nil || (c.Type == "number" && c.Decimals == nil) {
			return observatory.Lines{}, false
		}
		lc := observatory.LineColumn{Name: c.Name}
		if c.Decimals != nil {
			lc.Decimals = *c.Decimals
		}
		if l.French {
			lc.Labels = c.LabelsFR
		}
		l.Columns = append(l.Columns, lc)
	}
	return l, true
}
