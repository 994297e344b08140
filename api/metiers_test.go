package api_test

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/ingest"
)

type metierCode struct {
	Scheme string   `json:"scheme"`
	Code   string   `json:"code"`
	Label  string   `json:"label"`
	Scope  string   `json:"scope"`
	Source []string `json:"source"`
}

type metierCounts struct {
	Attached int `json:"attached"`
	ByROME   int `json:"by_rome"`
	ByTitle  int `json:"by_title"`
	BySource int `json:"by_source"`
	Disputed int `json:"source_disputed"`
}

type metierItem struct {
	Family     string       `json:"family"`
	Rank       int          `json:"rank"`
	LabelFR    string       `json:"label_fr"`
	LabelEN    string       `json:"label_en"`
	ROME       []metierCode `json:"rome"`
	FAP2009    []metierCode `json:"fap2009"`
	FAP2021    []metierCode `json:"fap2021"`
	Sources    []string     `json:"sources"`
	Formations metierCounts `json:"formations"`
}

type metierList struct {
	Snapshot   string `json:"snapshot"`
	Synthetic  bool   `json:"synthetic"`
	Notice     string `json:"notice"`
	Total      int    `json:"total"`
	Formations struct {
		Total         int `json:"total"`
		Attached      int `json:"attached"`
		OtherFamilies int `json:"other_families"`
		Unattached    int `json:"unattached"`
	} `json:"formations"`
	Items   []metierItem `json:"items"`
	Sources []struct {
		ID string `json:"id"`
	} `json:"sources"`
	TitleRules []struct {
		Rank     int      `json:"rank"`
		Family   string   `json:"family"`
		Keywords []string `json:"keywords"`
	} `json:"title_rules"`
}

// The referential served from a real snapshot of the embedded catalogue:
// families, codes, sources, and counts that agree with /formations.
func TestMetiersList(t *testing.T) {
	e := newEnv(t)
	var l metierList
	res := e.get(t, "/api/v1/metiers", &l)
	if res.StatusCode != 200 || l.Snapshot != e.hub.Current() || res.Header.Get("X-Observatory-Snapshot") != l.Snapshot {
		t.Fatalf("status %d, snapshot %q", res.StatusCode, l.Snapshot)
	}
	if !l.Synthetic || !strings.Contains(l.Notice, "SYNTHETIC") || res.Header.Get("X-Observatory-Synthetic") != "true" {
		t.Fatal("counts from the synthetic catalogue are not flagged")
	}
	ref := datasetstest.Reference(t).Metiers
	if l.Total != 9 || len(l.Items) != 9 || len(l.Sources) != len(ref.Sources()) || len(l.TitleRules) != len(ref.TitleRules()) {
		t.Fatalf("total %d, %d items, %d sources, %d rules", l.Total, len(l.Items), len(l.Sources), len(l.TitleRules))
	}
	sum := 0
	for i, it := range l.Items {
		m := ref.Metiers()[i]
		if it.Family != m.Family || it.LabelFR != m.LabelFR || it.LabelEN != m.LabelEN || it.Rank != i+1 ||
			len(it.ROME) != len(m.ROME) || len(it.FAP2009) != len(m.FAP2009) || len(it.FAP2021) != len(m.FAP2021) || len(it.Sources) == 0 {
			t.Errorf("item %d: %s (%d ROME, %d FAP 2009, %d FAP 2021)", i, it.Family, len(it.ROME), len(it.FAP2009), len(it.FAP2021))
		}
		for _, c := range slices.Concat(it.ROME, it.FAP2009, it.FAP2021) {
			if c.Label == "" || c.Scope == "" || len(c.Source) == 0 {
				t.Errorf("%s: code %+v lacks label, scope or source", it.Family, c)
			}
		}
		// The counts agree with the formations endpoint of the same snapshot.
		f := it.Formations
		if n := e.total(t, "family="+it.Family); n != f.Attached || f.ByROME+f.ByTitle+f.BySource+f.Disputed != f.Attached {
			t.Errorf("%s: %+v, /formations?family= gives %d", it.Family, f, n)
		}
		sum += f.Attached
	}
	fo := l.Formations
	if fo.Total != 532 || fo.Attached != sum || fo.Attached+fo.OtherFamilies+fo.Unattached != fo.Total || fo.Unattached != 0 {
		t.Fatalf("formations %+v, sum of families %d", fo, sum)
	}
}

// The exact JSON shape: top-level keys, item keys, code keys.
func TestMetiersShape(t *testing.T) {
	e := newEnv(t)
	var raw map[string]json.RawMessage
	e.get(t, "/api/v1/metiers", &raw)
	want := "formations items links notice permalink snapshot sources synthetic title_rules total"
	if got := keys(t, raw); got != want {
		t.Fatalf("keys %q, want %q", got, want)
	}
	var items []map[string]json.RawMessage
	json.Unmarshal(raw["items"], &items)
	want = "aliases description_en description_fr family fap2009 fap2021 formations label_en label_fr rank rome sources"
	if got := keys(t, items[0]); got != want {
		t.Fatalf("item keys %q, want %q", got, want)
	}
	var codes []map[string]json.RawMessage
	json.Unmarshal(items[0]["rome"], &codes)
	if got := keys(t, codes[0]); got != "code label note scheme scope source" {
		t.Fatalf("code keys %q", got)
	}
	var counts map[string]json.RawMessage
	json.Unmarshal(items[0]["formations"], &counts)
	if got := keys(t, counts); got != "attached by_rome by_source by_title source_disputed" {
		t.Fatalf("count keys %q", got)
	}
	// A family BMO does not isolate has an empty list, not null.
	for _, it := range items {
		if string(it["family"]) == `"cybersecurite"` && string(it["fap2021"]) != "[]" {
			t.Fatalf("cybersecurite fap2021 = %s", it["fap2021"])
		}
	}
}

func keys(t *testing.T, m map[string]json.RawMessage) string {
	t.Helper()
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, " ")
}

func TestMetierOne(t *testing.T) {
	e := newEnv(t)
	var m struct {
		metierItem
		Synthetic  bool `json:"synthetic"`
		SourceDocs []struct {
			ID string `json:"id"`
		} `json:"source_documents"`
		TitleRules []struct {
			Family string `json:"family"`
		} `json:"title_rules"`
	}
	res := e.get(t, "/api/v1/metiers/infrastructure-support", &m)
	if res.StatusCode != 200 || m.Family != "infrastructure-support" || !m.Synthetic || len(m.FAP2021) != 2 || len(m.FAP2009) != 4 {
		t.Fatalf("status %d: %+v", res.StatusCode, m.metierItem)
	}
	if len(m.SourceDocs) != len(m.Sources) || len(m.TitleRules) != 1 || m.TitleRules[0].Family != m.Family {
		t.Fatalf("sources %v of %v, rules %v", m.SourceDocs, m.Sources, m.TitleRules)
	}
	if n := e.total(t, "family=infrastructure-support"); n != m.Formations.Attached || n == 0 {
		t.Fatalf("attached %d, /formations says %d", m.Formations.Attached, n)
	}
}

func TestMetierProblems(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		path, param string
		status      int
	}{
		{"/api/v1/metiers/jardinage", "family", 404},
		{"/api/v1/metiers/D%C3%A9veloppement", "family", 404},
		{"/api/v1/metiers?family=design", "family", 400},
		{"/api/v1/metiers/design?x=1", "x", 400},
	} {
		var p struct {
			Status int    `json:"status"`
			Param  string `json:"param"`
			Detail string `json:"detail"`
		}
		res := e.get(t, c.path, &p)
		if res.StatusCode != c.status || p.Param != c.param || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %+v", c.path, res.StatusCode, p)
		}
		if c.status == 404 && !strings.Contains(p.Detail, "developpement") {
			t.Errorf("%s: the message does not list the families: %q", c.path, p.Detail)
		}
	}
}

// A catalogue attached by every rule: the counts and the ingest report say
// how, and the unattached formation is reported, not guessed.
func TestMetiersCountsEveryRule(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	csv := "Identifiant;Nom de la formation;Structure porteuse;Code commune INSEE;Codes ROME;Famille de métiers\n" +
		"A1;Développeur·se web;Fabrique A;69123;M1855;developpement\n" + // rome
		"A2;Data analyst;Fabrique A;69123;;\n" + // title
		"A3;Atelier numérique;Fabrique A;69123;;Médiation numérique\n" + // source
		"A4;Graphiste web;Fabrique A;69123;E1206;Développement web et mobile\n" + // source-disputed
		"A5;Atelier de couture;Fabrique A;69123;;\n" // unattached
	rep, err := ingest.Run(context.Background(), e.w, "catalogue",
		[]ingest.File{{Name: "rules.csv", Data: strings.NewReader(csv), Size: int64(len(csv))}},
		ingest.Options{Ref: datasetstest.Reference(t), AllowShrink: true}) // replaces the default catalogue on purpose
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(rep.Notes, "\n")
	for _, want := range []string{
		"rules.csv: job families: 1 by ROME code, 1 by title, 1 from the source's family column alone, 1 kept from the source against its codes or title, 1 not attached",
		"rules.csv row 5 (A4): job family: the source says developpement but the ROME codes say design",
		"rules.csv row 6 (A5): job family: no job family",
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("report lacks %q:\n%s", want, notes)
		}
	}
	if _, err := e.hub.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	var l metierList
	e.get(t, "/api/v1/metiers", &l)
	got := map[string]metierCounts{}
	for _, it := range l.Items {
		if it.Formations.Attached > 0 {
			got[it.Family] = it.Formations
		}
	}
	want := map[string]metierCounts{
		"developpement":        {Attached: 2, ByROME: 1, Disputed: 1},
		"donnees":              {Attached: 1, ByTitle: 1},
		"mediation-litteratie": {Attached: 1, BySource: 1},
	}
	if len(got) != len(want) || l.Formations.Total != 5 || l.Formations.Unattached != 1 || l.Synthetic {
		t.Fatalf("counts %+v, formations %+v, synthetic %v", got, l.Formations, l.Synthetic)
	}
	for f, w := range want {
		if got[f] != w {
			t.Errorf("%s: %+v, want %+v", f, got[f], w)
		}
	}
}
