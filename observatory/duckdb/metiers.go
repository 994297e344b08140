package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"slices"
	"strings"

	"github.com/gen-numerique/observatory/observatory"
)

// loadMetiers writes the digital-jobs referential into the snapshot, so
// that SQL joins job demand and formations to families, and so that a
// snapshot always carries the referential its families were attached
// with: the ingest classifies formations with the same one.
func loadMetiers(ctx context.Context, b *Builder, ref *observatory.Referential) error {
	if ref == nil {
		return errors.New("no referential given")
	}
	ms := ref.Metiers()
	err := b.Append(ctx, "metiers", len(ms), func(i int) []driver.Value {
		m := ms[i]
		// Column order: 005_metiers.sql, then 007_metiers_more.sql.
		return []driver.Value{m.Family, m.LabelFR, m.LabelEN, int32(m.Rank), m.DescriptionFR, m.DescriptionEN, m.Aliases}
	})
	if err != nil {
		return err
	}
	type famCode struct {
		family string
		observatory.MetierCode
	}
	var codes []famCode
	for _, m := range ms {
		for _, list := range [][]observatory.MetierCode{m.ROME, m.FAP2009, m.FAP2021} {
			for _, c := range list {
				codes = append(codes, famCode{m.Family, c})
			}
		}
	}
	err = b.Append(ctx, "metier_codes", len(codes), func(i int) []driver.Value {
		c := codes[i]
		return []driver.Value{c.family, c.Scheme, c.Code, c.Label, strings.Join(c.Source, "|"), c.Scope, nullString(c.Note)}
	})
	if err != nil {
		return err
	}
	srcs := ref.Sources()
	err = b.Append(ctx, "metier_sources", len(srcs), func(i int) []driver.Value {
		s := srcs[i]
		return []driver.Value{s.ID, s.Title, s.Producer, s.File, s.Licence, nullString(s.Note)}
	})
	if err != nil {
		return err
	}
	rules := ref.TitleRules()
	return b.Append(ctx, "metier_title_rules", len(rules), func(i int) []driver.Value {
		r := rules[i]
		return []driver.Value{int32(r.Rank), r.Family, r.Keywords, nullString(r.Note)}
	})
}

// Referential returns the referential stored in this snapshot, with how its
// formations are attached. A snapshot built before the referential was
// complete (migration 007) gives what it has: families and codes, no
// sources or rules, and counts by family only.
func (d *DB) Referential(ctx context.Context) (*observatory.MetierSnapshot, error) {
	full, err := d.snapshotHasTable(ctx, "metier_sources")
	if err != nil {
		return nil, err
	}
	out := &observatory.MetierSnapshot{
		Metiers: []observatory.Metier{}, Sources: []observatory.MetierSource{},
		TitleRules: []observatory.TitleRule{}, Counts: map[string]observatory.MetierCounts{},
	}
	q := `SELECT family, label_fr, label_en, 0, '', '', NULL FROM metiers ORDER BY family`
	if full {
		q = `SELECT family, label_fr, label_en, coalesce(rank, 0), coalesce(description_fr, ''), coalesce(description_en, ''), aliases
			FROM metiers ORDER BY rank NULLS LAST, family`
	}
	idx := map[string]int{}
	err = d.metierEach(ctx, q, nil, func(rows *sql.Rows) error {
		var m observatory.Metier
		var aliases any
		if err := rows.Scan(&m.Family, &m.LabelFR, &m.LabelEN, &m.Rank, &m.DescriptionFR, &m.DescriptionEN, &aliases); err != nil {
			return err
		}
		m.Aliases = stringList(aliases)
		m.ROME, m.FAP2009, m.FAP2021, m.Sources = []observatory.MetierCode{}, []observatory.MetierCode{}, []observatory.MetierCode{}, []string{}
		idx[m.Family] = len(out.Metiers)
		out.Metiers = append(out.Metiers, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// rowid keeps the order of the embedded files, which is meaningful
	// (the main code of a family first).
	q = `SELECT family, scheme, code, coalesce(label, ''), source, '', '' FROM metier_codes ORDER BY rowid`
	if full {
		q = `SELECT family, scheme, code, coalesce(label, ''), source, coalesce(scope, ''), coalesce(note, '')
			FROM metier_codes ORDER BY rowid`
	}
	err = d.metierEach(ctx, q, nil, func(rows *sql.Rows) error {
		var fam, src string
		var c observatory.MetierCode
		if err := rows.Scan(&fam, &c.Scheme, &c.Code, &c.Label, &src, &c.Scope, &c.Note); err != nil {
			return err
		}
		i, ok := idx[fam]
		if !ok {
			return nil // a code of a family the snapshot does not describe
		}
		c.Source = strings.Split(src, "|")
		m := &out.Metiers[i]
		switch c.Scheme {
		case observatory.SchemeFAP2009:
			m.FAP2009 = append(m.FAP2009, c)
		case observatory.SchemeFAP2021:
			m.FAP2021 = append(m.FAP2021, c)
		default:
			m.ROME = append(m.ROME, c)
		}
		for _, s := range c.Source {
			if !slices.Contains(m.Sources, s) {
				m.Sources = append(m.Sources, s)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out.Metiers {
		slices.Sort(out.Metiers[i].Sources) // as observatory.NewReferential does
	}
	if full {
		if err := d.metierExtras(ctx, out); err != nil {
			return nil, err
		}
	}
	return out, d.metierCounts(ctx, out)
}

// metierExtras reads the sources and title rules of a complete snapshot.
func (d *DB) metierExtras(ctx context.Context, out *observatory.MetierSnapshot) error {
	err := d.metierEach(ctx, `SELECT id, title, producer, file, licence, coalesce(note, '') FROM metier_sources ORDER BY rowid`, nil, func(rows *sql.Rows) error {
		var s observatory.MetierSource
		if err := rows.Scan(&s.ID, &s.Title, &s.Producer, &s.File, &s.Licence, &s.Note); err != nil {
			return err
		}
		out.Sources = append(out.Sources, s)
		return nil
	})
	if err != nil {
		return err
	}
	return d.metierEach(ctx, `SELECT rank, family, keywords, coalesce(note, '') FROM metier_title_rules ORDER BY rank`, nil, func(rows *sql.Rows) error {
		var r observatory.TitleRule
		var kw any
		if err := rows.Scan(&r.Rank, &r.Family, &kw, &r.Note); err != nil {
			return err
		}
		r.Keywords = stringList(kw)
		out.TitleRules = append(out.TitleRules, r)
		return nil
	})
}

// metierCounts counts the formations of each family by attach rule. A
// snapshot without family_rule counts attached formations only.
func (d *DB) metierCounts(ctx context.Context, out *observatory.MetierSnapshot) error {
	withRule, err := d.snapshotHasColumn(ctx, "formations", "family_rule")
	if err != nil {
		return err
	}
	rule := `NULL`
	if withRule {
		rule = `family_rule`
	}
	withProg, err := d.snapshotHasColumn(ctx, "formations", "programme")
	if err != nil {
		return err
	}
	prog := `'` + observatory.ProgrammeGEN + `'`
	if withProg {
		prog = `programme`
	}
	out.ByProgramme = map[string]observatory.MetierProgrammeCounts{}
	q := `SELECT ` + prog + `, family, ` + rule + `, count(*), bool_or(synthetic) FROM formations GROUP BY ALL`
	return d.metierEach(ctx, q, nil, func(rows *sql.Rows) error {
		var fam, rule sql.NullString
		var pid string
		var n int
		var synth bool
		if err := rows.Scan(&pid, &fam, &rule, &n, &synth); err != nil {
			return err
		}
		pc := out.ByProgramme[pid]
		if pc.Counts == nil {
			pc.Counts = map[string]observatory.MetierCounts{}
		}
		out.Formations += n
		pc.Formations += n
		out.Synthetic = out.Synthetic || synth
		pc.Synthetic = pc.Synthetic || synth
		if !fam.Valid {
			out.Unattached += n
			pc.Unattached += n
			out.ByProgramme[pid] = pc
			return nil
		}
		add := func(c observatory.MetierCounts) observatory.MetierCounts {
			c.Attached += n
			switch rule.String {
			case observatory.RuleROME:
				c.ByROME += n
			case observatory.RuleTitle:
				c.ByTitle += n
			case observatory.RuleSource:
				c.BySource += n
			case observatory.RuleDisputed:
				c.Disputed += n
			}
			return c
		}
		out.Counts[fam.String] = add(out.Counts[fam.String])
		pc.Counts[fam.String] = add(pc.Counts[fam.String])
		out.ByProgramme[pid] = pc
		return nil
	})
}

func (d *DB) metierEach(ctx context.Context, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (d *DB) snapshotHasTable(ctx context.Context, t string) (bool, error) {
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE table_name = ?`, t).Scan(&n)
	return n > 0, err
}

func (d *DB) snapshotHasColumn(ctx context.Context, t, c string) (bool, error) {
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_columns() WHERE table_name = ? AND column_name = ?`, t, c).Scan(&n)
	return n > 0, err
}
