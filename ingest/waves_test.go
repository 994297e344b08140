package ingest

import (
	"strings"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

func date(s string) *time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// rowsAt gives n rows labelled on d, with wave w (0: none).
func rowsAt(d string, n, w int) []waveRow {
	rows := make([]waveRow, n)
	for i := range rows {
		rows[i].labelled = date(d)
		if w != 0 {
			rows[i].wave = ptrInt(w)
		}
	}
	return rows
}

func waveOf(o waveOutcome) int {
	if o.wave == nil {
		return 0
	}
	return *o.wave
}

// Without a wave column, the waves are the campaigns in date order; dates a
// few days apart are one campaign; a lone date is reported, its wave null.
func TestWavesDerived(t *testing.T) {
	var rows []waveRow
	rows = append(rows, rowsAt("2016-02-03", 10, 0)...)
	rows = append(rows, rowsAt("2016-02-10", 2, 0)...) // a week later: the same campaign
	rows = append(rows, rowsAt("2016-09-23", 8, 0)...)
	rows = append(rows, rowsAt("2017-06-01", 1, 0)...) // alone: fits no campaign
	rows = append(rows, rowsAt("2018-06-15", 5, 0)...)
	rows = append(rows, waveRow{}) // no date
	res := assignWaves(rows, nil)
	if !res.derived || len(res.campaigns) != 3 {
		t.Fatalf("derived %v, campaigns %+v", res.derived, res.campaigns)
	}
	c := res.campaigns[0]
	if c.Wave != 1 || *date("2016-02-03") != c.Date || *date("2016-02-10") != c.Last || c.Rows != 12 {
		t.Errorf("first campaign %+v", c)
	}
	want := []int{}
	for _, n := range []struct{ n, w int }{{12, 1}, {8, 2}, {1, 0}, {5, 3}, {1, 0}} {
		for range n.n {
			want = append(want, n.w)
		}
	}
	for i, o := range res.rows {
		if waveOf(o) != want[i] {
			t.Errorf("row %d: wave %d, want %d", i, waveOf(o), want[i])
		}
		if rule := map[bool]string{true: observatory.WaveDerived, false: ""}[want[i] != 0]; o.rule != rule || o.reject != "" || o.repaired != "" {
			t.Errorf("row %d: %+v", i, o)
		}
	}
	stray := res.rows[20].stray
	if !strings.Contains(stray, "2017-06-01 fits no campaign") || !strings.Contains(stray, "nearest: 2016-09-23, wave 2") {
		t.Errorf("stray: %q", stray)
	}
	if res.rows[26].stray != "" {
		t.Errorf("an undated row is not stray: %q", res.rows[26].stray)
	}
}

// The current snapshot's numbers are kept for the same campaigns, new ones
// numbered after its last wave: a file of the latest waves does not
// renumber them 1, 2.
func TestWavesKnownNumbers(t *testing.T) {
	known := []observatory.Campaign{
		{Wave: 1, First: *date("2016-02-03"), Last: *date("2016-02-03")},
		{Wave: 6, First: *date("2019-06-20"), Last: *date("2019-06-20")},
		{Wave: 7, First: *date("2021-11-30"), Last: *date("2021-11-30")},
	}
	var rows []waveRow
	rows = append(rows, rowsAt("2019-06-25", 4, 0)...)
	rows = append(rows, rowsAt("2021-11-30", 4, 0)...)
	rows = append(rows, rowsAt("2024-03-01", 4, 0)...)
	res := assignWaves(rows, known)
	for i, want := range []int{6, 7, 8} {
		if got := waveOf(res.rows[4*i]); got != want {
			t.Errorf("campaign %d: wave %d, want %d", i, got, want)
		}
	}
}

// With a wave column, a row that disagrees with its date's campaign is
// repaired when its wave is no campaign's, quarantined when it is another
// campaign's; a row without a wave takes its campaign's; a second wave the
// cut merged into one campaign is kept as the file gives it.
func TestWavesChecked(t *testing.T) {
	var rows []waveRow
	rows = append(rows, rowsAt("2016-02-03", 10, 1)...)
	rows = append(rows, rowsAt("2016-02-03", 1, 17)...) // typo: no campaign is wave 17
	rows = append(rows, rowsAt("2016-02-03", 1, 2)...)  // wave 2 is the next campaign's
	rows = append(rows, rowsAt("2016-02-03", 1, 0)...)  // blank wave
	rows = append(rows, rowsAt("2016-09-23", 10, 2)...)
	rows = append(rows, rowsAt("2016-10-05", 6, 3)...) // a wave of its own 12 days later
	rows = append(rows, rowsAt("2019-01-01", 1, 5)...) // stray, with a wave
	res := assignWaves(rows, nil)
	if res.derived || len(res.campaigns) != 2 || res.campaigns[0].Wave != 1 || res.campaigns[1].Wave != 2 {
		t.Fatalf("campaigns %+v", res.campaigns)
	}
	for i, o := range res.rows[:10] {
		if waveOf(o) != 1 || o.rule != observatory.WaveFile {
			t.Errorf("row %d: %+v", i, o)
		}
	}
	if o := res.rows[10]; waveOf(o) != 1 || o.rule != observatory.WaveRepaired || !strings.Contains(o.repaired, "wave 17 is no campaign's") {
		t.Errorf("typo: %+v", o)
	}
	if o := res.rows[11]; o.wave != nil || !strings.Contains(o.reject, "the date or the wave is wrong") || !strings.Contains(o.reject, "wave 2, the wave of the campaign of 2016-09-23") {
		t.Errorf("contradiction: %+v", o)
	}
	if o := res.rows[12]; waveOf(o) != 1 || o.rule != observatory.WaveDerived {
		t.Errorf("blank wave: %+v", o)
	}
	for i, o := range res.rows[23:29] {
		if waveOf(o) != 3 || o.rule != observatory.WaveFile {
			t.Errorf("second wave row %d: %+v", i, o)
		}
	}
	if len(res.mixed) != 1 || !strings.Contains(res.mixed[0], "also holds 6 rows of wave 3") {
		t.Errorf("mixed: %q", res.mixed)
	}
	if o := res.rows[29]; waveOf(o) != 5 || o.rule != observatory.WaveFile || !strings.Contains(o.stray, "2019-01-01 fits no campaign") {
		t.Errorf("stray with a wave: %+v", o)
	}
}

// A campaign needs max(3, 1 %) of the dated rows; fewer dates are strays.
func TestWavesMinimum(t *testing.T) {
	var rows []waveRow
	rows = append(rows, rowsAt("2016-02-03", 500, 0)...)
	rows = append(rows, rowsAt("2017-02-03", 5, 0)...) // under 1 % of the 511 dated rows, rounded up: 6
	rows = append(rows, rowsAt("2018-02-03", 6, 0)...)
	res := assignWaves(rows, nil)
	if len(res.campaigns) != 2 || waveOf(res.rows[500]) != 0 || waveOf(res.rows[505]) != 2 {
		t.Fatalf("campaigns %+v", res.campaigns)
	}
	if res := assignWaves(rowsAt("2016-02-03", 2, 0), nil); len(res.campaigns) != 0 || !strings.Contains(res.rows[0].stray, "no campaign of at least 3") {
		t.Fatalf("two rows: %+v", res)
	}
}
