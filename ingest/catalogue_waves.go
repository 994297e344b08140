package ingest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

// maxRowNotes caps the per-row lines of one kind in a run's report.
const maxRowNotes = 50

// pairKey is a row's labelling day and wave: the wave rule decides alike
// for every row of one pair.
type pairKey struct {
	day  int64 // days since 1970, noDate when undated
	wave int32
}

func pairOf(r scanRow) pairKey {
	k := pairKey{day: noDate, wave: r.wave}
	if r.labelled != noDate {
		k.day = dateKey(time.Unix(r.labelled, 0).UTC()).Unix() / 86400
	}
	return k
}

// runWaves is the wave rule's decision for a run, by pair, with the
// counts of its note.
type runWaves struct {
	res      waveResult
	outcome  map[pairKey]waveOutcome
	rejected map[pairKey]bool // pairs whose rows are quarantined

	repaired, quarantined, derived, nulls, strays int
	strayLines                                    []string // the first maxRowNotes, filled by the second pass
}

// decideWaves runs the wave rule over the rows of the run that are no
// duplicates. known are the current snapshot's waves, so derived waves
// keep their numbers.
func (run *catalogueRun) decideWaves(known []observatory.Campaign) {
	count := map[pairKey]int{}
	var order []pairKey
	for seq, r := range run.rows {
		if run.dup[seq].of != 0 {
			continue
		}
		k := pairOf(r)
		if count[k] == 0 {
			order = append(order, k)
		}
		count[k]++
	}
	rows := make([]waveRow, len(order))
	for i, k := range order {
		rows[i].n = count[k]
		if k.day != noDate {
			t := time.Unix(k.day*86400, 0).UTC()
			rows[i].labelled = &t
		}
		if k.wave != noWave {
			rows[i].wave = ptrInt(int(k.wave))
		}
	}
	w := &runWaves{res: assignWaves(rows, known), outcome: make(map[pairKey]waveOutcome, len(order)), rejected: map[pairKey]bool{}}
	for i, k := range order {
		o, n := w.res.rows[i], count[k]
		w.outcome[k] = o
		if o.stray != "" {
			w.strays += n
		}
		switch {
		case o.reject != "":
			w.quarantined += n
			w.rejected[k] = true
		case o.repaired != "":
			w.repaired += n
		case o.rule == observatory.WaveDerived:
			w.derived += n
		case o.wave == nil:
			w.nulls += n
		}
	}
	run.waves = w
}

// apply sets a formation's wave by the rule and returns the repair or the
// reject it makes, if any; stray dates go to the notes.
func (w *runWaves) apply(cf *catalogueFile, f *observatory.Formation, r scanRow) (*observatory.Repair, *observatory.Reject) {
	o := w.outcome[pairOf(r)]
	given := f.Wave
	f.Wave, f.WaveRule = o.wave, o.rule
	if o.stray != "" && len(w.strayLines) < maxRowNotes {
		what := "its wave is null"
		if f.Wave != nil {
			what = fmt.Sprintf("wave %d kept as the file gives it", *f.Wave)
		}
		w.strayLines = append(w.strayLines, fmt.Sprintf("%s row %d (%s): %s; %s", cf.in.Name, f.SourceRow, f.ID, o.stray, what))
	}
	switch {
	case o.reject != "":
		return nil, &observatory.Reject{File: cf.in.Name, Sheet: cf.sheet, Row: f.SourceRow,
			Column: cf.cols["wave"], Value: strconv.Itoa(*given), Reason: o.reject}
	case o.repaired != "":
		return &observatory.Repair{File: cf.in.Name, Sheet: cf.sheet, Row: f.SourceRow,
			Column: cf.cols["wave"], Was: strconv.Itoa(*given), Now: strconv.Itoa(*f.Wave), Reason: o.repaired}, nil
	}
	return nil, nil
}

// notes sum up what the rule did, for the report, once the second pass
// has listed the stray rows.
func (w *runWaves) notes() (notes, warnings []string) {
	res := w.res
	if len(res.campaigns) == 0 && w.strays == 0 {
		return nil, nil // no labelling date: nothing to derive or check
	}
	var sb strings.Builder
	if res.derived {
		fmt.Fprintf(&sb, "waves derived from labelling dates: %d campaigns", len(res.campaigns))
	} else {
		fmt.Fprintf(&sb, "waves as the files give them, checked against the campaigns of their labelling dates: %d campaigns", len(res.campaigns))
	}
	for i, c := range res.campaigns {
		sep := ", "
		if i == 0 {
			sep = ": "
		}
		wave := "no wave (no wave given by most of its rows)"
		if c.Wave != 0 {
			wave = strconv.Itoa(c.Wave)
		}
		span := ""
		if !c.First.Equal(c.Last) {
			span = fmt.Sprintf(", %s to %s", day(c.First), day(c.Last))
		}
		fmt.Fprintf(&sb, "%s%s = %s (%d rows%s)", sep, wave, day(c.Date), c.Rows, span)
	}
	if !res.derived {
		fmt.Fprintf(&sb, "; %d repaired, %d quarantined, %d taken from their campaign for want of a wave", w.repaired, w.quarantined, w.derived)
	}
	fmt.Fprintf(&sb, "; %d with a labelling date that fits no campaign", w.strays)
	notes = append(notes, sb.String())
	notes = append(notes, res.mixed...)
	notes = append(notes, w.strayLines...)
	if w.strays > len(w.strayLines) {
		notes = append(notes, fmt.Sprintf("%d more rows whose labelling date fits no campaign", w.strays-len(w.strayLines)))
	}
	if res.derived && w.nulls > 0 {
		warnings = append(warnings, fmt.Sprintf("waves: %d formations have no wave: the files have no wave column, and their labelling date is missing or fits no campaign (those listed in the notes)", w.nulls))
	}
	return notes, warnings
}
