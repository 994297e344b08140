package api

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// profileBody is the synthetic view of one territory: its offer, the demand
// for digital jobs, how they compare, and its formations.
type profileBody struct {
	Snapshot       string                       `json:"snapshot"`
	Synthetic      bool                         `json:"synthetic"`
	MixedSynthetic bool                         `json:"mixed_synthetic,omitempty"`
	Notice         string                       `json:"notice,omitempty"`
	Territory      observatory.Territory        `json:"territory"`
	Query          indicatorQuery               `json:"query"`
	Indicators     map[string]observatory.Value `json:"indicators"`
	Families       []familyShare                `json:"families"`
	Neighbours     []neighbour                  `json:"neighbours"`
	// Gaps are the zones without formation (same filters) that hold the
	// territory or touch it.
	Gaps []observatory.Gap `json:"gaps"`
	// Needs is the skill-needs view (jobs in demand, offer per family),
	// where BMO measures demand: régions, départements and bassins.
	Needs      *observatory.Needs `json:"needs,omitempty"`
	Formations struct {
		Total int            `json:"total"`
		Items []formationRef `json:"items"`
		More  string         `json:"more,omitempty"` // the list endpoint with the same filters
		// ByProgramme: the territory's formations of each programme read,
		// when programme= asks for others than the GEN label alone.
		ByProgramme []programmeFormations `json:"by_programme,omitempty"`
	} `json:"formations"`
}

type familyShare struct {
	Family string   `json:"family"`
	Share  *float64 `json:"share_pct"`
}

type neighbour struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Formations *float64 `json:"formations"`
	Class      string   `json:"coverage_class"`
	Href       string   `json:"href"`
}

type formationRef struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Structure string `json:"structure"`
	Commune   string `json:"commune,omitempty"`
	Family    string `json:"family,omitempty"`
	Href      string `json:"href"`
	// Programme, when the profile reads others than the GEN label alone.
	Programme string `json:"programme,omitempty"`
}

// profileFormations caps the formations listed in a profile; the rest are
// one link away.
const profileFormations = 200

// profileLevels have profiles. A commune's holds the access figures, its
// formations and its bassin's link; neighbours and gaps start at the bassin.
var profileLevels = []observatory.Level{observatory.LevelRegion, observatory.LevelDepartement, observatory.LevelBassin, observatory.LevelCommune}

// profile serves GET /territories/{level}/{code}/profile.
func (s *Server) profile(c echo.Context) error {
	p := s.params(c, append([]string{"family", "explain", programmeParam}, offerTimeParams...)...)
	sel := s.programmes(c, p)
	lv := observatory.Level(c.Param("level"))
	if !slices.Contains(profileLevels, lv) {
		return observatory.ParamError("level", "level %q has no profile; use region, departement, bassin or commune", lv)
	}
	code := strings.ToUpper(c.Param("code"))
	t, ok := s.geo.Territory(lv, code)
	if !ok {
		return observatory.Errorf(observatory.ENOTFOUND, "no %s with code %q", lv, code)
	}
	ot := p.offerTime()
	q := ot.query(observatory.IndicatorQuery{Level: lv})
	q.Family = s.family(c, p)
	q.Explain = p.explain()
	if p.err != nil {
		return p.err
	}
	ctx := c.Request().Context()
	svc, err := s.indicatorsOf(c)
	if err != nil {
		return err
	}
	vals, err := svc.Profile(ctx, q, code)
	if err != nil {
		return err
	}
	out := profileBody{Snapshot: store(c).Snapshot(), Territory: t, Indicators: map[string]observatory.Value{},
		Query: indicatorQuery{Level: lv, View: q.View, Year: q.Year, Wave: q.Wave, Family: q.Family, Code: code, Explain: q.Explain,
			Programmes: programmesOut(sel)}}
	if !q.At.IsZero() {
		out.Query.At = q.At.Format(time.DateOnly)
	}
	for id, v := range vals {
		if v.Explain != nil {
			v.Explain.URL = drillURL(v.Explain.DrillDown)
		}
		if fam, ok := strings.CutPrefix(id, observatory.IndFamilyShare+":"); ok {
			out.Families = append(out.Families, familyShare{fam, v.Value})
			continue
		}
		out.Indicators[id] = v
	}
	slices.SortFunc(out.Families, func(a, b familyShare) int { return strings.Compare(a.Family, b.Family) })
	// Communes have no neighbours or gap zones here: gaps start at the
	// bassin, which the commune's territory names.
	if lv != observatory.LevelCommune {
		if err := s.profileSurroundings(c, svc, &out, q, ot); err != nil {
			return err
		}
	}
	if err := s.profileFormations(c, &out, q, ot); err != nil {
		return err
	}
	if err := s.profileProgrammes(c, &out, q, ot, sel); err != nil {
		return err
	}
	if out.Needs, err = territoryNeedsAt(ctx, svc, lv, code, ot); err != nil {
		return err
	}
	out.Synthetic, out.MixedSynthetic, out.Notice = markSelection(c, sel)
	return c.JSON(http.StatusOK, out)
}

// profileFormations lists the territory's formations of the profile's
// offer: at its date, in its view, of its family.
func (s *Server) profileFormations(c echo.Context, out *profileBody, q observatory.IndicatorQuery, ot offerTime) error {
	page, more, err := s.territoryFormations(c, q.Level, out.Territory.Code, q.Family, ot)
	if err != nil {
		return err
	}
	out.Formations.Total, out.Formations.Items = page.Total, make([]formationRef, len(page.Items))
	for i, fm := range page.Items {
		out.Formations.Items[i] = formationRef{fm.ID, fm.Title, fm.Structure, fm.Commune, fm.Family, pinLink("/api/v1/formations/"+fm.ID, replayed(c)), fm.Programme}
	}
	if page.Next != "" {
		out.Formations.More = pinLink(more, replayed(c))
	}
	return nil
}

// territoryFormations is the first page of a territory's formations of
// the offer at a time, and the list endpoint that gives them all.
func (s *Server) territoryFormations(c echo.Context, level observatory.Level, code, family string, ot offerTime) (*observatory.FormationPage, string, error) {
	ctx := c.Request().Context()
	at, view, err := formationsAt(ctx, store(c), ot)
	if err != nil {
		return nil, "", err
	}
	if at.IsZero() {
		// A profile's list matches its figures: the offer at the reference date.
		if at, view, err = formationsAt(ctx, store(c), offerTime{View: observatory.ViewInForce}); err != nil {
			return nil, "", err
		}
	}
	sel, err := selection(c)
	if err != nil {
		return nil, "", err
	}
	f := observatory.FormationFilter{Family: family, Limit: profileFormations, At: at, View: view, Programmes: sel.IDs}
	params := map[string]string{string(level): code, "at": at.Format(time.DateOnly), "view": view, "family": family, programmeParam: sel.Param()}
	switch level {
	case observatory.LevelRegion:
		f.Region = code
	case observatory.LevelBassin:
		f.Bassin = code
	case observatory.LevelCommune:
		f.Commune = code
	default:
		f.Departement = code
	}
	page, err := store(c).Formations(ctx, f)
	return page, drillURL(observatory.DrillDown{List: observatory.DrillFormations, Params: params}), err
}

// profileSurroundings adds the territory's neighbours, with their offer,
// and the gap zones around it.
func (s *Server) profileSurroundings(c echo.Context, svc observatory.Indicators, out *profileBody, q observatory.IndicatorQuery, ot offerTime) error {
	ctx := c.Request().Context()
	q.ID, q.Explain = observatory.IndCoverage, false
	cov, err := svc.Values(ctx, q)
	if err != nil {
		return err
	}
	q.ID = observatory.IndFormations
	counts, err := svc.Values(ctx, q)
	if err != nil {
		return err
	}
	class, count := map[string]string{}, map[string]*float64{}
	for _, v := range cov.Values {
		class[v.Code] = v.Class
	}
	for _, v := range counts.Values {
		count[v.Code] = v.Value
	}
	code := out.Territory.Code
	near := s.geo.Adjacency(q.Level).Neighbours(code)
	out.Neighbours = make([]neighbour, 0, len(near))
	for _, n := range near {
		t, _ := s.geo.Territory(q.Level, n)
		out.Neighbours = append(out.Neighbours, neighbour{n, t.Name, count[n], class[n],
			pinLink("/api/v1/territories/"+string(q.Level)+"/"+n+"/profile", replayed(c))})
	}
	zero := 0.0
	gaps, err := s.findGaps(ctx, svc, gapRule{Level: q.Level, Indicator: observatory.IndFormations, Max: &zero,
		Family: q.Family, time: ot})
	if err != nil {
		return err
	}
	out.Gaps = []observatory.Gap{}
	for _, g := range gaps {
		if slices.ContainsFunc(g.Members, func(m string) bool { return m == code || slices.Contains(near, m) }) {
			out.Gaps = append(out.Gaps, g)
		}
	}
	return nil
}
