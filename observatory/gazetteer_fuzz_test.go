package observatory_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/observatory"
)

func fuzzGazetteer(f *testing.F) *observatory.Gazetteer {
	g, err := datasets.Geography()
	if err != nil {
		f.Fatal(err)
	}
	return g
}

var (
	depCodeRe = regexp.MustCompile(`^([0-9]{2}|2[AB]|97[1-6])$`)
	regCodeRe = regexp.MustCompile(`^[0-9]{2}$`)
)

// FuzzNormalizeDepartement: what NormalizeDepartement accepts is the code
// of a département the gazetteer knows, in its canonical form, and
// normalising that code again gives it back.
func FuzzNormalizeDepartement(f *testing.F) {
	for _, s := range []string{"1", "01", " 01 ", "2a", "2B", "971", "069", "69.0", "Rhône", "rhone", "69 - Rhône", "Rhône (69)", "Rhône (13)",
		"20", "97", "Côtes-d’Armor", "Seine-Saint-Denis", "2A: Corse-du-Sud", "978", "75 Paris"} {
		f.Add(s)
	}
	g := fuzzGazetteer(f)
	f.Fuzz(func(t *testing.T, s string) {
		code, ok := g.NormalizeDepartement(s)
		if !ok {
			return
		}
		if _, known := g.Departement(code); !known || !depCodeRe.MatchString(code) {
			t.Fatalf("NormalizeDepartement(%q) = %q, not a known département code", s, code)
		}
		if again, ok := g.NormalizeDepartement(code); !ok || again != code {
			t.Fatalf("NormalizeDepartement(%q) = %q, but NormalizeDepartement(%q) = %q, %v", s, code, code, again, ok)
		}
		if d, _ := g.Departement(code); observatory.NormalizeName(d.Name) != "" {
			if byName, ok := g.NormalizeDepartement(d.Name); !ok || byName != code {
				t.Fatalf("département %s is named %q, which gives %q, %v", code, d.Name, byName, ok)
			}
		}
	})
}

// FuzzNormalizeRegion: the same for régions.
func FuzzNormalizeRegion(f *testing.F) {
	for _, s := range []string{"84", "1", "01", "6", "Auvergne-Rhône-Alpes", "auvergne rhone alpes", "Grand-Est", "Corse", "94 - Corse", "Guadeloupe (01)", "11.0", "00"} {
		f.Add(s)
	}
	g := fuzzGazetteer(f)
	f.Fuzz(func(t *testing.T, s string) {
		code, ok := g.NormalizeRegion(s)
		if !ok {
			return
		}
		if _, known := g.Region(code); !known || !regCodeRe.MatchString(code) {
			t.Fatalf("NormalizeRegion(%q) = %q, not a known région code", s, code)
		}
		if again, ok := g.NormalizeRegion(code); !ok || again != code {
			t.Fatalf("NormalizeRegion(%q) = %q, but NormalizeRegion(%q) = %q, %v", s, code, code, again, ok)
		}
	})
}

// FuzzPostcodeLookup: communes found by postcode or code are consistent
// with it, and a postcode's département is one the gazetteer knows and the
// one its communes lie in when they all lie in one.
func FuzzPostcodeLookup(f *testing.F) {
	for _, s := range []string{"01000", "75011", "94390", "20000", "20200", "97133", "97150", "97411", "98000", "00100", "1000", " 69003 ", "2A004", "75056", "75111", "13055"} {
		f.Add(s)
	}
	g := fuzzGazetteer(f)
	f.Fuzz(func(t *testing.T, s string) {
		pc := strings.TrimSpace(s)
		communes := g.CommunesByPostcode(s)
		deps := map[string]bool{}
		for _, c := range communes {
			if !slices.Contains(c.Postcodes, pc) {
				t.Fatalf("CommunesByPostcode(%q) gave %s %s, whose postcodes are %v", s, c.Code, c.Name, c.Postcodes)
			}
			deps[c.Departement] = true
		}
		if dep, ok := g.DepartementOfPostcode(s); ok {
			if _, known := g.Departement(dep); !known {
				t.Fatalf("DepartementOfPostcode(%q) = %q, unknown", s, dep)
			}
			if len(deps) == 1 && !deps[dep] {
				t.Fatalf("DepartementOfPostcode(%q) = %q, but its communes are in %v", s, dep, deps)
			}
		}
		if c, ok := g.Commune(s); ok {
			if c.Code != s {
				t.Fatalf("Commune(%q) gave %q", s, c.Code)
			}
			if _, known := g.Departement(c.Departement); !known {
				t.Fatalf("commune %s in unknown département %q", c.Code, c.Departement)
			}
		}
	})
}
