package duckdb

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gen-numerique/observatory/observatory"
)

const formationCols = `id, title, structure, postcode, commune_code, commune, departement, region,
	lat, lon, rome, family, duration_months, labelled_on, wave, label_end,
	seats, sessions, learners, women, low_qualified, qpv, synthetic, source, source_row,
	bassin, programme, structure_id, diploma, listed_on, point_rule`

// cursorTag marks our cursors, so a made-up one is refused, not queried.
const cursorTag = "f1:"

// MaxLimit caps a page of formations whatever the caller asks.
const MaxLimit = 1000

// Formations returns one page of formations matching f, ordered by id or
// by f.Sort.
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
	f.Limit = limit + 1 // one more tells whether there is a next page
	q, args, offset, err := formationQuery(formationCols, f)
	if err != nil {
		return nil, err
	}
	if err := d.eachRow(ctx, q, args, func(rows *sql.Rows) error {
		return scanFormations(rows, func(fm *observatory.Formation) error {
			page.Items = append(page.Items, *fm)
			return nil
		})
	}); err != nil {
		return nil, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		if len(f.Sort) > 0 {
			page.Next = encodeCursor(offsetCursorTag + strconv.Itoa(offset+limit))
		} else {
			page.Next = encodeCursor(cursorTag + page.Items[limit-1].ID)
		}
	}
	return page, nil
}

// EachFormation streams the formations matching f, f.Limit of them at most
// (all when 0), in the order Formations pages them.
func (d *DB) EachFormation(ctx context.Context, f observatory.FormationFilter, fn func(*observatory.Formation) error) error {
	return d.eachRange(ctx, formationCols, f, func(rows *sql.Rows) error { return scanFormations(rows, fn) }, nil)
}

// scanFormations calls fn with each formation of rows.
func scanFormations(rows *sql.Rows, fn func(*observatory.Formation) error) error {
	for rows.Next() {
		fm, err := scanFormation(rows)
		if err != nil {
			return err
		}
		if err := fn(fm); err != nil {
			return err
		}
	}
	return nil
}

// formationExportCols are the columns of a Parquet export, named as the
// JSON names them; the keys are the only identifiers a client can choose.
var formationExportCols = []struct{ name, expr string }{
	{"id", "id"}, {"title", "title"}, {"structure", "structure"}, {"postcode", "postcode"},
	{"commune_code", "commune_code"}, {"commune", "commune"}, {"departement", "departement"},
	{"region", "region"}, {"bassin", "bassin"}, {"lat", "lat"}, {"lon", "lon"}, {"rome", "rome"}, {"family", "family"},
	{"duration_months", "duration_months"}, {"labelled_on", "labelled_on"}, {"wave", "wave"},
	{"label_end", "label_end"}, {"seats_per_session", "seats"}, {"sessions", "sessions"},
	{"learners", "learners"}, {"women", "women"}, {"low_qualified", "low_qualified"},
	{"qpv_residents", "qpv"}, {"programme", "programme"}, {"synthetic", "synthetic"}, {"source", "source"}, {"source_row", "source_row"},
	{"structure_id", "structure_id"}, {"diploma", "diploma"}, {"listed_on", "listed_on"}, {"point_rule", "point_rule"},
}

// FormationsParquet writes the formations matching f to a Parquet file with
// DuckDB's COPY, which encodes far faster than anything row by row in Go.
func (d *DB) FormationsParquet(ctx context.Context, f observatory.FormationFilter, fields []string, meta map[string]string, path string) error {
	sel, err := exportSelect(formationExportCols, fields)
	if err != nil {
		return err
	}
	q, args, _, err := formationQuery(sel, f)
	if err != nil {
		return err
	}
	return d.copyParquet(ctx, q, args, meta, path)
}

// quarantineExportCols are the columns of the quarantine as Quarantine
// lists them.
var quarantineExportCols = []struct{ name, expr string }{
	{"file", "file"}, {"sheet", "coalesce(sheet, '')"}, {"row", `"row"`}, {"column", `coalesce("column", '')`},
	{"value", "coalesce(value, '')"}, {"reason", "reason"},
}

// QuarantineParquet writes the quarantine, in Quarantine's order, to a
// Parquet file.
func (d *DB) QuarantineParquet(ctx context.Context, fields []string, meta map[string]string, path string) error {
	sel, err := exportSelect(quarantineExportCols, fields)
	if err != nil {
		return err
	}
	q := `SELECT ` + sel + ` FROM quarantine ORDER BY kind, file, sheet, "row", "column"`
	return d.copyParquet(ctx, q, nil, meta, path)
}

// exportSelect builds a select list of the chosen fields (all when none),
// each a fixed expression aliased to its public name.
func exportSelect(cols []struct{ name, expr string }, fields []string) (string, error) {
	if len(fields) == 0 {
		for _, c := range cols {
			fields = append(fields, c.name)
		}
	}
	sel := make([]string, len(fields))
	for i, name := range fields {
		j := slices.IndexFunc(cols, func(c struct{ name, expr string }) bool { return c.name == name })
		if j < 0 {
			return "", observatory.ParamError("fields", "unknown field %q", name)
		}
		sel[i] = cols[j].expr + ` AS ` + quoteIdent(name)
	}
	return strings.Join(sel, ", "), nil
}

// formationSortCols maps the API's sort fields to columns: the only
// identifiers a client can put in ORDER BY.
var formationSortCols = map[string]string{
	"id": "id", "title": "title", "structure": "structure", "postcode": "postcode",
	"commune_code": "commune_code", "commune": "commune", "departement": "departement", "region": "region",
	"family": "family", "duration_months": "duration_months", "labelled_on": "labelled_on", "wave": "wave",
	"label_end": "label_end", "seats_per_session": "seats", "sessions": "sessions", "learners": "learners",
	"women": "women", "low_qualified": "low_qualified", "qpv_residents": "qpv",
	"bassin": "bassin", "programme": "programme",
}

// offsetCursorTag marks cursors of sorted lists, which page by offset: a
// snapshot never changes, so an offset stays valid for its lifetime.
const offsetCursorTag = "f2:"

func encodeCursor(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// formationQuery builds the SELECT of cols for f: filters, cursor, order,
// limit. It returns the offset it applied (sorted lists page by offset).
func formationQuery(cols string, f observatory.FormationFilter) (string, []any, int, error) {
	where, args := formationWhere(f)
	after, offset := "", 0
	if f.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		s := string(b)
		bad := err != nil || !utf8.ValidString(s)
		switch {
		case bad:
		case strings.HasPrefix(s, cursorTag):
			after = strings.TrimPrefix(s, cursorTag)
			bad = after == "" || len(f.Sort) > 0
		case strings.HasPrefix(s, offsetCursorTag):
			offset, err = strconv.Atoi(strings.TrimPrefix(s, offsetCursorTag))
			bad = err != nil || offset < 0 || len(f.Sort) == 0
		default:
			bad = true
		}
		if bad {
			return "", nil, 0, observatory.ParamError("cursor", "cursor is not one this API gave for this sort; start again without it")
		}
	}
	q := `SELECT ` + cols + ` FROM formations` + where
	if after != "" {
		q += andOrWhere(where) + `id > ?`
		args = append(args, after)
	}
	order := make([]string, 0, len(f.Sort)+1)
	for _, k := range f.Sort {
		col, ok := formationSortCols[k.Field]
		if !ok {
			return "", nil, 0, observatory.ParamError("sort", "cannot sort formations by %q", k.Field)
		}
		dir := ` ASC`
		if k.Desc {
			dir = ` DESC`
		}
		order = append(order, col+dir+` NULLS LAST`)
	}
	q += ` ORDER BY ` + strings.Join(append(order, `id`), `, `)
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	if offset > 0 {
		q += ` OFFSET ?`
		args = append(args, offset)
	}
	return q, args, offset, nil
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
	conds, args := offerAt(f.At, f.View)
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
	if f.Bassin != "" {
		add(`bassin = ?`, f.Bassin)
	}
	if f.Commune != "" {
		add(`commune_code = ?`, f.Commune)
	}
	if len(f.Programmes) > 0 {
		add(`list_contains(?, programme)`, f.Programmes)
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
		postcode, communeCode, commune, family, bassin   sql.NullString
		structureID, diploma, pointRule                  sql.NullString
		lat, lon, duration                               sql.NullFloat64
		labelled, labelEnd, listed                       sql.NullTime
		wave, seats, sessions, learners, women, low, qpv sql.NullInt32
		rome                                             any
	)
	err := s.Scan(&f.ID, &f.Title, &f.Structure, &postcode, &communeCode, &commune, &f.Departement, &f.Region,
		&lat, &lon, &rome, &family, &duration, &labelled, &wave, &labelEnd,
		&seats, &sessions, &learners, &women, &low, &qpv, &f.Synthetic, &f.Source, &f.SourceRow,
		&bassin, &f.Programme, &structureID, &diploma, &listed, &pointRule)
	if err != nil {
		return nil, err
	}
	f.Postcode, f.CommuneCode, f.Commune, f.Family = postcode.String, communeCode.String, commune.String, family.String
	f.Bassin = bassin.String
	f.StructureID, f.Diploma, f.PointRule, f.ListedOn = structureID.String, diploma.String, pointRule.String, timePtr(listed)
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
