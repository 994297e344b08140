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
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
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
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
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
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
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

// A bassin's profile counts the formations it lists, names its neighbours
// (Lyon's bassin borders others) and its formations are those the list
// endpoint gives for bassin=; a commune's names its bassin.
func TestBassinProfile(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	var p struct {
		Territory struct {
			Code   string `json:"code"`
			Bassin string `json:"bassin"`
		} `json:"territory"`
		Indicators map[string]valueItem `json:"indicators"`
		Neighbours []struct {
			Code string `json:"code"`
		} `json:"neighbours"`
		Formations struct {
			Total int `json:"total"`
		} `json:"formations"`
	}
	if res := e.get(t, "/api/v1/territories/bassin/8428/profile", &p); res.StatusCode != 200 {
		t.Fatalf("profile: %d", res.StatusCode)
	}
	n := p.Indicators["formations"].Value
	if n == nil || int(*n) != p.Formations.Total || p.Formations.Total == 0 {
		t.Errorf("formations %v, listed %d", n, p.Formations.Total)
	}
	if len(p.Neighbours) < 2 {
		t.Errorf("neighbours of LYON CENTRE: %v", p.Neighbours)
	}
	for _, id := range []string{"supply_demand_ratio", "hiring_projects", "distance_nearest_km", "access_e2sfca", "coverage_class"} {
		if _, ok := p.Indicators[id]; !ok {
			t.Errorf("no %s in a bassin's profile", id)
		}
	}
	var l list
	e.get(t, "/api/v1/formations?bassin=8428&at=2021-11-30", &l) // the profile reads the reference date
	if l.Total != p.Formations.Total {
		t.Errorf("formations?bassin=8428 on 2021-11-30: %d, profile %d", l.Total, p.Formations.Total)
	}
	for _, f := range l.Items {
		if f.Bassin != "8428" {
			t.Errorf("%s in bassin %q", f.ID, f.Bassin)
		}
	}
	if res := e.get(t, "/api/v1/territories/commune/69123/profile", &p); res.StatusCode != 200 || p.Territory.Bassin != "8428" {
		t.Errorf("Lyon's profile: %d, bassin %q", res.StatusCode, p.Territory.Bassin)
	}
	var pb problem
	if res := e.get(t, "/api/v1/territories/bassin/9999/profile", &pb); res.StatusCode != 404 {
		t.Errorf("unknown bassin: %d", res.StatusCode)
	}
}

// At bassin level the default gap rule is distance: with the first wave
// it finds the empty diagonal, as at département level.
func TestBassinDiagonal(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	var g struct {
		Rule struct {
			Indicator string   `json:"indicator"`
			Min       *float64 `json:"min"`
		} `json:"rule"`
		Diagonal bool `json:"diagonal"`
		Items    []struct {
			Members  []string `json:"members"`
			Diagonal bool     `json:"diagonal"`
		} `json:"items"`
	}
	if res := e.get(t, "/api/v1/gaps?level=bassin&wave=1", &g); res.StatusCode != 200 {
		t.Fatalf("%d", res.StatusCode)
	}
	if g.Rule.Indicator != "distance_nearest_km" || g.Rule.Min == nil || *g.Rule.Min != 40 {
		t.Errorf("default rule: %+v", g.Rule)
	}
	if !g.Diagonal || !g.Items[0].Diagonal || len(g.Items[0].Members) < 50 {
		t.Fatalf("no diagonal of bassins at wave 1: %+v", g.Items[:min(3, len(g.Items))])
	}
	// The Creuse's bassins are in it, as the Creuse is at département level.
	var ts struct {
		Items []struct{ Code, Parent string }
	}
	e.get(t, "/api/v1/territories/bassin", &ts)
	parent := map[string]string{}
	for _, b := range ts.Items {
		parent[b.Code] = b.Parent
	}
	creuse := 0
	for _, m := range g.Items[0].Members {
		if parent[m] == "23" {
			creuse++
		}
	}
	if creuse == 0 {
		t.Errorf("no bassin of the Creuse in the diagonal: %v", g.Items[0].Members)
	}
}
