package observatory

import "context"

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
}

// IndicatorQuery selects values of one indicator. Zero fields mean the whole
// catalogue, all job families, every territory of the level.
type IndicatorQuery struct {
	ID        string
	Level     Level
	Year      int    // label year of formations, survey year of BMO; 0: all
	Wave      int    // formations of labelling waves 1..Wave (the offer after that wave); 0: all
	Family    string // GEN job family id
	Territory string // a code of Level; with Year 0 it asks for a time series
}

// Series reports whether q asks for one territory's values over the years.
func (q IndicatorQuery) Series() bool { return q.Territory != "" && q.Year == 0 }

// Value is an indicator's value for one territory. Value is nil when the
// sources cannot support it ("not available"), which is not zero.
type Value struct {
	Indicator string   `json:"indicator"`
	Level     Level    `json:"level"`
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Year      int      `json:"year,omitempty"`
	Family    string   `json:"family,omitempty"`
	Value     *float64 `json:"value"`
	Class     string   `json:"class,omitempty"`  // coverage class: none, low, adequate
	Target    *float64 `json:"target,omitempty"` // national targets only
	Note      string   `json:"note,omitempty"`   // why a value is missing, or which BMO year it uses
}

// IndicatorService computes indicators on the current snapshot.
type IndicatorService interface {
	Indicators() []Indicator
	Values(ctx context.Context, q IndicatorQuery) ([]Value, error)
}
