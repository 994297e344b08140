package api

import (
	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/observatory"
)

// The precision each number column is published with (export.Column's
// Decimals and Precision): counts as integers, shares to 0.1 percentage
// point, ratios and indices to 2 decimals. Every file format rounds alike
// (export.Table.Pick); the JSON API keeps full precision.

// Precisions in words, for the Table Schema.
const (
	precCount    = "integer (a count)"
	precPercent  = "0.1 (0.1 percentage point)"
	precFraction = "0.001 (0.1 percentage point)"
	precRatio    = "0.01 (2 decimals)"
	precKm       = "0.1 km"
	precDegrees  = "0.1 degree"
	precCoord    = "0.00001 degree (about 1 m)"
	precMonths   = "0.1 month"
	precByUnit   = "by the indicator's unit: counts as integers, % to 0.1 percentage point, km to 0.1, rates, ratios and indices to 2 decimals"
)

var (
	decPercent  = export.Dec(observatory.DecimalsPercent)
	decFraction = export.Dec(observatory.DecimalsFraction)
	decRatio    = export.Dec(observatory.DecimalsRatio)
	decKm       = export.Dec(observatory.DecimalsKm)
	decCount    = export.Dec(observatory.DecimalsCount)
	decCoord    = export.Dec(5)
)

// roundValue rounds an indicator's value (or target) to the precision of
// its unit, for files; nil stays nil (its reason says why).
func roundValue(id string, v *float64) any {
	if v == nil {
		return nil
	}
	ind, ok := observatory.LookupIndicator(id)
	d := observatory.DecimalsRatio
	if ok {
		d = ind.Decimals()
	}
	return export.Round(*v, d)
}
