package observatory

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Indicators computes the registry's indicators from a snapshot's facts.
// Formulas live here, in plain Go over the facts, so each can be checked
// by hand; the store only sums rows.
type Indicators struct {
	Facts     FactStore
	Geo       *Gazetteer
	Metiers   *Referential // which families the BMO nomenclature covers
	Synthetic bool         // the snapshot's catalogue is synthetic: its figures are flagged
	// Mixed: the programmes read mix the synthetic GEN stand-in with real
	// data; catalogue figures are flagged mixed_synthetic, with a note.
	Mixed bool
	// Programmes are read by every query that names none (the API sets
	// the request's programme= selection); none: every programme.
	Programmes []string
	Snapshot   string // named in explanations, and the memo's keys
	Memo       Memo   // keeps costly intermediate results across requests; may be nil
}

// Indicators returns the registry.
func (s Indicators) Indicators() []Indicator { return Registry() }

// Values computes one indicator for the territories of a level. With a
// territory and no date (year, wave or at), it gives that territory's time
// series: one value per year the indicator's sources cover, the offer read
// on 1 July of each year and BMO at that year's survey.
func (s Indicators) Values(ctx context.Context, q IndicatorQuery) (*Result, error) {
	ind, ok := LookupIndicator(q.ID)
	if !ok {
		return nil, ParamError("id", "no indicator %q", q.ID)
	}
	if q.View != "" && q.View != ViewInForce && q.View != ViewLabelled {
		return nil, ParamError("view", "view must be %s or %s", ViewInForce, ViewLabelled)
	}
	cal, err := s.Facts.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	if ind.ID == IndTargets {
		return s.targets(ctx, cal, q)
	}
	if q.View == "" {
		q.View = ViewInForce
	}
	if !ind.Has(q.Level) {
		return nil, ParamError("level", "indicator %s exists at levels %v, not %q", ind.ID, ind.Levels, q.Level)
	}
	if !q.Series() {
		t, err := resolve(cal, q)
		if err != nil {
			return nil, err
		}
		vals, err := s.values(ctx, ind, q, t)
		if err != nil {
			return nil, err
		}
		return t.result(vals, q.View, cal), nil
	}
	var out []Value
	prevEdition := ""
	for _, y := range seriesYears(ind, cal) {
		yq := q
		yq.Year = y
		t, err := resolve(cal, yq)
		if err != nil {
			return nil, err
		}
		vs, err := s.values(ctx, ind, yq, t)
		if err != nil {
			return nil, err
		}
		if usesBMO(ind) {
			ed := FAPEdition(y)
			for i := range vs {
				if prevEdition != "" && ed != prevEdition && vs[i].Value != nil {
					vs[i].flag(FlagBreakInSeries)
					vs[i].Note = join(vs[i].Note, fmt.Sprintf("break in series: BMO codes jobs in %s from %d, in %s before", ed, y, prevEdition))
					vs[i].NoteFR = join(vs[i].NoteFR, fmt.Sprintf("rupture de série : la BMO code les métiers en %s à partir de %d, en %s avant", ed, y, prevEdition))
				}
			}
			if slices.Contains(cal.Surveys, y) {
				prevEdition = ed
			}
		}
		out = append(out, vs...)
	}
	return &Result{Values: out, View: q.View, Basis: "series: the offer on 1 July of each year, BMO at that year's survey",
		BasisFR: "série : l'offre au 1er juillet de chaque année, la BMO de l'enquête de l'année", Reference: cal.Reference}, nil
}

// seriesYears are the years a series covers: from the first labelling to
// the reference date for the catalogue, the survey years for BMO, both
// for indicators that need both.
func seriesYears(ind Indicator, cal Calendar) []int {
	var ys []int
	if usesCatalogue(ind) && len(cal.LabelYears) > 0 {
		for y := cal.LabelYears[0]; y <= cal.Reference.Year(); y++ {
			ys = append(ys, y)
		}
	}
	if usesBMO(ind) {
		ys = append(ys, cal.Surveys...)
	}
	slices.Sort(ys)
	return slices.Compact(ys)
}

func usesCatalogue(ind Indicator) bool { return slices.Contains(ind.Sources, "catalogue") }
func usesBMO(ind Indicator) bool       { return slices.Contains(ind.Sources, "bmo") }

// when is the time a query resolves to: the offer's date and the survey.
type when struct {
	at      time.Time
	basis   string
	basisFR string
	year    int // as asked (0: none)
	survey  int // BMO year asked, 0: the latest
}

// resolve reads the query's date: at, else wave, else year, else the
// reference date. Only one may be given.
func resolve(cal Calendar, q IndicatorQuery) (when, error) {
	n := 0
	for _, set := range []bool{!q.At.IsZero(), q.Wave != 0, q.Year != 0} {
		if set {
			n++
		}
	}
	if n > 1 {
		return when{}, ParamError("at", "give one of at, wave and year: each sets the date the offer is read at")
	}
	w := when{year: q.Year, survey: q.Year}
	switch {
	case !q.At.IsZero():
		w.at, w.basis, w.basisFR = q.At, "at= "+q.At.Format(time.DateOnly), "at= "+FormatDate(q.At, "fr")
	case q.Wave != 0:
		wv, ok := cal.Wave(q.Wave)
		if !ok {
			return when{}, ParamError("wave", "no labelling wave %d in this snapshot (waves: %v)", q.Wave, waveNumbers(cal))
		}
		w.at = wv.Date
		w.basis = fmt.Sprintf("just after labelling wave %d (%s)", wv.N, wv.Date.Format(time.DateOnly))
		w.basisFR = fmt.Sprintf("juste après la vague de labellisation %d (%s)", wv.N, FormatDate(wv.Date, "fr"))
	case q.Year != 0:
		w.at = time.Date(q.Year, time.July, 1, 0, 0, 0, 0, time.UTC)
		w.basis = fmt.Sprintf("1 July %d, the middle of the year BMO %d covers", q.Year, q.Year)
		w.basisFR = fmt.Sprintf("1er juillet %d, au milieu de l'année que couvre la BMO %d", q.Year, q.Year)
	default:
		w.at = cal.Reference
		w.basis = "the reference date: the catalogue's latest labelling, " + cal.Reference.Format(time.DateOnly)
		w.basisFR = "la date de référence : la dernière labellisation du catalogue, le " + FormatDate(cal.Reference, "fr")
	}
	return w, nil
}

func waveNumbers(cal Calendar) []int {
	ns := make([]int, len(cal.Waves))
	for i, w := range cal.Waves {
		ns[i] = w.N
	}
	return ns
}

func (w when) result(vals []Value, view string, cal Calendar) *Result {
	r := &Result{Values: vals, At: w.at, View: view, Basis: w.basis, BasisFR: w.basisFR, Reference: cal.Reference}
	for _, v := range vals {
		if v.Survey != 0 {
			r.Survey = v.Survey
			break
		}
	}
	return r
}

// values computes one indicator at one time.
func (s Indicators) values(ctx context.Context, ind Indicator, q IndicatorQuery, w when) ([]Value, error) {
	if q.Programmes == nil {
		q.Programmes = s.Programmes
	}
	fq := FactQuery{Level: q.Level, At: w.at, View: q.View, Year: w.survey, Family: q.Family, Programmes: q.Programmes}
	var out []Value
	var err error
	switch ind.ID {
	case IndHiring, IndDifficultShare:
		out, err = s.demand(ctx, ind, fq)
	case IndSupplyDemand:
		out, err = s.ratio(ctx, ind, fq)
	case IndFamilyShare:
		out, err = s.familyShare(ctx, ind, fq)
	case IndDistance, IndBeyond30, IndBeyond60, IndAccess:
		out, err = s.access(ctx, ind, fq, q.Explain)
	default:
		out, err = s.offer(ctx, ind, fq)
	}
	if err != nil {
		return nil, err
	}
	for i := range out {
		v := &out[i]
		v.Indicator, v.Level, v.Year = ind.ID, q.Level, w.year
		if v.Family == "" {
			v.Family = q.Family
		}
		if usesCatalogue(ind) {
			v.At = w.at.Format(time.DateOnly)
			if s.Synthetic {
				v.flag(FlagSynthetic)
			}
			if s.Mixed {
				v.flag(FlagMixedSynthetic)
				v.Note = join(v.Note, MixedNoteEN)
				v.NoteFR = join(v.NoteFR, MixedNoteFR)
			}
		}
		if v.Flags == nil {
			v.Flags = []string{}
		}
		if v.Explain != nil {
			v.Explain.Snapshot = s.Snapshot
			v.Explain.Filters = filters(q, w)
		}
		if !q.Explain {
			v.Explain = nil
		}
	}
	if q.Territory != "" {
		out = slices.DeleteFunc(out, func(v Value) bool { return v.Code != q.Territory })
	}
	if q.Within.Code != "" {
		out = slices.DeleteFunc(out, func(v Value) bool { return !s.Geo.Inside(q.Level, v.Code, q.Within) })
	}
	return out, nil
}

// The note of values that mix the synthetic GEN stand-in with real data.
const (
	MixedNoteEN = "adds up the synthetic GEN stand-in and real programmes: do not cite as real"
	MixedNoteFR = "additionne le substitut synthétique du GEN et des programmes réels : ne pas citer comme réel"
)

func num(v float64) *float64 { return &v }

// per is a/b×k, nil when b is 0.
func per(a, b, k float64) *float64 {
	if b == 0 {
		return nil
	}
	v := a / b * k
	return &v
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// Profile computes every indicator of q.Level for one territory, keyed by
// indicator id ("family_share:<family>" for the shares of each family),
// at the query's time (the reference date when none), as on the map.
func (s Indicators) Profile(ctx context.Context, q IndicatorQuery, code string) (map[string]Value, error) {
	cal, err := s.Facts.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	if q.View == "" {
		q.View = ViewInForce
	}
	w, err := resolve(cal, q)
	if err != nil {
		return nil, err
	}
	// Its indicators share their facts: one read of each.
	s.Facts = newCachedFacts(s.Facts)
	var inds []Indicator
	for _, ind := range registry {
		if ind.Has(q.Level) && !(ind.PerFamily && q.Family != "") {
			inds = append(inds, ind)
		}
	}
	// Computed by profileWorkers at once: most of a first profile is
	// waiting for DuckDB, whose queries for different facts can overlap.
	// Each indicator's values go to its own slot; the map is built after.
	vals := make([][]Value, len(inds))
	errs := make([]error, len(inds))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(profileWorkers, len(inds)) {
		wg.Go(func() {
			for i := range next {
				iq := q
				iq.ID, iq.Territory = inds[i].ID, code
				vals[i], errs[i] = s.values(ctx, inds[i], iq, w)
			}
		})
	}
	for i := range inds {
		next <- i
	}
	close(next)
	wg.Wait()
	out := map[string]Value{}
	for i, ind := range inds {
		if errs[i] != nil {
			return nil, errs[i]
		}
		for _, v := range vals[i] {
			if ind.PerFamily {
				out[ind.ID+":"+v.Family] = v
			} else {
				out[ind.ID] = v
			}
		}
	}
	return out, nil
}

// profileWorkers is how many of a profile's indicators are computed at
// once.
const profileWorkers = 6
