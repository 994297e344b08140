package api

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/observatory"
)

// needsLevels have a skill-needs view: where BMO measures demand.
var needsLevels = []observatory.Level{observatory.LevelRegion, observatory.LevelDepartement, observatory.LevelBassin}

type needsList struct {
	Snapshot       string              `json:"snapshot"`
	Synthetic      bool                `json:"synthetic"`
	MixedSynthetic bool                `json:"mixed_synthetic,omitempty"`
	Notice         string              `json:"notice,omitempty"`
	Programmes     []string            `json:"programmes,omitempty"` // read, when not the GEN label alone
	Level          observatory.Level   `json:"level"`
	Total          int                 `json:"total"`
	Items          []observatory.Needs `json:"items"`
}

type needsOne struct {
	Snapshot       string   `json:"snapshot"`
	Synthetic      bool     `json:"synthetic"`
	MixedSynthetic bool     `json:"mixed_synthetic,omitempty"`
	Notice         string   `json:"notice,omitempty"`
	Programmes     []string `json:"programmes,omitempty"` // read, when not the GEN label alone
	observatory.Needs
}

// needsQuery reads the level, the survey year and the offer's date.
func (s *Server) needsQuery(p *params, level observatory.Level) observatory.NeedsQuery {
	return p.offerTime().needs(level, "")
}

// needs is the needs query of a level (one territory's when code is not
// empty) at this offer time; year is the BMO survey.
func (t offerTime) needs(level observatory.Level, code string) observatory.NeedsQuery {
	return observatory.NeedsQuery{Level: level, Territory: code, At: t.At, View: t.View, Year: t.Year, Wave: t.Wave}
}

// territoryNeedsAt is the needs view of one territory inside a profile:
// nil at a level BMO does not measure, or for a code it does not survey.
func territoryNeedsAt(ctx context.Context, svc observatory.Indicators, level observatory.Level, code string, t offerTime) (*observatory.Needs, error) {
	if !slices.Contains(needsLevels, level) {
		return nil, nil
	}
	ns, err := svc.Needs(ctx, t.needs(level, code))
	if err != nil || len(ns) != 1 {
		return nil, err
	}
	return &ns[0], nil
}

// needs serves GET /needs[.format]?level=: the needs view of every
// territory of a level, one row each, so a journalist gets one table.
func (s *Server) needs(c echo.Context) error {
	p := s.params(c, append([]string{"level", formatParam, "dialect", programmeParam}, offerTimeParams...)...)
	fm := p.format(c, FormatJSON, FormatCSV, FormatXLSX, FormatParquet, FormatNDJSON)
	p.dialect(fm)
	sel := s.programmes(c, p)
	q := s.needsQuery(p, p.level("level", observatory.LevelBassin, needsLevels...))
	if p.err != nil {
		return p.err
	}
	svc, err := s.indicatorsOf(c)
	if err != nil {
		return err
	}
	ns, err := svc.Needs(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := needsList{Snapshot: store(c).Snapshot(), Level: q.Level, Total: len(ns), Items: ns, Programmes: programmesOut(sel)}
	if err := s.flagSynthetic(c, []string{"catalogue"}, &out.Synthetic, &out.Notice); err != nil {
		return err
	}
	out.MixedSynthetic = sel.Mixed
	if fm != FormatJSON {
		return s.download(c, fm, needsTable("needs-"+string(q.Level), ns, out.Synthetic))
	}
	listed(c, "")
	return c.JSON(http.StatusOK, out)
}

// territoryNeeds serves GET /territories/{level}/{code}/needs[.format]: one
// territory's view as JSON, or its jobs as a file.
func (s *Server) territoryNeeds(c echo.Context) error {
	p := s.params(c, append([]string{formatParam, "dialect", programmeParam}, offerTimeParams...)...)
	fm := p.format(c, FormatJSON, FormatCSV, FormatXLSX, FormatParquet, FormatNDJSON)
	p.dialect(fm)
	sel := s.programmes(c, p)
	lv := observatory.Level(c.Param("level"))
	if !slices.Contains(needsLevels, lv) {
		return observatory.ParamError("level", "skill needs are measured by région, département and bassin (BMO), not %q; "+
			"a commune's are its bassin's (see its profile)", lv)
	}
	code := strings.ToUpper(c.Param("code"))
	t, ok := s.geo.Territory(lv, code)
	if !ok {
		return observatory.Errorf(observatory.ENOTFOUND, "no %s with code %q in the reference geography; "+
			"a bassin of BMO outside it keeps its figures at /api/v1/job-demand?level=bassin&code=%s", lv, code, code)
	}
	q := p.offerTime().needs(lv, t.Code)
	if p.err != nil {
		return p.err
	}
	svc, err := s.indicatorsOf(c)
	if err != nil {
		return err
	}
	ns, err := svc.Needs(c.Request().Context(), q)
	if err != nil {
		return err
	}
	if len(ns) != 1 {
		return observatory.Errorf(observatory.ENOTFOUND, "no needs for %s %s", lv, code)
	}
	out := needsOne{Snapshot: store(c).Snapshot(), Needs: ns[0], Programmes: programmesOut(sel)}
	if err := s.flagSynthetic(c, []string{"catalogue"}, &out.Synthetic, &out.Notice); err != nil {
		return err
	}
	out.MixedSynthetic = sel.Mixed
	if fm != FormatJSON {
		return s.download(c, fm, jobsTable("needs-"+string(lv)+"-"+t.Code, ns, out.Synthetic))
	}
	listed(c, "")
	return c.JSON(http.StatusOK, out)
}

// jobsColumns are the columns of the digital jobs in demand: one row a
// territory and job.
var jobsColumns = []export.Column{
	{Name: "level", Type: "string", Title: "Niveau", TitleEN: "Level", LabelsFR: observatory.LevelLabelsFR},
	{Name: "code", Type: "string", Title: "Code", TitleEN: "Code"},
	{Name: "name", Type: "string", Title: "Nom", TitleEN: "Name"},
	{Name: "survey", Type: "integer", Title: "Enquête BMO", TitleEN: "BMO survey"},
	{Name: "rank", Type: "integer", Title: "Rang", TitleEN: "Rank", Description: "by projects; empty when every cell of the job is secret"},
	{Name: "fap", Type: "string", Title: "Code FAP", TitleEN: "FAP code"},
	{Name: "label", Type: "string", Title: "Métier", TitleEN: "Job"},
	{Name: "families", Type: "string", Title: "Familles GEN", TitleEN: "GEN families", Description: "GEN job families of the code, | separated"},
	{Name: "projects", Type: "integer", Title: "Projets de recrutement", TitleEN: "Hiring projects", Description: "empty when every cell is secret, never 0 for unknown"},
	{Name: "secret_cells", Type: "integer", Title: "Cellules sous secret", TitleEN: "Secret cells"},
	{Name: "difficult_pct", Type: "number", Title: "Part difficile (%)", TitleEN: "Share difficult (%)", Decimals: decPercent, Precision: precPercent},
	{Name: "seasonal_pct", Type: "number", Title: "Part saisonnière (%)", TitleEN: "Share seasonal (%)", Decimals: decPercent, Precision: precPercent},
}

// jobsTable lists the jobs of each territory's needs.
func jobsTable(name string, ns []observatory.Needs, synthetic bool) export.Table {
	return export.Table{Name: name, Columns: jobsColumns, Synthetic: synthetic, Each: func(yield func([]any) error) error {
		for _, n := range ns {
			for _, j := range n.Jobs {
				var rank any
				if j.Rank > 0 {
					rank = j.Rank
				}
				if err := yield([]any{string(n.Level), n.Code, n.Name, n.Survey, rank, j.FAP, j.Label, j.Families,
					j.Projects, j.SecretCells, j.Difficult, j.Seasonal}); err != nil {
					return err
				}
			}
		}
		return nil
	}}
}

// needsColumns are the columns of the needs table: one row a territory.
var needsColumns = []export.Column{
	{Name: "level", Type: "string", Title: "Niveau", TitleEN: "Level", LabelsFR: observatory.LevelLabelsFR, Description: "region, departement or bassin"},
	{Name: "code", Type: "string", Title: "Code", TitleEN: "Code", Description: "INSEE code, BMO code for a bassin"},
	{Name: "name", Type: "string", Title: "Nom", TitleEN: "Name"},
	{Name: "survey", Type: "integer", Title: "Enquête BMO", TitleEN: "BMO survey", Description: "BMO survey year"},
	{Name: "at", Type: "date", Title: "Offre au", TitleEN: "Offer at", Description: "date the offer is read at"},
	{Name: "population", Type: "integer", Title: "Population", TitleEN: "Population"},
	{Name: "projects", Type: "integer", Title: "Projets de recrutement numériques", TitleEN: "Hiring projects", Description: "published digital hiring projects; empty when all are secret, never 0 for unknown"},
	{Name: "secret_cells", Type: "integer", Title: "Cellules sous secret", TitleEN: "Secret cells", Description: "BMO cells under statistical secrecy left out: projects is then a lower bound"},
	{Name: "difficult_pct", Type: "number", Title: "Part difficile (%)", TitleEN: "Share difficult (%)", Decimals: decPercent, Precision: precPercent, Description: "share judged difficult, over cells where both figures are published"},
	{Name: "seasonal_pct", Type: "number", Title: "Part saisonnière (%)", TitleEN: "Share seasonal (%)", Decimals: decPercent, Precision: precPercent},
	{Name: "top_fap", Type: "string", Title: "Métier le plus demandé (FAP)", TitleEN: "Most demanded job (FAP)", Description: "FAP code of the digital job with the most projects"},
	{Name: "top_label", Type: "string", Title: "Métier le plus demandé", TitleEN: "Most demanded job"},
	{Name: "top_projects", Type: "integer", Title: "Projets du métier le plus demandé", TitleEN: "Projects of the most demanded job"},
	{Name: "formations", Type: "integer", Title: "Formations", TitleEN: "Formations", Description: "formations of every family at the date"},
	{Name: "largest_unmet_need", Type: "string", Title: "Premier besoin non couvert", TitleEN: "Largest unmet need", Description: "job family with the most projects among those under the national supply/demand ratio"},
	{Name: "unmet_ratio", Type: "number", Title: "Ratio offre/besoins de ce besoin", TitleEN: "Supply/demand ratio of that need", Decimals: decRatio, Precision: precRatio, Description: "formations per 1,000 projects of that family"},
	{Name: "unmet_national_ratio", Type: "number", Title: "Ratio national de ce besoin", TitleEN: "National ratio of that need", Decimals: decRatio, Precision: precRatio},
	{Name: "distance_nearest_km", Type: "number", Title: "Distance moyenne à la formation la plus proche (km)", TitleEN: "Mean distance to the nearest formation (km)", Decimals: decKm, Precision: precKm},
	{Name: "pop_beyond_30km", Type: "integer", Title: "Habitants à plus de 30 km", TitleEN: "Inhabitants over 30 km"},
	{Name: "flags", Type: "string", Title: "Signalements", TitleEN: "Flags", LabelsFR: observatory.FlagLabelsFR, Description: "quality flags, | separated"},
	{Name: "reason", Type: "string", Title: "Raison", TitleEN: "Reason", LabelsFR: observatory.ReasonLabelsFR, Description: "why there is no demand figure at all"},
	{Name: "sentence_fr", Type: "string", Title: "Synthèse", TitleEN: "Summary (French)"},
	{Name: "sentence_en", Type: "string", Title: "Summary", TitleEN: "Summary"},
}

// needsTable gives the needs views to the file formats.
func needsTable(name string, ns []observatory.Needs, synthetic bool) export.Table {
	return export.Table{Name: name, Columns: needsColumns, Synthetic: synthetic, Each: func(yield func([]any) error) error {
		for _, n := range ns {
			var topFAP, topLabel, topProj any
			if len(n.Jobs) > 0 && n.Jobs[0].Projects != nil {
				topFAP, topLabel, topProj = n.Jobs[0].FAP, n.Jobs[0].Label, *n.Jobs[0].Projects
			}
			var unmetRatio, unmetNat any
			forms := 0
			for _, f := range n.Families {
				forms += f.Formations
				if f.Family == n.Unmet {
					unmetRatio, unmetNat = f.Ratio, f.National
				}
			}
			var survey any
			if n.Survey != 0 {
				survey = n.Survey
			}
			row := []any{string(n.Level), n.Code, n.Name, survey, dateOf(n.At), n.Population, n.Projects, n.SecretCells,
				n.Difficult, n.Seasonal, topFAP, topLabel, topProj, forms, n.Unmet, unmetRatio, unmetNat,
				n.DistanceKm, n.Beyond30, n.Flags, n.Reason, n.SentenceFR, n.SentenceEN}
			if err := yield(row); err != nil {
				return err
			}
		}
		return nil
	}}
}

// dateOf reads a YYYY-MM-DD date for the files, nil when empty.
func dateOf(s string) any {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil
	}
	return t
}
