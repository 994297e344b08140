package api

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/carto"
	"github.com/gen-numerique/observatory/observatory"
)

// The map page's simulate mode: a click on a territory adds a candidate
// site (in its most populous commune, or in the commune clicked), and the
// map, its gap outlines and the figures are drawn with the sites added,
// by the same simulation as /api/v1/simulate. The page's URL holds the
// sites, so it is the simulation's permalink.

const modeSimulate = "simulate"

// defaultSiteFamily is the family of the sites added when the map shows
// every family.
const defaultSiteFamily = "developpement"

// simData is what a simulation adds to a map.
type simData struct {
	Sim    *observatory.Simulation
	Query  string                  // the canonical query of /api/v1/simulate
	Family string                  // of the sites a click adds
	Recs   []observatory.Candidate // where one more would help most
	RecErr string
	main   map[string]string // territory → its most populous commune
}

// siteFamily is the family a click adds: the map's, else the default.
func (q pageQuery) siteFamily() string {
	if q.Family != "" {
		return q.Family
	}
	return defaultSiteFamily
}

// simulateMap runs the page's simulation and draws its result into d: the
// values of the territories it changes, the gap zones after it.
func (s *Server) simulateMap(c echo.Context, d *mapData, svc observatory.Indicators) error {
	q := d.Q
	sd := &simData{Family: q.siteFamily(), main: mainCommunes(s.geo, q.Level)}
	d.Simulate = sd
	// Where to label next, for the family of the sites added: asked for
	// (recs=1), since ranking every candidate takes about a second.
	t := q.time()
	if q.Recs {
		rec, err := s.recommendation(c, svc, observatory.RecommendQuery{At: t.At, View: t.View, Wave: t.Wave, Year: t.Year, Family: sd.Family,
			Level: observatory.LevelBassin, Limit: 5})
		if err != nil {
			return err
		}
		sd.Recs = rec.Items
	}
	if len(q.Sites) == 0 {
		return nil
	}
	vals := url.Values{}
	for k, v := range map[string]string{"at": q.At, "view": q.View, "family": q.Family, programmeParam: q.Programme} {
		if v != "" {
			vals.Set(k, v)
		}
	}
	if q.Wave != 0 {
		vals.Set("wave", strconv.Itoa(q.Wave))
	}
	if q.Year != 0 {
		vals.Set("year", strconv.Itoa(q.Year))
	}
	vals[siteParam] = slices.Clone(q.Sites)
	sr, err := s.simRequestOf(c, vals)
	if err != nil {
		return err
	}
	// Every commune (the commune map shows them all); the gap zones of
	// the map's level alone (each level needs its adjacency graph).
	sim, err := sr.run(0, q.Level)
	if err != nil {
		return err
	}
	sd.Sim, sd.Query = sim, sr.query
	after := map[string]observatory.Change{}
	for _, ch := range sim.Changes {
		if ch.Level == q.Level && ch.Indicator == d.Ind.ID && (ch.Family == "" || ch.Family == q.Family) {
			after[ch.Code] = ch
		}
	}
	for i := range d.Values {
		v := &d.Values[i]
		if ch, ok := after[v.Code]; ok {
			v.Value, v.Class, v.Reason = ch.After, ch.ClassAfter, ch.ReasonAfter
			if ch.Note != "" {
				v.Note, v.NoteFR = ch.Note, ch.NoteFR
			}
		}
	}
	d.Classes = carto.Classify(d.Ind.ID, d.Values)
	if q.Level != observatory.LevelCommune {
		d.Gaps = nil
		for _, g := range sim.GapsAfter(q.Level) {
			d.Gaps = append(d.Gaps, zoneOf(g))
		}
	}
	return nil
}

// mainCommunes maps each territory of a level to its most populous
// commune, where a click adds a site.
func mainCommunes(g *observatory.Gazetteer, l observatory.Level) map[string]string {
	out := map[string]string{}
	pop := map[string]int64{}
	for _, c := range g.Communes() {
		var code string
		switch l {
		case observatory.LevelRegion:
			code = c.Region
		case observatory.LevelDepartement:
			code = c.Departement
		case observatory.LevelBassin:
			code = c.Bassin
		default:
			code = c.Code
		}
		if code != "" && c.Population > pop[code] && (c.Lat != 0 || c.Lon != 0) {
			out[code], pop[code] = c.Code, c.Population
		}
	}
	return out
}

// withSite is q with one more site.
func (q pageQuery) withSite(commune, family string) pageQuery {
	q.Mode, q.Sites = modeSimulate, append(slices.Clone(q.Sites), commune+","+family)
	return q
}

// withoutSite is q without site i.
func (q pageQuery) withoutSite(i int) pageQuery {
	q.Sites = slices.Delete(slices.Clone(q.Sites), i, i+1)
	return q
}

// simView is the page's simulation panel.
type simView struct {
	On                    bool
	ToggleHref, Toggle    string
	Intro, FamilyNote     string
	Sites                 []simSiteView
	Sentence              string
	Figures               []figureView
	Gaps                  []string
	Recs                  []simRecView
	CSV, XLSX, JSON, Link string
	RecsHref              string // shows the recommended communes
}

type simSiteView struct{ Label, RemoveHref string }

type figureView struct{ Label, Value string }

type simRecView struct{ Label, Explain, AddHref string }

// simView is the panel of d's simulation.
func (d *mapData) simView(ref *observatory.Referential, snapshot string) *simView {
	q, t := d.Q, pageText[d.Q.Lang]
	v := &simView{On: q.Mode == modeSimulate}
	if !v.On {
		off := q
		off.Mode, off.Code = modeSimulate, ""
		v.ToggleHref, v.Toggle, v.Intro = off.href("/")+"#simulate", t["simEnter"], t["simIntroOff"]
		return v
	}
	leave := q
	leave.Mode, leave.Sites = "", nil
	v.ToggleHref, v.Toggle, v.Intro = leave.href("/")+"#simulate", t["simLeave"], t["simIntroOn"]
	sd := d.Simulate
	if sd == nil {
		return v
	}
	v.FamilyNote = fmt.Sprintf(t["simFamily"], ref.Label(sd.Family, q.Lang))
	if !q.Recs {
		recs := q
		recs.Recs = true
		v.RecsHref = recs.href("/") + "#simulate"
	}
	for _, c := range sd.Recs {
		explain := c.ExplainEN
		if q.Lang == "fr" {
			explain = c.ExplainFR
		}
		v.Recs = append(v.Recs, simRecView{Label: fmt.Sprintf("%s (%s) · %s %s", c.Name, c.Commune, t["simScore"], observatory.FormatNumber(c.Score, q.Lang)),
			Explain: explain, AddHref: q.withSite(c.Commune, sd.Family).href("/") + "#simulate"})
	}
	sim := sd.Sim
	if sim == nil {
		return v
	}
	for i, p := range sim.Sites {
		v.Sites = append(v.Sites, simSiteView{Label: fmt.Sprintf("%d. %s (%s) · %s · %s %s", i+1, p.Name, p.Commune, ref.Label(p.Family, q.Lang),
			observatory.FormatNumber(p.Seats, q.Lang), t["simSeats"]),
			RemoveHref: q.withoutSite(i).href("/") + "#simulate"})
	}
	v.Sentence = sim.Summary.SentenceEN
	if q.Lang == "fr" {
		v.Sentence = sim.Summary.SentenceFR
	}
	f := func(x float64) string { return observatory.FormatNumber(x, q.Lang) }
	pair := func(dl observatory.Delta, dec int) string {
		if dl.Before == nil || dl.After == nil {
			return t["na"]
		}
		r := func(x float64) string {
			out := strconv.FormatFloat(x, 'f', dec, 64)
			if dec == 0 {
				return f(math.Round(x))
			}
			if q.Lang == "fr" {
				out = strings.Replace(out, ".", ",", 1)
			}
			return out
		}
		return r(*dl.Before) + " → " + r(*dl.After)
	}
	sum := sim.Summary
	v.Figures = []figureView{
		{t["simFormations"], pair(sum.Formations, 0)},
		{t["simBrought30"], f(float64(sum.Brought30))},
		{t["simBrought60"], f(float64(sum.Brought60))},
		{t["simBeyond30"], pair(sum.Beyond30, 0)},
		{t["simMeanKm"], pair(sum.MeanKm, 1)},
		{t["simAccess"], pair(sum.Access, 3)},
	}
	for _, g := range sim.Gaps {
		if g.Level != q.Level {
			continue
		}
		v.Gaps = append(v.Gaps, fmt.Sprintf(t["simGap"], g.ID, t["gap_"+g.Status], g.Members, g.MembersAfter,
			strings.Join(g.RemovedNames, ", "), f(float64(g.PopulationBefore)), f(float64(g.PopulationAfter))))
	}
	if len(v.Gaps) == 0 && q.Level != observatory.LevelCommune {
		v.Gaps = []string{t["simNoGap"]}
	}
	pin := "&" + url.Values{snapshotParam: {snapshot}}.Encode()
	v.CSV = "/api/v1/simulate.csv?" + sd.Query + pin
	v.XLSX = "/api/v1/simulate.xlsx?" + sd.Query + pin
	v.JSON = "/api/v1/simulate?" + sd.Query + pin
	link := q
	link.Snapshot, link.Code = snapshot, ""
	v.Link = link.href("/")
	return v
}

// sceneSites marks the simulation's sites on the map.
func (d *mapData) sceneSites(g *carto.Atlas) []carto.SceneSite {
	if d.Simulate == nil || d.Simulate.Sim == nil {
		return nil
	}
	var out []carto.SceneSite
	for _, p := range d.Simulate.Sim.Sites {
		frame := p.Commune
		switch d.Q.Level {
		case observatory.LevelRegion:
			frame = p.Region
		case observatory.LevelDepartement:
			frame = p.Departement
		case observatory.LevelBassin:
			frame = p.Bassin
		}
		out = append(out, carto.SceneSite{At: g.Project(frame, p.Lon, p.Lat), Label: fmt.Sprintf("%s (%s), %s", p.Name, p.Commune, p.Family)})
	}
	return out
}
