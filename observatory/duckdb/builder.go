package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/gen-numerique/observatory/observatory"
)

// kindTables names the data tables each kind of input owns. A run that
// ingests a kind rebuilds those tables; the others are carried over from the
// previous snapshot unchanged.
var kindTables = map[string][]string{
	"bmo": {"job_demand"}, // the loader keeps the years it does not replace (KeepJobDemand)
}

// programmeTables hold rows that belong to a programme, named by col: a
// catalogue run replaces the GEN label's rows, an offer run its own
// programme's (observatory.ReplacedProgramme), and every other
// programme's rows are carried over.
var programmeTables = []struct{ table, col string }{
	{"formations", "programme"},
	{"set_aside", "programme"},
	{"programmes", "id"},
}

// provenanceTables are carried over row by row for the kinds not replaced.
// Each has a kind column, and all but inputs a file column (KeepJobDemand);
// since 010_programmes.sql a programme column too, set for offer rows, so
// that a row's replace token (kind, or kind:programme) says which run
// replaces it.
var provenanceTables = []string{"inputs", "quarantine", "repairs", "input_columns"}

// builderConfig bounds what DuckDB may hold while a snapshot is built. By
// default it takes up to 80 % of the machine's memory for its buffers, and
// rows appended before the CHECKPOINT stay there: two million formations
// cost it gigabytes. Under the limit it writes them out to the database
// file (and its temporary directory) instead; an ingest is a sequential
// load, which gains nothing from a larger pool. 64 MB is enough since
// formations have no primary key (migration 012), whose index DuckDB
// could not evict: with it, 64 MB failed at row 819,200 of a million.
const builderConfig = "?memory_limit=64MB&threads=2"

// Builder writes a new snapshot. Nothing is visible to readers until Commit
// renames the finished file and publishes it; Abort leaves no trace.
type Builder struct {
	dir     Dir
	id      string
	path    string
	prev    string
	db      *sql.DB
	created time.Time
	unlock  func() // releases the data directory's ingest lock; nil once done
	cleaned []Leftover
	// geo is the geography's load, which runs while the caller reads and
	// appends its input (waitGeo).
	geo    chan error
	geoErr error
}

// Build starts a new snapshot in dir with the reference data (geography and
// digital-jobs referential) loaded.
func Build(ctx context.Context, dir Dir, ref observatory.Reference, version string) (*Builder, error) {
	if err := dir.Init(); err != nil {
		return nil, err
	}
	unlock, err := dir.lock()
	if err != nil {
		return nil, err
	}
	// What a run killed before it committed left behind goes before this
	// one starts: nothing else builds while we hold the lock.
	cleaned, err := dir.cleanLocked()
	if err != nil {
		unlock()
		return nil, err
	}
	prev, err := dir.Current()
	if err != nil {
		unlock()
		return nil, err
	}
	now := time.Now().UTC()
	id := NewID(now)
	for prev != "" && id <= prev {
		// Two runs in the same second (or a clock set back): ids must
		// still sort in the order snapshots were made.
		now = now.Add(time.Second)
		id = NewID(now)
	}
	b := &Builder{dir: dir, id: id, prev: prev, created: now, unlock: unlock, cleaned: cleaned}
	b.path = dir.Path(b.id) + ".building"
	b.db, err = sql.Open("duckdb", b.path+builderConfig)
	if err != nil {
		b.release()
		return nil, err
	}
	if err := b.init(ctx, ref, version); err != nil {
		b.Abort()
		return nil, err
	}
	return b, nil
}

func (b *Builder) init(ctx context.Context, ref observatory.Reference, version string) error {
	if err := migrate(ctx, b.db); err != nil {
		return err
	}
	if _, err := b.db.ExecContext(ctx, `INSERT INTO snapshot_info (id, created, version, parent) VALUES (?, ?, ?, ?)`,
		b.id, b.created, version, nullString(b.prev)); err != nil {
		return err
	}
	// The geography (35,000 communes, a sixth of a BMO run) goes in
	// while the caller reads its input: only Commit needs it, to give
	// each formation its bassin.
	b.geo = make(chan error, 1)
	go func() {
		var err error
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("%v", p)
			}
			if err != nil {
				err = fmt.Errorf("reference geography: %w", err)
			}
			b.geo <- err
		}()
		err = loadGeography(ctx, b, ref.Geo)
	}()
	if err := loadMetiers(ctx, b, ref.Metiers); err != nil {
		return fmt.Errorf("digital-jobs referential: %w", err)
	}
	if b.prev != "" {
		// A path cannot be a bound parameter in ATTACH; it comes from Dir and
		// a validated id, never from a client.
		q := fmt.Sprintf(`ATTACH '%s' AS prev (READ_ONLY)`, escapeLiteral(b.dir.Path(b.prev)))
		if _, err := b.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("attach previous snapshot %s: %w", b.prev, err)
		}
	}
	return nil
}

// waitGeo waits for the geography's load and returns its error, the same
// at each call.
func (b *Builder) waitGeo() error {
	if b.geo != nil {
		b.geoErr = <-b.geo
		b.geo = nil
	}
	return b.geoErr
}

// ID is the id the snapshot will have.
func (b *Builder) ID() string { return b.id }

// Created is the snapshot's creation time.
func (b *Builder) Created() time.Time { return b.created }

// Previous is the snapshot this one starts from, "" for the first.
func (b *Builder) Previous() string { return b.prev }

// Leftovers lists what killed runs had left in the data directory, removed
// before this build started.
func (b *Builder) Leftovers() []Leftover { return b.cleaned }

// RecordNotes stores the run's notes and warnings with the snapshot.
func (b *Builder) RecordNotes(ctx context.Context, notes, warnings []string) error {
	type line struct{ level, text string }
	var all []line
	for _, n := range notes {
		all = append(all, line{"note", n})
	}
	for _, w := range warnings {
		all = append(all, line{"warning", w})
	}
	return b.Append(ctx, "run_notes", len(all), func(i int) []driver.Value {
		return []driver.Value{all[i].level, int32(i), all[i].text}
	})
}

// DB gives loaders that need their own SQL the snapshot being built.
func (b *Builder) DB() *sql.DB { return b.db }

// CarryOver copies from the previous snapshot every table and provenance row
// that the run does not replace. replace holds kinds ("bmo") and, for the
// rows of a programme, "catalogue" (the GEN label) or
// observatory.ReplaceOffer(id): only that programme's formations, set-aside
// rows and provenance are left out.
func (b *Builder) CarryOver(ctx context.Context, replace ...string) error {
	if b.prev == "" {
		return nil
	}
	skip := map[string]bool{}
	progs := []string{}
	for _, k := range replace {
		for _, t := range kindTables[k] {
			skip[t] = true
		}
		if p, ok := observatory.ReplacedProgramme(k); ok {
			progs = append(progs, p)
		}
	}
	for kind, tables := range kindTables {
		for _, t := range tables {
			if skip[t] {
				continue
			}
			if err := b.copyTable(ctx, t, "", nil); err != nil {
				return fmt.Errorf("carry over %s (%s): %w", t, kind, err)
			}
		}
	}
	for _, pt := range programmeTables {
		where, args, err := b.notProgrammes(ctx, pt.table, pt.col, progs)
		if err != nil {
			return err
		}
		if err := b.copyTable(ctx, pt.table, where, args); err != nil {
			return fmt.Errorf("carry over %s: %w", pt.table, err)
		}
	}
	for _, t := range provenanceTables {
		where, args := "", []any{}
		if len(replace) > 0 {
			token := "kind"
			has, err := b.prevHasColumn(ctx, t, "programme")
			if err != nil {
				return err
			}
			if has {
				token = "kind || coalesce(':' || programme, '')"
			}
			where, args = " WHERE NOT list_contains(?, "+token+")", append(args, replace)
		}
		if err := b.copyTable(ctx, t, where, args); err != nil {
			return fmt.Errorf("carry over %s: %w", t, err)
		}
	}
	return nil
}

// notProgrammes is the WHERE that keeps the rows of prev.table whose col
// is not one of progs. A table from before programmes (no such column)
// holds GEN rows only.
func (b *Builder) notProgrammes(ctx context.Context, table, col string, progs []string) (string, []any, error) {
	if len(progs) == 0 {
		return "", nil, nil
	}
	has, err := b.prevHasColumn(ctx, table, col)
	if err != nil || has {
		// col comes from programmeTables, never from input.
		return " WHERE NOT list_contains(?, " + col + ")", []any{progs}, err
	}
	if slices.Contains(progs, observatory.ProgrammeGEN) {
		return " WHERE false", nil, nil
	}
	return "", nil, nil
}

// prevHasColumn reports whether the previous snapshot's table t has
// column col (an older schema may lack it).
func (b *Builder) prevHasColumn(ctx context.Context, t, col string) (bool, error) {
	var n int
	err := b.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_columns() WHERE database_name = 'prev' AND table_name = ? AND column_name = ?`,
		t, col).Scan(&n)
	return n > 0, err
}

// copyTable copies prev.t into t by column name, so a snapshot built with an
// older schema still carries over. A table the old snapshot lacks is skipped.
func (b *Builder) copyTable(ctx context.Context, t, where string, args []any) error {
	var n int
	err := b.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE database_name = 'prev' AND table_name = ?`, t).Scan(&n)
	if err != nil || n == 0 {
		return err
	}
	// t comes from the package's own tables, never from input.
	_, err = b.db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s BY NAME SELECT * FROM prev.%s%s`, t, t, where), args...)
	return err
}

// Record stores an input with its rejected and repaired rows. Columns are
// named, so the tables may grow columns of their own.
func (b *Builder) Record(ctx context.Context, in observatory.Input, rejects []observatory.Reject, repairs []observatory.Repair) error {
	_, err := b.db.ExecContext(ctx, `INSERT INTO inputs (kind, name, size, sha256, synthetic, snapshot, ingested,
		rows_read, rows_loaded, rows_quarantined, rows_repaired, programme, rows_set_aside) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.Kind, in.Name, in.Size, in.SHA256, in.Synthetic, b.id, b.created,
		in.RowsRead, in.Loaded, in.Quarantined, in.Repaired, nullString(in.Programme), in.SetAside)
	if err != nil {
		return err
	}
	return b.quarantine(ctx, in.Kind, in.Programme, rejects, repairs)
}

// Quarantine stores rejected and repaired rows of an input of kind (not an
// offer: no programme); Record stores the input itself, with the last of
// them.
func (b *Builder) Quarantine(ctx context.Context, kind string, rejects []observatory.Reject, repairs []observatory.Repair) error {
	return b.quarantine(ctx, kind, "", rejects, repairs)
}

func (b *Builder) quarantine(ctx context.Context, kind, programme string, rejects []observatory.Reject, repairs []observatory.Repair) error {
	prog := nullString(programme)
	err := b.AppendColumns(ctx, "quarantine", []string{"kind", "file", "sheet", "row", "column", "value", "reason", "programme"}, len(rejects),
		func(i int) []driver.Value {
			r := rejects[i]
			return []driver.Value{kind, r.File, nullString(r.Sheet), int32(r.Row), nullString(r.Column), nullString(r.Value), r.Reason, prog}
		})
	if err != nil {
		return err
	}
	return b.AppendColumns(ctx, "repairs", []string{"kind", "file", "sheet", "row", "column", "was", "now", "reason", "programme"}, len(repairs),
		func(i int) []driver.Value {
			r := repairs[i]
			return []driver.Value{kind, r.File, nullString(r.Sheet), int32(r.Row), r.Column, r.Was, r.Now, r.Reason, prog}
		})
}

// RecordSetAside stores the rows of an offer input left out as not digital.
func (b *Builder) RecordSetAside(ctx context.Context, rows []observatory.SetAside) error {
	return b.AppendColumns(ctx, "set_aside", []string{"programme", "file", "sheet", "row", "title", "diploma", "structure", "commune_code", "rule", "reason"},
		len(rows), func(i int) []driver.Value {
			r := rows[i]
			return []driver.Value{r.Programme, r.File, nullString(r.Sheet), int32(r.Row), r.Title, nullString(r.Diploma),
				nullString(r.Structure), nullString(r.CommuneCode), r.Rule, r.Reason}
		})
}

// RecordProgramme stores a programme's description and provenance; a run
// records each programme it loads.
func (b *Builder) RecordProgramme(ctx context.Context, p observatory.Programme) error {
	files, sums := p.Files, p.SHA256
	if files == nil {
		files = []string{}
	}
	if sums == nil {
		sums = []string{}
	}
	var day driver.Value
	if p.Date != nil {
		day = *p.Date
	}
	_, err := b.db.ExecContext(ctx, `INSERT OR REPLACE INTO programmes (id, kind, title_fr, title_en, source, source_url, licence, date, synthetic, files, sha256, snapshot)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.Kind, p.TitleFR, p.TitleEN, p.Source, nullString(p.SourceURL), p.Licence, day, p.Synthetic, files, sums, b.id)
	return err
}

// Append loads n rows into table with DuckDB's Appender, the fast path for
// bulk loads. row(i) returns the values of row i in column order.
func (b *Builder) Append(ctx context.Context, table string, n int, row func(i int) []driver.Value) error {
	return b.AppendColumns(ctx, table, nil, n, row)
}

// AppendColumns is Append for the named columns only (all when cols is
// nil); the others take their default.
func (b *Builder) AppendColumns(ctx context.Context, table string, cols []string, n int, row func(i int) []driver.Value) error {
	if n == 0 {
		return nil
	}
	conn, err := b.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
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
		for i := 0; i < n; i++ {
			if i%4096 == 0 && ctx.Err() != nil {
				a.Close()
				return ctx.Err()
			}
			if err := a.AppendRow(row(i)...); err != nil {
				a.Close()
				return fmt.Errorf("%s row %d: %w", table, i, err)
			}
		}
		return a.Close()
	})
}

// Commit checkpoints the snapshot, moves it into place and makes it current.
func (b *Builder) Commit(ctx context.Context) (string, error) {
	defer b.release()
	if err := b.waitGeo(); err != nil {
		b.Abort()
		return "", err
	}
	if b.prev != "" {
		if _, err := b.db.ExecContext(ctx, `DETACH prev`); err != nil {
			b.Abort()
			return "", err
		}
	}
	// Every formation in its bassin, carried-over ones included (an older
	// snapshot's formations may have none yet).
	if _, err := b.db.ExecContext(ctx, `UPDATE formations SET bassin = c.bassin FROM communes c WHERE c.code = formations.commune_code`); err != nil {
		b.Abort()
		return "", err
	}
	if err := b.uniqueIDs(ctx); err != nil {
		b.Abort()
		return "", err
	}
	if _, err := b.db.ExecContext(ctx, `CHECKPOINT`); err != nil {
		b.Abort()
		return "", err
	}
	if err := b.db.Close(); err != nil {
		b.Abort()
		return "", err
	}
	b.db = nil
	if err := syncFile(b.path); err != nil {
		b.Abort()
		return "", err
	}
	final := b.dir.Path(b.id)
	// The marker says the complete file is not published yet: a run killed
	// between the rename and the publication leaves a snapshot no one
	// chose, which the next start removes (dir_clean.go).
	if err := writeSync(final+pendingExt, nil); err != nil {
		b.Abort()
		return "", err
	}
	if err := os.Rename(b.path, final); err != nil {
		os.Remove(final + pendingExt)
		b.Abort()
		return "", err
	}
	if err := syncDir(b.dir.snapshots()); err != nil {
		return "", err
	}
	if err := b.dir.Publish(b.id); err != nil {
		return "", err
	}
	if err := os.Remove(final + pendingExt); err != nil {
		return "", err
	}
	return b.id, nil
}

// Abort drops the snapshot being built. It is safe to call after Commit.
func (b *Builder) Abort() {
	defer b.release()
	b.waitGeo()
	if b.db != nil {
		b.db.Close()
		b.db = nil
	}
	for _, p := range []string{b.path, b.path + ".wal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			continue
		}
	}
}

// release lets the next run build; safe to call more than once.
func (b *Builder) release() {
	if b.unlock != nil {
		b.unlock()
		b.unlock = nil
	}
}

func nullString(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

func escapeLiteral(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// CleanedUp says, for the run's report, what Build removed of killed runs.
func (b *Builder) CleanedUp() []string {
	out := make([]string, len(b.cleaned))
	for i, l := range b.cleaned {
		out[i] = fmt.Sprintf("removed %s (%d bytes): %s", l.Path, l.Bytes, l.What)
	}
	return out
}

// uniqueIDs refuses a snapshot where two formations share an id: the table
// has no primary key (migration 012), the loads keep ids unique, and this
// is the check that they did.
func (b *Builder) uniqueIDs(ctx context.Context) error {
	var id string
	var n int
	err := b.db.QueryRowContext(ctx, `SELECT id, count(*) FROM formations GROUP BY id HAVING count(*) > 1 ORDER BY id LIMIT 1`).Scan(&id, &n)
	switch {
	case err == sql.ErrNoRows:
		return nil
	case err != nil:
		return err
	}
	return observatory.Errorf(observatory.EINTERNAL, "snapshot %s: formation id %q appears %d times; nothing was published", b.id, id, n)
}
