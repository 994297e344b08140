package duckdb

import (
	"context"
	"database/sql"

	"github.com/gen-numerique/observatory/observatory"
)

// A full export is read in two queries, a head and a tail: duckdb-go runs
// a query to its end before its first row can be read, and the export is
// sorted by id, so at a million formations one query held the first byte
// for 1.3-2.8 s while DuckDB sorted and formatted everything. The head is
// the first headRows ids (their bound is a fast top-N of the ids alone);
// the tail, the rest, runs in DuckDB while the head is written.
// Reading in many ranges was tried: each range's query scans the table
// again, and the whole export took 1.7 times as long. A snapshot never
// changes, so the two queries read together what one would.
var headRows = 2_000

// flusher is a writer that can send what it has buffered now (a
// download's body): a long export flushes its head, so that the first
// byte leaves then rather than when the response's first megabyte, held
// back for its Content-Length, is full.
type flusher interface{ Flush() }

// eachRange calls each with the rows of cols over the formations matching
// f in id order, which together are what formationQuery(cols, f) selects:
// the head's rows, then the tail's (up to f.Limit in all). A sorted or
// paged selection, or one limited to a head, is one query.
//
// headDone, when not nil, runs between the head and a tail.
func (d *DB) eachRange(ctx context.Context, cols string, f observatory.FormationFilter, each func(*sql.Rows) error, headDone func()) error {
	if len(f.Sort) > 0 || f.Cursor != "" || f.Limit > 0 && f.Limit <= headRows {
		q, args, _, err := formationQuery(cols, f)
		if err != nil {
			return err
		}
		return d.eachRow(ctx, q, args, each)
	}
	where, args := formationWhere(f)
	var hi sql.NullString
	var n int
	if err := d.db.QueryRowContext(ctx, `SELECT max(id), count(*) FROM (SELECT id FROM formations`+where+` ORDER BY id LIMIT ?)`,
		append(args[:len(args):len(args)], headRows)...).Scan(&hi, &n); err != nil {
		return err
	}
	if !hi.Valid {
		return nil // nothing selected
	}
	part := func(op string) (string, []any) {
		q, a := `SELECT `+cols+` FROM formations`+where+andOrWhere(where)+`id `+op+` ? ORDER BY id`, append(args[:len(args):len(args)], hi.String)
		if op == ">" && f.Limit > 0 { // an XLSX file's cap: the head has counted n of it
			q, a = q+` LIMIT ?`, append(a, f.Limit-n)
		}
		return q, a
	}
	if n < headRows {
		q, a := part("<=")
		return d.eachRow(ctx, q, a, each)
	}
	// The tail's query starts once the head's has run, so that the two
	// do not share the cores the head's first byte waits for.
	q, a := part("<=")
	head, err := d.db.QueryContext(ctx, q, a...)
	if err != nil {
		return err
	}
	defer head.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		rows *sql.Rows
		err  error
	}
	tail := make(chan result, 1)
	go func() {
		q, a := part(">")
		rows, err := d.db.QueryContext(ctx, q, a...)
		tail <- result{rows, err}
	}()
	err = drain(head, each)
	head.Close()
	if err != nil {
		cancel() // the tail is not wanted
	} else if headDone != nil {
		headDone() // while DuckDB still runs the tail
	}
	t := <-tail
	if t.err == nil {
		defer t.rows.Close()
	}
	switch {
	case err != nil:
		return err
	case t.err != nil:
		return t.err
	}
	return drain(t.rows, each)
}

// eachRow calls each with the rows of q.
func (d *DB) eachRow(ctx context.Context, q string, args []any, each func(*sql.Rows) error) error {
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return drain(rows, each)
}

// drain calls each with rows, then gives the error that ended them.
func drain(rows *sql.Rows, each func(*sql.Rows) error) error {
	if err := each(rows); err != nil {
		return err
	}
	return rows.Err()
}
