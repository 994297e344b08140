package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
)

// DB is one snapshot opened read-only. Snapshots never change once
// published, so a DB can be shared by any number of requests.
type DB struct {
	ID string
	// Compat lists the migrations the snapshot was built without, read
	// through views of today's schema (compat.go); nil for most.
	Compat []string
	db     *sql.DB
	facts  facts // read once (memo.go)
}

// Open opens snapshot id of dir read-only.
func Open(ctx context.Context, dir Dir, id string) (*DB, error) { return open(ctx, dir, id, "") }

// open is Open with more DuckDB settings ("&memory_limit=256MB").
func open(ctx context.Context, dir Dir, id, options string) (*DB, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("bad snapshot id %q", id)
	}
	db, err := sql.Open("duckdb", dir.Path(id)+"?access_mode=READ_ONLY&threads=2"+options)
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open snapshot %s: %w", id, err)
	}
	d := &DB{ID: id, db: db}
	missing, err := d.Outdated(ctx)
	if err != nil || len(missing) == 0 {
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("open snapshot %s: %w", id, err)
		}
		return d, nil
	}
	// Built by an older version: read through today's schema (compat.go).
	db.Close()
	if d.db, err = openCompat(ctx, dir.Path(id), options); err != nil {
		return nil, fmt.Errorf("open snapshot %s (schema of an older version, lacking %s): %w", id, strings.Join(missing, ", "), err)
	}
	d.Compat = missing
	return d, nil
}

// Close closes the snapshot.
func (d *DB) Close() error { return d.db.Close() }

// SQL exposes the connection pool to exporters that stream their own query.
func (d *DB) SQL() *sql.DB { return d.db }
