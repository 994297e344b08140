package duckdb

import (
	"context"
	"database/sql"
	"strings"

	"github.com/gen-numerique/observatory/observatory"
)

// levelTable is the allow-list of levels the offer is summed at: the
// reference table of the level and the formations column that points to it.
// Only these strings are ever spliced into SQL.
var levelTable = map[observatory.Level]struct{ table, key string }{
	observatory.LevelRegion:      {"regions", "region"},
	observatory.LevelDepartement: {"departements", "departement"},
}

func levelOf(l observatory.Level) (string, string, error) {
	t, ok := levelTable[l]
	if !ok {
		return "", "", observatory.ParamError("level", "level %q has no catalogue figures; use region or departement", l)
	}
	return t.table, t.key, nil
}

// formationFilter is the WHERE of the formations a fact query sums over.
// Every value goes through a placeholder.
func formationFilter(q observatory.FactQuery) (string, []any) {
	var conds []string
	var args []any
	if q.Year != 0 {
		conds, args = append(conds, `year(labelled_on) = ?`), append(args, q.Year)
	}
	if q.Wave != 0 {
		conds, args = append(conds, `wave <= ?`), append(args, q.Wave)
	}
	if q.Family != "" {
		conds, args = append(conds, `family = ?`), append(args, q.Family)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return ` WHERE ` + strings.Join(conds, ` AND `), args
}

// OfferFacts sums the catalogue per territory (and family), every territory
// of the level included.
func (d *DB) OfferFacts(ctx context.Context, q observatory.FactQuery) ([]observatory.OfferFacts, error) {
	table, key, err := levelOf(q.Level)
	if err != nil {
		return nil, err
	}
	where, args := formationFilter(q)
	// The family list binds after the filter's values: the CTE comes first
	// in the text.
	famCol, famJoin, famFrom := `''`, ``, ``
	if q.ByFamily {
		fams, err := d.Families(ctx)
		if err != nil {
			return nil, err
		}
		famFrom = ` CROSS JOIN (SELECT unnest(?::VARCHAR[]) AS family) fam`
		famCol, famJoin = `fam.family`, ` AND f.family = fam.family`
		args = append(args, fams)
	}
	both := func(col, other string) string {
		return `coalesce(sum(f.` + col + `) FILTER (WHERE f.` + col + ` IS NOT NULL AND f.` + other + ` IS NOT NULL), 0)`
	}
	part := func(col string) string { return both(col, "learners") + `, ` + both("learners", col) }
	query := `WITH f AS (SELECT * FROM formations` + where + `)
SELECT t.code, t.name, ` + famCol + `, t.population, count(f.id), count(DISTINCT f.structure),
	coalesce(sum(f.learners), 0), ` + part("women") + `, ` + part("low_qualified") + `, ` + part("qpv") + `
FROM ` + table + ` t` + famFrom + ` LEFT JOIN f ON f.` + key + ` = t.code` + famJoin + `
GROUP BY ALL ORDER BY t.code, 3`
	rows, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []observatory.OfferFacts{}
	for rows.Next() {
		var f observatory.OfferFacts
		if err := rows.Scan(&f.Code, &f.Name, &f.Family, &f.Population, &f.Formations, &f.Structures, &f.Learners,
			&f.Women.Num, &f.Women.Den, &f.LowQualified.Num, &f.LowQualified.Den, &f.QPV.Num, &f.QPV.Den); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// demandLevel is the allow-list of job_demand columns a level sums by.
var demandLevel = map[observatory.Level]string{
	observatory.LevelRegion:      "region",
	observatory.LevelDepartement: "departement",
	observatory.LevelBassin:      "bassin",
}

// DemandFacts sums the digital jobs' hiring projects of one survey year per
// territory. Digital jobs are the FAP codes of the referential, matched in
// the survey's own edition (a few codes mean different jobs in FAP 2009 and
// FAP 2021); a code mapped to several families counts once.
func (d *DB) DemandFacts(ctx context.Context, q observatory.FactQuery) ([]observatory.DemandFacts, error) {
	col, ok := demandLevel[q.Level]
	if !ok {
		return nil, observatory.ParamError("level", "unknown level %q", q.Level)
	}
	args := []any{q.Year}
	fam := ``
	if q.Family != "" {
		fam, args = ` AND m.family = ?`, append(args, q.Family)
	}
	digital := `WITH d AS (SELECT * FROM job_demand j WHERE j.year = ? AND EXISTS (
	SELECT 1 FROM metier_codes m WHERE m.scheme = j.fap_edition AND m.code = j.fap_code` + fam + `))`
	agg := `coalesce(sum(d.projects), 0), count(d.projects), count(d.year) - count(d.projects),
	coalesce(sum(d.difficult) FILTER (WHERE d.difficult IS NOT NULL AND d.projects IS NOT NULL), 0),
	coalesce(sum(d.projects) FILTER (WHERE d.difficult IS NOT NULL AND d.projects IS NOT NULL), 0)`
	var query string
	if q.Level == observatory.LevelBassin {
		// Bassins exist through the survey: list every bassin of that year,
		// digital jobs or not, so a bassin with none shows at zero.
		query = digital + `, t AS (SELECT bassin AS code, any_value(bassin_name) AS name FROM job_demand WHERE year = ? GROUP BY bassin)
SELECT t.code, coalesce(t.name, t.code), ` + agg + ` FROM t LEFT JOIN d ON d.bassin = t.code GROUP BY ALL ORDER BY t.code`
		args = append(args, q.Year)
	} else {
		table, _, _ := levelOf(q.Level)
		query = digital + `
SELECT t.code, t.name, ` + agg + ` FROM ` + table + ` t LEFT JOIN d ON d.` + col + ` = t.code GROUP BY ALL ORDER BY t.code`
	}
	rows, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []observatory.DemandFacts{}
	for rows.Next() {
		f := observatory.DemandFacts{Year: q.Year}
		if err := rows.Scan(&f.Code, &f.Name, &f.Projects, &f.Published, &f.Secret, &f.Difficult.Num, &f.Difficult.Den); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// FormationPoints lists where the selected formations are.
func (d *DB) FormationPoints(ctx context.Context, q observatory.FactQuery) ([]observatory.FormationPoint, error) {
	where, args := formationFilter(q)
	rows, err := d.db.QueryContext(ctx, `SELECT departement, lon, lat FROM formations`+where+andOrWhere(where)+`lat IS NOT NULL AND lon IS NOT NULL`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []observatory.FormationPoint
	for rows.Next() {
		var p observatory.FormationPoint
		if err := rows.Scan(&p.Departement, &p.Point[0], &p.Point[1]); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Years lists the catalogue's label years and the surveys' years.
func (d *DB) Years(ctx context.Context) (label, survey []int, err error) {
	if label, err = d.ints(ctx, `SELECT DISTINCT year(labelled_on) y FROM formations WHERE labelled_on IS NOT NULL ORDER BY y`); err != nil {
		return nil, nil, err
	}
	survey, err = d.ints(ctx, `SELECT DISTINCT year FROM job_demand ORDER BY year`)
	return label, survey, err
}

// Waves lists the labelling waves of the catalogue, ascending.
func (d *DB) Waves(ctx context.Context) ([]int, error) {
	return d.ints(ctx, `SELECT DISTINCT wave FROM formations WHERE wave IS NOT NULL ORDER BY wave`)
}

func (d *DB) ints(ctx context.Context, q string) ([]int, error) {
	rows, err := d.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int{}
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Families lists the job families of the referential and any other the
// catalogue uses, sorted.
func (d *DB) Families(ctx context.Context) ([]string, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT family FROM metiers UNION SELECT DISTINCT family FROM formations WHERE family IS NOT NULL ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s.String)
	}
	return out, rows.Err()
}
