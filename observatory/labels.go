package observatory

import "time"

// How a formation's wave was obtained (formations.wave_rule).
const (
	WaveFile     = "file"     // as the file gives it, agreeing with its labelling date's campaign when that can be told
	WaveDerived  = "derived"  // no wave in the file: the campaign of its labelling date
	WaveRepaired = "repaired" // the file's wave fitted no campaign; replaced by its labelling date's (recorded in repairs)
)

// InForce reports whether f's label is in force at d: labelled on or before
// d, and ending after d. A formation without a labelling date counts as
// labelled (it is in the catalogue), one without an end date as never
// ending.
func InForce(f Formation, d time.Time) bool {
	from := f.LabelledOn
	if from == nil {
		from = f.ListedOn // another programme's formation: from the date of its list
	}
	if from != nil && from.After(d) {
		return false
	}
	return f.LabelEnd == nil || f.LabelEnd.After(d)
}

// ReferenceDate is the date a catalogue describes: its latest labelling
// date, the last time its publisher is known to have updated it. It is
// zero when no formation has a labelling date.
func ReferenceDate(fs []Formation) time.Time {
	var ref time.Time
	for i := range fs {
		if d := fs[i].LabelledOn; d != nil && d.After(ref) {
			ref = *d
		}
	}
	return ref
}

// CountInForce counts the formations in force at d.
func CountInForce(fs []Formation, d time.Time) int {
	n := 0
	for i := range fs {
		if InForce(fs[i], d) {
			n++
		}
	}
	return n
}

// Campaign is one labelling wave: the formations labelled at about the same
// date.
type Campaign struct {
	Wave  int       `json:"wave"`
	Date  time.Time `json:"date"`  // the most frequent labelling date
	First time.Time `json:"first"` // the span of its labelling dates
	Last  time.Time `json:"last"`
	Rows  int       `json:"rows"`
}
