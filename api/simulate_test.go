package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
)

type simulation struct {
	Snapshot  string `json:"snapshot"`
	Synthetic bool   `json:"synthetic"`
	Notice    string `json:"notice"`
	Query     string `json:"query"`
	Hash      string `json:"hash"`
	Sites     []struct {
		Commune   string  `json:"commune"`
		Bassin    string  `json:"bassin"`
		Seats     float64 `json:"seats"`
		SeatsRule string  `json:"seats_rule"`
		Brought30 int64   `json:"population_brought_within_30km"`
	} `json:"sites"`
	Summary struct {
		Brought30  int64 `json:"population_brought_within_30km"`
		Brought60  int64 `json:"population_brought_within_60km"`
		Formations struct {
			Before, After float64
		} `json:"formations"`
		Access struct {
			Before, After *float64
		} `json:"access_e2sfca"`
		SentenceFR string `json:"sentence_fr"`
	} `json:"summary"`
	Changes []struct {
		Level, Code, Indicator, Family string
		Before, After, Difference      *float64
		ReasonBefore                   string   `json:"reason_before"`
		Flags                          []string `json:"flags"`
	} `json:"changes"`
	Gaps []struct {
		Level, ID, Status string
		Removed           []string `json:"removed"`
		Members           int      `json:"members_before"`
		MembersAfter      int      `json:"members_after"`
	} `json:"gaps"`
	Ratios []struct {
		Level, Code, Family string
		Projects            *float64 `json:"hiring_projects"`
		Reason              string   `json:"reason"`
	} `json:"ratios"`
	Links     map[string]string `json:"links"`
	Permalink string            `json:"permalink"`
}

func (e *env) post(t testing.TB, path, body string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// TestSimulate: a formation in Creuse (Guéret) on the default snapshot
// takes Creuse out of the département gap zone and Guéret's bassin out of
// the bassin one, with its figures; POST and GET give the same bytes, a
// second POST the same ETag; the snapshot is left as it was.
func TestSimulate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, gapsBefore := e.fetch(t, "/api/v1/gaps")
	_, formBefore := e.fetch(t, "/api/v1/indicators/formations?level=departement")
	body := `{"sites":[{"commune":"23096","family":"developpement","seats":12}]}`
	res, b := e.post(t, "/api/v1/simulate", body)
	if res.StatusCode != 200 {
		t.Fatalf("POST: %d %s", res.StatusCode, b)
	}
	var s simulation
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if !s.Synthetic || !strings.Contains(s.Notice, "SYNTHETIC") || res.Header.Get("X-Observatory-Synthetic") != "true" {
		t.Errorf("not flagged synthetic: %v %q", s.Synthetic, s.Notice)
	}
	if s.Query != "site=23096%2Cdeveloppement%2C12" || len(s.Sites) != 1 || s.Sites[0].Bassin != "7543" || s.Sites[0].SeatsRule != "given" {
		t.Errorf("query %q, sites %+v", s.Query, s.Sites)
	}
	if s.Summary.Formations.Before != 80 || s.Summary.Formations.After != 81 || s.Summary.Brought30 <= 0 || s.Summary.Brought60 < s.Summary.Brought30 ||
		s.Summary.Brought30 != s.Sites[0].Brought30 || *s.Summary.Access.After <= *s.Summary.Access.Before {
		t.Errorf("summary %+v", s.Summary)
	}
	var dep, bassin bool
	for _, g := range s.Gaps {
		switch {
		case g.Level == "departement" && g.ID == "gap-02":
			dep = g.Status == "shrunk" && slices.Equal(g.Removed, []string{"23"}) && g.MembersAfter == g.Members-1
		case g.Level == "bassin" && slices.Contains(g.Removed, "7543"):
			bassin = g.Status == "shrunk" || g.Status == "split"
		}
	}
	if !dep || !bassin {
		t.Errorf("gaps: %+v", s.Gaps)
	}
	found := map[string]bool{}
	for _, c := range s.Changes {
		found[c.Level+"/"+c.Code+"/"+c.Indicator] = true
		if c.Level == "departement" && c.Code == "23" && c.Indicator == "formations" && (*c.Before != 0 || *c.After != 1 || *c.Difference != 1) {
			t.Errorf("Creuse formations: %+v", c)
		}
		if !slices.Contains(c.Flags, "synthetic") {
			t.Errorf("change not flagged synthetic: %+v", c)
		}
		if c.Before == nil && c.ReasonBefore == "" {
			t.Errorf("null without a reason: %+v", c)
		}
	}
	for _, k := range []string{"departement/23/formations", "departement/23/coverage_class", "departement/23/distance_nearest_km",
		"region/75/formations", "bassin/7543/access_e2sfca", "commune/23096/distance_nearest_km", "national/FR/pop_beyond_30km"} {
		if !found[k] {
			t.Errorf("no change %s", k)
		}
	}
	for _, r := range s.Ratios {
		if r.Reason == "secret" && r.Projects != nil {
			t.Errorf("secret projects given as a number: %+v", r)
		}
	}
	if len(s.Ratios) != 3 || !strings.Contains(s.Summary.SentenceFR, "Guéret") {
		t.Errorf("ratios %+v, sentence %q", s.Ratios, s.Summary.SentenceFR)
	}

	// Idempotent, cacheable, and the GET form is the same answer.
	etag := res.Header.Get("ETag")
	res2, b2 := e.post(t, "/api/v1/simulate", `{"sites":[{"family":"developpement","seats":12,"commune":"23096"}]}`)
	if res2.StatusCode != 200 || !bytes.Equal(b, b2) || res2.Header.Get("ETag") != etag || etag == "" {
		t.Errorf("second POST: %d, same bytes %v, ETag %q vs %q", res2.StatusCode, bytes.Equal(b, b2), res2.Header.Get("ETag"), etag)
	}
	if res3, _ := e.post(t, "/api/v1/simulate", body, "If-None-Match", etag); res3.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", res3.StatusCode)
	}
	resG, bg := e.fetch(t, "/api/v1/simulate?"+s.Query)
	if resG.StatusCode != 200 || !bytes.Equal(b, bg) {
		t.Errorf("GET form: %d, same bytes %v\n%.300s", resG.StatusCode, bytes.Equal(b, bg), bg)
	}
	if !strings.Contains(s.Permalink, "/api/v1/simulate?site=23096%2Cdeveloppement%2C12&snapshot="+s.Snapshot) {
		t.Errorf("permalink %q", s.Permalink)
	}
	if resP, bp := e.fetch(t, strings.TrimPrefix(s.Permalink, e.srv.URL)); resP.StatusCode != 200 || !bytes.Equal(b, bp) {
		t.Errorf("permalink: %d", resP.StatusCode)
	}
	resC, bc := e.fetch(t, s.Links["csv"])
	if resC.StatusCode != 200 || !strings.HasPrefix(resC.Header.Get("Content-Type"), "text/csv") || !bytes.Contains(bc, []byte("gap,,departement,gap-02")) {
		t.Errorf("CSV: %d %.400s", resC.StatusCode, bc)
	}
	if resX, _ := e.post(t, "/api/v1/simulate.xlsx", body); resX.StatusCode != 200 || !strings.Contains(resX.Header.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("XLSX: %d %s", resX.StatusCode, resX.Header.Get("Content-Type"))
	}

	// Nothing stored.
	if _, g := e.fetch(t, "/api/v1/gaps"); !bytes.Equal(g, gapsBefore) {
		t.Error("the gaps changed after a simulation")
	}
	if _, f := e.fetch(t, "/api/v1/indicators/formations?level=departement"); !bytes.Equal(f, formBefore) {
		t.Error("the indicators changed after a simulation")
	}
	if e.hub.Current() != s.Snapshot {
		t.Error("a simulation made a snapshot")
	}

	// A site in a covered city (the first commune with a development
	// formation in force): one more brings nobody within reach and moves
	// no zone.
	var l struct {
		Items []struct {
			Commune string `json:"commune_code"`
		} `json:"items"`
	}
	e.get(t, "/api/v1/formations?at=2021-11-30&view=in_force&family=developpement&limit=1000", &l)
	covered := ""
	for _, f := range l.Items {
		if f.Commune != "" {
			covered = f.Commune
			break
		}
	}
	var c simulation
	if res := e.get(t, "/api/v1/simulate?site="+covered+",developpement", &c); res.StatusCode != 200 {
		t.Fatalf("covered %s: %d", covered, res.StatusCode)
	}
	if c.Summary.Brought30 != 0 || len(c.Gaps) != 0 || c.Sites[0].SeatsRule != "median" {
		t.Errorf("covered %s: %+v %+v", covered, c.Summary, c.Gaps)
	}
	for _, ch := range c.Changes {
		if ch.Indicator == "distance_nearest_km" || ch.Indicator == "pop_beyond_30km" {
			t.Errorf("covered %s: %s moves: %+v", covered, ch.Indicator, ch)
		}
	}
}

// TestSimulateBadSites: each bad site is a 400 problem naming the site
// and its field.
func TestSimulateBadSites(t *testing.T) {
	e := newEnv(t)
	many := strings.Repeat(`{"commune":"23096","family":"developpement"},`, 21)
	for _, c := range []struct {
		body, param string
		status      int
	}{
		{`{"sites":[{"commune":"99999","family":"developpement"}]}`, "sites[0].commune", 400},
		{`{"sites":[{"commune":"23096","family":"developpement"},{"lon":0,"lat":0,"family":"developpement"}]}`, "sites[1].lon", 400},
		{`{"sites":[{"commune":"23096","family":"astrologie"}]}`, "sites[0].family", 400},
		{`{"sites":[{"commune":"23096"}]}`, "sites[0].family", 400},
		{`{"sites":[{"commune":"23096","family":"developpement","seats":0}]}`, "sites[0].seats", 400},
		{`{"sites":[{"commune":"23096","family":"developpement","seats":"twelve"}]}`, "sites[0].seats", 400},
		{`{"sites":[{"commune":"23096","family":"developpement","colour":"red"}]}`, "sites[0].colour", 400},
		{`{"sites":[{"commune":"23096","family":"developpement","start":"2030-01-01"}]}`, "sites[0].start", 400},
		{`{"sites":[{"commune":"23096","family":"developpement","programme":"nope"}]}`, "sites[0].programme", 400},
		{`{"sites":[{"commune":"23096","family":"donnees"}],"family":"developpement"}`, "sites[0].family", 400},
		{`{"sites":[]}`, "sites", 400},
		{`{"sites":[` + strings.TrimSuffix(many, ",") + `]}`, "sites", 400},
		{`{"sites":[{"commune":"23096","family":"developpement","note":"` + strings.Repeat("x", 70<<10) + `"}]}`, "", 413},
	} {
		res, b := e.post(t, "/api/v1/simulate", c.body)
		var p struct {
			Status int    `json:"status"`
			Param  string `json:"param"`
			Detail string `json:"detail"`
		}
		json.Unmarshal(b, &p)
		if res.StatusCode != c.status || p.Param != c.param || res.Header.Get("Content-Type") != "application/problem+json" || p.Detail == "" {
			t.Errorf("%.80s: %d %+v", c.body, res.StatusCode, p)
		}
	}
	// The GET form names the site the same way.
	res, b := e.fetch(t, "/api/v1/simulate?site=23096,developpement&site=99999,developpement")
	if res.StatusCode != 400 || !bytes.Contains(b, []byte(`"param":"sites[1].commune"`)) {
		t.Errorf("GET: %d %s", res.StatusCode, b)
	}
}

// TestRecommendSites: five communes for development, each with the
// figures of its score and sentences; a greedy choice of three whose
// marginal scores add up; every candidate as CSV.
func TestRecommendSites(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var r struct {
		Synthetic bool   `json:"synthetic"`
		Total     int    `json:"total"`
		Rule      string `json:"candidate_rule"`
		Score     struct {
			Formula   string  `json:"formula"`
			GapWeight float64 `json:"gap_weight_per_km2"`
		} `json:"score_rule"`
		Items []struct {
			Rank       int
			Commune    string
			Score      float64
			GapTerm    float64  `json:"gap_term"`
			DemandT    float64  `json:"demand_term"`
			Weighted   float64  `json:"weighted_projects_reached"`
			GapArea    float64  `json:"gap_area_removed_km2"`
			Brought30  int64    `json:"population_brought_within_30km"`
			FR         string   `json:"explain_fr"`
			EN         string   `json:"explain_en"`
			Cumulative *float64 `json:"cumulative_score"`
		} `json:"items"`
		Greedy []struct {
			Order      int      `json:"order"`
			Commune    string   `json:"commune"`
			Score      float64  `json:"score"`
			Cumulative *float64 `json:"cumulative_score"`
		} `json:"greedy"`
		Links map[string]string `json:"links"`
	}
	res := e.get(t, "/api/v1/recommend-sites?family=developpement&limit=5&k=3", &r)
	if res.StatusCode != 200 || len(r.Items) != 5 || r.Total < 1000 || !r.Synthetic || r.Rule == "" || r.Score.Formula == "" || r.Score.GapWeight <= 0 {
		t.Fatalf("%d: total %d, %d items, rule %q", res.StatusCode, r.Total, len(r.Items), r.Rule)
	}
	for i, c := range r.Items {
		want := c.DemandT + c.GapTerm
		if c.Rank != i+1 || math.Abs(c.Score-want) > 0.11 || math.Abs(c.GapTerm-r.Score.GapWeight*c.GapArea) > 0.1+1e-3*c.GapTerm ||
			c.DemandT != c.Weighted || c.Brought30 <= 0 || !strings.Contains(c.FR, c.Commune) || !strings.Contains(c.EN, "Score") {
			t.Errorf("item %d: %+v", i, c)
		}
		if i > 0 && c.Score > r.Items[i-1].Score {
			t.Errorf("not by score: %v after %v", c.Score, r.Items[i-1].Score)
		}
	}
	if len(r.Greedy) != 3 || r.Greedy[0].Commune != r.Items[0].Commune || r.Greedy[0].Score != r.Items[0].Score {
		t.Fatalf("greedy: %+v", r.Greedy)
	}
	sum := 0.0
	for i, g := range r.Greedy {
		sum += g.Score
		if g.Order != i+1 || math.Abs(*g.Cumulative-sum) > 0.11 {
			t.Errorf("greedy %d: %+v", i, g)
		}
	}
	// The greedy choice simulated adds its sites.
	var s simulation
	if res := e.get(t, r.Links["simulate"], &s); res.StatusCode != 200 || len(s.Sites) != 3 || s.Summary.Brought30 <= 0 {
		t.Errorf("simulate the choice: %d %+v", res.StatusCode, s.Summary)
	}
	resC, bc := e.fetch(t, "/api/v1/recommend-sites.csv?family=developpement&k=3") // the same ranking, every candidate
	if resC.StatusCode != 200 || bytes.Count(bc, []byte("\n")) < 100 || !bytes.HasPrefix(bc, []byte("rank,greedy_order,commune")) {
		t.Errorf("CSV: %d %.300s", resC.StatusCode, bc)
	}
	if res, b := e.fetch(t, "/api/v1/recommend-sites"); res.StatusCode != 400 || !bytes.Contains(b, []byte(`"param":"family"`)) {
		t.Errorf("no family: %d %s", res.StatusCode, b)
	}
}
