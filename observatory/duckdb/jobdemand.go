package duckdb

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gen-numerique/observatory/observatory"
)

// jdCursorTag marks job-demand cursors, so a made-up one is refused.
const jdCursorTag = "j1:"

// jdLevel maps a level to the job_demand column and the reference table
// that names its territories. These are the only identifiers spliced in.
var jdLevel = map[observatory.Level]struct{ col, names string }{
	observatory.LevelRegion:      {"region", "regions"},
	observatory.LevelDepartement: {"departement", "departements"},
	observatory.LevelBassin:      {"bassin", ""},
}

// jdKey is the sort key of an aggregated row, which a cursor carries.
type jdKey struct {
	Year int    `json:"y"`
	Code string `json:"c"`
	G    string `json:"g"`
}

// JobDemand returns one page of job demand aggregated by year, territory
// and group, ordered by year, code and group.
func (d *DB) JobDemand(ctx context.Context, f observatory.JobDemandFilter) (*observatory.JobDemandPage, error) {
	page := &observatory.JobDemandPage{Items: []observatory.JobDemandRow{}}
	limit := f.Limit
	if limit <= 0 || limit > MaxLimit {
		limit = MaxLimit
	}
	q, err := d.jobDemandQuery(ctx, f)
	if err != nil {
		return nil, err
	}
	if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM (`+q.agg+`)`, q.aggArgs...).Scan(&page.Total); err != nil {
		return nil, err
	}
	f.Limit = limit + 1
	err = d.eachJobDemand(ctx, q, f, func(r observatory.JobDemandRow) error {
		page.Items = append(page.Items, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		b, _ := json.Marshal(jdKey{Year: last.Year, Code: last.Code, G: groupValue(f.Group, last)})
		page.Next = base64.RawURLEncoding.EncodeToString(append([]byte(jdCursorTag), b...))
	}
	// Job demand is real unless some BMO input was flagged synthetic.
	err = d.db.QueryRowContext(ctx, `SELECT coalesce(bool_or(synthetic), false) FROM inputs
		WHERE kind = 'bmo' AND name IN (SELECT DISTINCT source FROM job_demand)`).Scan(&page.Synthetic)
	return page, err
}

// EachJobDemand streams every aggregated row matching f, for exports.
func (d *DB) EachJobDemand(ctx context.Context, f observatory.JobDemandFilter, fn func(observatory.JobDemandRow) error) error {
	q, err := d.jobDemandQuery(ctx, f)
	if err != nil {
		return err
	}
	return d.eachJobDemand(ctx, q, f, fn)
}

func groupValue(g observatory.JobDemandGroup, r observatory.JobDemandRow) string {
	switch g {
	case observatory.GroupFamily:
		return r.Family
	case observatory.GroupFAP:
		return r.FAP
	case observatory.GroupCell:
		return r.FAP + "|" + r.Bassin + "|" + r.Departement
	}
	return ""
}

// jdQuery is the aggregation a filter asks for, built from fixed fragments
// with every value in a placeholder.
type jdQuery struct {
	agg     string // one row per (year, code, g)
	aggArgs []any
	names   string // reference table naming the codes, "" for bassins
}

func (d *DB) jobDemandQuery(ctx context.Context, f observatory.JobDemandFilter) (*jdQuery, error) {
	if f.Level == "" {
		f.Level = observatory.LevelRegion
	}
	lv, ok := jdLevel[f.Level]
	if !ok {
		return nil, observatory.ParamError("level", "level %q is not one of region, departement, bassin", f.Level)
	}
	if err := d.checkJobDemandFilter(ctx, f, lv.col); err != nil {
		return nil, err
	}
	var conds []string
	var args []any
	add := func(cond string, v any) {
		conds = append(conds, cond)
		args = append(args, v)
	}
	if f.Year != 0 {
		add(`jd.year = ?`, f.Year)
	}
	if f.Code != "" {
		add(`jd.`+lv.col+` = ?`, f.Code)
	}
	if f.FAP != "" {
		add(`jd.fap_code = ?`, f.FAP)
	}
	from := `job_demand jd`
	g, glabel, edition := `''`, `NULL`, `NULL`
	switch f.Group {
	case observatory.GroupFamily:
		// A FAP code may belong to several families: it then counts in each.
		from += ` JOIN metier_codes mc ON mc.scheme = jd.fap_edition AND mc.code = jd.fap_code`
		g = `mc.family`
		if f.Family != "" {
			add(`mc.family = ?`, f.Family)
		}
	case observatory.GroupCell:
		// The key sorts and pages the cells; it is split again on reading.
		g, glabel, edition = `jd.fap_code || '|' || jd.bassin || '|' || jd.departement`, `jd.fap_label`, `jd.fap_edition`
		if f.Family != "" {
			add(`EXISTS (SELECT 1 FROM metier_codes mc WHERE mc.scheme = jd.fap_edition AND mc.code = jd.fap_code AND mc.family = ?)`, f.Family)
		} else if f.Digital {
			conds = append(conds, `EXISTS (SELECT 1 FROM metier_codes mc WHERE mc.scheme = jd.fap_edition AND mc.code = jd.fap_code)`)
		}
	case observatory.GroupFAP:
		g, glabel, edition = `jd.fap_code`, `jd.fap_label`, `jd.fap_edition`
		fallthrough
	default:
		// A semi-join, so a code in several families is counted once.
		if f.Family != "" {
			add(`EXISTS (SELECT 1 FROM metier_codes mc WHERE mc.scheme = jd.fap_edition AND mc.code = jd.fap_code AND mc.family = ?)`, f.Family)
		} else if f.Digital {
			conds = append(conds, `EXISTS (SELECT 1 FROM metier_codes mc WHERE mc.scheme = jd.fap_edition AND mc.code = jd.fap_code)`)
		}
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, ` AND `)
	}
	both := func(a, b string) string { return fmt.Sprintf(`jd.%s IS NOT NULL AND jd.%s IS NOT NULL`, a, b) }
	agg := `SELECT jd.year AS year, jd.` + lv.col + ` AS code, ` + g + ` AS g,
		min(` + glabel + `) AS glabel, min(` + edition + `) AS edition, min(jd.bassin_name) AS bassin_name,
		count(*) AS n,
		sum(jd.projects)::BIGINT AS projects, sum(jd.difficult)::BIGINT AS difficult, sum(jd.seasonal)::BIGINT AS seasonal,
		count(*) - count(jd.projects) AS secret_p, count(*) - count(jd.difficult) AS secret_d, count(*) - count(jd.seasonal) AS secret_s,
		round(sum(jd.difficult) FILTER (WHERE ` + both("projects", "difficult") + `)::DOUBLE
			/ nullif(sum(jd.projects) FILTER (WHERE ` + both("projects", "difficult") + `), 0), 4) AS share_d,
		round(sum(jd.seasonal) FILTER (WHERE ` + both("projects", "seasonal") + `)::DOUBLE
			/ nullif(sum(jd.projects) FILTER (WHERE ` + both("projects", "seasonal") + `), 0), 4) AS share_s
		FROM ` + from + where + `
		GROUP BY ALL`
	return &jdQuery{agg: agg, aggArgs: args, names: lv.names}, nil
}

// checkJobDemandFilter refuses a bassin the snapshot does not know, so a
// typo gets a 400 rather than an empty list. (Families are checked by the
// caller against the referential; a family without FAP codes is empty.)
func (d *DB) checkJobDemandFilter(ctx context.Context, f observatory.JobDemandFilter, col string) error {
	if f.Code != "" && f.Level == observatory.LevelBassin {
		var n int
		if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM job_demand WHERE bassin = ?`, f.Code).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return observatory.ParamError("code", "no bassin d'emploi %q in the BMO surveys of this snapshot", f.Code)
		}
	}
	return nil
}

func (d *DB) eachJobDemand(ctx context.Context, q *jdQuery, f observatory.JobDemandFilter, fn func(observatory.JobDemandRow) error) error {
	if f.Level == "" {
		f.Level = observatory.LevelRegion
	}
	args := append([]any{}, q.aggArgs...)
	name := `a.bassin_name`
	join := ``
	if q.names != "" {
		// q.names comes from jdLevel, never from input.
		name, join = `t.name`, ` LEFT JOIN `+q.names+` t ON t.code = a.code`
	}
	sel := `SELECT a.year, a.code, coalesce(` + name + `, ''), a.g, coalesce(a.glabel, ''), coalesce(a.edition, ''),
		a.n, a.projects, a.difficult, a.seasonal, a.secret_p, a.secret_d, a.secret_s, a.share_d, a.share_s
		FROM (` + q.agg + `) a` + join
	if f.Cursor != "" {
		k, err := decodeJDCursor(f.Cursor)
		if err != nil {
			return err
		}
		sel += ` WHERE (a.year > ? OR (a.year = ? AND (a.code > ? OR (a.code = ? AND a.g > ?))))`
		args = append(args, k.Year, k.Year, k.Code, k.Code, k.G)
	}
	sel += ` ORDER BY a.year, a.code, a.g`
	if f.Limit > 0 {
		sel += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := d.db.QueryContext(ctx, sel, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r                   observatory.JobDemandRow
			g, glabel, edition  string
			proj, diff, seas    sql.NullInt64
			shareD, shareS      sql.NullFloat64
			secretD, secretS, n int
		)
		if err := rows.Scan(&r.Year, &r.Code, &r.Name, &g, &glabel, &edition, &n, &proj, &diff, &seas,
			&r.SecretRows, &secretD, &secretS, &shareD, &shareS); err != nil {
			return err
		}
		r.Level, r.Rows, r.SecretDifficultRows, r.SecretSeasonalRows = f.Level, n, secretD, secretS
		if r.Name == "" {
			if t, ok := observatory.BMOExtraDepartements[r.Code]; ok && f.Level == observatory.LevelDepartement {
				r.Name = t.Name
			}
		}
		switch f.Group {
		case observatory.GroupFamily:
			r.Family = g
		case observatory.GroupFAP:
			r.FAP, r.FAPLabel, r.FAPEdition = g, glabel, edition
		case observatory.GroupCell:
			parts := strings.SplitN(g, "|", 3)
			if len(parts) == 3 {
				r.FAP, r.Bassin, r.Departement = parts[0], parts[1], parts[2]
			}
			r.FAPLabel, r.FAPEdition = glabel, edition
		}
		r.Projects, r.Difficult, r.Seasonal = int64Ptr(proj), int64Ptr(diff), int64Ptr(seas)
		r.ShareDifficult, r.ShareSeasonal = floatPtr(shareD), floatPtr(shareS)
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

func decodeJDCursor(c string) (jdKey, error) {
	var k jdKey
	b, err := base64.RawURLEncoding.DecodeString(c)
	rest, ok := strings.CutPrefix(string(b), jdCursorTag)
	if err != nil || !ok || json.Unmarshal([]byte(rest), &k) != nil || k.Year == 0 {
		return k, observatory.ParamError("cursor", "cursor is not one this API gave; start again without it")
	}
	return k, nil
}

func int64Ptr(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	return &v.Int64
}
