package tabular

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// frenchFormat writes v as a French export does: decimal comma, thousands
// grouped by narrow no-break spaces.
func frenchFormat(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	ip, fp, _ := strings.Cut(s, ".")
	var b strings.Builder
	if math.Signbit(v) && v != 0 {
		b.WriteString("−") // U+2212, as typeset tables write it
	}
	for i, d := range ip {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(d)
	}
	if fp != "" {
		b.WriteString("," + fp)
	}
	return b.String()
}

// FuzzParseNumber: an accepted number is finite and comes back the same
// from its plain and its French spellings; blanks and markers are the only
// values neither accepted nor refused.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1 234,5", "1234.5", "1\u00a0234", "1.234,5", "1,234.5", "-3", "1.5E+03", "−12", "*", "n.d.", "7 mois", "12 34", ",5", "1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok, err := ParseNumber(s)
		switch {
		case ok && err != nil:
			t.Fatalf("%q: both a value and an error", s)
		case !ok && err == nil:
			if !IsSecret(trimCell(s)) {
				t.Fatalf("%q: neither a value nor an error", s)
			}
			return
		case !ok:
			return
		}
		if math.IsInf(v, 0) || math.IsNaN(v) {
			t.Fatalf("%q gave %v", s, v)
		}
		for _, again := range []string{strconv.FormatFloat(v, 'g', -1, 64), frenchFormat(v), " " + s + "\u00a0"} {
			w, ok, err := ParseNumber(again)
			if !ok || err != nil || w != v {
				t.Fatalf("%q gave %v, but %q gives %v %v %v", s, v, again, w, ok, err)
			}
		}
	})
}

// FuzzParseInt: an accepted whole number comes back from its decimal
// spelling, and ParseNumber agrees with it.
func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"1 234", "2024", "12.0", "12.5", "-7", "9223372036854775807", "9 223 372 036 854 775 808", "1e3", "1.5E+03", "s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok, err := ParseInt(s)
		if ok && err != nil || !ok && err == nil && !IsSecret(trimCell(s)) {
			t.Fatalf("%q: %d %v %v", s, n, ok, err)
		}
		if !ok {
			return
		}
		if m, ok, err := ParseInt(strconv.FormatInt(n, 10)); !ok || err != nil || m != n {
			t.Fatalf("%q gave %d, its spelling gives %d %v %v", s, n, m, ok, err)
		}
		if v, ok, err := ParseNumber(s); !ok || err != nil || v != float64(n) {
			t.Fatalf("%q: ParseInt %d, ParseNumber %v %v %v", s, n, v, ok, err)
		}
	})
}

// FuzzParseDate: an accepted date is in UTC, has a four-digit year, and
// comes back from its ISO and its French spellings.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2016-02-03", "2016-02-03T00:00:00", "03/02/2016", "3/2/2016", "03-02-2016", "03.02.2016", "42403", "42403.5",
		"2016-02-03T14:30:00+02:00", "2016-02-03 14:30", "2016", "16/02/03", "9999-12-31", "2958465"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.Location() != time.UTC || d.Year() < 1000 || d.Year() > 9999 {
			t.Fatalf("%q gave %v", s, d)
		}
		for _, again := range []string{d.Format("2006-01-02T15:04:05.999999999"), d.Format(time.RFC3339Nano)} {
			if e, err := ParseDate(again); err != nil || !e.Equal(d) {
				t.Fatalf("%q gave %v, but %q gives %v %v", s, d, again, e, err)
			}
		}
		day := d.Truncate(24 * time.Hour)
		if e, err := ParseDate(d.Format("02/01/2006")); err != nil || !e.Equal(day) {
			t.Fatalf("%q gave %v, but its French day gives %v %v", s, d, e, err)
		}
	})
}

// FuzzNormalize: Normalize is idempotent and gives lower-case words of
// letters and digits separated by single spaces.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Durée (mois)", "DUREE_MOIS", "Main-d'Œuvre", "  Code   postal ", "Æsthétique ß", "ﬁchier", "Ⅻ ²", "İstanbul", "\xff\xfe", "l’école·s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize(%q) = %q, but Normalize(%q) = %q", s, n, n, again)
		}
		if !utf8.ValidString(n) || n != strings.TrimSpace(n) || strings.Contains(n, "  ") {
			t.Fatalf("Normalize(%q) = %q", s, n)
		}
	})
}
