package ingest

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/gen-numerique/observatory/ingest/tabular"
	"github.com/gen-numerique/observatory/observatory"
)

// The first pass of a catalogue run reads every file and keeps, of each
// row that passes its checks, only what the run's decisions need: its
// spreadsheet row, labelling date, label end and wave (scanRow, 24 bytes),
// and the hashes of its content and id (16 bytes each). Duplicates, waves
// and the shrink guard are then decided over the whole run, and the second
// pass (catalogue_load.go) reads the files again and appends row by row.
// Memory grows by about 60 bytes per row, 120 MB at the 2,000,000-row
// limit, instead of a whole Formation per row.

// Sentinels of scanRow for a missing date or wave.
const (
	noDate = math.MinInt64
	noWave = math.MinInt32
)

// scanRow is what the first pass keeps of a row that passed its checks.
type scanRow struct {
	labelled, end int64 // Unix seconds, noDate when missing
	row           int32 // the row as a spreadsheet shows it, to name the first of duplicates
	wave          int32 // as the file gives it, noWave when blank or absent
}

// keySeq is a row's hash with its sequence number in the run.
type keySeq struct {
	h   [16]byte
	seq uint32
}

// dupMark says a row repeats an earlier one: of is that row's sequence
// number plus one (0: not a duplicate).
type dupMark struct {
	of   uint32
	byID bool // the id is reused with other values; else the whole row repeats
}

// catalogueRun is a catalogue run's state between its two passes.
type catalogueRun struct {
	opt    Options
	files  []*catalogueFile
	rows   []scanRow // every row that passed its checks, in the run's order
	rowKey []keySeq  // freed once duplicates are decided
	idKey  []keySeq
	dup    []dupMark // by sequence number
	waves  *runWaves
}

// catalogueFile is one catalogue file of a run.
type catalogueFile struct {
	f       File
	in      observatory.Input
	sheet   string            // the sheet read, "" for CSV
	cols    map[string]string // concept key -> header text found
	unused  []string          // header cells no concept matched
	notData int               // rows read that are no data: footnotes, repeated headers
	first   int               // sequence number of its first passing row
	n       int               // rows that passed their checks
	loaded  int               // rows to load, once duplicates and waves are decided
	log     *rowLog           // set by the second pass
	notes   []string
	// encoding says how the file was decoded, when there was a choice
	encoding []string
}

// scan is the first pass over one file.
func (run *catalogueRun) scan(ctx context.Context, f File) (*catalogueFile, error) {
	cf := &catalogueFile{f: f, in: observatory.Input{Kind: "catalogue", Name: f.Name, Size: f.Size}, first: len(run.rows)}
	var err error
	if cf.in.SHA256, err = digest(f); err != nil {
		return nil, err
	}
	r, err := openCatalogue(ctx, f, run.opt)
	if err != nil {
		return nil, err
	}
	defer r.close()
	cf.sheet, cf.cols, cf.unused = r.t.Sheet(), r.t.Columns(), r.t.Unmapped()
	cf.encoding = encodingNotes(f.Name, r.t)
	structs, synth := 0, 0
	for {
		cr, err := r.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		cf.in.RowsRead++
		if p := run.opt.Progress; p != nil && cf.in.RowsRead%1000 == 0 {
			p(f.Name, cf.in.RowsRead)
		}
		if cr.reject != nil {
			continue
		}
		if len(run.rows) == math.MaxUint32 {
			return nil, observatory.Errorf(observatory.ETOOLARGE, "%s: too many rows in one run", f.Name)
		}
		seq := uint32(len(run.rows))
		fm := &cr.form
		run.rows = append(run.rows, scanRow{labelled: unixOr(fm.LabelledOn), end: unixOr(fm.LabelEnd), row: int32(fm.SourceRow), wave: waveOr(fm.Wave)})
		run.rowKey = append(run.rowKey, keySeq{cr.key, seq})
		run.idKey = append(run.idKey, keySeq{idKey(fm.ID), seq})
		structs++
		if isSyntheticStructure(fm.Structure) {
			synth++
		}
	}
	cf.n = len(run.rows) - cf.first
	cf.notData = r.t.SkippedCount()
	cf.in.RowsRead += cf.notData
	// A synthetic stand-in must never pass for real data: it is flagged when
	// the caller says so, when its name says so, or when its structures do.
	cf.in.Synthetic = f.Synthetic || strings.Contains(tabular.Normalize(f.Name), "synth") || (structs > 0 && synth*2 >= structs)
	if run.opt.Progress != nil {
		run.opt.Progress(f.Name, cf.in.RowsRead)
	}
	return cf, nil
}

// duplicates decides, over the whole run, which rows repeat an earlier one
// exactly and which reuse an earlier row's id with other values, as a map
// of the rows seen would, in the order the rows were read: a row repeating
// another is a duplicate of the first of them; among the others, a row
// whose id an earlier one has reuses that row's id.
func (run *catalogueRun) duplicates() {
	run.dup = make([]dupMark, len(run.rows))
	bySeq := func(a, b keySeq) int {
		if c := bytes.Compare(a.h[:], b.h[:]); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	}
	mark := func(keys []keySeq, byID bool) {
		slices.SortFunc(keys, bySeq)
		for i := 1; i < len(keys); i++ {
			if keys[i].h == keys[i-1].h {
				first := keys[i-1].seq
				if m := run.dup[first]; m.of != 0 && m.byID == byID {
					first = m.of - 1 // the group's first, marked on the way
				}
				run.dup[keys[i].seq] = dupMark{of: first + 1, byID: byID}
			}
		}
	}
	mark(run.rowKey, false)
	run.rowKey = nil
	ids := run.idKey[:0]
	for _, k := range run.idKey {
		if run.dup[k.seq].of == 0 {
			ids = append(ids, k)
		}
	}
	mark(ids, true)
	run.idKey = nil
}

// where names the row of sequence number seq as messages do.
func (run *catalogueRun) where(seq uint32) string {
	i, _ := slices.BinarySearchFunc(run.files, int(seq), func(cf *catalogueFile, s int) int {
		switch {
		case s < cf.first:
			return 1
		case s >= cf.first+cf.n:
			return -1
		}
		return 0
	})
	cf := run.files[i]
	return fmt.Sprintf("%s row %d", cf.in.Name, run.rows[seq].row)
}

func unixOr(t *time.Time) int64 {
	if t == nil {
		return noDate
	}
	return t.Unix()
}

// waveOr is a wave as scanRow keeps it; count refuses any over int32.
func waveOr(w *int) int32 {
	if w == nil {
		return noWave
	}
	return int32(*w)
}
