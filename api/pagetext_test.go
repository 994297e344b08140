package api

import (
	"testing"

	"github.com/gen-numerique/observatory/observatory"
)

func TestFormatNumber(t *testing.T) {
	for _, c := range []struct {
		v        float64
		lang     string
		expected string
	}{
		{1234567, "fr", "1\u202f234\u202f567"},
		{1234567, "en", "1,234,567"},
		{12.345, "fr", "12,3"},
		{0.456, "en", "0.46"},
		{-1500.5, "fr", "-1\u202f500,5"},
		{0, "fr", "0"},
	} {
		if got := observatory.FormatNumber(c.v, c.lang); got != c.expected {
			t.Errorf("observatory.FormatNumber(%v, %s) = %q, want %q", c.v, c.lang, got, c.expected)
		}
	}
}
