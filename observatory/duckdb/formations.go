package duckdb

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gen-numerique/observatory/observatory"
)

const formationCols = `id, title, structure, postcode, commune_code, commune, departement, region,
	lat, lon, rome, family, duration_months, labelled_on, wave, label_end,
	seats, sessions, learners, women, low_qualified, qpv, synthetic, source, source_row`

// cursorTag marks our cursors, so a made-up one is refused, not queried.
const cursorTag = "f1:"

// MaxLimit caps a page of formations whatever the caller asks.
const MaxLimit = 1000

// Formations returns one page of formations matching f, ordered by id.
func (d *DB) Formations(ctx context.Context, f observatory.FormationFilter) (*observatory.FormationPage, error) {
	where, args := formationWhere(f)
	page := &observatory.FormationPage{Items: []observatory.Formation{}}
	if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM formations`+where, args...).Scan(&page.Total); err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 || limit > MaxLimit {
		limit = MaxLimit
	}
	after := ""
	if f.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		id, ok := strings.CutPrefix(string(b), cursorTag)
		if err != nil || !ok || id == "" || !utf8.ValidString(id) {
			return nil, observatory.ParamError("cursor", "cursor is not one this API gave; start again without it")
		}
		after = id
	}
	q := `SELECT ` + formationCols + ` FROM formations` + where
	if after != "" {
		q += andOrWhere(where) + `id > ?`
		args = append(args, after)
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, limit+1)
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		fm, err := scanFormation(rows)
		if err != nil {
			return nil, err
		}
		page.Items = append(page.Items, *fm)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.Next = base64.RawURLEncoding.EncodeToString([]byte(cursorTag + page.Items[limit-1].ID))
	}
	return page, nil
}

// Formation returns one formation by id.
func (d *DB) Formation(ctx context.Context, id string) (*observatory.Formation, error) {
	row := d.db.QueryRowContext(ctx, `SELECT `+formationCols+` FROM formations WHERE id = ?`, id)
	f, err := scanFormation(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, observatory.Errorf(observatory.ENOTFOUND, "no formation %q", id)
	}
	return f, err
}

// formationWhere builds the WHERE clause from fixed fragments; every value
// goes through a placeholder.
func formationWhere(f observatory.FormationFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		conds = append(conds, cond)
		args = append(args, v)
	}
	if f.Region != "" {
		add(`region = ?`, f.Region)
	}
	if f.Departement != "" {
		add(`departement = ?`, f.Departement)
	}
	if f.ROME != "" {
		add(`list_contains(rome, ?)`, f.ROME)
	}
	if f.Family != "" {
		add(`family = ?`, f.Family)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		add(`strip_accents(lower(concat_ws(' ', title, structure, commune))) LIKE '%' || strip_accents(lower(?)) || '%' ESCAPE '\'`, escapeLike(q))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return ` WHERE ` + strings.Join(conds, ` AND `), args
}

func andOrWhere(where string) string {
	if where == "" {
		return ` WHERE `
	}
	return ` AND `
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

type scanner interface{ Scan(dest ...any) error }

func scanFormation(s scanner) (*observatory.Formation, error) {
	var (
		f                                                observatory.Formation
		postcode, communeCode, commune, family           sql.NullString
		lat, lon, duration                               sql.NullFloat64
		labelled, labelEnd                               sql.NullTime
		wave, seats, sessions, learners, women, low, qpv sql.NullInt32
		rome                                             any
	)
	err := s.Scan(&f.ID, &f.Title, &f.Structure, &postcode, &communeCode, &commune, &f.Departement, &f.Region,
		&lat, &lon, &rome, &family, &duration, &labelled, &wave, &labelEnd,
		&seats, &sessions, &learners, &women, &low, &qpv, &f.Synthetic, &f.Source, &f.SourceRow)
	if err != nil {
		return nil, err
	}
	f.Postcode, f.CommuneCode, f.Commune, f.Family = postcode.String, communeCode.String, commune.String, family.String
	f.Lat, f.Lon, f.DurationMonths = floatPtr(lat), floatPtr(lon), floatPtr(duration)
	f.LabelledOn, f.LabelEnd = timePtr(labelled), timePtr(labelEnd)
	f.Wave, f.Seats, f.Sessions = intPtr(wave), intPtr(seats), intPtr(sessions)
	f.Learners, f.Women, f.LowQualified, f.QPV = intPtr(learners), intPtr(women), intPtr(low), intPtr(qpv)
	f.ROME = stringList(rome)
	return &f, nil
}

func floatPtr(v sql.NullFloat64) *float64 {
	if !v.Valid {
		return nil
	}
	return &v.Float64
}

func intPtr(v sql.NullInt32) *int {
	if !v.Valid {
		return nil
	}
	n := int(v.Int32)
	return &n
}

func timePtr(v sql.NullTime) *time.Time {
	if !v.Valid {
		return nil
	}
	t := v.Time.UTC()
	return &t
}

func stringList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
