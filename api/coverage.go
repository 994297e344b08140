package api

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// coverageProps are the indicators every coverage feature carries.
var coverageProps = []string{
	observatory.IndFormations, observatory.IndStructures, observatory.IndPer100k, observatory.IndHiring,
	observatory.IndSupplyDemand, observatory.IndDistance, observatory.IndCoverage,
}

// communeProps are those of the commune layer: the access indicators,
// which are computed per commune; the offer's counts are not published
// below the bassin, where they would be mostly zeros and ones.
var communeProps = []string{observatory.IndDistance, observatory.IndAccess}

// coverageLevels are the levels with a coverage layer.
var coverageLevels = []observatory.Level{observatory.LevelRegion, observatory.LevelDepartement, observatory.LevelBassin, observatory.LevelCommune}

// coverage serves GET /coverage/{level}.geojson: one feature per territory
// with the main indicators, the coverage class and, with indicator=, that
// indicator as "value". Each figure comes with its flags (<id>_flags, "|"
// separated, as GIS tools read flat properties), its null reason
// (<id>_reason) and, with explain=1, how it was computed (<id>_explain).
func (s *Server) coverage(c echo.Context) error {
	lv, ok := strings.CutSuffix(c.Param("file"), ".geojson")
	if !ok {
		return observatory.Errorf(observatory.ENOTFOUND, "coverage is served as GeoJSON: /api/v1/coverage/%s.geojson", lv)
	}
	p := s.params(c, append([]string{"indicator", "family", "explain", programmeParam}, offerTimeParams...)...)
	sel := s.programmes(c, p)
	level := observatory.Level(lv)
	if !slices.Contains(coverageLevels, level) {
		return observatory.ParamError("level", "no coverage map at level %q; use region, departement, bassin or commune", lv)
	}
	q := p.offerTime().query(observatory.IndicatorQuery{Level: level})
	q.Family = s.family(c, p)
	q.Explain = p.explain()
	extra := p.str("indicator")
	if extra != "" {
		if ind, ok := observatory.LookupIndicator(extra); !ok || !ind.Has(level) || ind.PerFamily {
			p.fail("indicator", "indicator %q has no single value per %s; see /api/v1/indicators", extra, level)
		}
	}
	if p.err != nil {
		return p.err
	}
	svc, err := s.indicatorsOf(c)
	if err != nil {
		return err
	}
	ts := s.geo.Territories(level)
	if len(ts) == 0 {
		return observatory.Errorf(observatory.EUNAVAILABLE, "the %s outlines are not available on this server", level)
	}
	props := make(map[string]map[string]any, len(ts))
	for _, t := range ts {
		pr := map[string]any{"level": string(level), "population": t.Population, "synthetic": svc.Synthetic}
		if level == observatory.LevelCommune || level == observatory.LevelBassin {
			pr["departement"] = t.Parent
		}
		if !sel.IsDefault() {
			pr["programmes"] = strings.Join(sel.IDs, "|")
			pr["mixed_synthetic"] = sel.Mixed
		}
		props[t.Code] = pr
	}
	ids := coverageProps
	if level == observatory.LevelCommune {
		ids = communeProps
		for _, c := range s.geo.Communes() {
			if pr := props[c.Code]; pr != nil {
				pr["bassin"] = c.Bassin
			}
		}
	}
	for _, id := range append(slices.Clone(ids), extra) {
		if id == "" {
			continue
		}
		q.ID = id
		res, err := svc.Values(c.Request().Context(), q)
		if err != nil {
			return err
		}
		explained(res.Values)
		for _, v := range res.Values {
			pr := props[v.Code]
			if pr == nil {
				continue
			}
			if v.At != "" {
				pr["at"] = v.At
			}
			key := id
			if id == extra {
				key = "value"
			}
			if id == observatory.IndCoverage {
				// The class is the figure people read; the index explains it.
				pr["coverage_class"] = v.Class
				setProp(pr, "coverage_index", v)
				if key != "value" {
					continue
				}
			}
			setProp(pr, key, v)
		}
	}
	b, err := s.geo.CoverageJSON(level, func(code string) map[string]any { return props[code] })
	if err != nil {
		return err
	}
	markSelection(c, sel)
	return sendGeoJSON(c, json.RawMessage(b), "coverage-"+lv)
}

// setProp writes a value as flat properties: the number, its flags, its
// null reason and its explanation when asked.
func setProp(pr map[string]any, key string, v observatory.Value) {
	pr[key] = roundPtr(v.Value)
	pr[key+"_flags"] = strings.Join(v.Flags, "|")
	if v.Reason != "" {
		pr[key+"_reason"] = v.Reason
	}
	if v.Explain != nil {
		pr[key+"_explain"] = v.Explain
	}
}
