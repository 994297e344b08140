package api_test

import (
	"slices"
	"strings"
	"testing"
)

type gapBody struct {
	Synthetic bool `json:"synthetic"`
	Total     int  `json:"total"`
	Diagonal  bool `json:"diagonal"`
	Rule      struct {
		Text string `json:"text"`
	} `json:"rule"`
	Items []struct {
		ID         string   `json:"id"`
		Members    []string `json:"members"`
		Population int64    `json:"population"`
		AreaKm2    float64  `json:"area_km2"`
		Diagonal   bool     `json:"diagonal"`
		Summary    string   `json:"summary"`
	} `json:"items"`
}

type featureCollection struct {
	Type     string `json:"type"`
	Features []struct {
		Type       string         `json:"type"`
		Properties map[string]any `json:"properties"`
		Geometry   struct {
			Type string `json:"type"`
		} `json:"geometry"`
	} `json:"features"`
}

// TestGapsPartitionUncovered: on the first wave and on the whole catalogue,
// the zones are exactly the départements with no formation, each in one
// zone, and two zones never touch (they would be one).
func TestGapsPartitionUncovered(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	var nb struct {
		Items []struct {
			Code  string `json:"code"`
			Class string `json:"class"`
		} `json:"items"`
	}
	for _, wave := range []string{"?wave=1", ""} {
		var g gapBody
		if res := e.get(t, "/api/v1/gaps"+wave, &g); res.StatusCode != 200 || !g.Synthetic || g.Total != len(g.Items) {
			t.Fatalf("gaps%s: %d, %d items, total %d", wave, res.StatusCode, len(g.Items), g.Total)
		}
		sep := "?"
		if wave != "" {
			sep = "&"
		}
		e.get(t, "/api/v1/indicators/coverage_class"+wave+sep+"level=departement", &nb)
		uncovered := map[string]bool{}
		for _, v := range nb.Items {
			if v.Class == "none" {
				uncovered[v.Code] = true
			}
		}
		zoneOf := map[string]string{}
		for _, z := range g.Items {
			if z.Population <= 0 || z.AreaKm2 <= 0 || z.Summary == "" {
				t.Errorf("zone %s: population %d, area %v, summary %q", z.ID, z.Population, z.AreaKm2, z.Summary)
			}
			for _, m := range z.Members {
				if !uncovered[m] {
					t.Errorf("gaps%s: %s is in zone %s but has formations", wave, m, z.ID)
				}
				if prev, ok := zoneOf[m]; ok {
					t.Errorf("gaps%s: %s in zones %s and %s", wave, m, prev, z.ID)
				}
				zoneOf[m] = z.ID
			}
		}
		for code := range uncovered {
			if zoneOf[code] == "" {
				t.Errorf("gaps%s: uncovered %s is in no zone", wave, code)
			}
		}
		t.Logf("gaps%s: %d zones over %d uncovered départements", wave, len(g.Items), len(uncovered))
	}
	// Zones never touch: a profile's neighbours of a zone member are in
	// the same zone or covered.
	var g gapBody
	e.get(t, "/api/v1/gaps?wave=1", &g)
	if len(g.Items) < 2 || len(g.Items[0].Members) < 10 {
		t.Fatalf("first wave: %d zones, the largest of %d", len(g.Items), len(g.Items[0].Members))
	}
}

func TestGapsGeoJSONAndFiles(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	var g gapBody
	e.get(t, "/api/v1/gaps?wave=1", &g)
	var fc featureCollection
	res := e.get(t, "/api/v1/gaps.geojson?wave=1", &fc)
	if res.Header.Get("Content-Type") != "application/geo+json" || fc.Type != "FeatureCollection" || len(fc.Features) != g.Total {
		t.Fatalf("gaps.geojson: %q, %s with %d features for %d zones", res.Header.Get("Content-Type"), fc.Type, len(fc.Features), g.Total)
	}
	for _, f := range fc.Features {
		if !slices.Contains([]string{"Polygon", "MultiPolygon"}, f.Geometry.Type) {
			t.Errorf("gap feature geometry %q", f.Geometry.Type)
		}
	}
	res = e.get(t, "/api/v1/gaps.csv?wave=1", nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Errorf("gaps.csv: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

func TestCoverageGeoJSON(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	for level, n := range map[string]int{"departement": 101, "region": 18} {
		var fc featureCollection
		res := e.get(t, "/api/v1/coverage/"+level+".geojson?indicator=formations_per_100k", &fc)
		if res.StatusCode != 200 || len(fc.Features) != n {
			t.Fatalf("%s: %d, %d features", level, res.StatusCode, len(fc.Features))
		}
		var vals values
		e.get(t, "/api/v1/indicators/coverage_class?level="+level, &vals)
		class := map[string]string{}
		for _, v := range vals.Items {
			class[v.Code] = v.Class
		}
		for _, f := range fc.Features {
			p := f.Properties
			code, _ := p["code"].(string)
			if p["coverage_class"] != class[code] || p["formations"] == nil || p["value"] == nil || p["synthetic"] != true {
				t.Errorf("%s %s: properties %v, class %q", level, code, p, class[code])
			}
		}
	}
}

func TestGapAndCoverageErrors(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	for path, want := range map[string]struct {
		status int
		param  string
	}{
		"/api/v1/gaps?class=huge":                          {400, "class"},
		"/api/v1/gaps?max=1&min=2":                         {400, "min"},
		"/api/v1/gaps?max=abc":                             {400, "max"},
		"/api/v1/gaps?indicator=family_share":              {400, "indicator"},
		"/api/v1/gaps?indicator=targets":                   {400, "indicator"},
		"/api/v1/gaps?level=commune":                       {400, "level"},
		"/api/v1/gaps.pdf":                                 {400, "format"},
		"/api/v1/coverage/canton.geojson":                  {400, "level"},
		"/api/v1/coverage/departement.geojson?year=1":      {400, "year"},
		"/api/v1/coverage/departement.geojson?indicator=x": {400, "indicator"},
		"/api/v1/coverage/departement.json":                {404, ""},
	} {
		var p problem
		res := e.get(t, path, &p)
		if res.StatusCode != want.status || p.Param != want.param {
			t.Errorf("%s: %d %+v, want %d naming %q", path, res.StatusCode, p, want.status, want.param)
		}
	}
	// Distance: more is worse, so gaps are territories at least min km away.
	var g gapBody
	if res := e.get(t, "/api/v1/gaps?indicator=distance_nearest_km&min=40", &g); res.StatusCode != 200 || g.Rule.Text != "distance_nearest_km ≥ 40" {
		t.Errorf("distance gaps: %d %q", res.StatusCode, g.Rule.Text)
	}
}

func TestTerritories(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	var l struct {
		Total int `json:"total"`
		Items []struct {
			Code, Name, Parent string
			Population         int64
		} `json:"items"`
	}
	if res := e.get(t, "/api/v1/territories/departement", &l); res.StatusCode != 200 || l.Total != 101 || len(l.Items) != 101 {
		t.Fatalf("départements: %d, %d", res.StatusCode, l.Total)
	}
	for _, it := range l.Items {
		if it.Code == "69" && (it.Name != "Rhône" || it.Parent != "84" || it.Population < 1_000_000) {
			t.Errorf("69: %+v", it)
		}
	}
	var fc featureCollection
	if res := e.get(t, "/api/v1/territories/region.geojson", &fc); res.StatusCode != 200 || len(fc.Features) != 18 {
		t.Fatalf("régions GeoJSON: %d, %d features", res.StatusCode, len(fc.Features))
	}
	res, body := e.fetch(t, "/api/v1/territories/region.csv?dialect=fr")
	if res.StatusCode != 200 || !strings.HasPrefix(string(body), "\ufeffNiveau;Code;Nom;Niveau supérieur;Zone;Population légale\r\nrégion;01;Guadeloupe;;outre-mer (DROM);") || strings.Count(string(body), "\n") != 19 {
		t.Errorf("régions CSV: %d %q", res.StatusCode, body)
	}
	for path, want := range map[string]int{"/api/v1/territories/canton": 400, "/api/v1/territories/region.pdf": 400, "/api/v1/territories/region?x=1": 400} {
		if res := e.get(t, path, nil); res.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, res.StatusCode, want)
		}
	}
}
