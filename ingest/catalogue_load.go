package ingest

import (
	"context"
	"fmt"
	"io"
	"iter"

	"github.com/gen-numerique/observatory/observatory"
)

// load is the second pass over one file: it reads the file again, checks
// every row as the first pass did, applies the run's decisions
// (duplicates, waves) and streams the rows to load into the batch, their
// quarantined and repaired rows a chunk at a time. With b nil it is a dry
// run that loads nothing, for the first rejects of a refusal's message.
func (run *catalogueRun) load(ctx context.Context, b observatory.Batch, cf *catalogueFile) error {
	cf.log = newRowLog(ctx, b, "catalogue")
	r, err := openCatalogue(ctx, cf.f, run.opt)
	if err != nil {
		return err
	}
	defer r.close()
	fam := newFamilyTally(cf.in.Name)
	read, seq, repairedRows := 0, cf.first, 0
	var fail error // a reading error, or the file changed since the first pass
	rows := func(yield func(*observatory.Formation, error) bool) {
		for {
			cr, err := r.next()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(nil, err)
				return
			}
			read++
			if cr.reject != nil {
				if err := cf.log.reject(*cr.reject); err != nil {
					yield(nil, err)
					return
				}
				continue
			}
			fm := &cr.form
			if seq >= cf.first+cf.n || int(run.rows[seq].row) != fm.SourceRow {
				fail = observatory.Errorf(observatory.EINVALID, "%s: the file changed while it was being read (row %d); nothing changed", cf.in.Name, fm.SourceRow)
				yield(nil, fail)
				return
			}
			s := run.rows[seq]
			d := run.dup[seq]
			seq++
			if d.of != 0 {
				rej := observatory.Reject{File: cf.in.Name, Sheet: cf.sheet, Row: fm.SourceRow}
				if d.byID {
					rej.Column, rej.Value = cf.colName("id"), fm.ID
					rej.Reason = fmt.Sprintf("identifier %s is already used by %s with other values", fm.ID, run.where(d.of-1))
				} else {
					rej.Reason = fmt.Sprintf("exact duplicate of %s", run.where(d.of-1))
				}
				if err := cf.log.reject(rej); err != nil {
					yield(nil, err)
					return
				}
				continue
			}
			repair, reject := run.waves.apply(cf, fm, s)
			if reject != nil {
				// A quarantined row is not loaded, so its other repairs are void.
				if err := cf.log.reject(*reject); err != nil {
					yield(nil, err)
					return
				}
				continue
			}
			if repair != nil {
				cr.repairs = append(cr.repairs, *repair)
			}
			if len(cr.repairs) > 0 {
				repairedRows++
				if err := cf.log.repair(cr.repairs...); err != nil {
					yield(nil, err)
					return
				}
			}
			fm.Synthetic = cf.in.Synthetic
			fam.add(fm)
			if !yield(fm, nil) {
				return
			}
		}
	}
	var loaded int
	if b != nil {
		loaded, err = b.StreamFormations(ctx, rows)
		if err != nil {
			if fail != nil {
				return fail
			}
			return fmt.Errorf("%s: load: %w", cf.in.Name, err)
		}
	} else {
		for _, err := range iter.Seq2[*observatory.Formation, error](rows) {
			if err != nil {
				return err
			}
			loaded++
		}
	}
	if err := r.notData(cf.log); err != nil {
		return err
	}
	read += r.t.SkippedCount()
	if read != cf.in.RowsRead || seq != cf.first+cf.n || loaded != cf.loaded {
		return observatory.Errorf(observatory.EINVALID, "%s: the file changed while it was being read (%d rows, then %d); nothing changed", cf.in.Name, cf.in.RowsRead, read)
	}
	cf.in.Loaded, cf.in.Quarantined, cf.in.Repaired = loaded, cf.in.RowsRead-loaded, repairedRows
	cf.notes = append(append(cf.encoding, fam.notes()...), cf.log.notes(cf.in.Name)...)
	if b == nil {
		return nil
	}
	if err := cf.log.record(cf.in); err != nil {
		return fmt.Errorf("%s: record: %w", cf.in.Name, err)
	}
	return nil
}

// colName is the header a concept was read from, or its key.
func (cf *catalogueFile) colName(key string) string {
	if h, ok := cf.cols[key]; ok {
		return h
	}
	return key
}

// familyTally sums up how a file's formations were attached to job
// families, as they are loaded.
type familyTally struct {
	file string
	by   map[string]int
	rows []string
	more int
}

func newFamilyTally(file string) *familyTally { return &familyTally{file: file, by: map[string]int{}} }

func (t *familyTally) add(f *observatory.Formation) {
	t.by[f.FamilyRule]++
	if f.FamilyNote == "" {
		return
	}
	if len(t.rows) < maxFamilyNotes {
		t.rows = append(t.rows, fmt.Sprintf("%s row %d (%s): job family: %s", t.file, f.SourceRow, f.ID, f.FamilyNote))
	} else {
		t.more++
	}
}

// notes are one summary line, then the rows worth a look (unattached, the
// source disputed, unknown family values, codes of several families).
func (t *familyTally) notes() []string {
	by := t.by
	out := []string{fmt.Sprintf("%s: job families: %d by ROME code, %d by title, %d from the source's family column alone, "+
		"%d kept from the source against its codes or title, %d not attached",
		t.file, by[observatory.RuleROME], by[observatory.RuleTitle], by[observatory.RuleSource], by[observatory.RuleDisputed], by[""])}
	out = append(out, t.rows...)
	if t.more > 0 {
		out = append(out, fmt.Sprintf("%s: job family: %d more rows to look at (formations.family_note)", t.file, t.more))
	}
	return out
}
