package ingest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gen-numerique/observatory/observatory"
)

// maxRowNotes caps the per-row lines of one kind in a run's report.
const maxRowNotes = 50

// applyWaves runs the wave rule over every formation of the run's files and
// applies it: waves and wave_rule set, repairs recorded, rows whose date
// and wave contradict each other moved to quarantine. known are the
// current snapshot's waves, so derived waves keep their numbers.
func applyWaves(cfs []*catalogueFile, known []observatory.Campaign) (notes, warnings []string) {
	var rows []waveRow
	for _, cf := range cfs {
		for _, f := range cf.forms {
			rows = append(rows, waveRow{labelled: f.LabelledOn, wave: f.Wave})
		}
	}
	res := assignWaves(rows, known)
	var strays []string
	repaired, quarantined, derived, nulls := 0, 0, 0, 0
	k := 0
	for _, cf := range cfs {
		kept := cf.forms[:0]
		dropped := map[int]bool{}
		for _, f := range cf.forms {
			o, given := res.rows[k], rows[k].wave
			k++
			f.Wave, f.WaveRule = o.wave, o.rule
			if o.stray != "" {
				what := "its wave is null"
				if f.Wave != nil {
					what = fmt.Sprintf("wave %d kept as the file gives it", *f.Wave)
				}
				strays = append(strays, fmt.Sprintf("%s row %d (%s): %s; %s", cf.in.Name, f.SourceRow, f.ID, o.stray, what))
			}
			switch {
			case o.reject != "":
				quarantined++
				dropped[f.SourceRow] = true
				cf.rejects = append(cf.rejects, observatory.Reject{File: cf.in.Name, Sheet: cf.sheet, Row: f.SourceRow,
					Column: cf.cols["wave"], Value: strconv.Itoa(*given), Reason: o.reject})
				continue
			case o.repaired != "":
				repaired++
				cf.repairs = append(cf.repairs, observatory.Repair{File: cf.in.Name, Sheet: cf.sheet, Row: f.SourceRow,
					Column: cf.cols["wave"], Was: strconv.Itoa(*given), Now: strconv.Itoa(*f.Wave), Reason: o.repaired})
			case o.rule == observatory.WaveDerived:
				derived++
			case f.Wave == nil:
				nulls++
			}
			kept = append(kept, f)
		}
		cf.forms = kept
		if len(dropped) > 0 {
			// A quarantined row is not loaded, so its other repairs are void.
			rs := cf.repairs[:0]
			for _, r := range cf.repairs {
				if !dropped[r.Row] {
					rs = append(rs, r)
				}
			}
			cf.repairs = rs
		}
	}
	if len(res.campaigns) == 0 && len(strays) == 0 {
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
		fmt.Fprintf(&sb, "; %d repaired, %d quarantined, %d taken from their campaign for want of a wave", repaired, quarantined, derived)
	}
	fmt.Fprintf(&sb, "; %d with a labelling date that fits no campaign", len(strays))
	notes = append(notes, sb.String())
	notes = append(notes, res.mixed...)
	if len(strays) > maxRowNotes {
		strays = append(strays[:maxRowNotes], fmt.Sprintf("%d more rows whose labelling date fits no campaign", len(strays)-maxRowNotes))
	}
	notes = append(notes, strays...)
	if res.derived && nulls > 0 {
		warnings = append(warnings, fmt.Sprintf("waves: %d formations have no wave: the files have no wave column, and their labelling date is missing or fits no campaign (those listed in the notes)", nulls))
	}
	return notes, warnings
}
