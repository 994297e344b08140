package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
)

// A snapshot built by an older version lacks tables and columns this code
// reads (a bassin, a programme, a parent). The current one is upgraded at
// start (Writer.Upgrade), but a past one is replayed as it is: snapshots
// never change, and ?snapshot=ID must keep naming the same data. So an
// outdated snapshot is opened through a small in-memory database that
// attaches the file read-only and shows each table of today's schema as a
// view over the old one, by column name: a column the old schema lacks
// reads as its default (programme 'gen') or NULL, a table it lacks is
// empty. Nothing is copied; queries run on the file as before.

// attachedName is the schema the old file is attached as.
const attachedName = "snap"

type schemaColumn struct {
	table, name, typ, def string
}

// todaySchema is this build's tables and columns, in order, from the
// embedded migrations applied to a scratch in-memory database once.
var todaySchema = sync.OnceValues(func() ([]schemaColumn, error) {
	ctx := context.Background()
	db, err := sql.Open("duckdb", "?threads=1")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := migrate(ctx, db); err != nil {
		return nil, err
	}
	return columnsOf(ctx, db, "memory")
})

// columnsOf lists the tables' columns of database name.
func columnsOf(ctx context.Context, db *sql.DB, name string) ([]schemaColumn, error) {
	rows, err := db.QueryContext(ctx, `SELECT table_name, column_name, data_type, coalesce(column_default, '')
		FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main'
		AND table_name IN (SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main')
		ORDER BY table_name, column_index`, name, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []schemaColumn
	for rows.Next() {
		var c schemaColumn
		if err := rows.Scan(&c.table, &c.name, &c.typ, &c.def); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// openCompat opens the outdated snapshot file at path through views of
// today's schema. options are more DuckDB settings ("&memory_limit=…").
func openCompat(ctx context.Context, path, options string) (*sql.DB, error) {
	today, err := todaySchema()
	if err != nil {
		return nil, fmt.Errorf("schema of this build: %w", err)
	}
	db, err := sql.Open("duckdb", "?threads=2"+options)
	if err != nil {
		return nil, err
	}
	if err := compatViews(ctx, db, path, today); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func compatViews(ctx context.Context, db *sql.DB, path string, today []schemaColumn) error {
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`ATTACH '%s' AS %s (READ_ONLY)`, escapeLiteral(path), attachedName)); err != nil {
		return err
	}
	old, err := columnsOf(ctx, db, attachedName)
	if err != nil {
		return err
	}
	has := map[string]map[string]bool{}
	for _, c := range old {
		if has[c.table] == nil {
			has[c.table] = map[string]bool{}
		}
		has[c.table][c.name] = true
	}
	var order []string
	byTable := map[string][]schemaColumn{}
	for _, c := range today {
		if byTable[c.table] == nil {
			order = append(order, c.table)
		}
		byTable[c.table] = append(byTable[c.table], c)
	}
	for _, t := range order {
		cols := byTable[t]
		exprs := make([]string, len(cols))
		for i, c := range cols {
			switch {
			case has[t][c.name]:
				exprs[i] = quoteIdent(c.name)
			case c.def != "":
				exprs[i] = fmt.Sprintf("CAST(%s AS %s) AS %s", c.def, c.typ, quoteIdent(c.name))
			default:
				exprs[i] = fmt.Sprintf("CAST(NULL AS %s) AS %s", c.typ, quoteIdent(c.name))
			}
		}
		// rowid too: queries order by it (the order rows were loaded in),
		// and a view has none of its own.
		q := fmt.Sprintf(`CREATE VIEW %s AS SELECT rowid AS rowid, %s FROM %s.main.%s`, quoteIdent(t), strings.Join(exprs, ", "), attachedName, quoteIdent(t))
		if has[t] == nil {
			// A table the old schema lacks: empty, of today's columns.
			q = fmt.Sprintf(`CREATE TABLE %s AS SELECT %s WHERE false`, quoteIdent(t), strings.Join(exprs, ", "))
		}
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("view of %s: %w", t, err)
		}
	}
	return nil
}
