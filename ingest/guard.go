package ingest

import (
	"fmt"
	"strings"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

// The shrink guard's defaults (docs/design.md, "Shrink guard").
const (
	// DefaultMaxShrink is the share of the formations in force a catalogue
	// run may drop without --allow-shrink. Labels run three years and
	// waves come every few months to years, so a real update rarely drops
	// more than a wave's share of the offer; losing a fifth at once is a
	// partial export, a filter left on, or another publisher's file.
	DefaultMaxShrink = 0.20
	// DefaultMaxQuarantine is the share of a file's data rows that may be
	// quarantined without --allow-shrink: the synthetic stand-in, with its
	// deliberate defects, quarantines 1.3 %; a fifth is a systematic defect
	// (a column of unreadable dates, a shifted layout) that would silently
	// drop that much of the catalogue.
	DefaultMaxQuarantine = 0.20
)

// guardCatalogue refuses a run that would shrink the current catalogue:
// fewer formations in force than (1 - MaxShrink) of the current ones, or a
// file with more than MaxQuarantine of its data rows quarantined. The first
// catalogue of a data directory has nothing to shrink, and AllowShrink
// lets a run through. It runs between the two passes, on what the first
// one kept, so a refused run appends nothing; firstReject gives a file's
// first quarantined data row for the message (a dry second pass).
func guardCatalogue(run *catalogueRun, prev observatory.CatalogueState, firstReject func(*catalogueFile) (string, error)) error {
	opt := run.opt
	if opt.AllowShrink || prev.Formations == 0 {
		return nil
	}
	maxQ := opt.MaxQuarantine
	if maxQ <= 0 {
		maxQ = DefaultMaxQuarantine
	}
	for _, cf := range run.files {
		data, q := cf.in.RowsRead-cf.notData, cf.in.RowsRead-cf.loaded-cf.notData
		if data > 0 && float64(q) > maxQ*float64(data) {
			first, err := firstReject(cf)
			if err != nil {
				return err
			}
			return observatory.Errorf(observatory.ECONFLICT,
				"%s: refused: %d of its %d data rows would be quarantined (%s), over the %s allowed (first: %s). Nothing changed. %s",
				cf.in.Name, q, data, percent(float64(q)/float64(data)), percent(maxQ), first, override)
		}
	}
	maxS := opt.MaxShrink
	if maxS <= 0 {
		maxS = DefaultMaxShrink
	}
	names := make([]string, len(run.files))
	for i, cf := range run.files {
		names[i] = cf.in.Name
	}
	ref, n := run.inForce()
	if float64(n) >= (1-maxS)*float64(prev.InForce) {
		return nil
	}
	what := "this file's"
	if len(run.files) > 1 {
		what = "these files'"
	}
	return observatory.Errorf(observatory.ECONFLICT,
		"%s: refused: the catalogue would go from %d formations in force (at %s, the current catalogue's latest labelling date) "+
			"to %d (at %s, %s latest labelling date), %s fewer, over the %s allowed. Nothing changed. %s",
		strings.Join(names, ", "), prev.InForce, refDay(prev.Reference), n, refDay(ref), what,
		percent(1-float64(n)/float64(prev.InForce)), percent(maxS), override)
}

// inForce is the run's reference date (its latest labelling date) and the
// number of its rows to load in force then, as observatory.ReferenceDate
// and CountInForce compute them over formations.
func (run *catalogueRun) inForce() (time.Time, int) {
	ref := int64(noDate)
	loaded := func(seq int) bool {
		return run.dup[seq].of == 0 && !run.waves.rejected[pairOf(run.rows[seq])]
	}
	for seq, r := range run.rows {
		if r.labelled > ref && loaded(seq) {
			ref = r.labelled
		}
	}
	var refT time.Time
	if ref != noDate {
		refT = time.Unix(ref, 0).UTC()
	}
	n := 0
	for seq, r := range run.rows {
		if loaded(seq) && (r.labelled == noDate || !time.Unix(r.labelled, 0).After(refT)) && (r.end == noDate || time.Unix(r.end, 0).After(refT)) {
			n++
		}
	}
	return refT, n
}

// override says how to let a refused run through.
const override = "If the smaller catalogue is what you mean, run again with --allow-shrink (command line) or allow_shrink=true (upload)."

func firstDataReject(rejects []observatory.Reject) string {
	for _, r := range rejects {
		if strings.HasPrefix(r.Reason, "not a data row") {
			continue
		}
		col := ""
		if r.Column != "" {
			col = ", column " + r.Column
		}
		return fmt.Sprintf("row %d%s: %s", r.Row, col, r.Reason)
	}
	return "none"
}

// percent writes a share as "98.8 %", or "20 %" when whole.
func percent(x float64) string {
	return strings.TrimSuffix(fmt.Sprintf("%.1f", 100*x), ".0") + " %"
}

func refDay(t time.Time) string {
	if t.IsZero() {
		return "no labelling date"
	}
	return day(t)
}
