package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gen-numerique/observatory/ingest/tabular"
	"github.com/gen-numerique/observatory/observatory"
)

// locationKeys: a catalogue needs at least one of them to place formations.
var locationKeys = []string{"commune_code", "postcode", "departement", "commune"}

// loadCatalogue reads catalogue files into the batch, row by row: each row
// is loaded (possibly repaired) or quarantined with its reason. Every file
// is read before any is loaded: waves are decided over the whole run, and
// the run is refused if it would shrink the current catalogue (guard.go).
func loadCatalogue(ctx context.Context, b observatory.Batch, files []File, opt Options) (*observatory.Report, error) {
	if opt.Ref.Geo == nil || opt.Ref.Metiers == nil {
		return nil, errors.New("catalogue ingest needs the reference geography and the job referential")
	}
	prev, err := b.PreviousCatalogue(ctx)
	if err != nil {
		return nil, fmt.Errorf("the current catalogue: %w", err)
	}
	seen := &seenRows{ids: map[string]string{}, rows: map[string]string{}}
	var cfs []*catalogueFile
	for _, f := range files {
		cf, err := readCatalogue(ctx, f, seen, opt)
		if err != nil {
			return nil, err
		}
		cfs = append(cfs, cf)
	}
	rep := &observatory.Report{Rejects: []observatory.Reject{}, Repairs: []observatory.Repair{}}
	waveNotes, waveWarnings := applyWaves(cfs, prev.Waves)
	for _, cf := range cfs {
		cf.settle()
		cf.notes = append(cf.encoding, familyNotes(cf.in.Name, cf.forms)...)
		if len(cf.forms) == 0 {
			return nil, noRowLoaded(cf.in, cf.rejects)
		}
	}
	if err := guardCatalogue(cfs, prev, opt); err != nil {
		return nil, err
	}
	cols := columnUse(cfs)
	prevCols, err := b.PreviousColumns(ctx, "catalogue")
	if err != nil {
		return nil, fmt.Errorf("the current catalogue's columns: %w", err)
	}
	for _, cf := range cfs {
		if len(cf.unused) > 0 {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: columns not used (no concept matches them, see docs/catalogue-columns.md): %s",
				cf.in.Name, strings.Join(cf.unused, ", ")))
		}
	}
	rep.Warnings = append(rep.Warnings, lostConcepts(prevCols, cols)...)
	rep.Warnings = append(rep.Warnings, waveWarnings...)
	for _, cf := range cfs {
		if err := b.AppendFormations(ctx, cf.forms); err != nil {
			return nil, fmt.Errorf("%s: load: %w", cf.in.Name, err)
		}
		if err := b.Record(ctx, cf.in, cf.rejects, cf.repairs); err != nil {
			return nil, fmt.Errorf("%s: record: %w", cf.in.Name, err)
		}
		rep.Inputs = append(rep.Inputs, cf.in)
		rep.Rejects = append(rep.Rejects, cf.rejects...)
		rep.Repairs = append(rep.Repairs, cf.repairs...)
		rep.Notes = append(rep.Notes, cf.notes...)
	}
	if err := b.RecordColumns(ctx, cols); err != nil {
		return nil, fmt.Errorf("record columns: %w", err)
	}
	// The catalogue is the GEN label's programme: recorded with its files,
	// synthetic when one of them is.
	gen := observatory.GENProgramme()
	gen.Files, gen.SHA256 = []string{}, []string{}
	for _, in := range rep.Inputs {
		gen.Files, gen.SHA256 = append(gen.Files, in.Name), append(gen.SHA256, in.SHA256)
		gen.Synthetic = gen.Synthetic || in.Synthetic
	}
	if err := b.RecordProgramme(ctx, gen); err != nil {
		return nil, fmt.Errorf("record programme: %w", err)
	}
	rep.Notes = append(rep.Notes, waveNotes...)
	rep.Columns = cols
	return rep, nil
}

// catalogueFile is one catalogue file read but not yet loaded.
type catalogueFile struct {
	in       observatory.Input
	sheet    string            // the sheet read, "" for CSV
	cols     map[string]string // concept key -> header text found
	unused   []string          // header cells no concept matched
	forms    []observatory.Formation
	rejects  []observatory.Reject
	repairs  []observatory.Repair
	notes    []string
	encoding []string // how the file was decoded, when there was a choice
	notData  int      // rows read that are no data: footnotes, repeated headers
}

// settle counts what became of the file's rows once the run has decided
// on every one: rows read = loaded + quarantined.
func (cf *catalogueFile) settle() {
	cf.in.Loaded, cf.in.Quarantined = len(cf.forms), cf.in.RowsRead-len(cf.forms)
	type at struct {
		sheet string
		row   int
	}
	rows := map[at]bool{}
	for _, r := range cf.repairs {
		rows[at{r.Sheet, r.Row}] = true
	}
	cf.in.Repaired = len(rows)
}

// seenRows finds duplicates across all the files of a run.
type seenRows struct {
	ids  map[string]string // id -> "file row N"
	rows map[string]string // whole-row key -> "file row N"
}

func readCatalogue(ctx context.Context, f File, seen *seenRows, opt Options) (*catalogueFile, error) {
	cf := &catalogueFile{in: observatory.Input{Kind: "catalogue", Name: f.Name, Size: f.Size}}
	in := &cf.in
	var err error
	if in.SHA256, err = digest(f); err != nil {
		return nil, err
	}
	t, err := tabular.OpenReader(ctx, f.Data, f.Size, f.Name, catalogueSchema, opt.Limits)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	cf.sheet, cf.cols, cf.unused = t.Sheet(), t.Columns(), t.Unmapped()
	cf.encoding = encodingNotes(f.Name, t)
	if !hasAny(cf.cols, locationKeys) {
		return nil, observatory.Errorf(observatory.EINVALID,
			"%s: no column locates the formations; expected one of: code commune INSEE, code postal, département, commune", f.Name)
	}
	metiers := opt.Ref.Metiers
	structs, synth := 0, 0
	for {
		rec, rerr := t.Next()
		if rerr == io.EOF {
			break
		}
		var rowErr *tabular.RowError
		if errors.As(rerr, &rowErr) {
			in.RowsRead++
			cf.rejects = append(cf.rejects, observatory.Reject{File: rowErr.File, Sheet: rowErr.Sheet, Row: rowErr.Row, Column: rowErr.Column, Reason: rowErr.Reason})
			continue
		}
		if rerr != nil {
			return nil, rerr
		}
		in.RowsRead++
		if opt.Progress != nil && in.RowsRead%1000 == 0 {
			opt.Progress(f.Name, in.RowsRead)
		}
		if fc := formulaInUse(rec); fc != nil {
			cf.rejects = append(cf.rejects, observatory.Reject{File: rec.File, Sheet: rec.Sheet, Row: rec.Row, Column: fc.Column, Value: formulaValue(fc),
				Reason: fmt.Sprintf("formula without a computed value in column %q: open and save the file in a spreadsheet, or export it as CSV", fc.Column)})
			continue
		}
		c := &rowCheck{rec: rec, geo: opt.Ref.Geo, metiers: metiers}
		if len(rec.Extra) > 0 {
			x := rec.Extra[0]
			c.fail("", x.Value, "%d cell(s) beyond the last header column (%s); the row is probably shifted", len(rec.Extra), x.Column)
		}
		fm := c.formation()
		if c.reject == nil {
			c.duplicates(seen, fm)
		}
		if c.reject != nil {
			cf.rejects = append(cf.rejects, *c.reject)
			continue
		}
		cf.repairs = append(cf.repairs, c.repairs...)
		structs++
		if strings.Contains(tabular.Normalize(fm.Structure), "synthetique") || strings.Contains(tabular.Normalize(fm.Structure), "synthetic") {
			synth++
		}
		cf.forms = append(cf.forms, fm)
	}
	// Footnotes are counted as rows read and listed in quarantine, so that
	// rows read = loaded + quarantined holds for every file.
	for _, sk := range t.Skipped() {
		reason := "not a data row: note or footnote below the table"
		if sk.Reason != "footnote" {
			reason = "not a data row: " + sk.Reason
		}
		cf.rejects = append(cf.rejects, observatory.Reject{File: sk.File, Sheet: sk.Sheet, Row: sk.Row, Value: sk.Text, Reason: reason})
	}
	cf.notData = t.SkippedCount()
	in.RowsRead += cf.notData
	// A synthetic stand-in must never pass for real data: it is flagged when
	// the caller says so, when its name says so, or when its structures do.
	in.Synthetic = f.Synthetic || strings.Contains(tabular.Normalize(f.Name), "synth") || (structs > 0 && synth*2 >= structs)
	for i := range cf.forms {
		cf.forms[i].Synthetic = in.Synthetic
	}
	if opt.Progress != nil {
		opt.Progress(f.Name, in.RowsRead)
	}
	return cf, nil
}

// formulaInUse returns the first cell of the record that holds a formula
// without a computed value in a column the catalogue reads: its value is
// unknown, not empty, so the row cannot be loaded as it is.
func formulaInUse(rec tabular.Record) *tabular.FormulaCell {
	for i := range rec.Formulas {
		if rec.Formulas[i].Key != "" {
			return &rec.Formulas[i]
		}
	}
	return nil
}

func formulaValue(fc *tabular.FormulaCell) string {
	if fc.Formula == "" {
		return ""
	}
	return "=" + fc.Formula
}

// noRowLoaded refuses a file none of whose rows could be loaded: replacing
// the catalogue with nothing is never what its publisher meant.
func noRowLoaded(in observatory.Input, rejects []observatory.Reject) error {
	if len(rejects) == 0 {
		return observatory.Errorf(observatory.EINVALID, "%s: no data row under the header; nothing changed", in.Name)
	}
	r := rejects[0]
	col := ""
	if r.Column != "" {
		col = ", column " + r.Column
	}
	return observatory.Errorf(observatory.EINVALID, "%s: none of its %d rows could be loaded (first: row %d%s: %s); nothing changed",
		in.Name, in.RowsRead, r.Row, col, r.Reason)
}

func hasAny(cols map[string]string, keys []string) bool {
	for _, k := range keys {
		if _, ok := cols[k]; ok {
			return true
		}
	}
	return false
}

// duplicates quarantines a row that repeats an earlier one exactly, or that
// reuses an id with different content.
func (c *rowCheck) duplicates(seen *seenRows, f observatory.Formation) {
	where := fmt.Sprintf("%s row %d", c.rec.File, c.rec.Row)
	key := rowKey(c.rec.Values)
	if prev, ok := seen.rows[key]; ok {
		c.fail("", "", "exact duplicate of %s", prev)
		return
	}
	seen.rows[key] = where
	if prev, ok := seen.ids[f.ID]; ok {
		c.fail("id", f.ID, "identifier %s is already used by %s with other values", f.ID, prev)
		return
	}
	seen.ids[f.ID] = where
}

func rowKey(v map[string]string) string {
	var sb strings.Builder
	for _, col := range catalogueSchema.Columns {
		sb.WriteString(v[col.Key])
		sb.WriteByte(0)
	}
	return sb.String()
}

// maxFamilyNotes caps the per-row job-family lines of one file's report;
// every row keeps its note in formations.family_note.
const maxFamilyNotes = 50

// familyNotes reports how a file's formations were attached to job
// families: one summary line, then the rows worth a look (unattached, the
// source disputed, unknown family values, codes of several families).
func familyNotes(file string, forms []observatory.Formation) []string {
	by := map[string]int{}
	var rows []string
	for _, f := range forms {
		by[f.FamilyRule]++
		if f.FamilyNote != "" {
			rows = append(rows, fmt.Sprintf("%s row %d (%s): job family: %s", file, f.SourceRow, f.ID, f.FamilyNote))
		}
	}
	out := []string{fmt.Sprintf("%s: job families: %d by ROME code, %d by title, %d from the source's family column alone, "+
		"%d kept from the source against its codes or title, %d not attached",
		file, by[observatory.RuleROME], by[observatory.RuleTitle], by[observatory.RuleSource], by[observatory.RuleDisputed], by[""])}
	if len(rows) > maxFamilyNotes {
		n := len(rows) - maxFamilyNotes
		rows = append(rows[:maxFamilyNotes], fmt.Sprintf("%s: job family: %d more rows to look at (formations.family_note)", file, n))
	}
	return append(out, rows...)
}
