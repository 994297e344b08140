package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// indicatorsOf is the indicator service over the request's snapshot.
func (s *Server) indicatorsOf(c echo.Context) observatory.Indicators {
	return observatory.Indicators{Facts: store(c), Geo: s.geo}
}

// indicatorList serves the registry: definitions, units, levels, sources.
func (s *Server) indicatorList(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	reg := observatory.Registry()
	return c.JSON(http.StatusOK, struct {
		Total      int                     `json:"total"`
		Items      []observatory.Indicator `json:"items"`
		Thresholds map[string]any          `json:"coverage_thresholds"`
	}{len(reg), reg, map[string]any{
		"none":     "no formation",
		"low":      "formations per 100,000 inhabitants below this share of the national rate",
		"low_rate": observatory.LowCoverageShare,
	}})
}

// valueList is the body of an indicator's values.
type valueList struct {
	Snapshot  string                `json:"snapshot"`
	Synthetic bool                  `json:"synthetic"`
	Notice    string                `json:"notice,omitempty"`
	Indicator observatory.Indicator `json:"indicator"`
	Query     indicatorQuery        `json:"query"`
	Total     int                   `json:"total"`
	Items     []observatory.Value   `json:"items"`
}

type indicatorQuery struct {
	Level  observatory.Level `json:"level"`
	Year   int               `json:"year,omitempty"`
	Wave   int               `json:"wave,omitempty"`
	Family string            `json:"family,omitempty"`
	Code   string            `json:"code,omitempty"`
	Series bool              `json:"series"`
}

// indicatorValues serves one indicator's values by territory, or one
// territory's time series (code without year).
func (s *Server) indicatorValues(c echo.Context) error {
	id := splitFormat(c, "id")
	ind, ok := observatory.LookupIndicator(id)
	if !ok {
		return observatory.Errorf(observatory.ENOTFOUND, "no indicator %q; known: %s", id, strings.Join(observatory.IndicatorIDs(), ", "))
	}
	p := s.params(c, "level", "year", "wave", "family", "code", formatParam, "dialect")
	fm := p.format(c, FormatJSON, FormatCSV, FormatXLSX, FormatParquet)
	p.dialect(fm)
	def := observatory.LevelDepartement
	if ind.ID == observatory.IndTargets {
		def = observatory.LevelNational
	}
	q := observatory.IndicatorQuery{ID: ind.ID, Level: p.level("level", def, ind.Levels...)}
	q.Year, q.Wave = p.int("year", 0, 2000, 2100), p.int("wave", 0, 1, 99)
	q.Family = s.family(c, p)
	q.Territory = p.territory("code", q.Level)
	if p.err != nil {
		return p.err
	}
	vals, err := s.indicatorsOf(c).Values(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := valueList{Snapshot: store(c).Snapshot(), Indicator: ind, Total: len(vals), Items: vals,
		Query: indicatorQuery{q.Level, q.Year, q.Wave, q.Family, q.Territory, q.Series()}}
	if err := s.flagSynthetic(c, ind.Sources, &out.Synthetic, &out.Notice); err != nil {
		return err
	}
	if fm != FormatJSON {
		return s.download(c, fm, valuesTable("indicator-"+ind.ID+"-"+string(q.Level), vals, out.Synthetic))
	}
	return c.JSON(http.StatusOK, out)
}

// flagSynthetic marks a response built from the catalogue when the
// snapshot's catalogue is synthetic.
func (s *Server) flagSynthetic(c echo.Context, sources []string, synthetic *bool, notice *string) error {
	if !slices.Contains(sources, "catalogue") {
		return nil
	}
	syn, err := mapSynthetic(c.Request().Context(), store(c))
	if err != nil || !syn {
		return err
	}
	*synthetic, *notice = true, syntheticNotice
	c.Response().Header().Set(headerSynthetic, "true")
	return nil
}

// family reads a GEN job family that must exist in the snapshot.
func (s *Server) family(c echo.Context, p *params) string {
	v := p.str("family")
	if v == "" || p.err != nil {
		return v
	}
	fams, err := store(c).Families(c.Request().Context())
	if err != nil {
		p.err = err
		return ""
	}
	if !slices.Contains(fams, v) {
		p.fail("family", "family %q is not a job family; allowed: %s (see /api/v1/metiers)", v, strings.Join(fams, ", "))
	}
	return v
}
