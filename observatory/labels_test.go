package observatory_test

import (
	"testing"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

func TestInForce(t *testing.T) {
	d := func(s string) *time.Time {
		v, _ := time.Parse(time.DateOnly, s)
		return &v
	}
	at := *d("2020-01-01")
	for _, c := range []struct {
		on, end *time.Time
		want    bool
	}{
		{d("2019-01-01"), d("2022-01-01"), true},
		{d("2020-01-01"), d("2023-01-01"), true},  // labelled that day
		{d("2020-01-02"), d("2023-01-02"), false}, // not yet labelled
		{d("2017-01-01"), d("2020-01-01"), false}, // ends that day
		{d("2017-01-01"), nil, true},              // no end
		{nil, d("2021-01-01"), true},              // no labelling date: in the catalogue, so labelled
		{nil, d("2019-01-01"), false},
		{nil, nil, true},
	} {
		f := observatory.Formation{LabelledOn: c.on, LabelEnd: c.end}
		if got := observatory.InForce(f, at); got != c.want {
			t.Errorf("labelled %v, ending %v: in force %v, want %v", c.on, c.end, got, c.want)
		}
	}
	fs := []observatory.Formation{{LabelledOn: d("2016-02-03"), LabelEnd: d("2019-02-03")}, {LabelledOn: d("2018-06-15")}, {}}
	if ref := observatory.ReferenceDate(fs); !ref.Equal(*d("2018-06-15")) || observatory.CountInForce(fs, ref) != 3 {
		t.Errorf("reference %s, %d in force", ref, observatory.CountInForce(fs, ref))
	}
	if ref := observatory.ReferenceDate(fs[2:]); !ref.IsZero() || observatory.CountInForce(fs[2:], ref) != 1 {
		t.Errorf("no date: reference %s", ref)
	}
}
