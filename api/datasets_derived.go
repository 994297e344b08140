package api

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/observatory"
)

// The datasets the observatory computes: job demand as published, every
// indicator of every territory, the skill needs by bassin and the gap
// zones.
func derivedSpecs() []datasetSpec {
	return []datasetSpec{
		{
			Name: "job-demand", List: "/api/v1/job-demand?level=departement&group=fap",
			Columns: jobDemandColumns(observatory.GroupFAP),
			Formats: []Format{FormatCSV, FormatXLSX, FormatParquet, FormatNDJSON},
			Table: func(s *Server, c echo.Context) (export.Table, error) {
				return s.jobDemandTable(c, observatory.JobDemandFilter{Level: observatory.LevelDepartement, Group: observatory.GroupFAP})
			},
		},
		{
			Name: "indicators", List: "/api/v1/indicators", Columns: valueColumns,
			Formats: []Format{FormatCSV, FormatXLSX, FormatParquet, FormatNDJSON},
			Table:   indicatorsDataset,
		},
		{
			Name: "needs", List: "/api/v1/needs?level=bassin", Columns: needsColumns,
			Formats: []Format{FormatCSV, FormatXLSX, FormatParquet, FormatNDJSON},
			Table: func(s *Server, c echo.Context) (export.Table, error) {
				svc, err := s.indicatorsOf(c)
				if err != nil {
					return export.Table{}, err
				}
				ns, err := svc.Needs(c.Request().Context(), observatory.NeedsQuery{Level: observatory.LevelBassin})
				return needsTable("needs", ns, svc.Synthetic), err
			},
		},
		{
			Name: "gaps", List: "/api/v1/gaps", Columns: gapColumns,
			Formats: []Format{FormatCSV, FormatXLSX, FormatParquet, FormatNDJSON},
			Table: func(s *Server, c echo.Context) (export.Table, error) {
				zero := 0.0
				svc, err := s.indicatorsOf(c)
				if err != nil {
					return export.Table{}, err
				}
				gaps, err := s.findGaps(c.Request().Context(), svc, gapRule{Level: observatory.LevelDepartement, Indicator: observatory.IndFormations, Max: &zero})
				return gapsTable(gaps, svc.Synthetic), err
			},
		},
	}
}

// indicatorsDataset computes every indicator at every level it exists at
// but the commune,
// for the offer at the reference date and the latest survey, family
// shares included.
func indicatorsDataset(s *Server, c echo.Context) (export.Table, error) {
	svc, err := s.indicatorsOf(c)
	if err != nil {
		return export.Table{}, err
	}
	ctx := c.Request().Context()
	// Once per snapshot and programmes, for every format of the file (and
	// the Data Package, which hashes its CSV): a second or so of work.
	key := "dataset/indicators\n" + svc.Snapshot + "\n" + strings.Join(svc.Programmes, ",")
	v, err := s.memo.Do(key, func() (any, error) {
		var all []observatory.Value
		for _, ind := range observatory.Registry() {
			for _, l := range ind.Levels {
				if l == observatory.LevelCommune {
					// 34,875 communes × the access indicators would make the
					// file a hundred times larger; they have their own layer
					// (coverage/commune.geojson) and /indicators?level=commune.
					continue
				}
				res, err := svc.Values(ctx, observatory.IndicatorQuery{ID: ind.ID, Level: l})
				if err != nil {
					return nil, err
				}
				all = append(all, res.Values...)
			}
		}
		return all, nil
	})
	if err != nil {
		return export.Table{}, err
	}
	all := v.([]observatory.Value)
	return valuesTable("indicators", all, svc.Synthetic), nil
}
