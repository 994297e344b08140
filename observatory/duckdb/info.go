package duckdb

import (
	"context"
	"database/sql"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

// Snapshot is the id of this snapshot.
func (d *DB) Snapshot() string { return d.ID }

// Info describes the snapshot: when it was built, what it was built from.
func (d *DB) Info(ctx context.Context) (*observatory.Snapshot, error) {
	s := &observatory.Snapshot{Inputs: []observatory.Input{}}
	if err := d.db.QueryRowContext(ctx, `SELECT id, created, version FROM snapshot_info`).Scan(&s.ID, &s.Created, &s.Version); err != nil {
		return nil, err
	}
	s.Created = s.Created.UTC()
	if err := d.lineage(ctx, s); err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT kind, name, size, sha256, synthetic, snapshot, ingested,
		rows_read, rows_loaded, rows_quarantined, rows_repaired, coalesce(programme, ''), coalesce(rows_set_aside, 0)
		FROM inputs ORDER BY ingested, kind, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var in observatory.Input
		if err := rows.Scan(&in.Kind, &in.Name, &in.Size, &in.SHA256, &in.Synthetic, &in.Snapshot, &in.Ingested,
			&in.RowsRead, &in.Loaded, &in.Quarantined, &in.Repaired, &in.Programme, &in.SetAside); err != nil {
			return nil, err
		}
		in.Ingested = in.Ingested.UTC()
		s.Synthetic = s.Synthetic || in.Synthetic
		s.Inputs = append(s.Inputs, in)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	err = d.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM formations),
		(SELECT count(DISTINCT structure) FROM formations),
		(SELECT count(*) FROM quarantine)`).Scan(&s.Counts.Formations, &s.Counts.Structures, &s.Quarantined)
	if err != nil {
		return nil, err
	}
	if n, err := d.count(ctx, "job_demand"); err == nil {
		s.Counts.JobDemand = n
	}
	byProg, err := d.db.QueryContext(ctx, `SELECT programme, count(*) FROM formations GROUP BY programme ORDER BY programme`)
	if err != nil {
		return nil, err
	}
	defer byProg.Close()
	for byProg.Next() {
		var p string
		var n int
		if err := byProg.Scan(&p, &n); err != nil {
			return nil, err
		}
		if s.Counts.ByProgramme == nil {
			s.Counts.ByProgramme = map[string]int{}
		}
		s.Counts.ByProgramme[p] = n
	}
	return s, byProg.Err()
}

// lineage reads the snapshot's parent, the catalogue's reference date and
// the run's notes; snapshots made before they were recorded lack some.
func (d *DB) lineage(ctx context.Context, s *observatory.Snapshot) error {
	if ok, err := d.snapshotHasColumn(ctx, "snapshot_info", "parent"); err != nil || !ok {
		return err
	}
	var parent sql.NullString
	var ref sql.NullTime
	if err := d.db.QueryRowContext(ctx, `SELECT parent, (SELECT max(labelled_on) FROM formations) FROM snapshot_info`).Scan(&parent, &ref); err != nil {
		return err
	}
	s.Parent = parent.String
	if ref.Valid {
		s.ReferenceDate = ref.Time.Format(time.DateOnly)
	}
	rows, err := d.db.QueryContext(ctx, `SELECT level, text FROM run_notes ORDER BY position`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var level, text string
		if err := rows.Scan(&level, &text); err != nil {
			return err
		}
		if level == "warning" {
			s.Warnings = append(s.Warnings, text)
		} else {
			s.Notes = append(s.Notes, text)
		}
	}
	return rows.Err()
}

// count counts the rows of table t when the snapshot has it: snapshots built
// before a table existed simply report zero.
func (d *DB) count(ctx context.Context, t string) (int, error) {
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE table_name = ?`, t).Scan(&n)
	if err != nil || n == 0 {
		return 0, err
	}
	// t is one of our table names, never client input.
	err = d.db.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n)
	return n, err
}

// Quarantine lists every row that was not loaded, by file and row.
func (d *DB) Quarantine(ctx context.Context) ([]observatory.Reject, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT file, coalesce(sheet, ''), "row", coalesce("column", ''), coalesce(value, ''), reason
		FROM quarantine ORDER BY kind, file, sheet, "row", "column"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []observatory.Reject{}
	for rows.Next() {
		var r observatory.Reject
		if err := rows.Scan(&r.File, &r.Sheet, &r.Row, &r.Column, &r.Value, &r.Reason); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
