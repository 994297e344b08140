package api_test

import (
	"fmt"
	"math"
	"testing"
)

// sum adds up the values of an indicator at a level.
func sum(t *testing.T, e *env, path string) (float64, values) {
	t.Helper()
	var v values
	if res := e.get(t, path, &v); res.StatusCode != 200 {
		t.Fatalf("%s: %d", path, res.StatusCode)
	}
	var s float64
	for _, it := range v.Items {
		if it.Value != nil {
			s += *it.Value
		}
	}
	return s, v
}

// The offer sums to the same totals by région, département and bassin
// (every formation is in one of each), and BMO's projects by bassin add up
// to its projects by région (the survey's rows are bassins).
func TestBassinLevelReconciles(t *testing.T) {
	e := newEnv(t)
	for _, q := range []string{"", "&view=labelled", "&wave=1", "&family=developpement"} {
		for _, ind := range []string{"formations", "learners"} {
			var totals []float64
			for _, lv := range []string{"region", "departement", "bassin"} {
				s, _ := sum(t, e, "/api/v1/indicators/"+ind+"?level="+lv+q)
				totals = append(totals, s)
			}
			if totals[0] == 0 || totals[0] != totals[1] || totals[1] != totals[2] {
				t.Errorf("%s%s: région %v, département %v, bassin %v", ind, q, totals[0], totals[1], totals[2])
			}
		}
	}
	reg, _ := sum(t, e, "/api/v1/indicators/hiring_projects?level=region&year=2024")
	bas, v := sum(t, e, "/api/v1/indicators/hiring_projects?level=bassin&year=2024")
	if reg == 0 || reg != bas {
		t.Errorf("hiring projects 2024: régions %v, bassins %v", reg, bas)
	}
	if len(v.Items) != 406 {
		t.Errorf("%d bassins in BMO 2024's figures, want the 403 of the reference and the survey's 3 others", len(v.Items))
	}
}

// The supply/demand ratio answers for every bassin: a value, or null with
// the reason; the survey's bassins without communes say so.
func TestSupplyDemandByBassin(t *testing.T) {
	e := newEnv(t)
	_, v := sum(t, e, "/api/v1/indicators/supply_demand_ratio?level=bassin&family=developpement")
	if len(v.Items) != 406 {
		t.Fatalf("%d bassins", len(v.Items))
	}
	valued := 0
	for _, it := range v.Items {
		if it.Value != nil {
			valued++
			if *it.Value < 0 || math.IsNaN(*it.Value) {
				t.Errorf("%s: %v", it.Code, *it.Value)
			}
			continue
		}
		if it.Reason == "" || it.Note == "" {
			t.Errorf("%s: null without reason", it.Code)
		}
	}
	for _, code := range []string{"104", "304", "7549"} {
		if it := v.value(t, code); it.Value != nil || it.Reason != "no_source" {
			t.Errorf("%s: %v %q, want null no_source", code, it.Value, it.Reason)
		}
	}
	// 155 with the stand-in and BMO 2024; the rest are secret, too few
	// projects or none.
	if valued < 100 {
		t.Errorf("only %d bassins with a ratio", valued)
	}
}

// Coverage layers exist for bassins (every bassin with the main figures)
// and communes (the access figures).
func TestCoverageBassinCommune(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		level string
		n     int
		prop  string
	}{{"bassin", 403, "coverage_class"}, {"commune", 34_875, "access_e2sfca"}} {
		var fc struct {
			Features []struct {
				ID         string         `json:"id"`
				Properties map[string]any `json:"properties"`
			} `json:"features"`
		}
		res := e.get(t, "/api/v1/coverage/"+c.level+".geojson", &fc)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", c.level, res.StatusCode)
		}
		// The commune layer has the communes with an outline: all but the
		// arrondissements, which are not communes.
		if len(fc.Features) < c.n-200 || len(fc.Features) > c.n {
			t.Errorf("%s: %d features, want about %d", c.level, len(fc.Features), c.n)
		}
		for _, f := range fc.Features {
			if _, ok := f.Properties[c.prop]; !ok {
				t.Fatalf("%s %s: no %s in %v", c.level, f.ID, c.prop, f.Properties)
			}
			if c.level == "commune" && fmt.Sprint(f.Properties["bassin"]) == "" {
				t.Errorf("commune %s: no bassin", f.ID)
			}
		}
	}
}
