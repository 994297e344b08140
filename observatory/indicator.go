package observatory

import (
	"context"
	"time"
)

// Indicator describes one figure of the observatory's indicator system.
type Indicator struct {
	ID           string   `json:"id"`
	TitleFR      string   `json:"title_fr"`
	TitleEN      string   `json:"title_en"`
	Unit         string   `json:"unit"`
	Definition   string   `json:"definition"`
	DefinitionFR string   `json:"definition_fr"`
	Formula      string   `json:"formula"`
	Levels       []Level  `json:"levels"`
	Sources      []string `json:"sources"` // input kinds: "catalogue", "bmo", "geo"
	// PerFamily: without a family filter, the indicator has one value per
	// territory and job family (the share of each family).
	PerFamily bool `json:"per_family,omitempty"`
	// Thresholds are the quality thresholds of its values (see flags.go).
	Thresholds *Thresholds `json:"thresholds,omitempty"`
}

// The two views of the offer at a date.
const (
	// ViewInForce counts the formations whose label is in force at the
	// date: labelled on or before it, ending after it (or with no end).
	ViewInForce = "in_force"
	// ViewLabelled counts everything labelled on or before the date,
	// expired or not: what "near 500 formations labelled" means.
	ViewLabelled = "labelled"
)

// IndicatorQuery selects values of one indicator. The offer is read at one
// date: At, else just after wave Wave's labelling date, else 1 July of
// Year, else the catalogue's reference date. BMO figures are those of
// survey Year, else the latest survey.
type IndicatorQuery struct {
	ID     string
	Level  Level
	At     time.Time
	View   string // ViewInForce (default) or ViewLabelled
	Year   int
	Wave   int
	Family string // GEN job family id
	// Programmes: the formations of these programmes; none: every
	// programme (the API defaults to the GEN label alone).
	Programmes []string
	Territory  string // a code of Level; without Year, At or Wave it asks for a time series
	Within     Place  // only the territories inside this one (communes of a département…)
	Explain    bool   // add to each value how it was computed
}

// Place is a territory named by its level and code.
type Place struct {
	Level Level
	Code  string
}

// Series reports whether q asks for one territory's values over the years.
func (q IndicatorQuery) Series() bool {
	return q.Territory != "" && q.Year == 0 && q.Wave == 0 && q.At.IsZero()
}

// Value is an indicator's value for one territory: a number, or nil with
// a Reason (never a zero standing for "unknown"). Flags say what a reader
// must know about it.
type Value struct {
	Indicator  string   `json:"indicator"`
	Level      Level    `json:"level"`
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Year       int      `json:"year,omitempty"`
	Family     string   `json:"family,omitempty"`
	At         string   `json:"at,omitempty"`     // date of the offer, YYYY-MM-DD
	Survey     int      `json:"survey,omitempty"` // BMO survey year
	Value      *float64 `json:"value"`
	Reason     string   `json:"reason,omitempty"` // why Value is null: Reason*
	Class      string   `json:"class,omitempty"`  // coverage class: none, low, adequate
	Target     *float64 `json:"target,omitempty"` // national targets only
	Flags      []string `json:"flags"`            // Flag*
	SecretRows int      `json:"secret_rows,omitempty"`
	Note       string   `json:"note,omitempty"`    // in English: the reason, the source, what is left out
	NoteFR     string   `json:"note_fr,omitempty"` // the same in French
	Explain    *Explain `json:"explain,omitempty"`
}

// Result is an indicator's values and the time they describe.
type Result struct {
	Values    []Value
	At        time.Time // the date the offer is read at; zero when no catalogue figure is involved
	View      string
	Basis     string    // how At was chosen, in English
	BasisFR   string    // the same in French
	Reference time.Time // the catalogue's reference date: its latest labelling date
	Survey    int       // the BMO survey used, 0 for none
}

// IndicatorService computes indicators on the current snapshot.
type IndicatorService interface {
	Indicators() []Indicator
	Values(ctx context.Context, q IndicatorQuery) (*Result, error)
}
