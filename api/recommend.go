package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/observatory"
)

// recommendOut is GET /api/v1/recommend-sites.
type recommendOut struct {
	Snapshot       string   `json:"snapshot"`
	Synthetic      bool     `json:"synthetic"`
	MixedSynthetic bool     `json:"mixed_synthetic,omitempty"`
	Notice         string   `json:"notice,omitempty"`
	Programmes     []string `json:"programmes,omitempty"`
	*observatory.Recommendation
	// Links simulate the greedy choice (or the top candidates) and show
	// it on the map.
	Links map[string]string `json:"links"`
}

var recommendParams = append([]string{"family", "level", "limit", "k", "min_population", programmeParam, formatParam, "dialect"}, offerTimeParams...)

// recommendSites serves GET /api/v1/recommend-sites[.csv|.xlsx]: the
// candidate communes for one more formation of a family, by the score of
// docs/siting.md, and a greedy choice of k of them.
func (s *Server) recommendSites(c echo.Context) error {
	p := s.params(c, recommendParams...)
	fm := p.format(c, FormatJSON, FormatCSV, FormatXLSX)
	p.dialect(fm)
	sel := s.programmes(c, p)
	t := p.offerTime()
	q := observatory.RecommendQuery{At: t.At, View: t.View, Wave: t.Wave, Year: t.Year, Family: s.family(c, p),
		Level: p.level("level", observatory.LevelCommune, observatory.LevelCommune, observatory.LevelBassin),
		Limit: p.int("limit", 10, 1, 1000), K: p.int("k", 0, 0, observatory.MaxGreedy),
		MinPopulation: int64(p.int("min_population", observatory.CandidateMinPopulation, 100, 1_000_000))}
	if q.Family == "" && p.err == nil {
		fams, err := store(c).Families(c.Request().Context())
		if err != nil {
			return err
		}
		p.fail("family", "give family=, the job family of the formation to site: one of %s (see /api/v1/metiers)", strings.Join(fams, ", "))
	}
	if p.err != nil {
		return p.err
	}
	if fm != FormatJSON && p.str("limit") == "" {
		q.Limit = 0 // a file lists every candidate
	}
	svc, err := s.indicatorsOf(c)
	if err != nil {
		return err
	}
	rec, err := s.recommendation(c, svc, q)
	if err != nil {
		return err
	}
	out := recommendOut{Snapshot: store(c).Snapshot(), Programmes: programmesOut(sel), Recommendation: rec}
	if err := s.flagSynthetic(c, []string{"catalogue"}, &out.Synthetic, &out.Notice); err != nil {
		return err
	}
	out.MixedSynthetic = sel.Mixed
	if fm != FormatJSON {
		return s.download(c, fm, recommendTable(rec, out.Synthetic))
	}
	// The sites to simulate: the greedy choice, else the top five.
	picks := rec.Greedy
	if len(picks) == 0 {
		picks = rec.Items[:min(5, len(rec.Items))]
	}
	v := url.Values{}
	for _, k := range []string{"at", "view", "wave", "year", programmeParam} {
		if x := p.str(k); x != "" {
			v.Set(k, x)
		}
	}
	for _, c := range picks {
		v.Add(siteParam, c.Commune+","+rec.Family)
	}
	v.Set(snapshotParam, out.Snapshot)
	page := url.Values{"mode": {"simulate"}, "level": {"bassin"}, "family": {rec.Family}}
	for k, vs := range v {
		page[k] = vs
	}
	out.Links = map[string]string{"simulate": "/api/v1/simulate?" + v.Encode(), "page": "/?" + page.Encode()}
	return c.JSON(http.StatusOK, out)
}

// recommendation ranks every candidate once per snapshot and query (the
// JSON page, the files and the map page share it) and lists q.Limit.
func (s *Server) recommendation(c echo.Context, svc observatory.Indicators, q observatory.RecommendQuery) (*observatory.Recommendation, error) {
	limit := q.Limit
	q.Limit = 0
	key := fmt.Sprintf("%s|%s|%+v", store(c).Snapshot(), strings.Join(svc.Programmes, "+"), q)
	v, err := s.recs.Do(key, func() (any, error) { return svc.Recommend(c.Request().Context(), q) })
	if err != nil {
		return nil, err
	}
	r := *v.(*observatory.Recommendation)
	if limit > 0 && limit < len(r.Items) {
		r.Items = r.Items[:limit:limit]
	}
	return &r, nil
}

var recommendColumns = []export.Column{
	{Name: "rank", Type: "integer", Title: "Rang", Description: "by the score of each candidate alone"},
	{Name: "greedy_order", Type: "integer", Title: "Ordre glouton", Description: "k-th site of the greedy choice (k=); empty when not chosen"},
	{Name: "commune", Type: "string", Title: "Commune (code INSEE)"},
	{Name: "name", Type: "string", Title: "Commune"},
	{Name: "departement", Type: "string", Title: "Département"},
	{Name: "region", Type: "string", Title: "Région"},
	{Name: "bassin", Type: "string", Title: "Bassin d'emploi"},
	{Name: "bassin_name", Type: "string", Title: "Nom du bassin"},
	{Name: "population", Type: "integer", Title: "Population"},
	{Name: "candidate_rule", Type: "string", Title: "Règle de candidature", Description: "population, structure or population+structure"},
	{Name: "nearest_km", Type: "number", Title: "Formation la plus proche (km)", Description: "of the family, today; empty: none in its area"},
	{Name: "score", Type: "number", Title: "Score"},
	{Name: "greedy_score", Type: "number", Title: "Gain marginal", Description: "the score given the sites chosen before (greedy rows)"},
	{Name: "cumulative_score", Type: "number", Title: "Score cumulé"},
	{Name: "demand_term", Type: "number", Title: "Terme besoins"},
	{Name: "gap_term", Type: "number", Title: "Terme zones"},
	{Name: "population_brought_within_30km", Type: "integer", Title: "Habitants mis à moins de 30 km"},
	{Name: "population_brought_within_60km", Type: "integer", Title: "Habitants mis à moins de 60 km"},
	{Name: "brought_mean_km_before", Type: "number", Title: "Distance actuelle de ces habitants (km)"},
	{Name: "hiring_projects_reached", Type: "number", Title: "Projets de recrutement à portée"},
	{Name: "weighted_projects_reached", Type: "number", Title: "Projets pondérés (difficulté)"},
	{Name: "bassin_projects", Type: "number", Title: "Projets du bassin", Description: "empty with bassin_reason when BMO does not say"},
	{Name: "bassin_difficult_pct", Type: "number", Title: "Part difficile du bassin (%)"},
	{Name: "bassin_reason", Type: "string", Title: "Raison"},
	{Name: "gap_bassins_removed", Type: "string", Title: "Bassins sortis des zones", Description: "| separated"},
	{Name: "gap_area_removed_km2", Type: "number", Title: "Surface sortie des zones (km²)"},
	{Name: "explain_fr", Type: "string", Title: "Explication"},
	{Name: "explain_en", Type: "string", Title: "Explanation"},
}

// recommendTable lists the ranked candidates, then the greedy choice.
func recommendTable(rec *observatory.Recommendation, synthetic bool) export.Table {
	row := func(c observatory.Candidate, greedy bool) []any {
		var order, marginal, rank any
		score := c.Score
		if greedy {
			order, marginal = c.Order, c.Score
		}
		if c.Rank > 0 {
			rank = c.Rank
		}
		return []any{rank, order, c.Commune, c.Name, c.Departement, c.Region, c.Bassin, c.BassinName, c.Population, c.Rule, c.NearestKm,
			score, marginal, c.Cumulative, c.DemandTerm, c.GapTerm, c.Brought30, c.Brought60, c.BroughtKm, c.Projects, c.Weighted,
			c.BassinProjects, c.BassinDifficult, c.BassinReason, strings.Join(c.GapBassins, "|"), c.GapAreaKm2, c.ExplainFR, c.ExplainEN}
	}
	return export.Table{Name: "recommend-sites-" + rec.Family, Columns: recommendColumns, Synthetic: synthetic, Each: func(yield func([]any) error) error {
		for _, c := range rec.Greedy {
			if err := yield(row(c, true)); err != nil {
				return err
			}
		}
		for _, c := range rec.Items {
			if err := yield(row(c, false)); err != nil {
				return err
			}
		}
		return nil
	}}
}
