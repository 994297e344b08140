package observatory

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// FormatNumber writes v the way the language does: "1 234,5" in French
// (narrow no-break spaces), "1,234.5" in English. Whole numbers get no
// decimals, others one (two under 1, so small ratios stay readable).
func FormatNumber(v float64, lang string) string {
	dec := 1
	switch {
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		dec = 0
	case math.Abs(v) < 1:
		dec = 2
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', dec, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	sep, point := ",", "."
	if lang == "fr" {
		sep, point = "\u202f", ","
	}
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(point + frac)
	}
	return b.String()
}

// FormatDate writes a date the way the language does: 30/11/2021 in
// French, 2021-11-30 in English (ISO 8601, which English readers of open
// data expect).
func FormatDate(t time.Time, lang string) string {
	if lang == "fr" {
		return t.Format("02/01/2006")
	}
	return t.Format(time.DateOnly)
}

// Count writes n and its noun, singular or plural as the language wants:
// French takes the singular below two ("0 formation", "1,5 an"), English
// only for one.
func Count(n float64, lang, one, many string) string {
	noun := many
	if lang == "fr" && math.Abs(n) < 2 || lang != "fr" && n == 1 {
		noun = one
	}
	return FormatNumber(n, lang) + " " + noun
}
