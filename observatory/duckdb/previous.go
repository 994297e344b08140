package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

// RecordColumns stores which column of each input held each concept
// (table input_columns, carried over with inputs).
func (b *Builder) RecordColumns(ctx context.Context, cols []observatory.ColumnUse) error {
	return b.AppendColumns(ctx, "input_columns", []string{"kind", "file", "concept", "header", "required", "snapshot", "programme"}, len(cols),
		func(i int) []driver.Value {
			c := cols[i]
			return []driver.Value{c.Kind, c.File, c.Concept, nullString(c.Header), c.Required, b.id, nullString(c.Programme)}
		})
}

// PreviousColumns is the column use recorded for the previous snapshot's
// inputs of kind (a replace token: "catalogue", or ReplaceOffer(id) for
// one programme's). A snapshot made before column use was recorded has none.
func (b *Builder) PreviousColumns(ctx context.Context, kind string) ([]observatory.ColumnUse, error) {
	if ok, err := b.prevHas(ctx, "input_columns"); err != nil || !ok {
		return nil, err
	}
	token, prog := "kind", "''"
	if ok, err := b.prevHasColumn(ctx, "input_columns", "programme"); err != nil {
		return nil, err
	} else if ok {
		token, prog = "kind || coalesce(':' || programme, '')", "coalesce(programme, '')"
	}
	// token and prog are fixed expressions.
	rows, err := b.db.QueryContext(ctx, `SELECT kind, `+prog+`, file, concept, coalesce(header, ''), required
		FROM prev.input_columns WHERE `+token+` = ? ORDER BY file, concept`, kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []observatory.ColumnUse
	for rows.Next() {
		var c observatory.ColumnUse
		if err := rows.Scan(&c.Kind, &c.Programme, &c.File, &c.Concept, &c.Header, &c.Required); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PreviousCatalogue describes the previous snapshot's formations: how many,
// its reference date and how many are in force then, with the same rule as
// observatory.InForce (no labelling date: labelled; no end: never ends),
// and the span of each wave's labelling dates.
func (b *Builder) PreviousCatalogue(ctx context.Context) (observatory.CatalogueState, error) {
	var st observatory.CatalogueState
	if ok, err := b.prevHas(ctx, "formations"); err != nil || !ok {
		return st, err
	}
	// The GEN label's formations only: the other programmes' are not the
	// catalogue's (a snapshot from before programmes has GEN rows only).
	gen := `prev.formations`
	if ok, err := b.prevHasColumn(ctx, "formations", "programme"); err != nil {
		return st, err
	} else if ok {
		gen = `(SELECT * FROM prev.formations WHERE programme = 'gen')`
	}
	var ref sql.NullTime
	err := b.db.QueryRowContext(ctx, `WITH g AS (SELECT * FROM `+gen+`), r AS (SELECT max(labelled_on) AS ref FROM g)
		SELECT count(*), any_value(r.ref),
			count(*) FILTER (WHERE (f.labelled_on IS NULL OR r.ref IS NULL OR f.labelled_on <= r.ref)
				AND (f.label_end IS NULL OR r.ref IS NULL OR f.label_end > r.ref))
		FROM g f, r`).Scan(&st.Formations, &ref, &st.InForce)
	if err != nil {
		return st, err
	}
	if ref.Valid {
		st.Reference = ref.Time
	}
	rows, err := b.db.QueryContext(ctx, `SELECT wave, count(*), mode(labelled_on), min(labelled_on), max(labelled_on)
		FROM `+gen+` WHERE wave IS NOT NULL AND labelled_on IS NOT NULL GROUP BY wave ORDER BY wave`)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var c observatory.Campaign
		var date, first, last time.Time
		if err := rows.Scan(&c.Wave, &c.Rows, &date, &first, &last); err != nil {
			return st, err
		}
		c.Date, c.First, c.Last = date.UTC(), first.UTC(), last.UTC()
		st.Waves = append(st.Waves, c)
	}
	return st, rows.Err()
}

// prevHas reports whether there is a previous snapshot and it has table t:
// older snapshots lack the tables added since.
func (b *Builder) prevHas(ctx context.Context, t string) (bool, error) {
	if b.prev == "" {
		return false, nil
	}
	var n int
	err := b.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE database_name = 'prev' AND table_name = ?`, t).Scan(&n)
	return n > 0, err
}
