package observatory

import "context"

// Indicator describes one figure of the observatory's indicator system.
type Indicator struct {
	ID         string   `json:"id"`
	TitleFR    string   `json:"title_fr"`
	TitleEN    string   `json:"title_en"`
	Unit       string   `json:"unit"`
	Definition string   `json:"definition"`
	Formula    string   `json:"formula"`
	Levels     []Level  `json:"levels"`
	Sources    []string `json:"sources"`
}

// IndicatorQuery selects values of one indicator. Zero fields mean all
// years, all job families, every territory of the level.
type IndicatorQuery struct {
	ID        string
	Level     Level
	Year      int
	Family    string
	Territory string
}

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
	Class     string   `json:"class,omitempty"` // coverage class: none, low, adequate
}

// IndicatorService computes indicators on the current snapshot.
type IndicatorService interface {
	Indicators() []Indicator
	Values(ctx context.Context, q IndicatorQuery) ([]Value, error)
}
