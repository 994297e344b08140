package api

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// territories serves GET /territories/{level}: the reference territories
// of a level, as JSON, files, or GeoJSON with their simplified outlines.
func (s *Server) territories(c echo.Context) error {
	lv := observatory.Level(splitFormat(c, "level"))
	p := s.params(c, formatParam, "dialect")
	fm := p.format(c, FormatJSON, FormatCSV, FormatXLSX, FormatGeoJSON, FormatParquet, FormatNDJSON)
	p.dialect(fm)
	if p.err != nil {
		return p.err
	}
	if !slices.Contains(profileLevels, lv) {
		return observatory.ParamError("level", "level %q has no reference territories; use region, departement, bassin or commune", lv)
	}
	ts := s.geo.Territories(lv)
	if len(ts) == 0 {
		return observatory.Errorf(observatory.EUNAVAILABLE, "the %s outlines are not available on this server", lv)
	}
	switch fm {
	case FormatJSON:
		listed(c, "")
		return c.JSON(http.StatusOK, struct {
			Level observatory.Level       `json:"level"`
			Total int                     `json:"total"`
			Items []observatory.Territory `json:"items"`
		}{lv, len(ts), ts})
	case FormatGeoJSON:
		byCode := map[string]observatory.Territory{}
		for _, t := range ts {
			byCode[t.Code] = t
		}
		b, err := s.geo.CoverageJSON(lv, func(code string) map[string]any {
			t := byCode[code]
			return map[string]any{"level": string(t.Level), "parent": t.Parent, "zone": t.Zone, "population": t.Population}
		})
		if err != nil {
			return err
		}
		return sendGeoJSON(c, json.RawMessage(b), "territories-"+string(lv))
	}
	t := s.territoriesTable(lv)
	return s.download(c, fm, t)
}
