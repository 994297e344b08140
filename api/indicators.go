package api

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// indicatorsOf is the indicator service over the request's snapshot and
// programmes (programme=, the GEN label by default).
func (s *Server) indicatorsOf(c echo.Context) (observatory.Indicators, error) {
	st := store(c)
	sel, err := selection(c)
	return observatory.Indicators{Facts: observatory.MemoFacts(st, s.facts, st.Snapshot()), Geo: s.geo, Metiers: s.ref, Synthetic: sel.Synthetic || sel.Mixed, Mixed: sel.Mixed,
		Programmes: sel.IDs, Snapshot: st.Snapshot(), Memo: s.memo}, err
}

// indicatorList serves the registry: definitions, units, levels, sources.
func (s *Server) indicatorList(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	reg := observatory.Registry()
	listed(c, "")
	return c.JSON(http.StatusOK, struct {
		Total      int                     `json:"total"`
		Items      []observatory.Indicator `json:"items"`
		Thresholds map[string]any          `json:"coverage_thresholds"`
		Reasons    []string                `json:"null_reasons"`
		Flags      []string                `json:"flags"`
	}{len(reg), reg, map[string]any{
		"none":     "no formation",
		"low":      "formations per 100,000 inhabitants below this share of the national rate",
		"low_rate": observatory.LowCoverageShare,
	}, observatory.Reasons, observatory.Flags})
}

// valueList is the body of an indicator's values.
type valueList struct {
	Snapshot       string                `json:"snapshot"`
	Synthetic      bool                  `json:"synthetic"`
	MixedSynthetic bool                  `json:"mixed_synthetic,omitempty"`
	Notice         string                `json:"notice,omitempty"`
	Indicator      observatory.Indicator `json:"indicator"`
	Query          indicatorQuery        `json:"query"`
	Time           resultTime            `json:"time"`
	Total          int                   `json:"total"`
	Items          any                   `json:"items"` // []observatory.Value, or fields= projections
	Next           string                `json:"next,omitempty"`
}

type indicatorQuery struct {
	Level   observatory.Level `json:"level"`
	At      string            `json:"at,omitempty"`
	View    string            `json:"view,omitempty"`
	Year    int               `json:"year,omitempty"`
	Wave    int               `json:"wave,omitempty"`
	Family  string            `json:"family,omitempty"`
	Code    string            `json:"code,omitempty"`
	Series  bool              `json:"series"`
	Explain bool              `json:"explain,omitempty"`
	// Programmes read, when not the GEN label alone (programme=).
	Programmes []string `json:"programmes,omitempty"`
}

// resultTime states what time the values describe: the date the offer is
// read at (and why that one), its view, the reference date, the survey.
type resultTime struct {
	At        string `json:"at,omitempty"`
	View      string `json:"view"`
	Basis     string `json:"basis"`
	BasisFR   string `json:"basis_fr"`
	Reference string `json:"reference_date,omitempty"`
	Survey    int    `json:"survey,omitempty"`
}

func timeOf(r *observatory.Result) resultTime {
	t := resultTime{View: r.View, Basis: r.Basis, BasisFR: r.BasisFR, Survey: r.Survey}
	if !r.At.IsZero() {
		t.At = r.At.Format(time.DateOnly)
	}
	if !r.Reference.IsZero() {
		t.Reference = r.Reference.Format(time.DateOnly)
	}
	return t
}

// explainParam reads explain=1 (or true).
func (p *params) explain() bool {
	switch p.str("explain") {
	case "":
		return false
	case "1", "true":
		return true
	}
	p.fail("explain", "explain must be 1 or true")
	return false
}

// indicatorValues serves one indicator's values by territory, or one
// territory's time series (code without year).
func (s *Server) indicatorValues(c echo.Context) error {
	id := splitFormat(c, "id")
	ind, ok := observatory.LookupIndicator(id)
	if !ok {
		return observatory.Errorf(observatory.ENOTFOUND, "no indicator %q; known: %s", id, strings.Join(observatory.IndicatorIDs(), ", "))
	}
	p := s.params(c, append(append([]string{"level", "family", "code", "within", "explain", formatParam, "dialect", programmeParam}, offerTimeParams...), memListParams...)...)
	fm := p.format(c, FormatJSON, FormatCSV, FormatXLSX, FormatParquet, FormatNDJSON)
	p.dialect(fm)
	mq := p.memList(fm, valueColumns)
	sel := s.programmes(c, p)
	def := observatory.LevelDepartement
	if ind.ID == observatory.IndTargets {
		def = observatory.LevelNational
	}
	q := p.offerTime().query(observatory.IndicatorQuery{ID: ind.ID, Level: p.level("level", def, ind.Levels...)})
	q.Family = s.family(c, p)
	q.Territory = p.territory("code", q.Level)
	q.Within = p.within("within")
	q.Explain = p.explain()
	if p.err != nil {
		return p.err
	}
	svc, err := s.indicatorsOf(c)
	if err != nil {
		return err
	}
	res, err := svc.Values(c.Request().Context(), q)
	if err != nil {
		return err
	}
	explained(res.Values)
	items, vals, next, err := applyMem(res.Values, mq)
	if err != nil {
		return err
	}
	out := valueList{Snapshot: store(c).Snapshot(), Indicator: ind, Total: len(res.Values), Items: items, Time: timeOf(res), Next: listed(c, next),
		Query: indicatorQuery{Level: q.Level, View: q.View, Year: q.Year, Wave: q.Wave, Family: q.Family, Code: q.Territory,
			Series: q.Series(), Explain: q.Explain, Programmes: programmesOut(sel)}}
	if !q.At.IsZero() {
		out.Query.At = q.At.Format(time.DateOnly)
	}
	if err := s.flagSynthetic(c, ind.Sources, &out.Synthetic, &out.Notice); err != nil {
		return err
	}
	out.MixedSynthetic = out.Synthetic && sel.Mixed
	if fm != FormatJSON {
		return s.download(c, fm, valuesTable("indicator-"+ind.ID+"-"+string(q.Level), vals, out.Synthetic).Select(mq.Fields))
	}
	return c.JSON(http.StatusOK, out)
}

// flagSynthetic marks a response built from the catalogue when the
// programmes it reads are synthetic, or mix the synthetic stand-in with
// real data.
func (s *Server) flagSynthetic(c echo.Context, sources []string, synthetic *bool, notice *string) error {
	if !slices.Contains(sources, "catalogue") {
		return nil
	}
	sel, err := selection(c)
	if err != nil {
		return err
	}
	*synthetic, _, *notice = markSelection(c, sel)
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
