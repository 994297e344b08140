package api

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gen-numerique/observatory/observatory"
)

// Page and download limits.
const (
	DefaultLimit    = 100
	MaxPageLimit    = 1000      // a JSON page
	MaxDownloadRows = 1_000_000 // an XLSX file: a worksheet holds 1,048,576 rows
	// MaxStreamRows bounds limit= for the other files (CSV, NDJSON,
	// GeoJSON streamed, Parquet spooled to disk by DuckDB): no cap by
	// default (every row the filters match), since memory stays constant
	// whatever the row count; the 10-minute download deadline is the bound.
	MaxStreamRows = math.MaxInt32
)

// listParams are the parameters every list endpoint takes besides its own
// filters: format, dialect, sort, fields, limit, cursor.
func listParams(filters ...string) []string {
	return append(filters, formatParam, "dialect", "sort", "fields", "limit", "cursor")
}

// failCode records an error with another code than EINVALID (406 for an
// Accept header nothing matches). Param names the header or parameter at
// fault.
func (p *params) failCode(code, param, format string, args ...any) {
	if p.err == nil {
		p.err = &observatory.Error{Code: code, Param: param, Message: fmt.Sprintf(format, args...)}
	}
}

// limit reads limit for a list: a JSON page holds DefaultLimit rows unless
// told, at most MaxPageLimit; an XLSX file every row unless told, at most
// MaxDownloadRows; the other files every row (0: no LIMIT), at most
// MaxStreamRows when told.
func (p *params) limit(f Format) int {
	switch f {
	case FormatJSON, FormatJSONLD:
		return p.int("limit", DefaultLimit, 1, MaxPageLimit)
	case FormatXLSX:
		return p.int("limit", MaxDownloadRows, 1, MaxDownloadRows)
	}
	return p.int("limit", 0, 1, MaxStreamRows)
}

// dialect reads dialect=, which only CSV takes: "fr" for French
// spreadsheets (semicolons, a BOM, decimal commas), "rfc4180" (the default).
func (p *params) dialect(f Format) string {
	switch v := p.str("dialect"); {
	case v == "":
		return ""
	case f != FormatCSV && f != FormatXLSX:
		p.fail("dialect", "dialect applies to CSV and XLSX only (.csv, .xlsx or format=)")
	case v == "fr" || v == "rfc4180":
		return v
	default:
		p.fail("dialect", "dialect %q is not one of fr, rfc4180", v)
	}
	return ""
}

// sort reads a comma-separated list of fields from allowed, each with an
// optional leading "-" for descending order: sort=-learners,title.
func (p *params) sort(name string, allowed []string) []observatory.SortKey {
	v := p.str(name)
	if v == "" {
		return nil
	}
	var keys []observatory.SortKey
	seen := map[string]bool{}
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		k := observatory.SortKey{Field: strings.TrimPrefix(strings.TrimPrefix(part, "-"), "+")}
		k.Desc = strings.HasPrefix(part, "-")
		if !slices.Contains(allowed, k.Field) {
			p.fail(name, "cannot sort by %q; sort by one or more of %s, comma-separated, each with - for descending",
				k.Field, strings.Join(allowed, ", "))
			return nil
		}
		if seen[k.Field] {
			p.fail(name, "%s names %q twice", name, k.Field)
			return nil
		}
		seen[k.Field] = true
		keys = append(keys, k)
	}
	return keys
}

// fields reads a comma-separated choice of columns from allowed, in the
// order given; nil when absent (every column).
func (p *params) fields(name string, allowed []string) []string {
	v := p.str(name)
	if v == "" {
		return nil
	}
	var out []string
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if !slices.Contains(allowed, f) {
			p.fail(name, "unknown field %q; choose among %s", f, strings.Join(allowed, ", "))
			return nil
		}
		if slices.Contains(out, f) {
			p.fail(name, "%s names %q twice", name, f)
			return nil
		}
		out = append(out, f)
	}
	return out
}
