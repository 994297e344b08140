package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

type values struct {
	Synthetic bool   `json:"synthetic"`
	Notice    string `json:"notice"`
	Total     int    `json:"total"`
	Time      struct {
		At        string `json:"at"`
		View      string `json:"view"`
		Basis     string `json:"basis"`
		Reference string `json:"reference_date"`
		Survey    int    `json:"survey"`
	} `json:"time"`
	Indicator struct {
		ID string `json:"id"`
	} `json:"indicator"`
	Items []valueItem `json:"items"`
}

// valueItem is one value as the API gives it.
type valueItem struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Year    int      `json:"year"`
	Family  string   `json:"family"`
	Value   *float64 `json:"value"`
	Class   string   `json:"class"`
	Target  *float64 `json:"target"`
	Note    string   `json:"note"`
	NoteFR  string   `json:"note_fr"`
	Reason  string   `json:"reason"`
	Flags   []string `json:"flags"`
	At      string   `json:"at"`
	Survey  int      `json:"survey"`
	Secret  int      `json:"secret_rows"`
	Explain *struct {
		Numerator   *float64 `json:"numerator"`
		Denominator *float64 `json:"denominator"`
		Rows        int      `json:"rows"`
		URL         string   `json:"drilldown"`
		SentenceFR  string   `json:"sentence_fr"`
		SentenceEN  string   `json:"sentence_en"`
	} `json:"explain"`
}

type problem struct {
	Status int    `json:"status"`
	Param  string `json:"param"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
}

func TestIndicatorRegistry(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	var reg struct {
		Total int `json:"total"`
		Items []struct {
			ID, TitleFR, Unit string
			Levels            []string `json:"levels"`
		} `json:"items"`
	}
	e.get(t, "/api/v1/indicators", &reg)
	if reg.Total < 13 || len(reg.Items) != reg.Total {
		t.Fatalf("registry: %d items, total %d", len(reg.Items), reg.Total)
	}
}

func TestIndicatorValues(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	var v values
	res := e.get(t, "/api/v1/indicators/formations?level=region", &v)
	if res.StatusCode != 200 || v.Total != 18 || len(v.Items) != 18 {
		t.Fatalf("status %d, %d régions", res.StatusCode, len(v.Items))
	}
	if !v.Synthetic || v.Notice == "" || res.Header.Get("X-Observatory-Synthetic") != "true" {
		t.Error("values from the synthetic catalogue are not flagged")
	}
	sum := 0.0
	for _, it := range v.Items {
		sum += *it.Value
	}
	// The offer in force at the reference date, as the list filtered the same way.
	if v.Time.View != "in_force" || v.Time.At == "" || v.Time.At != v.Time.Reference {
		t.Errorf("time %+v, want in force at the reference date", v.Time)
	}
	var l list
	e.get(t, "/api/v1/formations?limit=1&view=in_force&at="+v.Time.At, &l)
	if int(sum) != l.Total {
		t.Errorf("formations by région add up to %v, the list in force on %s has %d", sum, v.Time.At, l.Total)
	}

	// A time series: one territory, no year.
	e.get(t, "/api/v1/indicators/formations?level=departement&code=69", &v)
	if len(v.Items) < 2 {
		t.Fatalf("series of 69: %d values", len(v.Items))
	}
	for _, it := range v.Items {
		if it.Code != "69" || it.Year < 2015 {
			t.Errorf("series value %+v", it)
		}
	}

	// The first labelling wave, one family.
	e.get(t, "/api/v1/indicators/coverage_class?level=departement&wave=1", &v)
	none := 0
	for _, it := range v.Items {
		if it.Class == "none" {
			none++
		}
	}
	if none < 20 {
		t.Errorf("first wave leaves only %d départements without formation", none)
	}

	e.get(t, "/api/v1/indicators/targets", &v)
	if len(v.Items) != 5 || v.Items[0].Target == nil || *v.Items[0].Target != 500 {
		t.Fatalf("targets: %+v", v.Items)
	}
	for _, it := range v.Items {
		if it.Value == nil && (it.Note == "" || it.NoteFR == "" || it.Reason == "") {
			t.Errorf("target %s is not available and says not why", it.Code)
		}
	}
}

func TestIndicatorErrors(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	for path, want := range map[string]struct {
		status int
		param  string
	}{
		"/api/v1/indicators/nope":                                  {404, ""},
		"/api/v1/indicators/formations?level=commune":              {400, "level"},
		"/api/v1/indicators/formations?level=region&code=99":       {400, "code"},
		"/api/v1/indicators/formations?level=departement&code=20":  {400, "code"},
		"/api/v1/indicators/formations?year=1850":                  {400, "year"},
		"/api/v1/indicators/formations?year=abc":                   {400, "year"},
		"/api/v1/indicators/formations?wave=0":                     {400, "wave"},
		"/api/v1/indicators/formations?family=astrologie":          {400, "family"},
		"/api/v1/indicators/formations?colour=blue":                {400, "colour"},
		"/api/v1/indicators/targets?level=region":                  {400, "level"},
		"/api/v1/territories/canton/69123/profile":                 {400, "level"},
		"/api/v1/territories/departement/99/profile":               {404, ""},
		"/api/v1/territories/departement/69/profile?family=x":      {400, "family"},
		"/api/v1/indicators/hiring_projects?level=bassin&code=abc": {400, "code"},
	} {
		var p problem
		res := e.get(t, path, &p)
		if res.StatusCode != want.status || p.Param != want.param || p.Detail == "" {
			t.Errorf("%s: %d %+v, want %d naming %q", path, res.StatusCode, p, want.status, want.param)
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s: content type %q", path, ct)
		}
	}
}

func TestProfile(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	var p struct {
		Synthetic bool `json:"synthetic"`
		Territory struct {
			Code, Name string
			Population int64
		} `json:"territory"`
		Indicators map[string]struct {
			Value *float64 `json:"value"`
			Class string   `json:"class"`
		} `json:"indicators"`
		Families   []struct{ Family string } `json:"families"`
		Neighbours []struct {
			Code  string `json:"code"`
			Class string `json:"coverage_class"`
		} `json:"neighbours"`
		Gaps []struct {
			Members []string `json:"members"`
		} `json:"gaps"`
		Formations struct {
			Total int `json:"total"`
			Items []struct {
				ID, Href string
			} `json:"items"`
		} `json:"formations"`
	}
	res := e.get(t, "/api/v1/territories/departement/69/profile", &p)
	if res.StatusCode != http.StatusOK || p.Territory.Name != "Rhône" || !p.Synthetic {
		t.Fatalf("profile of 69: %d %+v", res.StatusCode, p.Territory)
	}
	n := p.Indicators["formations"].Value
	if n == nil || int(*n) != p.Formations.Total || len(p.Formations.Items) != p.Formations.Total {
		t.Errorf("69: indicator says %v formations, list %d of %d", n, len(p.Formations.Items), p.Formations.Total)
	}
	if p.Indicators["coverage_class"].Class == "" || len(p.Families) < 5 {
		t.Errorf("69: coverage %+v, %d families", p.Indicators["coverage_class"], len(p.Families))
	}
	var near []string
	for _, n := range p.Neighbours {
		near = append(near, n.Code)
		if n.Class == "" {
			t.Errorf("neighbour %s has no coverage class", n.Code)
		}
	}
	if strings.Join(near, " ") != "01 38 42 71" {
		t.Errorf("neighbours of 69: %v", near)
	}
	for _, it := range p.Formations.Items {
		var f struct{ Departement string }
		if res := e.get(t, it.Href, &f); res.StatusCode != 200 || f.Departement != "69" {
			t.Errorf("%s: %d, département %q", it.Href, res.StatusCode, f.Departement)
		}
	}
	// Creuse has no formation in the default catalogue: its profile shows
	// the zone it belongs to.
	e.get(t, "/api/v1/territories/departement/23/profile", &p)
	if len(p.Gaps) == 0 || !slices.Contains(p.Gaps[0].Members, "23") {
		t.Errorf("profile of 23: gaps %+v", p.Gaps)
	}
}
