package observatory

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb/geo"
)

// CandidateMinPopulation is the candidate rule: a commune is a candidate
// site when it has at least this many inhabitants (a town that can fill a
// course and host a fabrique), or when it already hosts a formation of
// any programme, at any date (a training structure is there).
const CandidateMinPopulation = 5000

// MaxGreedy is the most sites a greedy choice makes.
const MaxGreedy = 20

// RecommendQuery asks where one more formation of a family would help
// most, against the offer the filters select.
type RecommendQuery struct {
	At         time.Time
	View       string
	Wave, Year int
	Family     string   // required
	Programmes []string // nil: the service's
	// Level is LevelCommune (every candidate commune) or LevelBassin (the
	// best candidate of each bassin d'emploi).
	Level Level
	Limit int // candidates listed, best first; 0: all
	K     int // sites chosen one after another, each given the previous ones; 0: none
	// MinPopulation replaces CandidateMinPopulation when not 0.
	MinPopulation int64
}

// Recommendation ranks candidate communes by the score of docs/siting.md.
type Recommendation struct {
	At        string `json:"at"`
	View      string `json:"view"`
	Basis     string `json:"basis"`
	BasisFR   string `json:"basis_fr"`
	Reference string `json:"reference_date,omitempty"`
	Survey    int    `json:"survey,omitempty"` // BMO survey of the demand
	Family    string `json:"family"`
	Level     Level  `json:"level"`
	// DemandFamily is the family whose hiring projects weigh the score:
	// Family, or "" (every digital job) when BMO has no code for it.
	DemandFamily string      `json:"demand_family"`
	Rule         string      `json:"candidate_rule"`
	RuleFR       string      `json:"candidate_rule_fr"`
	Score        ScoreRule   `json:"score_rule"`
	Total        int         `json:"total"` // candidates ranked
	Items        []Candidate `json:"items"`
	Greedy       []Candidate `json:"greedy,omitempty"`
	Flags        []string    `json:"flags"`
	Notes        []string    `json:"notes"`
	NotesFR      []string    `json:"notes_fr"`
}

// ScoreRule states the score and its constants.
type ScoreRule struct {
	Formula   string  `json:"formula"`
	FormulaFR string  `json:"formula_fr"`
	ReachKm   float64 `json:"reach_km"`
	GapKm     float64 `json:"gap_km"`
	// GapWeight (λ) turns a km² of gap removed into weighted hiring
	// projects: the national weighted projects per km².
	GapWeight float64 `json:"gap_weight_per_km2"`
}

// Candidate is one candidate commune with the figures behind its score.
type Candidate struct {
	Rank        int     `json:"rank"`
	Order       int     `json:"order,omitempty"` // in a greedy choice: the k-th site chosen
	Commune     string  `json:"commune"`
	Name        string  `json:"name"`
	Departement string  `json:"departement"`
	Region      string  `json:"region"`
	Bassin      string  `json:"bassin"`
	BassinName  string  `json:"bassin_name"`
	Lon         float64 `json:"lon"`
	Lat         float64 `json:"lat"`
	Population  int64   `json:"population"`
	Rule        string  `json:"candidate_rule"` // population, structure or population+structure
	// NearestKm is the commune's distance to the nearest formation of the
	// family today; null when its area has none.
	NearestKm   *float64 `json:"nearest_km"`
	NearestNote string   `json:"nearest_note,omitempty"`
	// Score = DemandTerm + GapTerm; for a greedy choice, the gain given
	// the sites chosen before (Cumulative adds them up).
	Score      float64  `json:"score"`
	Cumulative *float64 `json:"cumulative_score,omitempty"`
	DemandTerm float64  `json:"demand_term"`
	GapTerm    float64  `json:"gap_term"`
	Brought30  int64    `json:"population_brought_within_30km"`
	Brought60  int64    `json:"population_brought_within_60km"`
	// BroughtKm is how far, on average, the people brought within 30 km
	// are from a formation of the family today; null when none has one
	// in its area.
	BroughtKm *float64 `json:"brought_mean_km_before"`
	// Projects is the hiring projects of the family in the bassins of the
	// people brought within reach, in proportion to them; Weighted adds
	// the share judged difficult (× (1 + difficult share)).
	Projects float64 `json:"hiring_projects_reached"`
	Weighted float64 `json:"weighted_projects_reached"`
	// The candidate's own bassin: the family's hiring projects there and
	// the share judged difficult (null with a reason when BMO does not say).
	BassinProjects  *float64 `json:"bassin_projects"`
	BassinDifficult *float64 `json:"bassin_difficult_pct"`
	BassinReason    string   `json:"bassin_reason,omitempty"`
	GapBassins      []string `json:"gap_bassins_removed"`
	GapAreaKm2      float64  `json:"gap_area_removed_km2"`
	ExplainFR       string   `json:"explain_fr"`
	ExplainEN       string   `json:"explain_en"`

	idx     int   // into the siting base's communes
	touched []int // bassins whose people it changes
}

// siteDemand is the demand the score weighs, per bassin.
type siteDemand struct {
	family    string // "" when every digital job (BMO has no code for the family)
	survey    int
	projects  []float64  // per bassin (of the base)
	difficult []*float64 // share judged difficult, 0–1, nil when withheld
	reason    []string   // why projects is 0 for a bassin: secret, unsurveyed…
	perCap    []float64  // weighted projects per inhabitant
	rawCap    []float64  // projects per inhabitant
	areaKm2   []float64
	lambda    float64
	missing   *missing
	notes     []string
	notesFR   []string
}

// Recommend ranks the candidate communes for one more formation of
// q.Family, and chooses q.K of them greedily.
func (s Indicators) Recommend(ctx context.Context, q RecommendQuery) (*Recommendation, error) {
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
	if q.Level == "" {
		q.Level = LevelCommune
	}
	if q.Level != LevelCommune && q.Level != LevelBassin {
		return nil, ParamError("level", "level must be commune (every candidate) or bassin (the best candidate of each bassin), not %q", q.Level)
	}
	fams, err := s.Facts.Families(ctx)
	if err != nil {
		return nil, err
	}
	if q.Family == "" || !slices.Contains(fams, q.Family) {
		return nil, ParamError("family", "give the job family of the formation to site, one of %v (see /api/v1/metiers)", fams)
	}
	if q.K < 0 || q.K > MaxGreedy {
		return nil, ParamError("k", "k must be from 0 to %d", MaxGreedy)
	}
	w, err := resolve(cal, IndicatorQuery{At: q.At, View: q.View, Year: q.Year, Wave: q.Wave})
	if err != nil {
		return nil, err
	}
	if q.Programmes == nil {
		q.Programmes = s.Programmes
	}
	minPop := q.MinPopulation
	if minPop <= 0 {
		minPop = CandidateMinPopulation
	}
	fq := FactQuery{Level: LevelDepartement, At: w.at, View: q.View, Year: w.survey, Family: q.Family, Programmes: q.Programmes}
	b, err := s.sitingBase(ctx, fq)
	if err != nil {
		return nil, err
	}
	dem, err := s.siteDemand(ctx, fq, b)
	if err != nil {
		return nil, err
	}
	cands, err := s.candidates(ctx, b, minPop)
	if err != nil {
		return nil, err
	}
	r := &Recommendation{At: w.at.Format(time.DateOnly), View: q.View, Basis: w.basis, BasisFR: w.basisFR, Survey: dem.survey,
		Family: q.Family, Level: q.Level, DemandFamily: dem.family, Flags: []string{}, Notes: dem.notes, NotesFR: dem.notesFR}
	if !cal.Reference.IsZero() {
		r.Reference = cal.Reference.Format(time.DateOnly)
	}
	r.Rule = fmt.Sprintf("communes of at least %s inhabitants, and communes that host a formation of any programme at any date (a training structure is there)",
		FormatNumber(float64(minPop), "en"))
	r.RuleFR = fmt.Sprintf("communes d'au moins %s habitants, et communes qui accueillent une formation de n'importe quel programme à n'importe quelle date (une structure de formation y est)",
		FormatNumber(float64(minPop), "fr"))
	r.Score = ScoreRule{ReachKm: ReachKm, GapKm: BassinGapKm, GapWeight: round(dem.lambda, 4),
		Formula: "score = Σ over the communes brought within 30 km of a formation of the family (population / population of their bassin × the bassin's hiring projects of the family × (1 + share judged difficult)) " +
			"+ λ × area (km²) of the bassins the site takes out of the gap zones (mean distance ≥ 40 km); λ = national weighted projects / national area",
		FormulaFR: "score = Σ sur les communes mises à moins de 30 km d'une formation de la famille (population / population de leur bassin × projets de recrutement de la famille du bassin × (1 + part jugée difficile)) " +
			"+ λ × surface (km²) des bassins que le site fait sortir des zones sans formation (distance moyenne ≥ 40 km) ; λ = projets pondérés nationaux / surface nationale"}

	s.rankAndChoose(b, dem, cands, q, r)
	if s.Synthetic {
		r.Flags = append(r.Flags, FlagSynthetic)
		r.Notes = append(r.Notes, "the distances and gaps are computed from the synthetic stand-in of the GEN catalogue: do not cite as real")
		r.NotesFR = append(r.NotesFR, "les distances et les zones sont calculées sur le substitut synthétique du catalogue GEN : ne pas citer comme réel")
	}
	if s.Mixed {
		r.Flags = append(r.Flags, FlagMixedSynthetic)
		r.Notes, r.NotesFR = append(r.Notes, MixedNoteEN), append(r.NotesFR, MixedNoteFR)
	}
	return r, nil
}

// rankAndChoose scores the candidates against the base, lists the best
// q.Limit and chooses q.K greedily.
func (s Indicators) rankAndChoose(b *sitingBase, dem *siteDemand, cands []Candidate, q RecommendQuery, r *Recommendation) {
	st := newReachState(b)
	all := make([]int, len(cands))
	for k := range all {
		all[k] = k
	}
	st.evaluateAll(cands, all, dem)
	ranked := rankCandidates(cands, q.Level, b)
	r.Total = len(ranked)
	lim := len(ranked)
	if q.Limit > 0 && q.Limit < lim {
		lim = q.Limit
	}
	r.Items = []Candidate{}
	for i := range lim {
		c := cands[ranked[i]]
		c.Rank = i + 1
		s.explain(&c, b, dem, r, "")
		r.Items = append(r.Items, c)
	}
	if q.K > 0 {
		r.Greedy = s.greedy(st, cands, ranked, q, b, dem, r)
	}
}

// rankCandidates orders candidates by score (then population, then
// code); at bassin level it keeps the best of each bassin.
func rankCandidates(cands []Candidate, level Level, b *sitingBase) []int {
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int { return better(cands[x], cands[y]) })
	if level != LevelBassin {
		return order
	}
	seen := map[string]bool{}
	return slices.DeleteFunc(order, func(i int) bool {
		bs := cands[i].Bassin
		if bs == "" || seen[bs] {
			return true
		}
		seen[bs] = true
		return false
	})
}

func better(x, y Candidate) int {
	return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(y.Population, x.Population), cmp.Compare(x.Commune, y.Commune))
}

// greedy chooses sites one after another, each the best given the ones
// chosen before; only the candidates whose bassins the last choice
// changed are scored again (the others' figures cannot have moved).
func (s Indicators) greedy(st *reachState, cands []Candidate, ranked []int, q RecommendQuery, b *sitingBase, dem *siteDemand, r *Recommendation) []Candidate {
	pool := slices.Clone(ranked) // at bassin level, one candidate per bassin
	var out []Candidate
	cum := 0.0
	for order := 1; order <= q.K && len(pool) > 0; order++ {
		best := slices.MinFunc(pool, func(x, y int) int { return better(cands[x], cands[y]) })
		c := cands[best]
		if c.Score <= 0 {
			r.Notes = append(r.Notes, fmt.Sprintf("the greedy choice stops after %d sites: no candidate adds anything more", order-1))
			r.NotesFR = append(r.NotesFR, fmt.Sprintf("le choix glouton s'arrête après %d sites : aucun candidat n'apporte plus rien", order-1))
			break
		}
		cum += c.Score
		c.Order, c.Rank, c.Cumulative = order, slices.Index(ranked, best)+1, num(round(cum, 1))
		s.explain(&c, b, dem, r, "greedy")
		out = append(out, c)
		pool = slices.DeleteFunc(pool, func(i int) bool { return i == best })
		changed := st.apply(c.idx)
		var again []int
		for _, k := range pool {
			if slices.ContainsFunc(cands[k].touched, func(bi int) bool { return changed[bi] }) {
				again = append(again, k)
			}
		}
		st.evaluateAll(cands, again, dem)
	}
	return out
}

// reachState is an access state with, per bassin, the sums its mean
// distance is made of, for the gap rule.
type reachState struct {
	*accessState
	sum []float64 // Σ population × distance over the communes with a formation in their area
	pop []int64   // Σ population of those communes
}

func newReachState(b *sitingBase) *reachState {
	st := &reachState{accessState: b.state(), sum: make([]float64, len(b.bassins)), pop: make([]int64, len(b.bassins))}
	for i, a := range b.access {
		if bi := b.bassin[i]; bi >= 0 && a.Reachable {
			st.sum[bi] += float64(a.Population) * a.NearestKm
			st.pop[bi] += a.Population
		}
	}
	return st
}

func gapAt(sum float64, pop int64) bool { return pop > 0 && sum/float64(pop) >= BassinGapKm }

// evaluate scores candidate c against the state.
// It only reads the state, so candidates are scored in parallel
// (evaluateAll), each worker with its scratch.
func (st *reachState) evaluate(c *Candidate, dem *siteDemand, sc *scratch) {
	b := st.b
	i0 := c.idx
	c.Brought30, c.Brought60, c.Projects, c.Weighted, c.GapAreaKm2 = 0, 0, 0, 0, 0
	c.GapBassins, c.touched, c.BroughtKm = []string{}, nil, nil
	dSum, dPop := sc.sum, sc.pop
	for _, bi := range sc.list {
		dSum[bi], dPop[bi], sc.seen[bi] = 0, 0, false
	}
	sc.list = sc.list[:0]
	var kmSum float64
	var kmPop int64
	st.improvable(b.pt[i0], b.area[i0], b.land[i0], true, func(i int, now CommuneAccess) {
		was := st.access[i]
		p := float64(was.Population)
		bi := b.bassin[i]
		if beyond(was, ReachKm) && !beyond(now, ReachKm) {
			c.Brought30 += was.Population
			if bi >= 0 {
				c.Projects += p * dem.rawCap[bi]
				c.Weighted += p * dem.perCap[bi]
			}
			if was.Reachable {
				kmSum += p * was.NearestKm
				kmPop += was.Population
			}
		}
		if beyond(was, FarKm) && !beyond(now, FarKm) {
			c.Brought60 += was.Population
		}
		if bi < 0 {
			return
		}
		if !sc.seen[bi] {
			sc.seen[bi] = true
			sc.list = append(sc.list, bi)
		}
		if was.Reachable {
			dSum[bi] += p * (now.NearestKm - was.NearestKm)
		} else {
			dSum[bi] += p * now.NearestKm
			dPop[bi] += was.Population
		}
	})
	if kmPop > 0 {
		c.BroughtKm = num(round(kmSum/float64(kmPop), 1))
	}
	slices.Sort(sc.list)
	for _, bi := range sc.list {
		c.touched = append(c.touched, bi)
		if gapAt(st.sum[bi], st.pop[bi]) && !gapAt(st.sum[bi]+dSum[bi], st.pop[bi]+dPop[bi]) {
			c.GapBassins = append(c.GapBassins, b.bassins[bi].Code)
			c.GapAreaKm2 += dem.areaKm2[bi]
		}
	}
	c.GapAreaKm2 = math.Round(c.GapAreaKm2)
	c.Projects, c.Weighted = round(c.Projects, 1), round(c.Weighted, 1)
	c.DemandTerm = c.Weighted
	c.GapTerm = round(dem.lambda*c.GapAreaKm2, 1)
	c.Score = round(c.DemandTerm+c.GapTerm, 1)
}

// scratch is one worker's per-bassin sums while it scores a candidate.
type scratch struct {
	sum  []float64
	pop  []int64
	seen []bool
	list []int // bassins touched, to clear
}

// evaluateAll scores the candidates ks, on every processor.
func (st *reachState) evaluateAll(cands []Candidate, ks []int, dem *siteDemand) {
	workers := min(runtime.GOMAXPROCS(0), max(1, len(ks)/64))
	var next atomic.Int64
	var wg sync.WaitGroup
	n := len(st.b.bassins)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := &scratch{sum: make([]float64, n), pop: make([]int64, n), seen: make([]bool, n)}
			for {
				j := int(next.Add(1)) - 1
				if j >= len(ks) {
					return
				}
				st.evaluate(&cands[ks[j]], dem, sc)
			}
		}()
	}
	wg.Wait()
}

// apply adds a formation at commune i0 to the state and returns the
// bassins whose people it changed.
func (st *reachState) apply(i0 int) map[int]bool {
	b := st.b
	was := slices.Clone(st.access)
	changed := map[int]bool{}
	for _, i := range st.add(b.pt[i0], b.area[i0], b.land[i0], b.median) {
		bi := b.bassin[i]
		o, n := was[i], st.access[i]
		if bi < 0 || o.NearestKm == n.NearestKm && o.Reachable == n.Reachable {
			continue
		}
		changed[bi] = true
		if o.Reachable {
			st.sum[bi] -= float64(o.Population) * o.NearestKm
			st.pop[bi] -= o.Population
		}
		st.sum[bi] += float64(n.Population) * n.NearestKm
		st.pop[bi] += n.Population
	}
	return changed
}

func round(x float64, dec int) float64 {
	p := math.Pow(10, float64(dec))
	return math.Round(x*p) / p
}

// candidates lists the candidate communes: CandidateMinPopulation
// inhabitants or more, or a formation of any programme at any date.
func (s Indicators) candidates(ctx context.Context, b *sitingBase, minPop int64) ([]Candidate, error) {
	v, err := s.memo(ctx, "siting-structures", func() (any, error) {
		pts, err := s.Facts.FormationPoints(ctx, FactQuery{Level: LevelDepartement})
		if err != nil {
			return nil, err
		}
		m := map[string]bool{}
		for _, p := range pts {
			code := p.Commune
			if whole := ArrondissementCommune(code); whole != "" {
				code = whole
			}
			if code != "" {
				m[code] = true
			}
		}
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	structures := v.(map[string]bool)
	var out []Candidate
	for i, c := range b.communes {
		big, has := c.Population >= minPop, structures[c.Code]
		if !big && !has {
			continue
		}
		rule := "population"
		switch {
		case big && has:
			rule = "population+structure"
		case has:
			rule = "structure"
		}
		out = append(out, b.candidate(i, rule))
	}
	return out, nil
}

// candidate is commune i of the base as a candidate site.
func (b *sitingBase) candidate(i int, rule string) Candidate {
	c := b.communes[i]
	cd := Candidate{idx: i, Commune: c.Code, Name: c.Name, Departement: c.Departement, Region: c.Region, Bassin: c.Bassin,
		Lon: c.Lon, Lat: c.Lat, Population: c.Population, Rule: rule}
	if t, ok := b.g.Bassin(c.Bassin); ok {
		cd.BassinName = t.Name
	}
	if a := b.access[i]; a.Reachable {
		cd.NearestKm = num(round(a.NearestKm, 1))
		if a.OverSea {
			cd.NearestNote = "across the sea"
		}
	}
	return cd
}

// siteDemand reads the family's hiring projects by bassin in the survey
// of fq (the latest by default) and the bassins' areas.
func (s Indicators) siteDemand(ctx context.Context, fq FactQuery, b *sitingBase) (*siteDemand, error) {
	n := len(b.bassins)
	d := &siteDemand{family: fq.Family, projects: make([]float64, n), difficult: make([]*float64, n), reason: make([]string, n),
		perCap: make([]float64, n), rawCap: make([]float64, n)}
	q := fq
	q.Level = LevelBassin
	facts, dq, miss, err := s.demandFacts(ctx, q)
	if err != nil {
		return nil, err
	}
	if miss != nil && miss.reason == ReasonNotMapped {
		d.notes = append(d.notes, fmt.Sprintf("BMO has no job code for the family %s: the score weighs every digital hiring project", fq.Family))
		d.notesFR = append(d.notesFR, fmt.Sprintf("la BMO n'a pas de code métier pour la famille %s : le score pondère tous les projets de recrutement numériques", fq.Family))
		d.family = ""
		q.Family = ""
		if facts, dq, miss, err = s.demandFacts(ctx, q); err != nil {
			return nil, err
		}
	}
	if miss != nil {
		d.missing = miss
		d.notes = append(d.notes, "no hiring demand to weigh ("+miss.en+"): the score is the gap area removed alone")
		d.notesFR = append(d.notesFR, "pas de besoins de recrutement à pondérer ("+miss.fr+") : le score est la seule surface de zone retirée")
	} else {
		d.survey = dq.Year
	}
	byCode := map[string]DemandFacts{}
	for _, f := range facts {
		byCode[f.Code] = f
	}
	areas, err := s.bassinAreas()
	if err != nil {
		return nil, err
	}
	d.areaKm2 = areas
	var wsum, asum float64
	for i, t := range b.bassins {
		asum += areas[i]
		f, ok := byCode[t.Code]
		switch {
		case miss != nil:
			d.reason[i] = miss.reason
			continue
		case !ok || f.Unsurveyed:
			d.reason[i] = ReasonNoSource
			continue
		case f.Published == 0 && f.Secret > 0:
			d.reason[i] = ReasonSecret
			continue
		}
		d.projects[i] = float64(f.Projects)
		h := 0.0
		if f.Difficult.Den >= SuppressProjects {
			h = float64(f.Difficult.Num) / float64(f.Difficult.Den)
			d.difficult[i] = num(h)
		}
		wt := d.projects[i] * (1 + h)
		wsum += wt
		if t.Population > 0 {
			d.perCap[i], d.rawCap[i] = wt/float64(t.Population), d.projects[i]/float64(t.Population)
		}
	}
	switch {
	case asum > 0 && wsum > 0:
		d.lambda = wsum / asum
	default:
		d.lambda = 0.001 // no demand: the gap area alone ranks, in thousands of km²
	}
	return d, nil
}

// bassinAreas is the geodesic area of each bassin in km², in the order
// of Gazetteer.Bassins.
func (s Indicators) bassinAreas() ([]float64, error) {
	v, err := s.memo(context.Background(), "bassin-areas", func() (any, error) {
		bs := s.Geo.Bassins()
		out := make([]float64, len(bs))
		for i, t := range bs {
			if t.Geometry != nil {
				out[i] = geo.Area(t.Geometry) / 1e6
			}
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]float64), nil
}

// explain writes a candidate's sentences with its figures.
func (s Indicators) explain(c *Candidate, b *sitingBase, dem *siteDemand, r *Recommendation, mode string) {
	i := c.idx
	if bi := b.bassin[i]; bi >= 0 {
		if dem.reason[bi] == "" {
			c.BassinProjects = num(dem.projects[bi])
			if h := dem.difficult[bi]; h != nil {
				c.BassinDifficult = num(round(*h*100, 1))
			}
		} else {
			c.BassinReason = dem.reason[bi]
		}
	}
	c.ExplainEN, c.ExplainFR = candidateSentence(c, s.Metiers, dem, r, mode, "en"), candidateSentence(c, s.Metiers, dem, r, mode, "fr")
}
