package observatory

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"
)

// SiteQuery is a simulation: the offer the filters select (as for the
// indicators), and the sites added to it.
type SiteQuery struct {
	At         time.Time
	View       string
	Wave, Year int
	Family     string   // "": every family; else every site must be of it
	Programmes []string // nil: the service's (the request's programme=)
	Sites      []Site
	// CommuneLimit keeps the commune-level changes of that many communes,
	// those whose inhabitants gain most; 0 keeps all.
	CommuneLimit int
	// GapLevels are the levels whose gap zones are compared (each needs
	// its adjacency graph); nil: région, département and bassin.
	GapLevels []Level
}

// Simulation is what the sites would change: every indicator that moves
// in the territories they touch, before and after, the people brought
// within reach, the gap zones that shrink, split or vanish, and the
// supply/demand ratio of each site's family where it lies. Nothing is
// stored: the same query on the same snapshot gives the same answer.
type Simulation struct {
	At        string       `json:"at"`
	View      string       `json:"view"`
	Basis     string       `json:"basis"`
	BasisFR   string       `json:"basis_fr"`
	Reference string       `json:"reference_date,omitempty"`
	Survey    int          `json:"survey,omitempty"` // BMO survey of the ratios
	Family    string       `json:"family,omitempty"`
	Sites     []PlacedSite `json:"sites"`
	Summary   SimSummary   `json:"summary"`
	// Changes are the indicators that move, by level (national, région,
	// département, bassin, commune), territory and indicator.
	Changes []Change `json:"changes"`
	// CommunesChanged counts the communes whose access changes; the
	// commune-level changes listed may be fewer (CommuneLimit).
	CommunesChanged int         `json:"communes_changed"`
	CommunesListed  int         `json:"communes_listed"`
	Gaps            []SimGap    `json:"gaps"`
	Ratios          []SiteRatio `json:"ratios"`
	Flags           []string    `json:"flags"`
	Notes           []string    `json:"notes"`
	NotesFR         []string    `json:"notes_fr"`

	after map[Level][]Gap // every gap zone with the sites, by level
}

// GapsAfter is every gap zone of a level (région, département, bassin)
// once the sites are added, as GET /gaps would find them.
func (sim *Simulation) GapsAfter(l Level) []Gap { return sim.after[l] }

// SimSummary is the simulation in a few national figures.
type SimSummary struct {
	Formations   Delta  `json:"formations"`
	Brought30    int64  `json:"population_brought_within_30km"`
	Brought60    int64  `json:"population_brought_within_60km"`
	Beyond30     Delta  `json:"pop_beyond_30km"`
	Beyond60     Delta  `json:"pop_beyond_60km"`
	MeanKm       Delta  `json:"distance_nearest_km"`
	Access       Delta  `json:"access_e2sfca"`
	GapsVanished int    `json:"gaps_vanished"`
	GapsShrunk   int    `json:"gaps_shrunk"`
	GapsSplit    int    `json:"gaps_split"`
	SentenceEN   string `json:"sentence_en"`
	SentenceFR   string `json:"sentence_fr"`
}

// Delta is a figure before and after.
type Delta struct {
	Before     *float64 `json:"before"`
	After      *float64 `json:"after"`
	Difference *float64 `json:"difference"`
}

func delta(before, after *float64) Delta {
	d := Delta{Before: before, After: after}
	if before != nil && after != nil {
		d.Difference = num(*after - *before)
	}
	return d
}

// Change is one indicator of one territory before and after. A null
// carries its reason (and note), never 0.
type Change struct {
	Level        Level    `json:"level"`
	Code         string   `json:"code"`
	Name         string   `json:"name"`
	Indicator    string   `json:"indicator"`
	Family       string   `json:"family,omitempty"`
	Before       *float64 `json:"before"`
	After        *float64 `json:"after"`
	Difference   *float64 `json:"difference"`
	ClassBefore  string   `json:"class_before,omitempty"`
	ClassAfter   string   `json:"class_after,omitempty"`
	ReasonBefore string   `json:"reason_before,omitempty"`
	ReasonAfter  string   `json:"reason_after,omitempty"`
	Note         string   `json:"note,omitempty"`
	NoteFR       string   `json:"note_fr,omitempty"`
	Flags        []string `json:"flags"`
}

// SimGap is a gap zone the sites change. Zones only shrink, split or
// vanish: adding formations uncovers nothing.
type SimGap struct {
	Level            Level    `json:"level"`
	ID               string   `json:"id"`
	Status           string   `json:"status"` // shrunk, split or vanished
	Rule             string   `json:"rule"`
	Members          int      `json:"members_before"`
	MembersAfter     int      `json:"members_after"`
	Removed          []string `json:"removed"` // members no longer uncovered
	RemovedNames     []string `json:"removed_names"`
	PopulationBefore int64    `json:"population_before"`
	PopulationAfter  int64    `json:"population_after"`
	AreaBefore       float64  `json:"area_km2_before"`
	AreaAfter        float64  `json:"area_km2_after"`
	Into             []string `json:"into"` // the zones it becomes
	Diagonal         bool     `json:"diagonal_before"`
	DiagonalAfter    bool     `json:"diagonal_after"`
}

// Gap change statuses.
const (
	GapShrunk   = "shrunk"
	GapSplit    = "split"
	GapVanished = "vanished"
)

// SiteRatio is the supply/demand ratio of a site's family in a territory
// holding it: formations per 1,000 hiring projects of the family.
type SiteRatio struct {
	Site             int      `json:"site"`
	Level            Level    `json:"level"`
	Code             string   `json:"code"`
	Name             string   `json:"name"`
	Family           string   `json:"family"`
	FormationsBefore *float64 `json:"formations_before"`
	FormationsAfter  *float64 `json:"formations_after"`
	Projects         *float64 `json:"hiring_projects"`
	Before           *float64 `json:"before"`
	After            *float64 `json:"after"`
	Reason           string   `json:"reason,omitempty"` // why the ratio is null
	Note             string   `json:"note,omitempty"`
	NoteFR           string   `json:"note_fr,omitempty"`
}

// BassinGapKm is the gap rule at bassin level, the API's default there:
// bassins whose people are on average this far or farther from the
// nearest formation, about half an hour's drive. At région and
// département level a gap is a territory with no formation.
const BassinGapKm = 40

// Simulate adds the sites to the offer q selects and says what changes.
// adj gives each level's adjacency graph, for the gap zones.
func (s Indicators) Simulate(ctx context.Context, q SiteQuery, adj func(Level) *Adjacency) (*Simulation, error) {
	cal, err := s.Facts.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	if q.View == "" {
		q.View = ViewInForce
	}
	if q.View != ViewInForce && q.View != ViewLabelled {
		return nil, ParamError("view", "view must be %s or %s", ViewInForce, ViewLabelled)
	}
	w, err := resolve(cal, IndicatorQuery{At: q.At, View: q.View, Year: q.Year, Wave: q.Wave})
	if err != nil {
		return nil, err
	}
	if q.Programmes == nil {
		q.Programmes = s.Programmes
	}
	fq := FactQuery{Level: LevelDepartement, At: w.at, View: q.View, Year: w.survey, Family: q.Family, Programmes: q.Programmes}
	b, err := s.sitingBase(ctx, fq)
	if err != nil {
		return nil, err
	}
	sites, err := s.placeSites(ctx, q.Sites, fq, b)
	if err != nil {
		return nil, err
	}
	sim := &Simulation{At: w.at.Format(time.DateOnly), View: q.View, Basis: w.basis, BasisFR: w.basisFR, Family: q.Family,
		Sites: sites, Flags: []string{}, Notes: []string{}, NotesFR: []string{}}
	if !cal.Reference.IsZero() {
		sim.Reference = cal.Reference.Format(time.DateOnly)
	}

	// Access: the sites one after another, each given the ones before.
	st := b.state()
	changed := map[int]bool{}
	for i := range sites {
		p := &sites[i]
		before := slices.Clone(st.access) // only the changed ones are read
		for _, c := range st.add(p.point(), p.area, p.land, p.Seats) {
			changed[c] = true
			was, now := before[c], st.access[c]
			if beyond(was, ReachKm) && !beyond(now, ReachKm) {
				p.Brought30 += now.Population
			}
			if beyond(was, FarKm) && !beyond(now, FarKm) {
				p.Brought60 += now.Population
			}
		}
		sim.Summary.Brought30 += p.Brought30
		sim.Summary.Brought60 += p.Brought60
	}
	s.accessChanges(sim, b, st, changed, q.CommuneLimit)

	// Offer indicators: the same formulas over the snapshot's facts with
	// the sites added (simFacts), before and after.
	base, err := s.simFactCache(fq)
	if err != nil {
		return nil, err
	}
	before, after := s, s
	before.Facts, before.Memo = base, nil
	after.Facts, after.Memo = &simFacts{FactStore: base, g: s.Geo, sites: sites}, nil
	offerGaps, err := s.offerChanges(ctx, sim, before, after, fq, w)
	if err != nil {
		return nil, err
	}

	// Gap zones, by the API's default rules.
	far := func(by map[string]TerritoryAccess) map[string]bool {
		bad := map[string]bool{}
		for code, a := range by {
			bad[code] = a.Population > 0 && a.MeanKm >= BassinGapKm
		}
		return bad
	}
	sim.after = map[Level][]Gap{}
	levels := q.GapLevels
	if levels == nil {
		levels = []Level{LevelRegion, LevelDepartement, LevelBassin}
	}
	for _, l := range levels {
		if l != LevelRegion && l != LevelDepartement && l != LevelBassin {
			continue
		}
		before, after, rule := offerGaps[l][0], offerGaps[l][1], "formations ≤ 0"
		if l == LevelBassin {
			before, after, rule = far(b.by[LevelBassin]), far(st.accessBy(LevelBassin, nil)), fmt.Sprintf("distance_nearest_km ≥ %d", BassinGapKm)
		}
		changes, zones := simGaps(s.Geo.Territories(l), adj(l), before, after, rule)
		sim.Gaps, sim.after[l] = append(sim.Gaps, changes...), zones
	}
	for _, g := range sim.Gaps {
		switch g.Status {
		case GapVanished:
			sim.Summary.GapsVanished++
		case GapShrunk:
			sim.Summary.GapsShrunk++
		case GapSplit:
			sim.Summary.GapsSplit++
		}
	}
	if s.Synthetic {
		sim.Flags = append(sim.Flags, FlagSynthetic)
	}
	if s.Mixed {
		sim.Flags = append(sim.Flags, FlagMixedSynthetic)
		sim.Notes, sim.NotesFR = append(sim.Notes, MixedNoteEN), append(sim.NotesFR, MixedNoteFR)
	}
	median := FormatNumber(b.median, "en")
	sim.Notes = append(sim.Notes,
		"structures are not simulated: a site does not say whether its structure is new",
		fmt.Sprintf("a site without seats counts at the median of the offer's, %s seats per session, as formations that give none do (%d of %d here)", median, b.guessed, b.points),
		"sites are placed at their commune's centroid unless a point is given; distances are straight lines, as for the indicators")
	sim.NotesFR = append(sim.NotesFR,
		"les structures ne sont pas simulées : un site ne dit pas si sa structure est nouvelle",
		fmt.Sprintf("un site sans places compte pour la médiane de l'offre, %s places par session, comme les formations qui n'en donnent pas (%d sur %d ici)", FormatNumber(b.median, "fr"), b.guessed, b.points),
		"les sites sont placés au centre de leur commune sauf si un point est donné ; les distances sont à vol d'oiseau, comme pour les indicateurs")
	sortChanges(sim.Changes)
	sim.Summary.SentenceEN, sim.Summary.SentenceFR = simSentence(sim, s.Metiers, "en"), simSentence(sim, s.Metiers, "fr")
	return sim, nil
}

func (p PlacedSite) point() [2]float64 { return [2]float64{p.Lon, p.Lat} }

// beyond reports whether a commune's people are farther than km from a
// formation (or have none in their area).
func beyond(a CommuneAccess, km float64) bool { return !a.Reachable || a.NearestKm > km }

// accessChanges lists the access indicators that move, by level.
func (s Indicators) accessChanges(sim *Simulation, b *sitingBase, st *accessState, changed map[int]bool, limit int) {
	touched := map[Level]map[string]bool{LevelRegion: {}, LevelDepartement: {}, LevelBassin: {}}
	for i := range changed {
		for l, m := range touched {
			m[territoryOf(b.communes[i], l)] = true
		}
	}
	national := nationalAccess(st.access)
	n0, n1 := b.national, national
	sim.Summary.Beyond30 = delta(num(float64(n0.Beyond30)), num(float64(n1.Beyond30)))
	sim.Summary.Beyond60 = delta(num(float64(n0.Beyond60)), num(float64(n1.Beyond60)))
	sim.Summary.MeanKm = delta(meanKm(n0), meanKm(n1))
	sim.Summary.Access = delta(accessIndex(n0), accessIndex(n1))
	sim.Changes = append(sim.Changes, s.accessChange(LevelNational, "FR", "France", n0, n1)...)
	for _, l := range []Level{LevelRegion, LevelDepartement, LevelBassin} {
		after := st.accessBy(l, touched[l])
		for _, code := range sortedCodes(touched[l]) {
			t, ok := s.Geo.Territory(l, code)
			if !ok {
				continue
			}
			sim.Changes = append(sim.Changes, s.accessChange(l, code, t.Name, b.by[l][code], after[code])...)
		}
	}
	// Communes: those whose people gain most first.
	cs := make([]int, 0, len(changed))
	for i := range changed {
		cs = append(cs, i)
	}
	gain := func(i int) float64 {
		was, now := b.access[i], st.access[i]
		g := 0.0
		if was.Reachable {
			g = was.NearestKm - now.NearestKm
		} else {
			g = 1000
		}
		return float64(now.Population) * g
	}
	slices.SortFunc(cs, func(x, y int) int {
		return cmp.Or(cmp.Compare(gain(y), gain(x)), cmp.Compare(st.access[y].Population, st.access[x].Population), cmp.Compare(x, y))
	})
	sim.CommunesChanged = len(cs)
	if limit > 0 && len(cs) > limit {
		cs = cs[:limit]
	}
	sim.CommunesListed = len(cs)
	for _, i := range cs {
		c := b.communes[i]
		sim.Changes = append(sim.Changes, s.accessChange(LevelCommune, c.Code, c.Name, communeTotal(b.access[i]), communeTotal(st.access[i]))...)
	}
}

// communeTotal is one commune's access as a territory's.
func communeTotal(a CommuneAccess) TerritoryAccess {
	if !a.Reachable {
		return TerritoryAccess{Unreachable: a.Population}
	}
	t := TerritoryAccess{Population: a.Population, Communes: 1, MeanKm: a.NearestKm, Accessibility: a.Accessibility}
	if a.NearestKm > ReachKm {
		t.Beyond30 = a.Population
	}
	if a.NearestKm > FarKm {
		t.Beyond60 = a.Population
	}
	if a.OverSea {
		t.OverSea = a.Population
	}
	return t
}

func meanKm(t TerritoryAccess) *float64 {
	if t.Population == 0 {
		return nil
	}
	return num(t.MeanKm)
}

func accessIndex(t TerritoryAccess) *float64 {
	if t.Population == 0 {
		return nil
	}
	return num(t.Accessibility)
}

// accessChange gives the access indicators of one territory that moved.
func (s Indicators) accessChange(l Level, code, name string, was, now TerritoryAccess) []Change {
	var out []Change
	add := func(id string, b, a *float64) {
		if b != nil && a != nil && math.Abs(*a-*b) < 1e-9 || b == nil && a == nil {
			return
		}
		ch := Change{Level: l, Code: code, Name: name, Indicator: id, Before: b, After: a, Flags: []string{}}
		if b != nil && a != nil {
			ch.Difference = num(*a - *b)
		}
		if b == nil {
			ch.ReasonBefore = ReasonNotApplicable
			ch.Note, ch.NoteFR = "no formation within reach before (none in this overseas département)",
				"aucune formation à portée avant (aucune dans ce département d'outre-mer)"
		}
		if s.Synthetic {
			ch.Flags = append(ch.Flags, FlagSynthetic)
		}
		if s.Mixed {
			ch.Flags = append(ch.Flags, FlagMixedSynthetic)
		}
		out = append(out, ch)
	}
	pop := func(t TerritoryAccess, n int64) *float64 {
		if t.Population == 0 {
			return nil
		}
		return num(float64(n))
	}
	add(IndDistance, meanKm(was), meanKm(now))
	add(IndBeyond30, pop(was, was.Beyond30), pop(now, now.Beyond30))
	add(IndBeyond60, pop(was, was.Beyond60), pop(now, now.Beyond60))
	add(IndAccess, accessIndex(was), accessIndex(now))
	return out
}

// offerChanges lists the catalogue indicators that move in the sites'
// territories, and the ratio of each site's family where it lies. It
// returns, for régions and départements, the territories without
// formation before and after, for the gap zones.
func (s Indicators) offerChanges(ctx context.Context, sim *Simulation, before, after Indicators, fq FactQuery, w when) (map[Level][2]map[string]bool, error) {
	levels := []Level{LevelRegion, LevelDepartement, LevelBassin}
	touched := map[Level]map[string]bool{}
	for _, l := range levels {
		touched[l] = map[string]bool{}
		for _, p := range sim.Sites {
			touched[l][territoryOf(Commune{Region: p.Region, Departement: p.Departement, Bassin: p.Bassin}, l)] = true
		}
	}
	type spec struct {
		id, family string
	}
	specs := []spec{{IndFormations, fq.Family}, {IndPer100k, fq.Family}, {IndCoverage, fq.Family}, {IndSupplyDemand, fq.Family}}
	var fams []string
	for _, p := range sim.Sites {
		if !slices.Contains(fams, p.Family) {
			fams = append(fams, p.Family)
		}
	}
	slices.Sort(fams)
	if fq.Family == "" {
		for _, f := range fams {
			specs = append(specs, spec{IndFamilyShare, f}, spec{IndSupplyDemand, f})
		}
	}
	compute := func(svc Indicators, id string, l Level, fam string) (map[string]Value, error) {
		ind, _ := LookupIndicator(id)
		vs, err := svc.values(ctx, ind, IndicatorQuery{ID: id, Level: l, View: fq.View, Family: fam, Programmes: fq.Programmes,
			Explain: id == IndSupplyDemand}, w)
		if err != nil {
			return nil, err
		}
		m := make(map[string]Value, len(vs))
		for _, v := range vs {
			m[v.Code] = v
		}
		return m, nil
	}
	values := func(svc Indicators, id string, l Level, fam string) (map[string]Value, error) {
		if cf, ok := svc.Facts.(*cachedFacts); ok {
			// The values before the sites are the snapshot's: kept with
			// its facts (never modified by the callers below).
			return cachedCall(cf, fmt.Sprintf("values|%s|%s|%s|%d", id, l, fam, w.survey), func() (map[string]Value, error) {
				return compute(svc, id, l, fam)
			})
		}
		return compute(svc, id, l, fam)
	}
	gaps := map[Level][2]map[string]bool{}
	ratios := map[[3]string][2]Value{} // level, code, family
	for _, l := range levels {
		for _, sp := range specs {
			vb, err := values(before, sp.id, l, sp.family)
			if err != nil {
				return nil, err
			}
			va, err := values(after, sp.id, l, sp.family)
			if err != nil {
				return nil, err
			}
			if sp.id == IndFormations && sp.family == fq.Family && l != LevelBassin {
				g := [2]map[string]bool{{}, {}}
				for code, v := range vb {
					g[0][code] = v.Value != nil && *v.Value <= 0
				}
				for code, v := range va {
					g[1][code] = v.Value != nil && *v.Value <= 0
				}
				gaps[l] = g
			}
			for _, code := range sortedCodes(touched[l]) {
				b, a := vb[code], va[code]
				if sp.id == IndSupplyDemand && sp.family != "" {
					ratios[[3]string{string(l), code, sp.family}] = [2]Value{b, a}
				}
				if sameReading(b, a) {
					continue
				}
				ch := Change{Level: l, Code: code, Name: a.Name, Indicator: sp.id, Family: sp.family, Before: b.Value, After: a.Value,
					ClassBefore: b.Class, ClassAfter: a.Class, ReasonBefore: b.Reason, ReasonAfter: a.Reason, Note: a.Note, NoteFR: a.NoteFR, Flags: a.Flags}
				if b.Value != nil && a.Value != nil {
					ch.Difference = num(*a.Value - *b.Value)
				}
				if ch.Name == "" {
					ch.Name = b.Name
				}
				if sp.id == IndSupplyDemand && a.Survey != 0 {
					sim.Survey = a.Survey
				}
				sim.Changes = append(sim.Changes, ch)
			}
		}
	}
	// National formations, and each site's ratio where it lies.
	var nb, na float64
	vb, err := values(before, IndFormations, LevelRegion, fq.Family)
	if err != nil {
		return nil, err
	}
	va, err := values(after, IndFormations, LevelRegion, fq.Family)
	if err != nil {
		return nil, err
	}
	for _, v := range vb {
		if v.Value != nil {
			nb += *v.Value
		}
	}
	for _, v := range va {
		if v.Value != nil {
			na += *v.Value
		}
	}
	sim.Summary.Formations = delta(num(nb), num(na))
	if nb != na {
		sim.Changes = append([]Change{{Level: LevelNational, Code: "FR", Name: "France", Indicator: IndFormations, Family: fq.Family,
			Before: num(nb), After: num(na), Difference: num(na - nb), Flags: s.catalogueFlags()}}, sim.Changes...)
	}
	for _, p := range sim.Sites {
		for _, l := range []Level{LevelBassin, LevelDepartement, LevelRegion} {
			code := territoryOf(Commune{Region: p.Region, Departement: p.Departement, Bassin: p.Bassin}, l)
			pair, ok := ratios[[3]string{string(l), code, p.Family}]
			if !ok {
				continue
			}
			b, a := pair[0], pair[1]
			r := SiteRatio{Site: p.Index, Level: l, Code: code, Name: cmp.Or(a.Name, b.Name), Family: p.Family, Before: b.Value, After: a.Value,
				Reason: a.Reason, Note: a.Note, NoteFR: a.NoteFR}
			if b.Explain != nil {
				r.FormationsBefore, r.Projects = b.Explain.Numerator, b.Explain.Denominator
			}
			if a.Explain != nil {
				r.FormationsAfter = a.Explain.Numerator
			}
			if a.Reason == ReasonNotMapped || a.Reason == ReasonNoSource || a.Reason == ReasonSecret {
				r.Projects = nil // not known, never 0
			}
			sim.Ratios = append(sim.Ratios, r)
		}
	}
	return gaps, nil
}

func (s Indicators) catalogueFlags() []string {
	fl := []string{}
	if s.Synthetic {
		fl = append(fl, FlagSynthetic)
	}
	if s.Mixed {
		fl = append(fl, FlagMixedSynthetic)
	}
	return fl
}

// sameReading reports whether two values read the same.
func sameReading(a, b Value) bool {
	if (a.Value == nil) != (b.Value == nil) || a.Class != b.Class || a.Reason != b.Reason {
		return false
	}
	return a.Value == nil || math.Abs(*a.Value-*b.Value) < 1e-9
}

// simGaps finds the gap zones of ts before and after (uncovered
// territories by code), describes the zones that changed and returns
// every zone after.
func simGaps(ts []Territory, adj *Adjacency, before, after map[string]bool, rule string) ([]SimGap, []Gap) {
	if adj == nil {
		return nil, nil
	}
	g0 := FindGaps(ts, adj, func(c string) bool { return before[c] }, GapOptions{})
	g1 := FindGaps(ts, adj, func(c string) bool { return after[c] }, GapOptions{})
	zoneOf := map[string]int{}
	for j, g := range g1 {
		for _, m := range g.Members {
			zoneOf[m] = j
		}
	}
	var out []SimGap
	for _, g := range g0 {
		gc := SimGap{Level: g.Level, ID: g.ID, Rule: rule, Members: len(g.Members), PopulationBefore: g.Population, AreaBefore: g.AreaKm2,
			Diagonal: g.Diagonal, Removed: []string{}, RemovedNames: []string{}, Into: []string{}}
		var into []int
		for k, m := range g.Members {
			j, ok := zoneOf[m]
			if !ok {
				gc.Removed, gc.RemovedNames = append(gc.Removed, m), append(gc.RemovedNames, g.Names[k])
				continue
			}
			if !slices.Contains(into, j) {
				into = append(into, j)
			}
		}
		if len(gc.Removed) == 0 {
			continue // unchanged
		}
		for _, j := range into {
			z := g1[j]
			gc.Into = append(gc.Into, z.ID)
			gc.MembersAfter += len(z.Members)
			gc.PopulationAfter += z.Population
			gc.AreaAfter += z.AreaKm2
			gc.DiagonalAfter = gc.DiagonalAfter || z.Diagonal
		}
		switch len(into) {
		case 0:
			gc.Status = GapVanished
		case 1:
			gc.Status = GapShrunk
		default:
			gc.Status = GapSplit
		}
		out = append(out, gc)
	}
	return out, g1
}

// simFacts is a snapshot's facts with the simulated sites added: each
// counts as one formation (with its seats) in its territories, when the
// query's date, view, family and programmes would count it.
type simFacts struct {
	FactStore
	g     *Gazetteer
	sites []PlacedSite
}

func (f *simFacts) OfferFacts(ctx context.Context, q FactQuery) ([]OfferFacts, error) {
	base, err := f.FactStore.OfferFacts(ctx, q)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(base)
	at := make(map[[2]string]int, len(out))
	for i, o := range out {
		at[[2]string{o.Code, o.Family}] = i
	}
	for _, p := range f.sites {
		if q.Family != "" && p.Family != q.Family || q.Programmes != nil && !slices.Contains(q.Programmes, p.Programme) || !p.counts(q.At, q.View) {
			continue
		}
		code := territoryOf(Commune{Region: p.Region, Departement: p.Departement, Bassin: p.Bassin, Code: p.Commune}, q.Level)
		fam := ""
		if q.ByFamily {
			fam = p.Family
		}
		i, ok := at[[2]string{code, fam}]
		if !ok {
			t, known := f.g.Territory(q.Level, code)
			if !known || !q.ByFamily {
				continue
			}
			i = len(out)
			out = append(out, OfferFacts{Code: code, Name: t.Name, Family: fam, Population: t.Population})
			at[[2]string{code, fam}] = i
		}
		out[i].Formations++
		out[i].Seats += int64(p.Seats)
	}
	return out, nil
}

// simFactCache is the snapshot's facts for one offer time and selection,
// kept across simulations (one memo entry): the sites change none of
// them, and reading them is most of what a simulation would cost.
func (s Indicators) simFactCache(fq FactQuery) (*cachedFacts, error) {
	key := fmt.Sprintf("simfacts|%s|%s|%d|%s", fq.At.Format(time.DateOnly), fq.View, fq.Year, programmeKey(fq.Programmes))
	v, err := s.memo(context.Background(), key, func() (any, error) {
		return newCachedFacts(s.Facts), nil
	})
	if err != nil {
		return nil, err
	}
	f := v.(*cachedFacts)
	if f.FactStore != s.Facts {
		// The memo keeps the first request's store; later requests of
		// the same snapshot read it through their own.
		return &cachedFacts{FactStore: s.Facts, m: f.m, mu: f.mu}, nil
	}
	return f, nil
}

// sortChanges orders the changes by level, from France down to the
// communes, then territory and indicator in the registry's order; the
// communes stay in the order they were listed (those who gain most first).
func sortChanges(cs []Change) {
	rank := map[Level]int{LevelNational: 0, LevelRegion: 1, LevelDepartement: 2, LevelBassin: 3, LevelCommune: 4}
	ind := map[string]int{}
	for i, id := range IndicatorIDs() {
		ind[id] = i
	}
	communes := map[string]int{}
	for i, c := range cs {
		if c.Level == LevelCommune {
			if _, ok := communes[c.Code]; !ok {
				communes[c.Code] = i
			}
		}
	}
	slices.SortStableFunc(cs, func(a, b Change) int {
		if r := cmp.Compare(rank[a.Level], rank[b.Level]); r != 0 {
			return r
		}
		if a.Level == LevelCommune {
			return cmp.Or(cmp.Compare(communes[a.Code], communes[b.Code]), cmp.Compare(ind[a.Indicator], ind[b.Indicator]))
		}
		return cmp.Or(cmp.Compare(a.Code, b.Code), cmp.Compare(ind[a.Indicator], ind[b.Indicator]), cmp.Compare(a.Family, b.Family))
	})
}
