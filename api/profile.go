package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// profileBody is the synthetic view of one territory: its offer, the demand
// for digital jobs, how they compare, and its formations.
type profileBody struct {
	Snapshot   string                       `json:"snapshot"`
	Synthetic  bool                         `json:"synthetic"`
	Notice     string                       `json:"notice,omitempty"`
	Territory  observatory.Territory        `json:"territory"`
	Query      indicatorQuery               `json:"query"`
	Indicators map[string]observatory.Value `json:"indicators"`
	Families   []familyShare                `json:"families"`
	Neighbours []neighbour                  `json:"neighbours"`
	// Gaps are the zones without formation (same filters) that hold the
	// territory or touch it.
	Gaps       []observatory.Gap `json:"gaps"`
	Formations struct {
		Total int            `json:"total"`
		Items []formationRef `json:"items"`
		More  string         `json:"more,omitempty"` // the list endpoint with the same filters
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
}

// profileFormations caps the formations listed in a profile; the rest are
// one link away.
const profileFormations = 200

// profile serves GET /territories/{level}/{code}/profile.
func (s *Server) profile(c echo.Context) error {
	p := s.params(c, "year", "wave", "family")
	lv := observatory.Level(c.Param("level"))
	if lv != observatory.LevelRegion && lv != observatory.LevelDepartement {
		return observatory.ParamError("level", "level %q has no profile; use region or departement", lv)
	}
	code := strings.ToUpper(c.Param("code"))
	t, ok := s.geo.Territory(lv, code)
	if !ok {
		return observatory.Errorf(observatory.ENOTFOUND, "no %s with code %q", lv, code)
	}
	q := observatory.IndicatorQuery{Level: lv, Year: p.int("year", 0, 2000, 2100), Wave: p.int("wave", 0, 1, 99)}
	q.Family = s.family(c, p)
	if p.err != nil {
		return p.err
	}
	ctx := c.Request().Context()
	vals, err := s.indicatorsOf(c).Profile(ctx, q, code)
	if err != nil {
		return err
	}
	out := profileBody{Snapshot: store(c).Snapshot(), Territory: t, Indicators: map[string]observatory.Value{},
		Query: indicatorQuery{Level: lv, Year: q.Year, Wave: q.Wave, Family: q.Family, Code: code}}
	for id, v := range vals {
		if fam, ok := strings.CutPrefix(id, observatory.IndFamilyShare+":"); ok {
			out.Families = append(out.Families, familyShare{fam, v.Value})
			continue
		}
		out.Indicators[id] = v
	}
	slices.SortFunc(out.Families, func(a, b familyShare) int { return strings.Compare(a.Family, b.Family) })
	if err := s.profileSurroundings(c, &out, q); err != nil {
		return err
	}
	if err := s.profileFormations(c, &out, q); err != nil {
		return err
	}
	if err := s.flagSynthetic(c, []string{"catalogue"}, &out.Synthetic, &out.Notice); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// profileFormations lists the territory's formations matching the query's
// family; year and wave narrow the figures, not this list.
func (s *Server) profileFormations(c echo.Context, out *profileBody, q observatory.IndicatorQuery) error {
	f := observatory.FormationFilter{Family: q.Family, Limit: profileFormations}
	more := "/api/v1/formations?"
	if q.Level == observatory.LevelRegion {
		f.Region, more = out.Territory.Code, more+"region="+out.Territory.Code
	} else {
		f.Departement, more = out.Territory.Code, more+"departement="+out.Territory.Code
	}
	if q.Family != "" {
		more += "&family=" + q.Family
	}
	page, err := store(c).Formations(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out.Formations.Total, out.Formations.Items = page.Total, make([]formationRef, len(page.Items))
	for i, fm := range page.Items {
		out.Formations.Items[i] = formationRef{fm.ID, fm.Title, fm.Structure, fm.Commune, fm.Family, "/api/v1/formations/" + fm.ID}
	}
	if page.Next != "" {
		out.Formations.More = more
	}
	return nil
}

// profileSurroundings adds the territory's neighbours, with their offer,
// and the gap zones around it.
func (s *Server) profileSurroundings(c echo.Context, out *profileBody, q observatory.IndicatorQuery) error {
	ctx := c.Request().Context()
	q.ID = observatory.IndCoverage
	vals, err := s.indicatorsOf(c).Values(ctx, q)
	if err != nil {
		return err
	}
	q.ID = observatory.IndFormations
	counts, err := s.indicatorsOf(c).Values(ctx, q)
	if err != nil {
		return err
	}
	class, count := map[string]string{}, map[string]*float64{}
	for _, v := range vals {
		class[v.Code] = v.Class
	}
	for _, v := range counts {
		count[v.Code] = v.Value
	}
	code := out.Territory.Code
	near := s.adjacency(q.Level).Neighbours(code)
	out.Neighbours = make([]neighbour, 0, len(near))
	for _, n := range near {
		t, _ := s.geo.Territory(q.Level, n)
		out.Neighbours = append(out.Neighbours, neighbour{n, t.Name, count[n], class[n],
			"/api/v1/territories/" + string(q.Level) + "/" + n + "/profile"})
	}
	zero := 0.0
	gaps, err := s.findGaps(ctx, store(c), gapRule{Level: q.Level, Indicator: observatory.IndFormations, Max: &zero,
		Year: q.Year, Wave: q.Wave, Family: q.Family})
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
