package api

import (
	"context"
	"net/url"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

// offerTimeParams say when the offer is read: at=YYYY-MM-DD, wave=N (just
// after that labelling wave), year=Y (1 July of Y, and BMO survey Y), and
// view=in_force|labelled. observatory.IndicatorQuery documents them.
var offerTimeParams = []string{"at", "view", "wave", "year"}

type offerTime struct {
	At   time.Time
	View string
	Wave int
	Year int
}

// offerTime reads the offer-time parameters; at most one of at, wave and
// year may be given.
func (p *params) offerTime() offerTime {
	t := p.anyOfferTime()
	if t.dates() > 1 {
		p.fail("at", "give one of at, wave and year: each sets the date the offer is read at")
	}
	return t
}

// anyOfferTime reads the offer-time parameters, several dates allowed.
func (p *params) anyOfferTime() offerTime {
	t := offerTime{Year: p.int("year", 0, 2000, 2100), Wave: p.int("wave", 0, 1, 99), View: p.str("view")}
	if v := p.str("at"); v != "" {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil || d.Year() < 2000 || d.Year() > 2100 {
			p.fail("at", "at must be a date YYYY-MM-DD between 2000 and 2100, e.g. 2021-11-30")
		}
		t.At = d
	}
	switch t.View {
	case "", observatory.ViewInForce, observatory.ViewLabelled:
	default:
		p.fail("view", "view must be %s (labels in force at the date) or %s (everything labelled by then)",
			observatory.ViewInForce, observatory.ViewLabelled)
	}
	return t
}

// dates counts the dates given among at, wave and year.
func (t offerTime) dates() int {
	n := 0
	for _, set := range []bool{!t.At.IsZero(), t.Wave != 0, t.Year != 0} {
		if set {
			n++
		}
	}
	return n
}

// first keeps the most precise date given: at, then wave, then year. The
// map page's form may send several; the API refuses that.
func (t offerTime) first() offerTime {
	switch {
	case !t.At.IsZero():
		t.Wave, t.Year = 0, 0
	case t.Wave != 0:
		t.Year = 0
	}
	return t
}

// query sets the time of an indicator query.
func (t offerTime) query(q observatory.IndicatorQuery) observatory.IndicatorQuery {
	q.At, q.View, q.Wave, q.Year = t.At, t.View, t.Wave, t.Year
	return q
}

// formationsAt resolves the time of a list of formations to a date: the
// wave's labelling date, 1 July of the year, the date given, or the
// reference date for a view with no date. Zero (every formation) when
// nothing is asked.
func formationsAt(ctx context.Context, st observatory.Store, t offerTime) (time.Time, string, error) {
	if t.At.IsZero() && t.Wave == 0 && t.Year == 0 && t.View == "" {
		return time.Time{}, "", nil
	}
	cal, err := st.Calendar(ctx)
	if err != nil {
		return time.Time{}, "", err
	}
	view := t.View
	if view == "" {
		view = observatory.ViewInForce
	}
	switch {
	case !t.At.IsZero():
		return t.At, view, nil
	case t.Wave != 0:
		w, ok := cal.Wave(t.Wave)
		if !ok {
			return time.Time{}, "", observatory.ParamError("wave", "no labelling wave %d in this snapshot", t.Wave)
		}
		return w.Date, view, nil
	case t.Year != 0:
		return time.Date(t.Year, time.July, 1, 0, 0, 0, 0, time.UTC), view, nil
	}
	return cal.Reference, view, nil
}

// drillURL is the list of the rows behind a value.
func drillURL(d observatory.DrillDown) string {
	if d.List == "" {
		return ""
	}
	q := url.Values{}
	for k, v := range d.Params {
		if v != "" && k != string(observatory.LevelNational) {
			q.Set(k, v)
		}
	}
	path := "/api/v1/formations"
	switch d.List {
	case observatory.DrillJobDemandCells:
		path = "/api/v1/job-demand"
		q.Set("group", string(observatory.GroupCell))
		q.Set("limit", "1000")
	case observatory.DrillCommunes:
		path = "/api/v1/indicators/" + q.Get("indicator")
		q.Del("indicator")
		q.Set("level", string(observatory.LevelCommune))
		q.Set("explain", "1")
	default:
		q.Set("limit", "1000")
	}
	return path + "?" + q.Encode()
}

// explained fills the drill-down URLs of values that carry an explanation.
func explained(vals []observatory.Value) {
	for i := range vals {
		if ex := vals[i].Explain; ex != nil {
			ex.URL = drillURL(ex.DrillDown)
		}
	}
}
