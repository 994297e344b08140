package api

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// Column describes one column of a tabular result, for every format that is
// not JSON and for the dataset's Table Schema.
type Column struct {
	Name        string `json:"name"`
	Type        string `json:"type"` // Table Schema type: string, integer, number, boolean, date
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
}

// Table is a list endpoint's result in tabular form. Each streams its rows
// so large results are never built in memory; a row's values follow Columns
// (nil for missing).
type Table struct {
	Name    string // dataset name, used in download file names
	Columns []Column
	Each    func(yield func(row []any) error) error

	// Optional; see format.go for how a list endpoint fills them.
	Synthetic bool   // built from a synthetic input: flagged in headers and in each format's metadata
	Point     *Point // lon/lat columns, for GeoJSON points
	// Parquet has the store write the same rows to a Parquet file at path
	// (DuckDB's COPY), with the given columns (all when nil) and key-value
	// metadata. Without it the table is not offered as Parquet.
	Parquet func(ctx context.Context, fields []string, meta map[string]string, path string) error

	sel []int // indexes of the columns Select chose; nil for all
}

// writeCSV streams t as RFC 4180 CSV in UTF-8.
func (s *Server) writeCSV(c echo.Context, t Table) error {
	return s.download(c, FormatCSV, t)
}

// cell formats one value for CSV. Text that a spreadsheet would take for a
// formula (= + - @, tab, CR) is prefixed with a quote, as OWASP advises, so
// opening a download can never run anything.
func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return neutralise(x)
	case *string:
		if x == nil {
			return ""
		}
		return neutralise(*x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case *int:
		if x == nil {
			return ""
		}
		return strconv.Itoa(*x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case *float64:
		if x == nil {
			return ""
		}
		return strconv.FormatFloat(*x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.Format(time.DateOnly)
	case *time.Time:
		if x == nil {
			return ""
		}
		return x.Format(time.DateOnly)
	case []string:
		return neutralise(strings.Join(x, "|"))
	default:
		return neutralise(fmt.Sprint(x))
	}
}

func neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
