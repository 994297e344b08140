package tabular

import (
	"testing"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Nom de la formation":        "nom de la formation",
		"  Durée (mois) ":            "duree mois",
		"DUREE_MOIS":                 "duree mois",
		"Main-d'Œuvre":               "main d oeuvre",
		"Main-d’œuvre":               "main d oeuvre",
		"Code métier BMO":            "code metier bmo",
		"Variables ":                 "variables",
		"Intitulé\nde la\tformation": "intitule de la formation",
		"N° SIRET":                   "n siret",
		"Île-de-France":              "ile de france",
		"Straße":                     "strasse",
		"Ｆｕｌｌｗｉｄｔｈ":                  "fullwidth",
		"1\u00a0234\u202f5":          "1 234 5",
		"BE24":                       "be24",
		"---":                        "",
		"":                           "",
		"Æsthétique ﬁnale":           "aesthetique finale",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseNumber(t *testing.T) {
	ok := map[string]float64{
		"1 234,5":              1234.5,
		"1234.5":               1234.5,
		"1 234":                1234,
		"1\u00a0234,5":         1234.5,
		"1\u202f234":           1234,
		"12\u202f345\u202f678": 12345678,
		"7,5":                  7.5,
		"-3":                   -3,
		"−3,25":                -3.25,
		"+4":                   4,
		"1.234,5":              1234.5,
		"1,234.5":              1234.5,
		"1,234,567":            1234567,
		"1.5E+03":              1500,
		"48.76897":             48.76897,
		" 42 ":                 42,
		",5":                   0.5,
		"0":                    0,
		"2024":                 2024,
	}
	for in, want := range ok {
		v, good, err := ParseNumber(in)
		if err != nil || !good || v != want {
			t.Errorf("ParseNumber(%q) = %v %v %v, want %v", in, v, good, err, want)
		}
	}
	for _, in := range []string{"", " ", "*", "**", "-", "nd", "ND", "n.d.", "s", "secret", "Secret", "…", "nc", "\u00a0"} {
		v, good, err := ParseNumber(in)
		if err != nil || good || v != 0 {
			t.Errorf("ParseNumber(%q) = %v %v %v, want a NULL", in, v, good, err)
		}
	}
	for _, in := range []string{"7 mois", "12 %", "12%", "abc", "12 34", "1 2345", "1,2,3", "1.2.3,4,5", "0x10", "inf", "NaN", "1e", "--5", "1_000", "1,23,456", "12,345.6.7", "€12"} {
		if v, good, err := ParseNumber(in); err == nil || good {
			t.Errorf("ParseNumber(%q) = %v %v, want an error", in, v, good)
		} else if observatory.ErrorCode(err) != observatory.EINVALID {
			t.Errorf("ParseNumber(%q) error code %s", in, observatory.ErrorCode(err))
		}
	}
	if _, _, err := ParseNumber("7 mois"); observatory.ErrorMessage(err) != `"7 mois" is not a number` {
		t.Errorf("message = %q", observatory.ErrorMessage(err))
	}
}

func TestParseInt(t *testing.T) {
	for in, want := range map[string]int64{"2024": 2024, "1 234": 1234, "12.0": 12, "-7": -7, "101": 101, "9223372036854775807": 9223372036854775807, "1,000,000": 1000000} {
		v, ok, err := ParseInt(in)
		if err != nil || !ok || v != want {
			t.Errorf("ParseInt(%q) = %v %v %v, want %v", in, v, ok, err, want)
		}
	}
	for _, in := range []string{"*", "", "-", "s"} {
		if v, ok, err := ParseInt(in); err != nil || ok || v != 0 {
			t.Errorf("ParseInt(%q) = %v %v %v, want NULL", in, v, ok, err)
		}
	}
	for _, in := range []string{"12.5", "7,5", "7 mois", "1e400", "99999999999999999999"} {
		if _, ok, err := ParseInt(in); err == nil || ok {
			t.Errorf("ParseInt(%q) accepted", in)
		}
	}
}

func TestParseDate(t *testing.T) {
	d := func(y, m, dd, h, mi int) time.Time { return time.Date(y, time.Month(m), dd, h, mi, 0, 0, time.UTC) }
	for in, want := range map[string]time.Time{
		"2016-02-03":                d(2016, 2, 3, 0, 0),
		"2016-02-03T00:00:00":       d(2016, 2, 3, 0, 0),
		"2016-02-03 14:30:00":       d(2016, 2, 3, 14, 30),
		"2016-02-03T14:30:00+01:00": d(2016, 2, 3, 13, 30),
		"03/02/2016":                d(2016, 2, 3, 0, 0),
		"3/2/2016":                  d(2016, 2, 3, 0, 0),
		"03/02/2016 14:30":          d(2016, 2, 3, 14, 30),
		"03-02-2016":                d(2016, 2, 3, 0, 0),
		"03.02.2016":                d(2016, 2, 3, 0, 0),
		"42403":                     d(2016, 2, 3, 0, 0),
		"42403.5":                   d(2016, 2, 3, 12, 0),
		" 29/02/2016 ":              d(2016, 2, 29, 0, 0),
		"2016/02/03":                d(2016, 2, 3, 0, 0),
	} {
		got, err := ParseDate(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "2016", "31/02/2016", "03/02/16", "hier", "0001-01-01", "1e5", "2016-13-01", "99999999", "-42403"} {
		if got, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", in, got)
		}
	}
}
