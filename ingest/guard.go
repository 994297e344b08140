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
// lets a run through.
func guardCatalogue(cfs []*catalogueFile, prev observatory.CatalogueState, opt Options) error {
	if opt.AllowShrink || prev.Formations == 0 {
		return nil
	}
	maxQ := opt.MaxQuarantine
	if maxQ <= 0 {
		maxQ = DefaultMaxQuarantine
	}
	for _, cf := range cfs {
		data, q := cf.in.RowsRead-cf.notData, cf.in.Quarantined-cf.notData
		if data > 0 && float64(q) > maxQ*float64(data) {
			return observatory.Errorf(observatory.ECONFLICT,
				"%s: refused: %d of its %d data rows would be quarantined (%s), over the %s allowed (first: %s). Nothing changed. %s",
				cf.in.Name, q, data, percent(float64(q)/float64(data)), percent(maxQ), firstDataReject(cf.rejects), override)
		}
	}
	maxS := opt.MaxShrink
	if maxS <= 0 {
		maxS = DefaultMaxShrink
	}
	var all []observatory.Formation
	names := make([]string, len(cfs))
	for i, cf := range cfs {
		all = append(all, cf.forms...)
		names[i] = cf.in.Name
	}
	ref := observatory.ReferenceDate(all)
	n := observatory.CountInForce(all, ref)
	if float64(n) >= (1-maxS)*float64(prev.InForce) {
		return nil
	}
	what := "this file's"
	if len(cfs) > 1 {
		what = "these files'"
	}
	return observatory.Errorf(observatory.ECONFLICT,
		"%s: refused: the catalogue would go from %d formations in force (at %s, the current catalogue's latest labelling date) "+
			"to %d (at %s, %s latest labelling date), %s fewer, over the %s allowed. Nothing changed. %s",
		strings.Join(names, ", "), prev.InForce, refDay(prev.Reference), n, refDay(ref), what,
		percent(1-float64(n)/float64(prev.InForce)), percent(maxS), override)
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
