package duckdb

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/gen-numerique/observatory/observatory"
)

// programmesCond adds the condition that keeps the formations of progs
// (none: every programme).
func programmesCond(conds []string, args []any, progs []string) ([]string, []any) {
	if len(progs) == 0 {
		return conds, args
	}
	return append(conds, `list_contains(?, programme)`), append(args, progs)
}

// programmes lists the programmes of the snapshot by id, with their
// formations and set-aside rows. A snapshot whose GEN formations predate
// the programmes table gets the GEN label's description, synthetic when
// a catalogue input is.
func (d *DB) programmes(ctx context.Context) ([]observatory.Programme, error) {
	rows, err := d.db.QueryContext(ctx, `WITH n AS (SELECT programme, count(*) AS k FROM formations GROUP BY programme),
	s AS (SELECT programme, count(*) AS k FROM set_aside GROUP BY programme)
SELECT p.id, p.kind, p.title_fr, p.title_en, p.source, coalesce(p.source_url, ''), p.licence, p.date, p.synthetic,
	p.files, p.sha256, p.snapshot, coalesce(n.k, 0), coalesce(s.k, 0)
FROM programmes p LEFT JOIN n ON n.programme = p.id LEFT JOIN s ON s.programme = p.id ORDER BY p.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []observatory.Programme{}
	for rows.Next() {
		var p observatory.Programme
		var day sql.NullTime
		var files, sums any
		if err := rows.Scan(&p.ID, &p.Kind, &p.TitleFR, &p.TitleEN, &p.Source, &p.SourceURL, &p.Licence, &day, &p.Synthetic,
			&files, &sums, &p.Snapshot, &p.Formations, &p.SetAside); err != nil {
			return nil, err
		}
		p.Date, p.Files, p.SHA256 = timePtr(day), stringList(files), stringList(sums)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, p := range out {
		if p.ID == observatory.ProgrammeGEN {
			return out, nil
		}
	}
	// GEN formations without their programme row (carried over from a
	// snapshot made before programmes were recorded).
	gen := observatory.GENProgramme()
	err = d.db.QueryRowContext(ctx, `SELECT count(*), coalesce(bool_or(synthetic), false) FROM formations WHERE programme = 'gen'`).
		Scan(&gen.Formations, &gen.Synthetic)
	if err != nil || gen.Formations == 0 {
		return out, err
	}
	gen.Snapshot, gen.Files, gen.SHA256 = d.ID, []string{}, []string{}
	frows, err := d.db.QueryContext(ctx, `SELECT name, sha256, snapshot FROM inputs WHERE kind = 'catalogue' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer frows.Close()
	for frows.Next() {
		var name, sum string
		if err := frows.Scan(&name, &sum, &gen.Snapshot); err != nil {
			return nil, err
		}
		gen.Files, gen.SHA256 = append(gen.Files, name), append(gen.SHA256, sum)
	}
	if err := frows.Err(); err != nil {
		return nil, err
	}
	out = append(out, gen)
	slices.SortFunc(out, func(a, b observatory.Programme) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// SetAside lists the rows of offer inputs left out as not digital, by
// programme, file and row.
func (d *DB) SetAside(ctx context.Context) ([]observatory.SetAside, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT programme, file, coalesce(sheet, ''), "row", title, coalesce(diploma, ''),
	coalesce(structure, ''), coalesce(commune_code, ''), rule, reason FROM set_aside ORDER BY programme, file, sheet, "row"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []observatory.SetAside{}
	for rows.Next() {
		var r observatory.SetAside
		if err := rows.Scan(&r.Programme, &r.File, &r.Sheet, &r.Row, &r.Title, &r.Diploma, &r.Structure, &r.CommuneCode, &r.Rule, &r.Reason); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
