package duckdb

import (
	"context"
	"database/sql/driver"
	"fmt"
	"iter"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/gen-numerique/observatory/observatory"
)

// AppendJobDemand streams BMO rows into job_demand through one Appender.
// The Appender flushes every data chunk (2,048 rows) itself, so neither side
// ever holds the whole file. Rows must be unique on (year, fap_code,
// bassin, departement): the loader quarantines duplicates first, and the
// table's key refuses any that slip through.
func (b *Builder) AppendJobDemand(ctx context.Context, rows iter.Seq2[*observatory.JobDemand, error]) (int, error) {
	vals := make([]driver.Value, 15)
	return b.appendStream(ctx, "job_demand", nil, func(yield func([]driver.Value, error) bool) {
		for r, err := range rows {
			if err != nil {
				yield(nil, err)
				return
			}
			vals[0], vals[1], vals[2], vals[3] = int32(r.Year), r.FAPEdition, r.FAPCode, nullString(r.FAPLabel)
			vals[4], vals[5] = nullString(r.BMOFamily), nullString(r.BMOFamilyLabel)
			vals[6], vals[7], vals[8], vals[9] = r.Region, r.Departement, r.Bassin, nullString(r.BassinName)
			vals[10], vals[11], vals[12] = ptr32(r.Projects), ptr32(r.Difficult), ptr32(r.Seasonal)
			vals[13], vals[14] = r.Source, int32(r.SourceRow)
			if !yield(vals, nil) {
				return
			}
		}
	})
}

// appendFlushRows is how many rows a stream appends between flushes.
const appendFlushRows = 8192

// appendStream appends the rows of seq to table with one Appender, checking
// ctx every 4,096 rows and flushing every appendFlushRows. The values slice
// may be reused between rows.
func (b *Builder) appendStream(ctx context.Context, table string, cols []string, seq iter.Seq2[[]driver.Value, error]) (int, error) {
	conn, err := b.db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	n := 0
	err = conn.Raw(func(dc any) error {
		var a *duckdb.Appender
		var err error
		if cols == nil {
			a, err = duckdb.NewAppenderFromConn(dc.(driver.Conn), "", table)
		} else {
			a, err = duckdb.NewAppenderWithColumns(dc.(driver.Conn), "", "", table, cols)
		}
		if err != nil {
			return err
		}
		for row, err := range readAhead(seq) {
			if err == nil && n%4096 == 0 {
				err = ctx.Err()
			}
			// The appender holds up to 204,800 rows before it writes them
			// to the table, outside DuckDB's memory limit (a hundred MB of
			// formations); flushing more often keeps a load's memory flat.
			if err == nil && n > 0 && n%appendFlushRows == 0 {
				err = a.Flush()
			}
			if err == nil {
				if err = a.AppendRow(row...); err != nil {
					err = fmt.Errorf("%s row %d: %w", table, n, err)
				}
			}
			if err != nil {
				a.Close()
				return err
			}
			n++
		}
		return a.Close()
	})
	return n, err
}

// KeepJobDemand copies the previous snapshot's job demand of the years a
// BMO run does not replace, and the provenance (inputs, quarantine,
// repairs) of the files those rows came from. CarryOver left all of it out,
// since before reading the files a run cannot know which years they hold.
func (b *Builder) KeepJobDemand(ctx context.Context, replaced []int) error {
	if b.prev == "" {
		return nil
	}
	years := make([]int32, len(replaced))
	for i, y := range replaced {
		years[i] = int32(y)
	}
	var n int
	err := b.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE database_name = 'prev' AND table_name = 'job_demand'`).Scan(&n)
	if err != nil || n == 0 {
		return err
	}
	if err := b.copyTable(ctx, "job_demand", ` WHERE NOT list_contains(?, year)`, []any{years}); err != nil {
		return fmt.Errorf("keep job demand: %w", err)
	}
	// A file is kept while some of its rows are.
	kept := ` WHERE kind = 'bmo' AND file IN (SELECT DISTINCT source FROM prev.job_demand WHERE NOT list_contains(?, year))`
	for _, t := range provenanceTables {
		where := kept
		if t == "inputs" {
			where = ` WHERE kind = 'bmo' AND name IN (SELECT DISTINCT source FROM prev.job_demand WHERE NOT list_contains(?, year))`
		}
		if err := b.copyTable(ctx, t, where, []any{years}); err != nil {
			return fmt.Errorf("keep job demand provenance %s: %w", t, err)
		}
	}
	return nil
}
