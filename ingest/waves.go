package ingest

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

// The wave rule's parameters (docs/design.md, "Waves").
const (
	// campaignGapDays: a labelling date at most this many days after the
	// previous distinct date belongs to the same campaign. GEN labelled by
	// calls whose juries sat on one day; a month covers dates typed a few
	// days off, and the closest calls of the catalogue are two months apart.
	campaignGapDays = 31
	// A campaign has at least minCampaignRows formations and
	// minCampaignShare of the dated ones: fewer are dates typed wrong or
	// labelled out of any call, not a wave.
	minCampaignRows  = 3
	minCampaignShare = 0.01
)

// waveRow is what the wave rule knows of one loaded row, or of n rows with
// the same labelling day and wave: the rule decides alike for all of
// them, so a run of millions of rows is decided over its few distinct
// pairs.
type waveRow struct {
	labelled *time.Time
	wave     *int // as the file gives it; nil when blank or the file has no wave column
	n        int  // rows it stands for; 0 is 1
}

func (r waveRow) rows() int { return max(r.n, 1) }

// waveOutcome is the rule's decision for one row.
type waveOutcome struct {
	wave     *int
	rule     string // observatory.Wave*; "" when the row has no wave
	repaired string // the reason, when rule is WaveRepaired
	reject   string // the reason to quarantine the row, when date and wave contradict each other
	stray    string // why the row's date fits no campaign, when it does not
}

// waveResult is the rule's decision for a whole run.
type waveResult struct {
	rows      []waveOutcome
	campaigns []observatory.Campaign // in date order; Wave 0 when none could be given
	derived   bool                   // no row had a wave: the waves are the campaigns'
	mixed     []string               // campaigns holding another wave than their own in many rows, kept as the files give them
}

// assignWaves applies the wave rule to the rows of a catalogue run.
//
// Campaigns: the distinct labelling dates, sorted, are cut wherever one is
// more than campaignGapDays after the previous one; a group with at least
// max(minCampaignRows, minCampaignShare of the dated rows) rows is a
// campaign, and the rows of a smaller group have a date that fits no
// campaign (stray).
//
// Without any wave in the files, each row takes its campaign's wave: the
// number the current snapshot gives the same campaign (one of its waves
// whose dates lie within campaignGapDays of the campaign's), else, in date
// order, the numbers after the current snapshot's last wave (1, 2, … for a
// first catalogue). Stray and undated rows have no wave.
//
// With waves in the files, each campaign's wave is the one more than half
// of its rows give. A row giving another wave, one that fewer than the
// campaign's minimum of rows of the campaign give (an outlier, not a second
// wave the cut merged), is repaired to the campaign's wave when its own
// wave is no campaign's; when it is another campaign's, date and wave
// contradict each other and the row is quarantined. Rows without a wave
// take their campaign's, if it has one; stray and undated rows keep the
// file's wave.
func assignWaves(rows []waveRow, known []observatory.Campaign) waveResult {
	res := waveResult{rows: make([]waveOutcome, len(rows))}
	of, camps, minRows := campaignsOf(rows)
	res.campaigns = camps
	anyWave := slices.ContainsFunc(rows, func(r waveRow) bool { return r.wave != nil })
	res.derived = !anyWave

	// tally[c][w]: rows of campaign c giving wave w.
	tally := make([]map[int]int, len(camps))
	for i, r := range rows {
		if c := of[i]; c >= 0 && r.wave != nil {
			if tally[c] == nil {
				tally[c] = map[int]int{}
			}
			tally[c][*r.wave] += r.rows()
		}
	}
	if anyWave {
		for c := range camps {
			camps[c].Wave = majority(tally[c])
		}
	} else {
		numberCampaigns(camps, known)
	}
	owner := map[int]int{} // wave -> campaign whose wave it is
	for c := range camps {
		if w := camps[c].Wave; w != 0 {
			if _, dup := owner[w]; !dup {
				owner[w] = c
			}
		}
	}
	for c := range camps {
		for _, w := range sortedWaves(tally[c]) {
			if n := tally[c][w]; w != camps[c].Wave && camps[c].Wave != 0 && n >= minRows {
				res.mixed = append(res.mixed, fmt.Sprintf("the campaign of %s (wave %d) also holds %d rows of wave %d", day(camps[c].Date), camps[c].Wave, n, w))
			}
		}
	}

	for i, r := range rows {
		out := &res.rows[i]
		c := of[i]
		if r.labelled != nil && c < 0 {
			out.stray = strayReason(*r.labelled, camps)
		}
		if r.wave == nil {
			if c >= 0 && camps[c].Wave != 0 {
				out.wave, out.rule = ptrInt(camps[c].Wave), observatory.WaveDerived
			}
			continue
		}
		out.wave, out.rule = r.wave, observatory.WaveFile
		if c < 0 || camps[c].Wave == 0 || *r.wave == camps[c].Wave || tally[c][*r.wave] >= minRows {
			continue
		}
		cw := camps[c].Wave
		if o, ok := owner[*r.wave]; ok {
			out.wave, out.rule = nil, ""
			out.reject = fmt.Sprintf("the file says wave %d, the wave of the campaign of %s, but the labelling date %s is in the campaign of %s (wave %d): the date or the wave is wrong",
				*r.wave, day(camps[o].Date), day(*r.labelled), day(camps[c].Date), cw)
			continue
		}
		out.wave, out.rule = ptrInt(cw), observatory.WaveRepaired
		out.repaired = fmt.Sprintf("wave %d is no campaign's; the labelling date %s is in the campaign of %s, wave %d", *r.wave, day(*r.labelled), day(camps[c].Date), cw)
	}
	return res
}

// campaignsOf groups the rows' labelling dates into campaigns, in date
// order. of[i] is row i's campaign, -1 when undated or stray; minRows is
// the least number of rows a campaign has.
func campaignsOf(rows []waveRow) (of []int, camps []observatory.Campaign, minRows int) {
	byDate := map[time.Time]int{}
	dated := 0
	for _, r := range rows {
		if r.labelled != nil {
			byDate[dateKey(*r.labelled)] += r.rows()
			dated += r.rows()
		}
	}
	minRows = max(minCampaignRows, int(math.Ceil(minCampaignShare*float64(dated))))
	dates := sortedDates(byDate)
	group := map[time.Time]int{} // date -> campaign index
	for start := 0; start < len(dates); {
		end, n := start+1, byDate[dates[start]]
		for end < len(dates) && dates[end].Sub(dates[end-1]) <= campaignGapDays*24*time.Hour {
			n += byDate[dates[end]]
			end++
		}
		if n >= minRows {
			c := observatory.Campaign{First: dates[start], Last: dates[end-1], Rows: n, Date: dates[start]}
			for _, d := range dates[start:end] {
				if byDate[d] > byDate[c.Date] {
					c.Date = d // the most frequent date, the earliest on a tie
				}
				group[d] = len(camps)
			}
			camps = append(camps, c)
		}
		start = end
	}
	of = make([]int, len(rows))
	for i, r := range rows {
		of[i] = -1
		if r.labelled != nil {
			if c, ok := group[dateKey(*r.labelled)]; ok {
				of[i] = c
			}
		}
	}
	return of, camps, minRows
}

// numberCampaigns gives derived campaigns their waves: the current
// snapshot's number for the same campaign, else the next numbers in date
// order.
func numberCampaigns(camps []observatory.Campaign, known []observatory.Campaign) {
	next, used := 1, map[int]bool{}
	for _, k := range known {
		next = max(next, k.Wave+1)
	}
	gap := campaignGapDays * 24 * time.Hour
	for c := range camps {
		for _, k := range known {
			if !used[k.Wave] && !camps[c].First.After(k.Last.Add(gap)) && !camps[c].Last.Before(k.First.Add(-gap)) {
				camps[c].Wave, used[k.Wave] = k.Wave, true
				break
			}
		}
	}
	for c := range camps {
		if camps[c].Wave == 0 {
			camps[c].Wave = next
			next++
		}
	}
}

// majority is the wave more than half of the tally gives, 0 if none.
func majority(tally map[int]int) int {
	total, best, bestN := 0, 0, 0
	for _, w := range sortedWaves(tally) {
		total += tally[w]
		if tally[w] > bestN {
			best, bestN = w, tally[w]
		}
	}
	if bestN*2 > total {
		return best
	}
	return 0
}

// strayReason says how far a date that fits no campaign is from the
// nearest one.
func strayReason(d time.Time, camps []observatory.Campaign) string {
	if len(camps) == 0 {
		return fmt.Sprintf("labelling date %s: the catalogue's dates form no campaign of at least %d formations", day(d), minCampaignRows)
	}
	near := slices.MinFunc(camps, func(a, b observatory.Campaign) int {
		return cmp.Compare(distance(d, a), distance(d, b))
	})
	wave := ""
	if near.Wave != 0 {
		wave = fmt.Sprintf(", wave %d", near.Wave)
	}
	return fmt.Sprintf("labelling date %s fits no campaign (nearest: %s%s, %d days away)", day(d), day(near.Date), wave, int(distance(d, near).Hours()/24))
}

// distance from d to a campaign's span.
func distance(d time.Time, c observatory.Campaign) time.Duration {
	switch {
	case d.Before(c.First):
		return c.First.Sub(d)
	case d.After(c.Last):
		return d.Sub(c.Last)
	}
	return 0
}

// sortedWaves lists a tally's waves in order, so that ties and messages
// do not depend on map order.
func sortedWaves(m map[int]int) []int {
	ws := make([]int, 0, len(m))
	for w := range m {
		ws = append(ws, w)
	}
	slices.Sort(ws)
	return ws
}

func sortedDates(m map[time.Time]int) []time.Time {
	ds := make([]time.Time, 0, len(m))
	for d := range m {
		ds = append(ds, d)
	}
	slices.SortFunc(ds, time.Time.Compare)
	return ds
}

// dateKey is a labelling date as a day, whatever its clock or zone.
func dateKey(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

func ptrInt(n int) *int { return &n }
