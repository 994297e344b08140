package api

import (
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// profileGroups sorts a profile's indicators into what the page shows
// together; the script renders the API's profile with the same groups.
var profileGroups = []struct {
	Key string   `json:"key"`
	IDs []string `json:"ids"`
}{
	{"offer", []string{observatory.IndFormations, observatory.IndStructures, observatory.IndPer100k, observatory.IndLearners,
		observatory.IndWomenShare, observatory.IndLowQualShare, observatory.IndQPVShare, observatory.IndDistance, observatory.IndCoverage}},
	{"demand", []string{observatory.IndHiring, observatory.IndDifficultShare}},
	{"ratio", []string{observatory.IndSupplyDemand}},
}

// profileView is a territory's profile as the page draws it without script.
type profileView struct {
	Code, Name, LevelLabel, JSONHref, CloseHref string
	Groups                                      []profileGroup
	Families                                    []profileFigure
	NearGaps                                    []zoneView
	Formations                                  []formationRef
	ByProgramme                                 []programmeFormations // when the map reads other programmes than the GEN label alone
	Total                                       int
	More                                        string
	Needs                                       *needsView
}

// needsView is the skill-needs part of a profile: the sentence, the jobs
// most in demand and where to get the whole table.
type needsView struct {
	Sentence, CSVHref string
	Jobs              []profileFigure
}

// needsTopJobs is how many jobs a profile lists; the table has them all.
const needsTopJobs = 5

type profileGroup struct {
	Title   string
	Figures []profileFigure
}

type profileFigure struct{ Label, Value, Note string }

// profileView computes the profile of the territory q.Code, as the API's
// profile endpoint does, for the page drawn without script.
func (s *Server) profileView(c echo.Context, d *mapData) (*profileView, error) {
	q, t := d.Q, pageText[d.Q.Lang]
	ctx := c.Request().Context()
	terr, ok := s.geo.Territory(q.Level, q.Code)
	if !ok {
		return nil, observatory.ParamError("code", "no %s with code %q", q.Level, q.Code)
	}
	svc, err := s.indicatorsOf(c)
	if err != nil {
		return nil, err
	}
	vals, err := svc.Profile(ctx, q.time().query(observatory.IndicatorQuery{Level: q.Level, Family: q.Family}), q.Code)
	if err != nil {
		return nil, err
	}
	pv := &profileView{Code: terr.Code, Name: terr.Name, LevelLabel: t[string(q.Level)],
		JSONHref:  "/api/v1/territories/" + string(q.Level) + "/" + terr.Code + "/profile" + q.apiQuery(false),
		CloseHref: q.href("/", "code", "") + "#map"}
	for _, g := range profileGroups {
		pg := profileGroup{Title: t[g.Key]}
		for _, id := range g.IDs {
			v, ok := vals[id]
			if !ok {
				continue
			}
			ind, _ := observatory.LookupIndicator(id)
			pg.Figures = append(pg.Figures, profileFigure{indicatorTitle(ind, q.Lang), shortDisplay(ind, v, q.Lang), noteOf(v, q.Lang)})
		}
		if len(pg.Figures) > 0 {
			pv.Groups = append(pv.Groups, pg)
		}
	}
	for id, v := range vals {
		if fam, ok := strings.CutPrefix(id, observatory.IndFamilyShare+":"); ok && v.Value != nil {
			pv.Families = append(pv.Families, profileFigure{Label: s.ref.Label(fam, q.Lang), Value: observatory.FormatNumber(*v.Value, q.Lang) + "\u00a0%"})
		}
	}
	slices.SortFunc(pv.Families, func(a, b profileFigure) int { return strings.Compare(a.Label, b.Label) })
	near := d.Near[q.Code]
	for i, z := range d.Gaps {
		if slices.Contains(near, z.ID) {
			pv.NearGaps = append(pv.NearGaps, d.zoneView(i, z, s.geo))
		}
	}

	n, err := territoryNeedsAt(ctx, svc, q.Level, q.Code, q.time())
	if err != nil {
		return nil, err
	}
	if n != nil {
		pv.Needs = needsOf(*n, q)
	}

	page, more, err := s.territoryFormations(c, q.Level, terr.Code, q.Family, q.time())
	if err != nil {
		return nil, err
	}
	pv.Total, pv.More = page.Total, pinLink(more, q.Snapshot)
	sel, err := selection(c)
	if err != nil {
		return nil, err
	}
	for _, fm := range page.Items {
		ref := formationRef{fm.ID, fm.Title, fm.Structure, fm.Commune, fm.Family, pinLink("/api/v1/formations/"+fm.ID, q.Snapshot), fm.Programme}
		if sel.IsDefault() {
			ref.Programme = ""
		}
		pv.Formations = append(pv.Formations, ref)
	}
	if !sel.IsDefault() {
		var body profileBody
		body.Territory = terr
		if err := s.profileProgrammes(c, &body, observatory.IndicatorQuery{Level: q.Level, Family: q.Family}, q.time(), sel); err != nil {
			return nil, err
		}
		pv.ByProgramme = body.Formations.ByProgramme
		for i := range pv.ByProgramme {
			if q.Lang == "en" {
				pv.ByProgramme[i].Title = pv.ByProgramme[i].TitleEN
			}
		}
	}
	return pv, nil
}

// shortDisplay is a value in a profile, where the label names the figure:
// only % and km are repeated after the number.
func shortDisplay(ind observatory.Indicator, v observatory.Value, lang string) string {
	t := pageText[lang]
	if v.Value == nil {
		return t["na"]
	}
	s := observatory.FormatNumber(*v.Value, lang)
	switch ind.Unit {
	case "%":
		s += "\u00a0%"
	case "km":
		s += " km"
	}
	if v.Class != "" {
		s += " — " + t[v.Class]
	}
	return s
}

// needsOf is the page's short form of a territory's needs.
func needsOf(n observatory.Needs, q pageQuery) *needsView {
	t := pageText[q.Lang]
	nv := &needsView{Sentence: n.SentenceFR,
		CSVHref: "/api/v1/territories/" + string(n.Level) + "/" + n.Code + "/needs.csv" + q.csvQuery(false)}
	if q.Lang == "en" {
		nv.Sentence = n.SentenceEN
	}
	for _, j := range n.Jobs {
		if len(nv.Jobs) == needsTopJobs || j.Projects == nil {
			break
		}
		v := observatory.FormatNumber(float64(*j.Projects), q.Lang) + " " + t["projects"]
		if j.Difficult != nil {
			v += ", " + observatory.FormatNumber(*j.Difficult, q.Lang) + "\u00a0% " + t["difficult"]
		}
		nv.Jobs = append(nv.Jobs, profileFigure{Label: j.Label, Value: v})
	}
	return nv
}
