package observatory

// Precision is how many decimals a figure is published with, in files and
// on the map: counts as integers, shares to 0.1 percentage point,
// distances to 0.1 km, ratios and indices to 2 decimals. The figures are
// computed in full precision; only their publication is rounded.
const (
	DecimalsCount    = 0
	DecimalsPercent  = 1 // a share in % (0–100): 0.1 percentage point
	DecimalsFraction = 3 // a share as a fraction (0–1): 0.1 percentage point
	DecimalsKm       = 1
	DecimalsRatio    = 2
)

// Decimals is the precision of the indicator's values, from its unit.
func (ind Indicator) Decimals() int {
	switch ind.Unit {
	case "formations", "structures", "learners", "hiring projects", "inhabitants":
		return DecimalsCount
	case "%":
		return DecimalsPercent
	case "km":
		return DecimalsKm
	}
	return DecimalsRatio // rates per 100,000, ratios, indices, mixed targets
}
