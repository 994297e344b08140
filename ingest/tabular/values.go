package tabular

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/gen-numerique/observatory/observatory"
)

// Normalize folds s for comparing header and place names: compatibility
// decomposition (NFKD), accents dropped, lower case, the ligatures œ æ ß ø
// spelled out, and every run of characters that are neither letters nor digits
// (spaces, punctuation, apostrophes, underscores, symbols) turned into one
// space; the result is trimmed. "Durée (mois)" and "DUREE_MOIS" both give
// "duree mois"; "Main-d'Œuvre" gives "main d oeuvre".
func Normalize(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		// The decomposition leaves the text after an invalid byte as it is
		// ("\xf3à" would keep its accent): mark such bytes first, as the
		// separators they become anyway.
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\ufffd")
		}
		s = norm.NFKD.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	pending := false // a separator is owed before the next kept character
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue // combining accent left by the decomposition
		}
		var rep string
		switch r {
		case 'œ', 'Œ':
			rep = "oe"
		case 'æ', 'Æ':
			rep = "ae"
		case 'ß', 'ẞ':
			rep = "ss"
		case 'ø', 'Ø':
			rep = "o"
		case 'đ', 'Đ':
			rep = "d"
		case 'ł', 'Ł':
			rep = "l"
		}
		if rep == "" && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			pending = b.Len() > 0
			continue
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		if rep != "" {
			b.WriteString(rep)
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// trimCell trims the white space Unicode knows (including U+00A0 and U+202F)
// plus zero-width spaces and stray byte-order marks.
func trimCell(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u2060'
	})
}

// secretMarkers are the values statistical producers put in place of a figure
// that is secret, not available or not applicable. Compared in lower case with
// spaces removed.
var secretMarkers = map[string]bool{
	"": true, "*": true, "**": true, "***": true,
	"-": true, "--": true, "–": true, "—": true, "−": true,
	".": true, "..": true, "...": true, "…": true,
	"nd": true, "n.d.": true, "n.d": true, "n/d": true,
	"nc": true, "n.c.": true, "n.c": true,
	"s": true, "secret": true,
}

// IsSecret reports whether s is blank or one of the markers that stand for a
// secret or unavailable figure (`*`, `-`, `nd`, `n.d.`, `s`, `secret`, …).
func IsSecret(s string) bool {
	t := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
	return secretMarkers[t]
}

func numError(s, what string) error {
	q := s
	if len(q) > 40 {
		q = q[:40] + "…"
	}
	return observatory.Errorf(observatory.EINVALID, "%q is not %s", q, what)
}

// canonicalNumber rewrites a French or English formatted number into the
// syntax strconv accepts: grouping spaces removed (space, U+00A0, U+202F,
// U+2009), the decimal comma turned into a point, a leading U+2212 minus
// turned into '-'. It returns "" when s is not a well-formed number.
//
// Rules: with both ',' and '.', the last one is the decimal separator and the
// other groups thousands; with only one ',' it is a decimal comma; several
// ',' (or several '.') are thousands separators. Groups after a separator
// must have exactly three digits, so "12 34" and "1.23.4" are refused. An
// exponent (1.5E+03, as Excel writes) is accepted.
func canonicalNumber(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	sign := ""
	switch {
	case strings.HasPrefix(s, "-"), strings.HasPrefix(s, "+"):
		if s[0] == '-' {
			sign = "-"
		}
		s = s[1:]
	case strings.HasPrefix(s, "−"):
		sign = "-"
		s = s[len("−"):]
	}
	mant, exp := s, ""
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, exp = s[:i], s[i+1:]
		e := strings.TrimPrefix(strings.TrimPrefix(exp, "+"), "-")
		if e == "" || !allDigits(e) {
			return ""
		}
	}
	// Separate the characters into digits and separators, recording where
	// each separator sits.
	var digits strings.Builder
	type sep struct {
		ch  rune
		pos int // number of digits before it
	}
	var seps []sep
	nd := 0
	for _, r := range mant {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
			nd++
		case r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009':
			seps = append(seps, sep{' ', nd})
		case r == ',' || r == '.':
			seps = append(seps, sep{r, nd})
		default:
			return ""
		}
	}
	if nd == 0 {
		return ""
	}
	// Decide which separator, if any, is the decimal one.
	decimal := rune(0)
	var nComma, nDot int
	var last rune
	for _, p := range seps {
		switch p.ch {
		case ',':
			nComma++
			last = ','
		case '.':
			nDot++
			last = '.'
		}
	}
	switch {
	case nComma > 0 && nDot > 0:
		decimal = last
	case nComma == 1:
		decimal = ','
	case nDot == 1:
		decimal = '.'
	}
	if decimal != 0 {
		n := 0
		for _, p := range seps {
			if p.ch == decimal {
				n++
			}
		}
		if n != 1 {
			return ""
		}
	}
	decPos := -1
	var groups []int // digit positions of grouping separators
	for _, p := range seps {
		if p.ch == decimal {
			decPos = p.pos
			continue
		}
		if decPos >= 0 {
			return "" // a grouping separator after the decimal one
		}
		groups = append(groups, p.pos)
	}
	intLen := nd
	if decPos >= 0 {
		intLen = decPos
	}
	if len(groups) > 0 {
		// First group 1 to 3 digits, then groups of exactly three up to the
		// end of the integer part; no two separators in a row.
		prev := 0
		for i, g := range groups {
			w := g - prev
			if (i == 0 && (w < 1 || w > 3)) || (i > 0 && w != 3) {
				return ""
			}
			prev = g
		}
		if intLen-prev != 3 {
			return ""
		}
	}
	d := digits.String()
	out := sign
	if decPos >= 0 {
		ip, fp := d[:decPos], d[decPos:]
		if ip == "" {
			ip = "0"
		}
		if fp == "" {
			out += ip
		} else {
			out += ip + "." + fp
		}
	} else {
		out += d
	}
	if exp != "" {
		out += "e" + exp
	}
	return out
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// ParseNumber parses a number as French and English files write it: "1 234,5",
// "1234.5", "1 234" (with a space, U+00A0 or U+202F as the thousands
// separator), "1.234,5", "1,234.5", "-3", "1.5E+03". Blanks and secret
// markers (see IsSecret) give ok=false and no error, so callers store NULL.
// Anything else ("7 mois", "12 %", "abc") is an EINVALID error.
func ParseNumber(s string) (v float64, ok bool, err error) {
	t := trimCell(s)
	if IsSecret(t) {
		return 0, false, nil
	}
	c := canonicalNumber(t)
	if c == "" {
		return 0, false, numError(t, "a number")
	}
	v, err = strconv.ParseFloat(c, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false, numError(t, "a number")
	}
	return v, true, nil
}

// ParseInt is ParseNumber for whole numbers: "1 234", "2024", "12.0" are
// accepted, "12.5" is an error. Blanks and secret markers give ok=false.
func ParseInt(s string) (v int64, ok bool, err error) {
	t := trimCell(s)
	if IsSecret(t) {
		return 0, false, nil
	}
	c := canonicalNumber(t)
	if c == "" {
		return 0, false, numError(t, "a whole number")
	}
	if n, err := strconv.ParseInt(c, 10, 64); err == nil {
		return n, true, nil
	}
	f, err := strconv.ParseFloat(c, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false, numError(t, "a whole number")
	}
	return int64(f), true, nil
}

// Excel serial dates count days from 1899-12-30 (the 1900 system, with its
// fictitious 1900-02-29 folded in for serials after 60).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// Serial numbers under minSerial (1927-05-18) are refused: a lone "2016" in a
// date column is far more likely a year than 1905-07-08.
const (
	minSerial = 10000
	maxSerial = 2958465 // 9999-12-31
)

var dateLayouts = []string{
	"2006-01-02",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2/1/2006",
	"2/1/2006 15:04:05",
	"2/1/2006 15:04",
	"2-1-2006",
	"2.1.2006",
	"2006/1/2",
}

// ParseDate parses the dates found in French exports: ISO "2016-02-03"
// (optionally with a time, "2016-02-03T00:00:00"), day-first "03/02/2016",
// "3/2/2016", "03-02-2016", "03.02.2016", and Excel serial numbers written as
// text ("42403", "42403.5"). Two-digit years are refused as ambiguous, and so
// are serials below 10000 (a bare year such as "2016" is not a date). The
// result is in UTC, between the years 1000 and 9999; a time zone in the
// input is converted.
func ParseDate(s string) (time.Time, error) {
	t := trimCell(s)
	if t == "" {
		return time.Time{}, numError(t, "a date")
	}
	if t[0] >= '0' && t[0] <= '9' && !strings.ContainsAny(t, "-/: T") {
		if f, err := strconv.ParseFloat(t, 64); err == nil && !strings.ContainsAny(t, "eE") {
			if f < minSerial || f > maxSerial {
				return time.Time{}, numError(t, "a date (a serial number between 10000 and 2958465 was expected)")
			}
			days := math.Floor(f)
			secs := math.Round((f - days) * 86400)
			return excelEpoch.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second), nil
		}
	}
	for _, l := range dateLayouts {
		if d, err := time.Parse(l, t); err == nil {
			// Checked in UTC: a time zone can carry 9999-12-31 into year
			// 10000, which no layout reads back.
			if d = d.UTC(); d.Year() < 1000 || d.Year() > 9999 {
				break
			}
			return d, nil
		}
	}
	return time.Time{}, numError(t, "a date")
}
