package observatory

import (
	"cmp"
	"slices"
	"time"
)

// needsInput is what a needs view is computed from: one level's facts.
type needsInput struct {
	q      FactQuery // level, offer date and view, survey year (resolved)
	cal    Calendar
	jobs   []JobFacts
	offer  []OfferFacts // per territory and family
	access map[string]TerritoryAccess
}

// needs assembles the view of every territory of the level.
// The national ratios are those of all the level's territories together.
func (s Indicators) needs(in needsInput, miss *missing) []Needs {
	jobs := map[string][]JobFacts{}
	for _, j := range in.jobs {
		jobs[j.Code] = append(jobs[j.Code], j)
	}
	offer := map[string][]OfferFacts{}
	var fams []string
	for _, f := range in.offer {
		offer[f.Code] = append(offer[f.Code], f)
		if !slices.Contains(fams, f.Family) {
			fams = append(fams, f.Family)
		}
	}
	slices.Sort(fams)
	national := s.nationalRatios(in, fams)
	var out []Needs
	for _, t := range s.Geo.Territories(in.q.Level) {
		n := Needs{Level: in.q.Level, Code: t.Code, Name: t.Name, Survey: in.q.Year, FAPEdition: FAPEdition(in.q.Year),
			At: in.q.At.Format(time.DateOnly), View: in.q.View, Population: t.Population, Flags: []string{}}
		if miss != nil {
			n.Survey, n.FAPEdition = 0, ""
			n.Reason, n.Note, n.NoteFR = miss.reason, miss.en, miss.fr
		}
		s.fillJobs(&n, jobs[t.Code], miss)
		s.fillFamilies(&n, fams, offer[t.Code], jobs[t.Code], national, miss)
		if a, ok := in.access[t.Code]; ok && a.Population > 0 {
			km, beyond := a.MeanKm, a.Beyond30
			n.DistanceKm, n.Beyond30 = &km, &beyond
		}
		if s.Synthetic {
			n.Flags = append(n.Flags, FlagSynthetic)
		}
		if s.Mixed {
			n.Flags = append(n.Flags, FlagMixedSynthetic)
		}
		n.SentenceEN, n.SentenceFR = needsSentence(n, s.Metiers, "en"), needsSentence(n, s.Metiers, "fr")
		out = append(out, n)
	}
	return out
}

// fillJobs ranks the territory's digital jobs by published projects.
func (s Indicators) fillJobs(n *Needs, js []JobFacts, miss *missing) {
	n.Jobs = []Job{}
	if miss != nil {
		return
	}
	var total int64
	var published int
	var diff, seas Part
	for _, j := range js {
		job := Job{FAP: j.FAP, Label: j.Label, Families: j.Families, SecretCells: j.Secret,
			Difficult: j.Difficult.Pct(), Seasonal: j.Seasonal.Pct()}
		if j.Published > 0 {
			p := j.Projects
			job.Projects = &p
		}
		total += j.Projects
		published += j.Published
		n.SecretCells += j.Secret
		diff, seas = addPart(diff, j.Difficult), addPart(seas, j.Seasonal)
		n.Jobs = append(n.Jobs, job)
	}
	slices.SortStableFunc(n.Jobs, func(a, b Job) int {
		if (a.Projects == nil) != (b.Projects == nil) {
			return map[bool]int{true: 1, false: -1}[a.Projects == nil]
		}
		if a.Projects != nil && *a.Projects != *b.Projects {
			return cmp.Compare(*b.Projects, *a.Projects)
		}
		return cmp.Compare(a.FAP, b.FAP)
	})
	for i := range n.Jobs {
		if n.Jobs[i].Projects != nil {
			n.Jobs[i].Rank = i + 1
		}
	}
	switch {
	case published > 0:
		n.Projects = &total
	case n.SecretCells > 0:
		n.Reason = ReasonSecret
		n.Note, n.NoteFR = "every digital cell of the survey here is under statistical secrecy", "toutes les cellules numériques de l'enquête sont ici sous secret statistique"
	default:
		zero := int64(0)
		n.Projects = &zero // surveyed, and no digital job: a measured zero
	}
	if n.SecretCells > 0 {
		n.Flags = append(n.Flags, FlagSecretRows)
	}
	if d := diff.Den; d > 0 && d >= SuppressProjects {
		n.Difficult = diff.Pct()
		n.Seasonal = seas.Pct()
		if d < MinProjects {
			n.Flags = append(n.Flags, FlagLowN)
		}
	}
}

// fillFamilies sets each family's offer against its projects. A FAP code
// mapped to several families counts in each, as in supply_demand_ratio.
func (s Indicators) fillFamilies(n *Needs, fams []string, offer []OfferFacts, js []JobFacts, national map[string]*float64, miss *missing) {
	byFam := map[string]OfferFacts{}
	for _, f := range offer {
		byFam[f.Family] = f
	}
	unmet := -1
	for _, fam := range fams {
		o := byFam[fam]
		fn := FamilyNeeds{Family: fam, Formations: o.Formations, Seats: o.Seats, Learners: o.Learners, National: national[fam]}
		var proj int64
		var pub int
		for _, j := range js {
			if slices.Contains(j.Families, fam) {
				proj, pub, fn.SecretCells = proj+j.Projects, pub+j.Published, fn.SecretCells+j.Secret
			}
		}
		switch {
		case miss != nil:
			fn.Reason = miss.reason
		case !s.mapped(fam, n.Survey):
			fn.Reason = ReasonNotMapped
		case pub == 0 && fn.SecretCells > 0:
			fn.Reason = ReasonSecret
		case pub == 0:
			zero := int64(0)
			fn.Projects, fn.Reason = &zero, ReasonNotApplicable
		case proj < SuppressProjects:
			fn.Projects, fn.Reason = &proj, ReasonSuppressed
		default:
			fn.Projects, fn.Ratio = &proj, per(float64(o.Formations), float64(proj), 1000)
		}
		n.Families = append(n.Families, fn)
		if fn.Ratio != nil && fn.National != nil && *fn.Ratio < *fn.National {
			if unmet < 0 || *fn.Projects > *n.Families[unmet].Projects {
				unmet = len(n.Families) - 1
			}
		}
	}
	if unmet >= 0 {
		n.Unmet = n.Families[unmet].Family
	}
}

// nationalRatios are formations per 1,000 projects of each family over
// all the level's territories.
func (s Indicators) nationalRatios(in needsInput, fams []string) map[string]*float64 {
	out := map[string]*float64{}
	forms := map[string]int{}
	for _, f := range in.offer {
		forms[f.Family] += f.Formations
	}
	for _, fam := range fams {
		var proj int64
		for _, j := range in.jobs {
			if slices.Contains(j.Families, fam) {
				proj += j.Projects
			}
		}
		if proj >= SuppressProjects {
			out[fam] = per(float64(forms[fam]), float64(proj), 1000)
		}
	}
	return out
}
