package observatory

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// What changed between two snapshots: formations added, removed and
// changed field by field; BMO survey years added, removed or replaced;
// indicator values that moved by more than a threshold, per département;
// gap zones that appeared, vanished, grew or shrank. The comparison is
// pure Go over two SnapshotStates (changes_state.go reads them from a
// store), so constructed cases test it without a database.

// ChangeIndicators are the indicators a diff compares, by département,
// each at its snapshot's reference date (BMO at its latest survey).
var ChangeIndicators = []string{IndFormations, IndPer100k, IndHiring, IndCoverage}

// ChangeThresholds say when an indicator value has moved: by at least
// Absolute[indicator] (in the indicator's unit), or by at least Relative
// of the old value. A value appearing or vanishing (null ↔ a number) and a
// coverage class changing always count.
type ChangeThresholds struct {
	Relative float64            `json:"relative"`
	Absolute map[string]float64 `json:"absolute"`
}

// DefaultChangeThresholds: one formation more or less, or 10 %. A single
// formation is news in a département that has three; 10 % keeps the rates
// and BMO counts, which move a little with every survey, to real moves.
var DefaultChangeThresholds = ChangeThresholds{Relative: 0.10, Absolute: map[string]float64{IndFormations: 1}}

// SnapshotState is what a diff compares of one snapshot.
type SnapshotState struct {
	Snapshot   string
	Created    time.Time
	Reference  time.Time       // the catalogue's reference date
	Formations []Formation     // by id
	JobDemand  []JobDemandYear // by year
	Values     []Value         // ChangeIndicators by département
	Gaps       []Gap           // départements without formation, at Reference
}

// JobDemandYear is one BMO survey year of a snapshot and where it came from.
type JobDemandYear struct {
	Year     int      `json:"year"`
	Rows     int      `json:"rows"`
	Projects int64    `json:"projects"` // published hiring projects, every job
	Files    []string `json:"files"`
	SHA256   []string `json:"sha256"`
	LoadedBy string   `json:"loaded_by"` // the snapshot whose run read the files
}

// Changes is the difference from one snapshot to another.
type Changes struct {
	From       SnapshotRef       `json:"from"`
	To         SnapshotRef       `json:"to"`
	Thresholds ChangeThresholds  `json:"thresholds"`
	Summary    ChangeSummary     `json:"summary"`
	Counts     ChangeCounts      `json:"counts"`
	Formations FormationChanges  `json:"formations"`
	JobDemand  []JobDemandChange `json:"job_demand"`
	Indicators []IndicatorChange `json:"indicators"`
	Gaps       []GapChange       `json:"gaps"`
}

// SnapshotRef names a snapshot of a diff.
type SnapshotRef struct {
	ID            string    `json:"id"`
	Created       time.Time `json:"created"`
	ReferenceDate string    `json:"reference_date,omitempty"`
}

// ChangeSummary is a diff in a sentence, in French and English.
type ChangeSummary struct {
	FR string `json:"fr"`
	EN string `json:"en"`
}

// ChangeCounts counts the changes of each kind.
type ChangeCounts struct {
	FormationsAdded   int `json:"formations_added"`
	FormationsRemoved int `json:"formations_removed"`
	FormationsChanged int `json:"formations_changed"`
	JobDemandYears    int `json:"job_demand_years"`
	IndicatorValues   int `json:"indicator_values"`
	Gaps              int `json:"gaps"`
}

// FormationChanges lists formations by id.
type FormationChanges struct {
	Added   []FormationRef    `json:"added"`
	Removed []FormationRef    `json:"removed"`
	Changed []FormationChange `json:"changed"`
}

// FormationRef names a formation and where it is.
type FormationRef struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Departement string `json:"departement"`
	Name        string `json:"departement_name,omitempty"`
}

// FormationChange is a formation whose fields changed.
type FormationChange struct {
	FormationRef
	Fields []FieldChange `json:"fields"`
}

// FieldChange is one field's old and new value, as the API writes it
// (dates YYYY-MM-DD, null for a figure not given).
type FieldChange struct {
	Field string `json:"field"`
	Old   any    `json:"old"`
	New   any    `json:"new"`
}

// The kinds of change of a survey year or a gap zone.
const (
	ChangeAdded    = "added"
	ChangeRemoved  = "removed"
	ChangeReplaced = "replaced"
	ChangeAppeared = "appeared"
	ChangeVanished = "vanished"
	ChangeGrew     = "grew"
	ChangeShrank   = "shrank"
	ChangeReshaped = "reshaped" // members both in and out
)

// JobDemandChange is a BMO survey year added, removed or replaced (loaded
// again, from other files or by another run).
type JobDemandChange struct {
	Year   int            `json:"year"`
	Change string         `json:"change"`
	Old    *JobDemandYear `json:"old"`
	New    *JobDemandYear `json:"new"`
}

// IndicatorChange is an indicator value that moved in a territory.
type IndicatorChange struct {
	Indicator string   `json:"indicator"`
	Level     Level    `json:"level"`
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Old       *float64 `json:"old"`
	New       *float64 `json:"new"`
	OldClass  string   `json:"old_class,omitempty"` // coverage class
	NewClass  string   `json:"new_class,omitempty"`
	Delta     *float64 `json:"delta"`    // new − old, null when either is
	Relative  *float64 `json:"relative"` // delta / |old|, null when old is 0 or null
}

// GapChange is a gap zone that appeared, vanished or changed members.
// Zones are matched by the members they share (the most first), not by
// id: a zone keeps its identity when it loses the member its id names.
type GapChange struct {
	Change string         `json:"change"`
	Label  string         `json:"label"` // the zone before the change, or the new one
	From   *GapRef        `json:"from"`
	To     *GapRef        `json:"to"`
	In     []TerritoryRef `json:"in"`  // members that joined
	Out    []TerritoryRef `json:"out"` // members that left
}

// GapRef is a gap zone of one snapshot.
type GapRef struct {
	ID         string   `json:"id"`
	Members    []string `json:"members"`
	Names      []string `json:"names"`
	Population int64    `json:"population"`
}

// TerritoryRef is a territory by code and name.
type TerritoryRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Diff compares two snapshots' states; geo names the départements.
func Diff(from, to *SnapshotState, th ChangeThresholds, geo *Gazetteer) *Changes {
	c := &Changes{From: refOf(from), To: refOf(to), Thresholds: th,
		Formations: diffFormations(from.Formations, to.Formations, geo),
		JobDemand:  diffJobDemand(from.JobDemand, to.JobDemand),
		Indicators: diffValues(from.Values, to.Values, th),
		Gaps:       diffGaps(from.Gaps, to.Gaps)}
	c.Counts = ChangeCounts{FormationsAdded: len(c.Formations.Added), FormationsRemoved: len(c.Formations.Removed),
		FormationsChanged: len(c.Formations.Changed), JobDemandYears: len(c.JobDemand),
		IndicatorValues: len(c.Indicators), Gaps: len(c.Gaps)}
	c.Summary = summarise(c)
	return c
}

func refOf(s *SnapshotState) SnapshotRef {
	r := SnapshotRef{ID: s.Snapshot, Created: s.Created.UTC()}
	if !s.Reference.IsZero() {
		r.ReferenceDate = s.Reference.Format(time.DateOnly)
	}
	return r
}

func diffFormations(from, to []Formation, geo *Gazetteer) FormationChanges {
	out := FormationChanges{Added: []FormationRef{}, Removed: []FormationRef{}, Changed: []FormationChange{}}
	old := make(map[string]*Formation, len(from))
	for i := range from {
		old[from[i].ID] = &from[i]
	}
	seen := make(map[string]bool, len(to))
	for i := range to {
		f := &to[i]
		seen[f.ID] = true
		o, ok := old[f.ID]
		if !ok {
			out.Added = append(out.Added, formationRef(f, geo))
			continue
		}
		if fields := diffFields(o, f); len(fields) > 0 {
			out.Changed = append(out.Changed, FormationChange{FormationRef: formationRef(f, geo), Fields: fields})
		}
	}
	for i := range from {
		if !seen[from[i].ID] {
			out.Removed = append(out.Removed, formationRef(&from[i], geo))
		}
	}
	byID := func(a, b FormationRef) int { return cmp.Compare(a.ID, b.ID) }
	slices.SortFunc(out.Added, byID)
	slices.SortFunc(out.Removed, byID)
	slices.SortFunc(out.Changed, func(a, b FormationChange) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

func formationRef(f *Formation, geo *Gazetteer) FormationRef {
	r := FormationRef{ID: f.ID, Title: f.Title, Departement: f.Departement}
	if geo != nil {
		if t, ok := geo.Departement(f.Departement); ok {
			r.Name = t.Name
		}
	}
	return r
}

// diffFields compares the fields a publisher gives. How the ingest
// explained them (family and wave rules, notes) and where the row was
// read (file, row) are left out: a new export of the same catalogue under
// another name changes none of its formations.
func diffFields(a, b *Formation) []FieldChange {
	var out []FieldChange
	fa, fb := formationFields(a), formationFields(b)
	for i := range fa {
		if !sameValue(fa[i].v, fb[i].v) {
			out = append(out, FieldChange{Field: fa[i].name, Old: fa[i].v, New: fb[i].v})
		}
	}
	return out
}

type namedValue struct {
	name string
	v    any
}

func formationFields(f *Formation) []namedValue {
	return []namedValue{
		{"title", f.Title}, {"structure", f.Structure}, {"postcode", f.Postcode}, {"commune_code", f.CommuneCode},
		{"commune", f.Commune}, {"departement", f.Departement}, {"region", f.Region},
		{"lat", derefF(f.Lat)}, {"lon", derefF(f.Lon)}, {"rome", slices.Clone(f.ROME)}, {"family", f.Family},
		{"duration_months", derefF(f.DurationMonths)}, {"labelled_on", dateOf(f.LabelledOn)}, {"wave", derefI(f.Wave)},
		{"label_end", dateOf(f.LabelEnd)}, {"seats_per_session", derefI(f.Seats)}, {"sessions", derefI(f.Sessions)},
		{"learners", derefI(f.Learners)}, {"women", derefI(f.Women)}, {"low_qualified", derefI(f.LowQualified)},
		{"qpv_residents", derefI(f.QPV)}, {"synthetic", f.Synthetic},
	}
}

func derefF(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func derefI(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func dateOf(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format(time.DateOnly)
}

func sameValue(a, b any) bool {
	as, aok := a.([]string)
	bs, bok := b.([]string)
	if aok || bok {
		return aok && bok && slices.Equal(as, bs)
	}
	return a == b
}

func diffJobDemand(from, to []JobDemandYear) []JobDemandChange {
	out := []JobDemandChange{}
	old := map[int]*JobDemandYear{}
	for i := range from {
		old[from[i].Year] = &from[i]
	}
	seen := map[int]bool{}
	for i := range to {
		y := &to[i]
		seen[y.Year] = true
		o, ok := old[y.Year]
		switch {
		case !ok:
			out = append(out, JobDemandChange{Year: y.Year, Change: ChangeAdded, New: y})
		case o.LoadedBy != y.LoadedBy || !slices.Equal(o.SHA256, y.SHA256):
			out = append(out, JobDemandChange{Year: y.Year, Change: ChangeReplaced, Old: o, New: y})
		}
	}
	for i := range from {
		if !seen[from[i].Year] {
			out = append(out, JobDemandChange{Year: from[i].Year, Change: ChangeRemoved, Old: &from[i]})
		}
	}
	slices.SortFunc(out, func(a, b JobDemandChange) int { return cmp.Compare(a.Year, b.Year) })
	return out
}

func diffValues(from, to []Value, th ChangeThresholds) []IndicatorChange {
	type key struct {
		ind  string
		lv   Level
		code string
	}
	old := map[key]Value{}
	for _, v := range from {
		old[key{v.Indicator, v.Level, v.Code}] = v
	}
	out := []IndicatorChange{}
	seen := map[key]bool{}
	add := func(o, n Value) {
		ch := IndicatorChange{Indicator: n.Indicator, Level: n.Level, Code: n.Code, Name: n.Name,
			Old: o.Value, New: n.Value, OldClass: o.Class, NewClass: n.Class}
		if ch.Indicator == "" {
			ch.Indicator, ch.Level, ch.Code, ch.Name = o.Indicator, o.Level, o.Code, o.Name
		}
		if !moved(ch, th) {
			return
		}
		if o.Value != nil && n.Value != nil {
			d := *n.Value - *o.Value
			ch.Delta = &d
			if *o.Value != 0 {
				r := d / math.Abs(*o.Value)
				ch.Relative = &r
			}
		}
		out = append(out, ch)
	}
	for _, n := range to {
		k := key{n.Indicator, n.Level, n.Code}
		seen[k] = true
		add(old[k], n)
	}
	for _, o := range from {
		if k := (key{o.Indicator, o.Level, o.Code}); !seen[k] {
			add(o, Value{})
		}
	}
	slices.SortFunc(out, func(a, b IndicatorChange) int {
		return cmp.Or(cmp.Compare(slices.Index(ChangeIndicators, a.Indicator), slices.Index(ChangeIndicators, b.Indicator)),
			cmp.Compare(a.Code, b.Code))
	})
	return out
}

// moved applies the thresholds to one value.
func moved(c IndicatorChange, th ChangeThresholds) bool {
	if c.Indicator == IndCoverage {
		return c.OldClass != c.NewClass
	}
	switch {
	case c.Old == nil && c.New == nil:
		return false
	case c.Old == nil || c.New == nil:
		return true
	}
	d := math.Abs(*c.New - *c.Old)
	if d == 0 {
		return false
	}
	if a, ok := th.Absolute[c.Indicator]; ok && d >= a {
		return true
	}
	return *c.Old == 0 || d/math.Abs(*c.Old) >= th.Relative
}

// diffGaps matches the zones of both snapshots by shared members, the
// pairs sharing most first; a zone split in two is the larger part
// changed and the other appeared.
func diffGaps(from, to []Gap) []GapChange {
	type pair struct{ i, j, n int }
	var pairs []pair
	for i := range from {
		in := map[string]bool{}
		for _, m := range from[i].Members {
			in[m] = true
		}
		for j := range to {
			n := 0
			for _, m := range to[j].Members {
				if in[m] {
					n++
				}
			}
			if n > 0 {
				pairs = append(pairs, pair{i, j, n})
			}
		}
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return cmp.Compare(b.n, a.n) })
	usedFrom, usedTo := map[int]bool{}, map[int]bool{}
	out := []GapChange{}
	for _, p := range pairs {
		if usedFrom[p.i] || usedTo[p.j] {
			continue
		}
		usedFrom[p.i], usedTo[p.j] = true, true
		f, t := &from[p.i], &to[p.j]
		in, outs := memberDiff(f, t), memberDiff(t, f)
		if len(in) == 0 && len(outs) == 0 {
			continue
		}
		ch := GapChange{Change: ChangeReshaped, Label: gapLabel(f.Names), From: gapRef(f), To: gapRef(t), In: in, Out: outs}
		switch {
		case len(outs) == 0:
			ch.Change = ChangeGrew
		case len(in) == 0:
			ch.Change = ChangeShrank
		}
		out = append(out, ch)
	}
	for j := range to {
		if !usedTo[j] {
			t := &to[j]
			out = append(out, GapChange{Change: ChangeAppeared, Label: gapLabel(t.Names), To: gapRef(t), In: members(t), Out: []TerritoryRef{}})
		}
	}
	for i := range from {
		if !usedFrom[i] {
			f := &from[i]
			out = append(out, GapChange{Change: ChangeVanished, Label: gapLabel(f.Names), From: gapRef(f), In: []TerritoryRef{}, Out: members(f)})
		}
	}
	order := []string{ChangeAppeared, ChangeVanished, ChangeGrew, ChangeShrank, ChangeReshaped}
	slices.SortStableFunc(out, func(a, b GapChange) int {
		return cmp.Or(cmp.Compare(slices.Index(order, a.Change), slices.Index(order, b.Change)), cmp.Compare(a.Label, b.Label))
	})
	return out
}

// memberDiff lists the members of b that a lacks.
func memberDiff(a, b *Gap) []TerritoryRef {
	out := []TerritoryRef{}
	for k, m := range b.Members {
		if !slices.Contains(a.Members, m) {
			out = append(out, TerritoryRef{Code: m, Name: nameAt(b.Names, k)})
		}
	}
	return out
}

func members(g *Gap) []TerritoryRef {
	out := make([]TerritoryRef, len(g.Members))
	for k, m := range g.Members {
		out[k] = TerritoryRef{Code: m, Name: nameAt(g.Names, k)}
	}
	return out
}

func nameAt(names []string, k int) string {
	if k < len(names) {
		return names[k]
	}
	return ""
}

func gapRef(g *Gap) *GapRef {
	return &GapRef{ID: g.ID, Members: slices.Clone(g.Members), Names: slices.Clone(g.Names), Population: g.Population}
}
