package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sort"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// copyParquet runs COPY (q) TO path as Parquet. The read-only snapshot can
// still write a file outside itself. path and meta come from our code (a
// temporary file, the snapshot id, fixed notices), never from a client, and
// are quoted as literals anyway since COPY options take no parameters.
func (d *DB) copyParquet(ctx context.Context, q string, args []any, meta map[string]string, path string) error {
	return copyParquet(ctx, d.db, q, args, meta, path)
}

func copyParquet(ctx context.Context, db *sql.DB, q string, args []any, meta map[string]string, path string) error {
	opts := `FORMAT parquet, COMPRESSION zstd`
	if len(meta) > 0 {
		keys := make([]string, 0, len(meta))
		for k := range meta {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		kv := make([]string, len(keys))
		for i, k := range keys {
			kv[i] = quoteIdent(k) + `: ` + quoteLiteral(meta[k])
		}
		opts += `, KV_METADATA {` + strings.Join(kv, ", ") + `}`
	}
	_, err := db.ExecContext(ctx, `COPY (`+q+`) TO `+quoteLiteral(path)+` (`+opts+`)`, args...)
	return err
}

func quoteIdent(s string) string   { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteLiteral(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

// parquetTypes maps Table Schema types to DuckDB column types.
var parquetTypes = map[string]string{
	"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE",
}

// TableParquet writes any table as Parquet through DuckDB, for results
// computed in Go (indicators, gaps, reference territories) that no query of
// the snapshot yields: the rows go through the Appender into a private
// in-memory database, then COPY writes the file with the same typed,
// compressed columns as the snapshot's own exports. names and types (Table
// Schema types) describe the columns; rows yields values normalised to
// nil, string, int64, float64, bool, time.Time or []string.
func (d *DB) TableParquet(ctx context.Context, names, types []string, rows func(yield func([]any) error) error,
	meta map[string]string, path string) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one in-memory database, not one per connection
	defs := make([]string, len(names))
	for i, n := range names {
		typ, ok := parquetTypes[types[i]]
		if !ok {
			typ = "VARCHAR"
		}
		defs[i] = quoteIdent(n) + " " + typ
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (`+strings.Join(defs, ", ")+`)`); err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	err = conn.Raw(func(dc any) error {
		a, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "t")
		if err != nil {
			return err
		}
		vals := make([]driver.Value, len(names))
		err = rows(func(row []any) error {
			for i, v := range row {
				vals[i] = parquetValue(v, types[i])
			}
			return a.AppendRow(vals...)
		})
		if cerr := a.Close(); err == nil {
			err = cerr
		}
		return err
	})
	conn.Close()
	if err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	return copyParquet(ctx, db, `SELECT * FROM t`, nil, meta, path)
}

// parquetValue fits a cell to its column: lists are joined with "|" as in
// CSV, integers arrive as float64 from some computations.
func parquetValue(v any, typ string) driver.Value {
	switch x := v.(type) {
	case nil:
		return nil
	case []string:
		return strings.Join(x, "|")
	case float64:
		if typ == "integer" {
			return int64(x)
		}
		return x
	case int64:
		if typ == "number" {
			return float64(x)
		}
		return x
	case time.Time, string, bool:
		return x
	}
	return fmt.Sprint(v)
}
