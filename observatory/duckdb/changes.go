package duckdb

import (
	"context"

	"github.com/gen-numerique/observatory/observatory"
)

// JobDemandYears lists the BMO survey years of the snapshot, each with its
// rows, its published hiring projects and the files it was read from (their
// SHA-256 and the run that read them), so a diff tells a year replaced by
// another file from one carried over untouched.
func (d *DB) JobDemandYears(ctx context.Context) ([]observatory.JobDemandYear, error) {
	out := []observatory.JobDemandYear{}
	if ok, err := d.snapshotHasTable(ctx, "job_demand"); err != nil || !ok {
		return out, err
	}
	rows, err := d.db.QueryContext(ctx, `WITH y AS (
		SELECT year, source, count(*) AS n, coalesce(sum(projects), 0) AS projects FROM job_demand GROUP BY year, source)
		SELECT y.year, sum(y.n)::BIGINT, sum(y.projects)::BIGINT,
			list(y.source ORDER BY y.source), list(coalesce(i.sha256, '') ORDER BY y.source),
			coalesce(max(i.snapshot), '')
		FROM y LEFT JOIN (SELECT name, any_value(sha256) AS sha256, max(snapshot) AS snapshot FROM inputs WHERE kind = 'bmo' GROUP BY name) i
			ON i.name = y.source
		GROUP BY y.year ORDER BY y.year`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var y observatory.JobDemandYear
		var files, sums []any
		if err := rows.Scan(&y.Year, &y.Rows, &y.Projects, &files, &sums, &y.LoadedBy); err != nil {
			return nil, err
		}
		for i := range files {
			y.Files = append(y.Files, files[i].(string))
			y.SHA256 = append(y.SHA256, sums[i].(string))
		}
		out = append(out, y)
	}
	return out, rows.Err()
}
