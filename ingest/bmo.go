package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gen-numerique/observatory/ingest/tabular"
	"github.com/gen-numerique/observatory/observatory"
)

// jobDemandSchema lists the columns of a France Travail BMO file under the
// names the surveys give them. The bassin columns carry the survey year
// (BE24/NOMBE24 in 2024, BE23/NOMBE23 in 2023), hence the patterns; names
// are compared after tabular.Normalize.
var jobDemandSchema = tabular.Schema{Name: "bmo", Columns: []tabular.Column{
	{Key: "year", Names: []string{"annee", "annee enquete", "annee de l enquete", "millesime", "year"}},
	{Key: "fap", Required: true, Names: []string{"code metier bmo", "code metier", "code fap", "code fap bmo", "fap", "code famille professionnelle"}},
	{Key: "fap_label", Names: []string{"nom metier bmo", "libelle metier bmo", "lbl metier bmo", "nom metier", "libelle metier", "intitule metier bmo", "intitule metier"}},
	{Key: "bmo_family", Names: []string{"famille met", "famille metier", "code famille metier", "famille metier bmo"}},
	{Key: "bmo_family_label", Names: []string{"lbl fam met", "libelle famille metier", "lbl famille metier", "nom famille metier", "libelle famille met"}},
	{Key: "region", Names: []string{"reg", "code region", "region", "code reg"}},
	{Key: "region_name", Names: []string{"nom reg", "nom region", "libelle region", "lbl reg"}},
	{Key: "departement", Required: true, Names: []string{"dept", "dep", "departement", "code departement", "code dept", "code dep", "dpt"}},
	{Key: "departement_name", Names: []string{"nomdept", "nom dept", "nom departement", "libelle departement", "nom dep"}},
	{Key: "bassin", Required: true,
		Names:    []string{"bassin", "code bassin", "code bassin emploi", "code bassin bmo", "bassin emploi", "be"},
		Patterns: []*regexp.Regexp{regexp.MustCompile(`^(code )?be ?(\d{2}|\d{4})$`)}},
	{Key: "bassin_name",
		Names:    []string{"nom bassin", "nom bassin emploi", "libelle bassin", "libelle bassin emploi", "lib bassin bmo", "nombe"},
		Patterns: []*regexp.Regexp{regexp.MustCompile(`^(nom|lib|libelle|lbl) ?be ?(\d{2}|\d{4})$`)}},
	{Key: "projects", Required: true, Names: []string{"met", "projets de recrutement", "nombre de projets de recrutement", "projets", "nb projets"}},
	{Key: "difficult", Names: []string{"xmet", "projets difficiles", "dont difficiles", "difficiles", "projets juges difficiles"}},
	{Key: "seasonal", Names: []string{"smet", "projets saisonniers", "dont saisonniers", "saisonniers"}},
}}

// FAP codes are at the level BMO uses (225 in FAP 2009, 228 in FAP
// 2021): the third character tells the edition, Z in FAP 2009 (M1Z80), X
// in FAP 2021 (M1X80); a handful of codes (G0A40, T2B60) use A or B in
// both, and FAP 2021 has letters in second place in its new banking domain
// (QAX01…QEX01). observatory.IsFAPOf checks them.
var (
	yearInName   = regexp.MustCompile(`(?:^|[^0-9])(20[0-9]{2})(?:[^0-9]|$)`)
	yearInBassin = regexp.MustCompile(`([0-9]{2}|[0-9]{4})$`)
)

// Survey years accepted; BMO started in 2002.
const minBMOYear, maxBMOYear = 2000, 2100

// maxCount bounds a hiring-project count: far above any real cell, well
// inside the INTEGER column.
const maxCount = 100_000_000

// loadBMO reads BMO files into the batch, streaming each into the
// snapshot: every row is loaded or quarantined with its reason. The run
// replaces the survey years the files hold and keeps the others.
func loadBMO(ctx context.Context, b observatory.Batch, files []File, opt Options) (*observatory.Report, error) {
	if opt.Ref.Geo == nil {
		return nil, errors.New("BMO ingest needs the reference geography")
	}
	rep := &observatory.Report{Rejects: []observatory.Reject{}, Repairs: []observatory.Repair{}}
	run := &bmoRun{opt: opt, seen: map[bmoKey]bmoWhere{}, years: map[int]int{}, deps: map[string]bmoPlace{}, regs: map[string]string{}, bassins: map[bmoBassin]bmoBassinRegion{}}
	for _, f := range files {
		r, err := run.file(ctx, b, f)
		if err != nil {
			return nil, err
		}
		rep.Inputs = append(rep.Inputs, r.in)
		rep.Rejects = append(rep.Rejects, r.rejects...)
		rep.Repairs = append(rep.Repairs, r.repairs...)
		rep.Notes = append(rep.Notes, r.notes...)
	}
	years := make([]int, 0, len(run.years))
	for y := range run.years {
		years = append(years, y)
	}
	slices.Sort(years)
	if err := b.KeepJobDemand(ctx, years); err != nil {
		return nil, err
	}
	return rep, nil
}

// bmoKey is the unique key of a BMO row: a bassin may span départements
// and is split per département.
type bmoKey struct {
	year             int
	fap, bassin, dep string
}

// bmoWhere is where a row was read.
type bmoWhere struct {
	file string
	row  int
}

type bmoBassin struct {
	year   int
	bassin string
}

type bmoBassinRegion struct{ region, where string }

// bmoPlace is a checked département with its région.
type bmoPlace struct {
	dep, region string
	ok          bool
}

// bmoRun is the state shared by the files of one run.
type bmoRun struct {
	opt   Options
	seen  map[bmoKey]bmoWhere // duplicates across files too
	years map[int]int         // year -> rows loaded
	deps  map[string]bmoPlace // raw département cell -> checked, cached
	regs  map[string]string   // raw région cell -> code, "" if unknown
	// the région of each bassin, first seen: BMO puts a bassin in one région
	bassins map[bmoBassin]bmoBassinRegion
}

// bmoResult is what became of one file.
type bmoResult struct {
	in      observatory.Input
	rejects []observatory.Reject
	repairs []observatory.Repair
	notes   []string
}

func (run *bmoRun) file(ctx context.Context, b observatory.Batch, f File) (*bmoResult, error) {
	res := &bmoResult{in: observatory.Input{Kind: "bmo", Name: f.Name, Size: f.Size}}
	var err error
	if res.in.SHA256, err = digest(f); err != nil {
		return nil, err
	}
	t, err := tabular.OpenReader(ctx, f.Data, f.Size, f.Name, jobDemandSchema, run.opt.Limits)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	fr := &bmoFile{run: run, res: res, t: t, cols: t.Columns(), crossBorder: map[string]int{}}
	res.notes = append(res.notes, encodingNotes(f.Name, t)...)
	fr.fileYear, fr.yearFrom = fileYear(f.Name, t)
	if _, ok := fr.cols["year"]; !ok {
		if fr.fileYear == 0 {
			return nil, observatory.Errorf(observatory.EINVALID,
				"%s: sheet %q: no survey year: no %q column, and neither the bassin column (%s), the file name nor the sheet name holds a year",
				f.Name, t.Sheet(), "annee", fr.cols["bassin"])
		}
		res.notes = append(res.notes, fmt.Sprintf("%s: no annee column; survey year %d taken from %s", f.Name, fr.fileYear, fr.yearFrom))
	}
	if u := t.Unmapped(); len(u) > 0 {
		res.notes = append(res.notes, fmt.Sprintf("%s: columns not used: %s", f.Name, strings.Join(u, ", ")))
	}
	loaded, err := b.AppendJobDemand(ctx, fr.rows())
	if err != nil {
		return nil, fmt.Errorf("%s: load: %w", f.Name, err)
	}
	for _, sk := range t.Skipped() {
		reason := "not a data row: note or footnote below the table"
		if sk.Reason != "footnote" {
			reason = "not a data row: " + sk.Reason
		}
		res.rejects = append(res.rejects, observatory.Reject{File: sk.File, Sheet: sk.Sheet, Row: sk.Row, Value: sk.Text, Reason: reason})
	}
	in := &res.in
	in.RowsRead += t.SkippedCount()
	in.Synthetic = f.Synthetic || strings.Contains(tabular.Normalize(f.Name), "synth")
	in.Loaded, in.Quarantined = loaded, in.RowsRead-loaded
	if run.opt.Progress != nil {
		run.opt.Progress(f.Name, in.RowsRead)
	}
	if loaded == 0 {
		return nil, noRowLoaded(*in, res.rejects)
	}
	for _, k := range slices.Sorted(maps.Keys(fr.crossBorder)) {
		res.notes = append(res.notes, fmt.Sprintf("%s: %d rows of %s, as BMO attaches their bassin to that région; kept as the file gives them", f.Name, fr.crossBorder[k], k))
	}
	if len(fr.unplaced) > 0 {
		var names []string
		for _, code := range slices.Sorted(maps.Keys(fr.unplaced)) {
			names = append(names, strings.TrimSpace(code+" "+fr.unplaced[code]))
		}
		res.notes = append(res.notes, fmt.Sprintf("%s: %d rows in %d bassins d'emploi the reference geography has no outline for (%s): "+
			"kept; they count in job demand and at département and région level, and at bassin level only in demand: their offer, "+
			"distance and ratio are null (no_source)", f.Name, fr.unplacedRows, len(fr.unplaced), strings.Join(names, ", ")))
	}
	if fr.extra > 0 {
		res.notes = append(res.notes, fmt.Sprintf("%s: %d rows in Saint-Martin (978), a collectivité outside the reference geography, kept under région 01 (Guadeloupe) as the file gives them", f.Name, fr.extra))
	}
	if err := b.Record(ctx, *in, res.rejects, res.repairs); err != nil {
		return nil, fmt.Errorf("%s: record: %w", f.Name, err)
	}
	return res, nil
}

// fileYear finds the survey year a file states outside its rows: in the
// bassin column's name (BE24), the file name or the sheet name.
func fileYear(name string, t tabular.Table) (int, string) {
	if h := t.Columns()["bassin"]; h != "" {
		if m := yearInBassin.FindString(tabular.Normalize(h)); m != "" && strings.ContainsAny(h, "0123456789") {
			y, _ := strconv.Atoi(m)
			if y < 100 {
				y += 2000
			}
			return y, fmt.Sprintf("the column name %q", h)
		}
	}
	for _, s := range []struct{ text, what string }{{name, "the file name"}, {t.Sheet(), "the sheet name"}} {
		if m := yearInName.FindStringSubmatch(s.text); m != nil {
			y, _ := strconv.Atoi(m[1])
			return y, s.what
		}
	}
	return 0, ""
}

// bmoFile reads the rows of one file.
type bmoFile struct {
	run      *bmoRun
	res      *bmoResult
	t        tabular.Table
	cols     map[string]string
	fileYear int
	yearFrom string
	extra    int // rows in a département outside the reference geography
	// rows whose région is not their département's, by description
	crossBorder map[string]int
	adminRegion string // the région of the row's département
	// rows in bassins the reference geography has no outline for, by code
	// (name as the file gives it)
	unplaced     map[string]string
	unplacedRows int
	row          observatory.JobDemand
	counts       [3]int
}

// rows yields the file's valid rows, quarantining the others as it goes.
// The yielded row is reused: it is valid until the next iteration.
func (fr *bmoFile) rows() iter.Seq2[*observatory.JobDemand, error] {
	return func(yield func(*observatory.JobDemand, error) bool) {
		in := &fr.res.in
		for {
			rec, err := fr.t.Next()
			if err == io.EOF {
				return
			}
			var rowErr *tabular.RowError
			if errors.As(err, &rowErr) {
				in.RowsRead++
				fr.res.rejects = append(fr.res.rejects, observatory.Reject{File: rowErr.File, Sheet: rowErr.Sheet, Row: rowErr.Row, Column: rowErr.Column, Reason: rowErr.Reason})
				continue
			}
			if err != nil {
				yield(nil, err)
				return
			}
			in.RowsRead++
			if p := fr.run.opt.Progress; p != nil && in.RowsRead%5000 == 0 {
				p(in.Name, in.RowsRead)
			}
			c := rowCheck{rec: rec, geo: fr.run.opt.Ref.Geo}
			if fr.check(&c); c.reject != nil {
				fr.res.rejects = append(fr.res.rejects, *c.reject)
				continue
			}
			if len(c.repairs) > 0 {
				fr.res.repairs = append(fr.res.repairs, c.repairs...)
				in.Repaired++
			}
			if !yield(&fr.row, nil) {
				return
			}
			fr.run.years[fr.row.Year]++
		}
	}
}

// check fills fr.row from the record, or quarantines it through c.
func (fr *bmoFile) check(c *rowCheck) {
	rec := c.rec
	r := &fr.row
	*r = observatory.JobDemand{Source: rec.File, SourceRow: rec.Row}
	fr.adminRegion = ""
	if len(rec.Extra) > 0 {
		x := rec.Extra[0]
		c.fail("", x.Value, "%d cell(s) beyond the last header column (%s); the row is probably shifted", len(rec.Extra), x.Column)
		return
	}
	r.Year = fr.year(c)
	if c.reject != nil {
		return
	}
	r.FAPEdition = observatory.FAPEdition(r.Year)
	r.FAPCode = strings.ToUpper(c.val("fap"))
	switch {
	case r.FAPCode == "":
		c.fail("fap", "", "no FAP code")
	case !observatory.IsFAP(r.FAPCode):
		c.fail("fap", r.FAPCode, "%q is not a FAP code (a letter, a digit, a letter and two digits, e.g. %s)", r.FAPCode, exampleFAP(r.FAPEdition))
	case !observatory.IsFAPOf(r.FAPEdition, r.FAPCode):
		other := observatory.FAP2009
		if r.FAPEdition == other {
			other = observatory.FAP2021
		}
		if observatory.IsFAPOf(other, r.FAPCode) {
			c.fail("fap", r.FAPCode, "FAP code %s has the shape of %s, but a %d survey codes jobs in %s (e.g. %s)",
				r.FAPCode, other, r.Year, r.FAPEdition, exampleFAP(r.FAPEdition))
		} else {
			c.fail("fap", r.FAPCode, "%q is not a %s code (e.g. %s)", r.FAPCode, r.FAPEdition, exampleFAP(r.FAPEdition))
		}
	}
	r.FAPLabel = c.val("fap_label")
	r.BMOFamily, r.BMOFamilyLabel = c.val("bmo_family"), c.val("bmo_family_label")
	fr.place(c)
	r.Bassin = strings.TrimSuffix(c.val("bassin"), ".0")
	switch {
	case r.Bassin == "":
		c.fail("bassin", "", "no bassin d'emploi code")
	case !observatory.IsBassin(r.Bassin):
		c.fail("bassin", r.Bassin, "%q is not a bassin d'emploi code (2 to 6 digits)", r.Bassin)
	}
	r.BassinName = c.val("bassin_name")
	r.Projects = fr.count(c, "projects", 0)
	r.Difficult = fr.count(c, "difficult", 1)
	r.Seasonal = fr.count(c, "seasonal", 2)
	if r.Projects != nil {
		if r.Difficult != nil && *r.Difficult > *r.Projects {
			c.fail("difficult", c.val("difficult"), "%d projects judged difficult out of %d projects", *r.Difficult, *r.Projects)
		}
		if r.Seasonal != nil && *r.Seasonal > *r.Projects {
			c.fail("seasonal", c.val("seasonal"), "%d seasonal projects out of %d projects", *r.Seasonal, *r.Projects)
		}
	}
	if c.reject != nil {
		return
	}
	bk := bmoBassin{year: r.Year, bassin: r.Bassin}
	if reg, ok := fr.run.bassins[bk]; ok && reg.region != r.Region {
		c.fail("region", r.Region, "bassin %s is in région %s (%s) but in région %s here; BMO puts each bassin in one région", r.Bassin, reg.region, reg.where, r.Region)
		return
	} else if !ok {
		fr.run.bassins[bk] = bmoBassinRegion{region: r.Region, where: fmt.Sprintf("%s row %d", rec.File, rec.Row)}
	}
	k := bmoKey{year: r.Year, fap: r.FAPCode, bassin: r.Bassin, dep: r.Departement}
	if prev, dup := fr.run.seen[k]; dup {
		c.fail("", "", "duplicate of %s row %d: same year %d, FAP code %s, bassin %s and département %s", prev.file, prev.row, r.Year, r.FAPCode, r.Bassin, r.Departement)
		return
	}
	fr.run.seen[k] = bmoWhere{rec.File, rec.Row}
	if _, extra := observatory.BMOExtraDepartements[r.Departement]; extra {
		fr.extra++
	}
	if r.Region != fr.adminRegion {
		fr.crossBorder[fmt.Sprintf("département %s (région %s) under région %s", r.Departement, fr.adminRegion, r.Region)]++
	}
	if _, ok := fr.run.opt.Ref.Geo.Bassin(r.Bassin); !ok {
		if fr.unplaced == nil {
			fr.unplaced = map[string]string{}
		}
		if _, seen := fr.unplaced[r.Bassin]; !seen || fr.unplaced[r.Bassin] == "" {
			fr.unplaced[r.Bassin] = r.BassinName
		}
		fr.unplacedRows++
	}
}

func exampleFAP(edition string) string {
	if edition == observatory.FAP2009 {
		return "M1Z80"
	}
	return "M1X80"
}

// year is the row's survey year: its annee cell, else the file's year.
func (fr *bmoFile) year(c *rowCheck) int {
	v, present := c.rec.Values["year"]
	v = strings.TrimSuffix(strings.TrimSpace(v), ".0")
	if v == "" {
		if fr.fileYear == 0 {
			c.fail("year", "", "no survey year, and neither the column names nor the file name give one")
			return 0
		}
		if present {
			c.repair("year", "", strconv.Itoa(fr.fileYear), "blank year taken from %s", fr.yearFrom)
		}
		return fr.fileYear
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < minBMOYear || y > maxBMOYear {
		c.fail("year", v, "%q is not a survey year (%d to %d)", v, minBMOYear, maxBMOYear)
		return 0
	}
	return y
}

// place checks the département and the région, which must agree.
func (fr *bmoFile) place(c *rowCheck) {
	r := &fr.row
	raw := c.val("departement")
	p, ok := fr.run.deps[raw]
	if !ok {
		p = fr.run.checkDep(raw)
		fr.run.deps[raw] = p
	}
	if !p.ok {
		if raw == "" {
			c.fail("departement", "", "no département")
		} else {
			c.fail("departement", raw, "%q is not a département code (01…95, 2A, 2B, 971…976, or 978 Saint-Martin)", raw)
		}
		return
	}
	r.Departement, r.Region, fr.adminRegion = p.dep, p.region, p.region
	rawReg, present := c.rec.Values["region"]
	if !present {
		return
	}
	rawReg = strings.TrimSpace(rawReg)
	if rawReg == "" {
		c.fail("region", "", "no région")
		return
	}
	reg, ok := fr.run.regs[rawReg]
	if !ok {
		reg, _ = fr.run.opt.Ref.Geo.NormalizeRegion(rawReg)
		fr.run.regs[rawReg] = reg
	}
	if reg == "" {
		c.fail("region", rawReg, "%q is not a région code", rawReg)
		return
	}
	// BMO zoning puts each bassin in one région, and a bassin crossing a
	// régional border counts there whole: bassin 5313 (Redon) spans 35, 56
	// and 44 and is in Bretagne (53). The file's région is kept, so région
	// totals are France Travail's; the département stays the real one.
	r.Region = reg
	fr.adminRegion = p.region
}

func (run *bmoRun) checkDep(raw string) bmoPlace {
	if t, ok := observatory.BMOExtraDepartements[strings.ToUpper(raw)]; ok {
		return bmoPlace{dep: t.Code, region: t.Parent, ok: true}
	}
	dep, ok := run.opt.Ref.Geo.NormalizeDepartement(raw)
	if !ok {
		return bmoPlace{}
	}
	t, ok := run.opt.Ref.Geo.Departement(dep)
	return bmoPlace{dep: dep, region: t.Parent, ok: ok}
}

// count reads a count cell: secret markers and blanks give nil (NULL,
// never 0); French formats are read; a fractional estimate is rounded and
// the repair recorded. slot keeps the value without an allocation per row.
func (fr *bmoFile) count(c *rowCheck, key string, slot int) *int {
	raw, present := c.rec.Values[key]
	if !present {
		return nil
	}
	v, ok, err := tabular.ParseNumber(raw)
	switch {
	case err != nil:
		c.fail(key, strings.TrimSpace(raw), "%s", observatory.ErrorMessage(err))
		return nil
	case !ok:
		return nil
	case v < 0:
		c.fail(key, strings.TrimSpace(raw), "a count of projects cannot be negative")
		return nil
	case v > maxCount:
		c.fail(key, strings.TrimSpace(raw), "%s projects is implausible for one row", strings.TrimSpace(raw))
		return nil
	}
	n := int(math.Round(v))
	if float64(n) != v {
		c.repair(key, strings.TrimSpace(raw), strconv.Itoa(n), "BMO counts are whole numbers of projects; fractional estimate rounded")
	}
	fr.counts[slot] = n
	return &fr.counts[slot]
}
