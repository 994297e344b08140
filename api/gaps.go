package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/observatory"
)

// gapRule says which territories count as uncovered: those whose indicator
// value is at most Max (or at least Min, for indicators where more is
// worse, such as distance), or whose coverage class is at most Class.
type gapRule struct {
	Level     observatory.Level `json:"level"`
	Indicator string            `json:"indicator"`
	Max       *float64          `json:"max,omitempty"`
	Min       *float64          `json:"min,omitempty"`
	Class     string            `json:"class,omitempty"`
	At        string            `json:"at,omitempty"` // as asked; the values say the date used
	View      string            `json:"view,omitempty"`
	Year      int               `json:"year,omitempty"`
	Wave      int               `json:"wave,omitempty"`
	Family    string            `json:"family,omitempty"`
	// Programmes whose formations count, when not the GEN label alone:
	// programme=all makes the rule "no digital formation of any
	// programme" rather than "no GEN formation".
	Programmes []string `json:"programmes,omitempty"`
	Text       string   `json:"text"`
	time       offerTime
}

// BassinGapKm is the default gap rule at bassin level: a population-weighted
// mean distance to the nearest formation of 40 km or more, about half an
// hour's drive. With the stand-in's first wave it draws the empty diagonal
// as 81 bassins on a NE–SW axis 852 km long.
const BassinGapKm = observatory.BassinGapKm

// gapRule reads the gap parameters. Default: territories with no formation;
// at bassin level, bassins BassinGapKm or more from one.
func (s *Server) gapRule(c echo.Context, p *params) gapRule {
	r := gapRule{Level: p.level("level", observatory.LevelDepartement, observatory.LevelRegion, observatory.LevelDepartement, observatory.LevelBassin)}
	r.Indicator = p.str("indicator")
	byDefault := r.Indicator == "" && p.str("max") == "" && p.str("min") == "" && p.str("class") == ""
	if r.Indicator == "" {
		r.Indicator = observatory.IndFormations
	}
	ind, ok := observatory.LookupIndicator(r.Indicator)
	if !ok || !ind.Has(r.Level) || ind.PerFamily {
		p.fail("indicator", "indicator %q cannot define gaps at level %s; use one of /api/v1/indicators with that level (not family_share or targets)", r.Indicator, r.Level)
	}
	r.Max, r.Min = p.float("max"), p.float("min")
	if byDefault && r.Level == observatory.LevelBassin {
		// A bassin is smaller than a formation's reach: most have none of
		// their own, which makes one zone of nearly all France. What GEN
		// staff look for there is distance: bassins whose people are on
		// average BassinGapKm or more from the nearest formation.
		r.Indicator, r.Min = observatory.IndDistance, new(float64)
		*r.Min = BassinGapKm
	}
	r.Class = p.str("class")
	switch {
	case r.Class != "" && r.Class != observatory.ClassNone && r.Class != observatory.ClassLow:
		p.fail("class", "class must be none (no formation) or low (none or low coverage)")
	case r.Class != "" && (r.Max != nil || r.Min != nil):
		p.fail("class", "give class, max or min, not several")
	case r.Max != nil && r.Min != nil:
		p.fail("min", "give max or min, not both")
	}
	if r.Class != "" {
		r.Indicator = observatory.IndCoverage
	}
	r.time = p.offerTime()
	r.Year, r.Wave, r.View = r.time.Year, r.time.Wave, r.time.View
	if !r.time.At.IsZero() {
		r.At = r.time.At.Format(time.DateOnly)
	}
	r.Family = s.family(c, p)
	sel := s.programmes(c, p)
	r.Programmes = programmesOut(sel)
	switch {
	case r.Class != "":
		r.Text = "coverage class " + r.Class
		if r.Class == observatory.ClassLow {
			r.Text = "coverage class none or low"
		}
	case r.Min != nil:
		r.Text = fmt.Sprintf("%s ≥ %s", r.Indicator, fmtNum(*r.Min))
	default:
		if r.Max == nil {
			r.Max = new(float64)
		}
		r.Text = fmt.Sprintf("%s ≤ %s", r.Indicator, fmtNum(*r.Max))
	}
	r.Text += programmesText(sel)
	return r
}

// programmesText says whose formations a gap rule counts, "" for the GEN
// label alone (the default, whose text stays as it was).
func programmesText(sel observatory.ProgrammeSelection) string {
	switch {
	case sel.IsDefault():
		return ""
	case sel.All:
		return ", formations of every programme (no digital formation of any programme)"
	}
	return ", formations of " + strings.Join(sel.IDs, ", ")
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// float reads an optional decimal number ("1.5" or "1,5").
func (p *params) float(name string) *float64 {
	v := strings.Replace(p.str(name), ",", ".", 1)
	if v == "" {
		return nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != f || f > 1e12 || f < -1e12 {
		p.fail(name, "%s must be a number, e.g. 0 or 2.5", name)
		return nil
	}
	return &f
}

// findGaps computes the rule's indicator and groups the uncovered
// territories into connected zones. A territory whose value is not
// available is not called uncovered: a gap is something measured.
func (s *Server) findGaps(ctx context.Context, svc observatory.Indicators, r gapRule) ([]observatory.Gap, error) {
	res, err := svc.Values(ctx, r.time.query(observatory.IndicatorQuery{ID: r.Indicator, Level: r.Level, Family: r.Family}))
	if err != nil {
		return nil, err
	}
	bad := map[string]bool{}
	for _, v := range res.Values {
		switch {
		case r.Class == observatory.ClassNone:
			bad[v.Code] = v.Class == observatory.ClassNone
		case r.Class == observatory.ClassLow:
			bad[v.Code] = v.Class == observatory.ClassNone || v.Class == observatory.ClassLow
		case v.Value == nil:
		case r.Min != nil:
			bad[v.Code] = *v.Value >= *r.Min
		default:
			bad[v.Code] = *v.Value <= *r.Max
		}
	}
	ts := s.geo.Territories(r.Level)
	gaps := observatory.FindGaps(ts, s.geo.Adjacency(r.Level), func(code string) bool { return bad[code] }, observatory.GapOptions{})
	if gaps == nil {
		gaps = []observatory.Gap{}
	}
	return gaps, nil
}

type gapList struct {
	Snapshot       string  `json:"snapshot"`
	Synthetic      bool    `json:"synthetic"`
	MixedSynthetic bool    `json:"mixed_synthetic,omitempty"`
	Notice         string  `json:"notice,omitempty"`
	Rule           gapRule `json:"rule"`
	Total          int     `json:"total"`
	Diagonal       bool    `json:"diagonal"` // some zone is an NE–SW diagonal
	Items          any     `json:"items"`    // []observatory.Gap, or fields= projections
	Next           string  `json:"next,omitempty"`
}

var gapParams = append([]string{"level", "indicator", "max", "min", "class", "family", programmeParam}, offerTimeParams...)

// gaps serves GET /gaps and /gaps.geojson.
func (s *Server) gaps(c echo.Context) error {
	// A new slice: appending to the package's would write into its spare
	// capacity from concurrent requests.
	p := s.params(c, slices.Concat(gapParams, []string{formatParam, "dialect"}, memListParams)...)
	fm := p.format(c, FormatJSON, FormatGeoJSON, FormatCSV, FormatXLSX, FormatParquet, FormatNDJSON)
	p.dialect(fm)
	mq := p.memList(fm, gapColumns)
	r := s.gapRule(c, p)
	if p.err != nil {
		return p.err
	}
	st := store(c)
	svc, err := s.indicatorsOf(c)
	if err != nil {
		return err
	}
	gaps, err := s.findGaps(c.Request().Context(), svc, r)
	if err != nil {
		return err
	}
	items, page, next, err := applyMem(gaps, mq)
	if err != nil {
		return err
	}
	out := gapList{Snapshot: st.Snapshot(), Rule: r, Total: len(gaps), Items: items, Next: listed(c, next)}
	for _, g := range gaps {
		out.Diagonal = out.Diagonal || g.Diagonal
	}
	ind, _ := observatory.LookupIndicator(r.Indicator)
	if err := s.flagSynthetic(c, ind.Sources, &out.Synthetic, &out.Notice); err != nil {
		return err
	}
	out.MixedSynthetic = out.Synthetic && svc.Mixed
	switch fm {
	case FormatGeoJSON:
		return sendGeoJSON(c, observatory.GapFeatures(page, s.geo.Territories(r.Level)), "gaps")
	case FormatCSV, FormatXLSX, FormatParquet, FormatNDJSON:
		return s.download(c, fm, gapsTable(page, out.Synthetic).Select(mq.Fields))
	}
	return c.JSON(http.StatusOK, out)
}

// roundPtr keeps 4 decimals: more would be noise in a map's properties.
func roundPtr(v *float64) any {
	if v == nil {
		return nil
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(*v, 'f', 4, 64), 64)
	return r
}

// sendGeoJSON sends a FeatureCollection as application/geo+json.
func sendGeoJSON(c echo.Context, fc any, name string) error {
	var b []byte
	if raw, ok := fc.(json.RawMessage); ok {
		b = raw // already encoded, and large: not copied again
	} else {
		var err error
		if b, err = json.Marshal(fc); err != nil {
			return err
		}
	}
	b = withPermalink(b, permalinkOf(c)) // a foreign member, as in every file
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`inline; filename="%s-%s.geojson"`, name, c.Response().Header().Get(headerSnapshot)))
	return c.Blob(http.StatusOK, "application/geo+json", b)
}

// gapColumns are the columns of the gap zones as files.
var gapColumns = []export.Column{
	{Name: "id", Type: "string", Title: "Identifiant de la zone", TitleEN: "Zone id"}, {Name: "level", Type: "string", Title: "Niveau", TitleEN: "Level", LabelsFR: observatory.LevelLabelsFR},
	{Name: "members", Type: "string", Title: "Territoires", TitleEN: "Members", Description: "territory codes, | separated"},
	{Name: "names", Type: "string", Title: "Noms des territoires", TitleEN: "Member names", Description: "territory names, | separated"},
	{Name: "population", Type: "integer", Title: "Population", TitleEN: "Population", Precision: precCount}, {Name: "area_km2", Type: "number", Title: "Superficie (km²)", TitleEN: "Area (km²)", Decimals: decCount, Precision: "1 km²"},
	{Name: "bearing_deg", Type: "number", Title: "Orientation (degrés)", TitleEN: "Bearing (degrees)", Decimals: export.Dec(1), Precision: precDegrees, Description: "main axis, clockwise from north: 45 = NE–SW"},
	{Name: "length_km", Type: "number", Title: "Longueur (km)", TitleEN: "Length (km)", Decimals: decKm, Precision: precKm}, {Name: "elongation", Type: "number", Title: "Allongement", TitleEN: "Elongation", Decimals: decRatio, Precision: precRatio},
	{Name: "diagonal", Type: "boolean", Title: "Diagonale", TitleEN: "Diagonal"}, {Name: "summary", Type: "string", Title: "Résumé", TitleEN: "Summary"},
}

// gapsTable gives the gap zones to the file formats, one row a zone.
func gapsTable(gaps []observatory.Gap, synthetic bool) export.Table {
	return export.Table{Name: "gaps", Columns: gapColumns, Synthetic: synthetic, Each: func(yield func([]any) error) error {
		for _, g := range gaps {
			var bearing, length, elong any
			if o := g.Orientation; o != nil {
				bearing, length, elong = o.BearingDeg, o.LengthKm, o.Elongation
			}
			row := []any{g.ID, string(g.Level), strings.Join(g.Members, "|"), strings.Join(g.Names, "|"),
				g.Population, g.AreaKm2, bearing, length, elong, g.Diagonal, g.Summary}
			if err := yield(row); err != nil {
				return err
			}
		}
		return nil
	}}
}
