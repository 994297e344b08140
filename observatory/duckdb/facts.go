package duckdb

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

// levelTable is the allow-list of levels the offer is summed at: the
// reference table of the level and the formations column that points to it.
// Only these strings are ever spliced into SQL.
var levelTable = map[observatory.Level]struct{ table, key string }{
	observatory.LevelRegion:      {"regions", "region"},
	observatory.LevelDepartement: {"departements", "departement"},
	observatory.LevelBassin:      {"bassins", "bassin"},
}

func levelOf(l observatory.Level) (string, string, error) {
	t, ok := levelTable[l]
	if !ok {
		return "", "", observatory.ParamError("level", "level %q has no catalogue figures; use region, departement or bassin", l)
	}
	return t.table, t.key, nil
}

// formationFilter is the WHERE of the formations a fact query sums over.
// Every value goes through a placeholder.
func formationFilter(q observatory.FactQuery) (string, []any) {
	conds, args := offerAt(q.At, q.View)
	if q.Family != "" {
		conds, args = append(conds, `family = ?`), append(args, q.Family)
	}
	conds, args = programmesCond(conds, args, q.Programmes)
	if len(conds) == 0 {
		return "", nil
	}
	return ` WHERE ` + strings.Join(conds, ` AND `), args
}

// offerAt selects the formations of the offer at a date: labelled on or
// before it and, in force, with a label ending after it (no end date: in
// force). A formation of another programme, which has no labelling date,
// counts from the date of its list (listed_on). A formation with neither
// is taken as labelled before any date, rather than dropped. A zero date
// selects every formation.
func offerAt(at time.Time, view string) ([]string, []any) {
	if at.IsZero() {
		return nil, nil
	}
	conds := []string{`(coalesce(labelled_on, listed_on) IS NULL OR coalesce(labelled_on, listed_on) <= ?)`}
	args := []any{at}
	if view != observatory.ViewLabelled {
		conds, args = append(conds, `(label_end IS NULL OR label_end > ?)`), append(args, at)
	}
	return conds, args
}

// OfferFacts sums the catalogue per territory (and family), every territory
// of the level (and family) included: those without a formation get zeros.
//
// DuckDB sums the formations by territory and family, a few hundred rows;
// the zeros are filled in here. Joining every territory with every family
// in SQL gave the same figures but 3,600 rows at bassin level, whose scan
// through database/sql was half of a first family_share (BenchmarkColdPaths).
func (d *DB) OfferFacts(ctx context.Context, q observatory.FactQuery) ([]observatory.OfferFacts, error) {
	table, key, err := levelOf(q.Level)
	if err != nil {
		return nil, err
	}
	terrs, err := d.territories(ctx, table)
	if err != nil {
		return nil, err
	}
	fams := []string{""}
	if q.ByFamily {
		if fams, err = d.Families(ctx); err != nil {
			return nil, err
		}
		slices.Sort(fams) // the order of the rows, as ORDER BY family would give
		fams = slices.Compact(fams)
	}
	sums, err := d.offerSums(ctx, q, key)
	if err != nil {
		return nil, err
	}
	out := make([]observatory.OfferFacts, 0, len(terrs)*len(fams))
	for _, t := range terrs {
		for _, fam := range fams {
			f := sums[[2]string{t.Code, fam}]
			f.Code, f.Name, f.Family, f.Population = t.Code, t.Name, fam, t.Population
			out = append(out, f)
		}
	}
	return out, nil
}

// territories lists a level's territories (code, name, population) by
// code, read once per snapshot; callers only read the slice.
func (d *DB) territories(ctx context.Context, table string) ([]observatory.OfferFacts, error) {
	return keep(d, "territories|"+table, func() ([]observatory.OfferFacts, error) { return d.readTerritories(ctx, table) })
}

func (d *DB) readTerritories(ctx context.Context, table string) ([]observatory.OfferFacts, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT code, name, population FROM `+table+` ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []observatory.OfferFacts
	for rows.Next() {
		var f observatory.OfferFacts
		if err := rows.Scan(&f.Code, &f.Name, &f.Population); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// offerSums sums the formations of q by territory (the formations column
// key) and, when q.ByFamily, family: only the groups that have one.
func (d *DB) offerSums(ctx context.Context, q observatory.FactQuery, key string) (map[[2]string]observatory.OfferFacts, error) {
	where, args := formationFilter(q)
	where += andOrWhere(where) + key + ` IS NOT NULL`
	famCol := `''`
	if q.ByFamily {
		famCol, where = `family`, where+` AND family IS NOT NULL`
	}
	both := func(col, other string) string {
		return `coalesce(sum(` + col + `) FILTER (WHERE ` + col + ` IS NOT NULL AND ` + other + ` IS NOT NULL), 0)`
	}
	part := func(col string) string { return both(col, "learners") + `, ` + both("learners", col) }
	query := `SELECT ` + key + `, ` + famCol + `, count(id), count(DISTINCT structure),
	coalesce(sum(learners), 0), count(learners), ` + part("women") + `, ` + part("low_qualified") + `, ` + part("qpv") + `,
	count(id) FILTER (WHERE label_end IS NULL AND listed_on IS NULL), coalesce(sum(seats), 0)
FROM formations` + where + ` GROUP BY ALL`
	rows, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[[2]string]observatory.OfferFacts{}
	for rows.Next() {
		var k [2]string
		var f observatory.OfferFacts
		if err := rows.Scan(&k[0], &k[1], &f.Formations, &f.Structures, &f.Learners, &f.Reporting,
			&f.Women.Num, &f.Women.Den, &f.LowQualified.Num, &f.LowQualified.Den, &f.QPV.Num, &f.QPV.Den, &f.EndUnknown, &f.Seats); err != nil {
			return nil, err
		}
		out[k] = f
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
//
// As OfferFacts does, DuckDB sums the survey's rows by territory and the
// territories without a row get zeros here: joining the territories in SQL
// took four times as long (8 ms at bassin level against 2).
func (d *DB) DemandFacts(ctx context.Context, q observatory.FactQuery) ([]observatory.DemandFacts, error) {
	col, ok := demandLevel[q.Level]
	if !ok {
		return nil, observatory.ParamError("level", "unknown level %q", q.Level)
	}
	table, _, _ := levelOf(q.Level)
	terrs, err := d.territories(ctx, table)
	if err != nil {
		return nil, err
	}
	out := make([]observatory.DemandFacts, 0, len(terrs))
	for _, t := range terrs {
		out = append(out, observatory.DemandFacts{Code: t.Code, Name: t.Name, Year: q.Year})
	}
	if q.Level == observatory.LevelBassin {
		if out, err = d.surveyBassins(ctx, q.Year, out); err != nil {
			return nil, err
		}
	}
	sums, err := d.demandSums(ctx, q, col)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if f, ok := sums[out[i].Code]; ok {
			out[i].Projects, out[i].Published, out[i].Secret, out[i].Difficult = f.Projects, f.Published, f.Secret, f.Difficult
		}
	}
	return out, nil
}

// surveyBassins marks the bassins of out that the survey of year has no
// cell for, and adds the survey's bassins that the commune table lacks
// (BMO 2024 has three): their demand is known, their offer is not. The
// result is sorted by code.
func (d *DB) surveyBassins(ctx context.Context, year int, out []observatory.DemandFacts) ([]observatory.DemandFacts, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT bassin, any_value(bassin_name) FROM job_demand
WHERE year = ? AND bassin IS NOT NULL GROUP BY bassin`, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	surveyed := map[string]string{}
	for rows.Next() {
		var code string
		var name sql.NullString
		if err := rows.Scan(&code, &name); err != nil {
			return nil, err
		}
		surveyed[code] = name.String
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(out))
	for i := range out {
		known[out[i].Code] = true
		_, ok := surveyed[out[i].Code]
		out[i].Unsurveyed = !ok
	}
	for code, name := range surveyed {
		if !known[code] {
			out = append(out, observatory.DemandFacts{Code: code, Name: name, Year: year})
		}
	}
	slices.SortFunc(out, func(a, b observatory.DemandFacts) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

// demandSums sums the digital jobs' rows of q's survey by the job_demand
// column col: only the territories that have one.
func (d *DB) demandSums(ctx context.Context, q observatory.FactQuery, col string) (map[string]observatory.DemandFacts, error) {
	// A SEMI JOIN keeps a row once however many families its code has,
	// as EXISTS does, and is planned better (3 ms against 4.5).
	var args []any
	fam := ``
	if q.Family != "" {
		fam, args = ` AND m.family = ?`, append(args, q.Family)
	}
	args = append(args, q.Year)
	both := `FILTER (WHERE difficult IS NOT NULL AND projects IS NOT NULL)`
	rows, err := d.db.QueryContext(ctx, `SELECT `+col+`, coalesce(sum(projects), 0), count(projects), count(*) - count(projects),
	coalesce(sum(difficult) `+both+`, 0), coalesce(sum(projects) `+both+`, 0)
FROM job_demand j SEMI JOIN metier_codes m ON m.scheme = j.fap_edition AND m.code = j.fap_code`+fam+`
WHERE j.year = ? AND j.`+col+` IS NOT NULL GROUP BY ALL`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]observatory.DemandFacts{}
	for rows.Next() {
		var code string
		var f observatory.DemandFacts
		if err := rows.Scan(&code, &f.Projects, &f.Published, &f.Secret, &f.Difficult.Num, &f.Difficult.Den); err != nil {
			return nil, err
		}
		out[code] = f
	}
	return out, rows.Err()
}

// FormationPoints lists where the selected formations are.
func (d *DB) FormationPoints(ctx context.Context, q observatory.FactQuery) ([]observatory.FormationPoint, error) {
	where, args := formationFilter(q)
	rows, err := d.db.QueryContext(ctx, `SELECT departement, coalesce(commune_code, ''), lon, lat, seats FROM formations`+
		where+andOrWhere(where)+`lat IS NOT NULL AND lon IS NOT NULL`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []observatory.FormationPoint
	for rows.Next() {
		var p observatory.FormationPoint
		var seats sql.NullInt64
		if err := rows.Scan(&p.Departement, &p.Commune, &p.Point[0], &p.Point[1], &seats); err != nil {
			return nil, err
		}
		if seats.Valid {
			n := int(seats.Int64)
			p.Seats = &n
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// supplyInStore is the number of points from which SupplyFacts groups
// them in the store; a variable so that a test can take both ways.
var supplyInStore = 20_000

// SupplyFacts groups the formation points of q by commune (by département
// and position rounded to 1e-5°, when the commune is not known), in the
// order of each group's first point, as observatory.SupplyOf does: the
// group's point and département are its first point's, a formation with
// no seats counts at the median (the upper one) of those that give some,
// 1 when none does.
//
// A selection of fewer than supplyInStore points is read and grouped in Go
// (observatory.SupplyOf, the definition): on the embedded catalogue that
// takes a millisecond where the grouping queries take ten.
func (d *DB) SupplyFacts(ctx context.Context, q observatory.FactQuery) (observatory.SupplyFacts, error) {
	where, args := formationFilter(q)
	from := ` FROM formations` + where + andOrWhere(where) + `lat IS NOT NULL AND lon IS NOT NULL`
	var n int
	var median sql.NullInt64
	if err := d.db.QueryRowContext(ctx, `SELECT count(*), list_sort(list(seats) FILTER (WHERE seats IS NOT NULL))[count(seats) // 2 + 1]`+from,
		args...).Scan(&n, &median); err != nil {
		return observatory.SupplyFacts{}, err
	}
	if n < supplyInStore {
		pts, err := d.FormationPoints(ctx, q)
		if err != nil {
			return observatory.SupplyFacts{}, err
		}
		supply, guessed := observatory.SupplyOf(pts)
		return observatory.SupplyFacts{Supply: supply, Guessed: guessed, Points: len(pts), Median: observatory.MedianSeats(pts)}, nil
	}
	out := observatory.SupplyFacts{Points: n, Median: 1}
	if median.Valid {
		out.Median = float64(median.Int64)
	}
	// The points are numbered in the scan's order (DuckDB keeps the
	// insertion order, as FormationPoints reads them), so that each group
	// takes its first point and the groups come in SupplyOf's order.
	sel := `SELECT row_number() OVER () AS n, departement, coalesce(commune_code, '') AS commune, lon, lat, seats` + from
	rows, err := d.db.QueryContext(ctx, `WITH p AS (`+sel+`)
SELECT arg_min(commune, n), arg_min(departement, n), arg_min(lon, n), arg_min(lat, n), count(*), count(seats), coalesce(sum(seats), 0)
FROM p GROUP BY CASE WHEN commune = '' THEN departement || '@' || printf('%.5f,%.5f', lon, lat) ELSE commune END
ORDER BY min(n)`, args...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var s observatory.Supply
		var known int
		var seats int64
		if err := rows.Scan(&s.Commune, &s.Dep, &s.Point[0], &s.Point[1], &s.Formations, &known, &seats); err != nil {
			return out, err
		}
		s.Seats = float64(seats) + float64(s.Formations-known)*out.Median
		out.Guessed += s.Formations - known
		out.Supply = append(out.Supply, s)
	}
	return out, rows.Err()
}

// calendar reads the snapshot's time: the catalogue's reference date (its
// latest labelling), its waves (each dated by its last labelling), the
// years labelled and the BMO survey years. It is the GEN label's: other
// programmes have neither labelling dates nor waves.
func (d *DB) calendar(ctx context.Context) (observatory.Calendar, error) {
	var c observatory.Calendar
	var ref sql.NullTime
	if err := d.db.QueryRowContext(ctx, `SELECT max(labelled_on) FROM formations WHERE programme = 'gen'`).Scan(&ref); err != nil {
		return c, err
	}
	c.Reference = ref.Time
	rows, err := d.db.QueryContext(ctx, `SELECT wave, max(labelled_on), count(*) FROM formations
WHERE programme = 'gen' AND wave IS NOT NULL AND labelled_on IS NOT NULL GROUP BY wave ORDER BY wave`)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var w observatory.Wave
		if err := rows.Scan(&w.N, &w.Date, &w.Formations); err != nil {
			return c, err
		}
		c.Waves = append(c.Waves, w)
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	if c.LabelYears, err = d.ints(ctx, `SELECT DISTINCT year(labelled_on) y FROM formations WHERE programme = 'gen' AND labelled_on IS NOT NULL ORDER BY y`); err != nil {
		return c, err
	}
	c.Surveys, err = d.ints(ctx, `SELECT DISTINCT year FROM job_demand ORDER BY year`)
	return c, err
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

// families lists the job families of the referential and any other the
// catalogue uses, sorted.
func (d *DB) families(ctx context.Context) ([]string, error) {
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

// JobFacts sums one survey's digital jobs per territory and FAP code. The
// families of a code are those of the referential in the survey's own FAP
// edition.
func (d *DB) JobFacts(ctx context.Context, q observatory.FactQuery) ([]observatory.JobFacts, error) {
	col, ok := demandLevel[q.Level]
	if !ok {
		return nil, observatory.ParamError("level", "unknown level %q", q.Level)
	}
	part := func(col string) string {
		both := `d.` + col + ` IS NOT NULL AND d.projects IS NOT NULL`
		return `coalesce(sum(d.` + col + `) FILTER (WHERE ` + both + `), 0), coalesce(sum(d.projects) FILTER (WHERE ` + both + `), 0)`
	}
	rows, err := d.db.QueryContext(ctx, `WITH m AS (
	SELECT scheme, code, list(DISTINCT family ORDER BY family) AS fams FROM metier_codes GROUP BY scheme, code)
SELECT d.`+col+`, d.fap_code, coalesce(any_value(d.fap_label), ''), m.fams,
	coalesce(sum(d.projects), 0), count(d.projects), count(*) - count(d.projects), `+part("difficult")+`, `+part("seasonal")+`
FROM job_demand d JOIN m ON m.scheme = d.fap_edition AND m.code = d.fap_code
WHERE d.year = ?
GROUP BY d.`+col+`, d.fap_code, m.fams ORDER BY 1, 2`, q.Year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []observatory.JobFacts
	for rows.Next() {
		var f observatory.JobFacts
		var fams any
		if err := rows.Scan(&f.Code, &f.FAP, &f.Label, &fams, &f.Projects, &f.Published, &f.Secret,
			&f.Difficult.Num, &f.Difficult.Den, &f.Seasonal.Num, &f.Seasonal.Den); err != nil {
			return nil, err
		}
		f.Families = stringList(fams)
		out = append(out, f)
	}
	return out, rows.Err()
}
