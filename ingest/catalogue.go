package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gen-numerique/observatory/ingest/tabular"
	"github.com/gen-numerique/observatory/observatory"
)

// locationKeys: a catalogue needs at least one of them to place formations.
var locationKeys = []string{"commune_code", "postcode", "departement", "commune"}

// loadCatalogue reads catalogue files into the batch, row by row: each row
// is loaded (possibly repaired) or quarantined with its reason. Waves are
// decided over the whole run, and the run is refused if it would shrink
// the current catalogue (guard.go), so every file is read twice: a first
// pass keeps what those decisions need (catalogue_scan.go), a second one
// checks the rows again and streams them into the batch
// (catalogue_load.go). Memory stays bounded whatever the row count.
func loadCatalogue(ctx context.Context, b observatory.Batch, files []File, opt Options) (*observatory.Report, error) {
	if opt.Ref.Geo == nil || opt.Ref.Metiers == nil {
		return nil, errors.New("catalogue ingest needs the reference geography and the job referential")
	}
	prev, err := b.PreviousCatalogue(ctx)
	if err != nil {
		return nil, fmt.Errorf("the current catalogue: %w", err)
	}
	run := &catalogueRun{opt: opt}
	for _, f := range files {
		cf, err := run.scan(ctx, f)
		if err != nil {
			return nil, err
		}
		run.files = append(run.files, cf)
	}
	run.duplicates()
	run.decideWaves(prev.Waves)
	for _, cf := range run.files {
		for seq := cf.first; seq < cf.first+cf.n; seq++ {
			if run.dup[seq].of == 0 && !run.waves.rejected[pairOf(run.rows[seq])] {
				cf.loaded++
			}
		}
		if cf.loaded == 0 {
			if err := run.load(ctx, nil, cf); err != nil {
				return nil, err
			}
			return nil, noRowLoaded(cf.in, cf.log.reportRejects)
		}
	}
	firstReject := func(cf *catalogueFile) (string, error) {
		if err := run.load(ctx, nil, cf); err != nil {
			return "", err
		}
		return firstDataReject(cf.log.reportRejects), nil
	}
	if err := guardCatalogue(run, prev, firstReject); err != nil {
		return nil, err
	}
	cols := columnUse(run.files)
	prevCols, err := b.PreviousColumns(ctx, "catalogue")
	if err != nil {
		return nil, fmt.Errorf("the current catalogue's columns: %w", err)
	}
	rep := &observatory.Report{Rejects: []observatory.Reject{}, Repairs: []observatory.Repair{}}
	for _, cf := range run.files {
		if len(cf.unused) > 0 {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: columns not used (no concept matches them, see docs/catalogue-columns.md): %s",
				cf.in.Name, strings.Join(cf.unused, ", ")))
		}
	}
	rep.Warnings = append(rep.Warnings, lostConcepts(prevCols, cols)...)
	run.rowKey, run.idKey = nil, nil
	for _, cf := range run.files {
		if err := run.load(ctx, b, cf); err != nil {
			return nil, err
		}
		rep.Inputs = append(rep.Inputs, cf.in)
		rep.Rejects = append(rep.Rejects, cf.log.reportRejects...)
		rep.Repairs = append(rep.Repairs, cf.log.reportRepairs...)
		rep.Notes = append(rep.Notes, cf.notes...)
		cf.log = nil
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
	waveNotes, waveWarnings := run.waves.notes()
	rep.Warnings = append(rep.Warnings, waveWarnings...)
	rep.Notes = append(rep.Notes, waveNotes...)
	rep.Columns = cols
	return rep, nil
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

// maxFamilyNotes caps the per-row job-family lines of one file's report;
// every row keeps its note in formations.family_note.
const maxFamilyNotes = 50
