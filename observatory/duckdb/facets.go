package duckdb

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/gen-numerique/observatory/observatory"
)

// facetCols maps each facet to its column: the only identifiers a facet
// query writes, so a facet name never reaches SQL.
var facetCols = map[string]string{
	"region": "region", "departement": "departement", "bassin": "bassin", "family": "family",
	"wave": "wave", "programme": "programme", "structure": "structure",
}

// FormationFacets counts the formations matching f per value of each
// facet in one scan (GROUPING SETS, one set per facet), keeping the size
// largest values of each (ties by value) and the number of distinct
// values. Values go through placeholders; identifiers come from
// facetCols only.
func (d *DB) FormationFacets(ctx context.Context, f observatory.FormationFilter, facets []string, size int) (map[string]observatory.Facet, error) {
	out := map[string]observatory.Facet{}
	if len(facets) == 0 {
		return out, nil
	}
	sets, names, values := make([]string, len(facets)), make([]string, len(facets)), make([]string, len(facets))
	for i, name := range facets {
		col, ok := facetCols[name]
		if !ok {
			return nil, observatory.ParamError("facet", "cannot facet formations by %q", name)
		}
		sets[i] = "(" + col + ")"
		names[i] = "WHEN grouping(" + col + ") = 0 THEN '" + name + "'"
		values[i] = "WHEN grouping(" + col + ") = 0 THEN CAST(" + col + " AS VARCHAR)"
	}
	where, args := formationWhere(f)
	q := `SELECT facet, value, n, count(*) OVER (PARTITION BY facet) AS distinct_n FROM (
		SELECT CASE ` + strings.Join(names, " ") + ` END AS facet,
			CASE ` + strings.Join(values, " ") + ` END AS value, count(*) AS n
		FROM formations` + where + `
		GROUP BY GROUPING SETS (` + strings.Join(sets, ", ") + `))
	QUALIFY row_number() OVER (PARTITION BY facet ORDER BY n DESC, value NULLS LAST) <= ?
	ORDER BY facet, n DESC, value NULLS LAST`
	rows, err := d.db.QueryContext(ctx, q, append(args, size)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var value sql.NullString
		var n, distinct int
		if err := rows.Scan(&name, &value, &n, &distinct); err != nil {
			return nil, err
		}
		fc := out[name]
		v := observatory.FacetValue{Count: n}
		if value.Valid {
			v.Value = value.String
			if name == "wave" {
				if w, err := strconv.Atoi(value.String); err == nil {
					v.Value = w
				}
			}
		}
		fc.Values = append(fc.Values, v)
		fc.Distinct = distinct
		fc.Truncated = distinct > len(fc.Values)
		out[name] = fc
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range facets {
		if _, ok := out[name]; !ok {
			out[name] = observatory.Facet{Values: []observatory.FacetValue{}}
		}
	}
	return out, nil
}
