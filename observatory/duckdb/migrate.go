package duckdb

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrate applies the embedded migrations in file-name order. Snapshots are
// built from scratch, so there is no down path: a new schema simply means the
// next snapshot is built with it, and old ones are read as they are.
func migrate(ctx context.Context, db *sql.DB) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	if _, err := db.ExecContext(ctx, `CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY)`); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	for _, name := range names {
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		if _, err := db.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?)`, name); err != nil {
			return err
		}
	}
	return nil
}

// Outdated lists the migrations of this build that the open snapshot was
// not built with: a snapshot made by an older version, whose tables lack
// columns this code reads.
func (d *DB) Outdated(ctx context.Context) ([]string, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		have[n] = true
	}
	var missing []string
	for _, n := range names {
		if !have[n] {
			missing = append(missing, n)
		}
	}
	sort.Strings(missing)
	return missing, rows.Err()
}
