package api_test

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

type changesJSON struct {
	From struct {
		ID string `json:"id"`
	} `json:"from"`
	To struct {
		ID string `json:"id"`
	} `json:"to"`
	Summary struct {
		FR string `json:"fr"`
		EN string `json:"en"`
	} `json:"summary"`
	Formations struct {
		Added   []struct{ ID, Departement string } `json:"added"`
		Removed []struct{ ID string }              `json:"removed"`
		Changed []struct {
			ID     string `json:"id"`
			Fields []struct {
				Field string `json:"field"`
				Old   any    `json:"old"`
				New   any    `json:"new"`
			} `json:"fields"`
		} `json:"changed"`
	} `json:"formations"`
	JobDemand []struct {
		Year   int    `json:"year"`
		Change string `json:"change"`
	} `json:"job_demand"`
	Indicators []struct {
		Indicator string   `json:"indicator"`
		Code      string   `json:"code"`
		Old       *float64 `json:"old"`
		New       *float64 `json:"new"`
		OldClass  string   `json:"old_class"`
		NewClass  string   `json:"new_class"`
	} `json:"indicators"`
	Gaps []struct {
		Change string                  `json:"change"`
		In     []struct{ Code string } `json:"in"`
		Out    []struct{ Code string } `json:"out"`
	} `json:"gaps"`
	Permalink string `json:"permalink"`
}

// TestChangesBetweenIngests diffs real ingests of the embedded data: the
// stand-in before and after the planted edits (editedCatalogue), then a
// BMO survey added; the diff lists exactly what was planted.
func TestChangesBetweenIngests(t *testing.T) {
	t.Parallel() // its own server and data directory
	e, ids := historyEnv(t)
	a, b, c := ids[0], ids[1], ids[2]

	var ch changesJSON
	res := e.get(t, "/api/v1/changes?from="+a+"&to="+b, &ch)
	if res.StatusCode != 200 || ch.From.ID != a || ch.To.ID != b {
		t.Fatalf("%d %+v", res.StatusCode, ch)
	}
	var added, removed []string
	for _, f := range ch.Formations.Added {
		added = append(added, f.ID+"@"+f.Departement)
	}
	for _, f := range ch.Formations.Removed {
		removed = append(removed, f.ID)
	}
	if !slices.Equal(added, []string{"GEN-9001@23", "GEN-9002@23"}) || !slices.Equal(removed, removedIDs) {
		t.Errorf("added %v, removed %v", added, removed)
	}
	if len(ch.Formations.Changed) != 1 || ch.Formations.Changed[0].ID != "GEN-0001" || len(ch.Formations.Changed[0].Fields) != 1 ||
		ch.Formations.Changed[0].Fields[0].Field != "learners" || ch.Formations.Changed[0].Fields[0].Old != 54.0 || ch.Formations.Changed[0].Fields[0].New != 60.0 {
		t.Errorf("changed %+v", ch.Formations.Changed)
	}
	if len(ch.JobDemand) != 0 {
		t.Errorf("a catalogue run changed BMO years: %+v", ch.JobDemand)
	}
	// Meurthe-et-Moselle and Meuse lose their only formation in force,
	// Creuse gains two: counts and classes move there, and the gap zones
	// take in 54 and 55 and let 23 out.
	moved := map[string]bool{}
	for _, v := range ch.Indicators {
		moved[v.Indicator+"/"+v.Code] = true
		if v.Indicator == "formations" && (v.Old == nil || v.New == nil || *v.Old == *v.New) {
			t.Errorf("formations moved without moving: %+v", v)
		}
	}
	for _, k := range []string{"formations/54", "formations/55", "formations/23", "coverage_class/54", "coverage_class/55", "coverage_class/23", "formations_per_100k/23"} {
		if !moved[k] {
			t.Errorf("%s did not move; moved: %v", k, moved)
		}
	}
	in, out := map[string]bool{}, map[string]bool{}
	for _, g := range ch.Gaps {
		for _, m := range g.In {
			in[m.Code] = true
		}
		for _, m := range g.Out {
			out[m.Code] = true
		}
	}
	if !in["54"] || !in["55"] || !out["23"] || in["23"] {
		t.Errorf("gaps in %v, out %v: %+v", in, out, ch.Gaps)
	}
	if !strings.HasPrefix(ch.Summary.FR, "+2 formations (Creuse) ; −3 formations (dans 3 départements) ; 1 formation modifiée ;") ||
		!strings.Contains(ch.Summary.FR, "Creuse") || !strings.HasPrefix(ch.Summary.EN, "+2 formations (Creuse); −3 formations (in 3 départements); 1 formation changed;") {
		t.Errorf("summary %+v", ch.Summary)
	}
	if res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || res.Header.Get("X-Observatory-Snapshot") != b {
		t.Errorf("a diff to a past snapshot: %s %s", res.Header.Get("Cache-Control"), res.Header.Get("X-Observatory-Snapshot"))
	}
	if !strings.Contains(ch.Permalink, "from="+a) || !strings.Contains(ch.Permalink, "to="+b) {
		t.Errorf("permalink %s", ch.Permalink)
	}

	// By default: from the snapshot the current one was built from.
	var last changesJSON
	res = e.get(t, "/api/v1/changes", &last)
	if res.StatusCode != 200 || last.From.ID != b || last.To.ID != c || len(last.JobDemand) != 1 || last.JobDemand[0].Year != 2022 ||
		last.JobDemand[0].Change != "added" || len(last.Formations.Added)+len(last.Formations.Removed)+len(last.Formations.Changed) != 0 ||
		!strings.HasPrefix(last.Summary.FR, "BMO 2022 ajoutée") {
		t.Fatalf("default diff: %d %+v", res.StatusCode, last)
	}
	if cc := res.Header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
		t.Errorf("a diff to the current snapshot is cached for good: %s", cc)
	}

	// As files: a row per change, a row per field changed.
	res, body := e.fetch(t, "/api/v1/changes.csv?from="+a+"&to="+b)
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("csv: %d %v", res.StatusCode, err)
	}
	want := 1 + 2 + 3 + 1 + len(ch.Indicators) + len(ch.Gaps)
	if len(rows) != want || strings.Join(rows[0], ",") != "section,change,id,code,name,field,old,new" {
		t.Errorf("csv: %d rows, want %d: %v", len(rows), want, rows[0])
	}
	if !slices.ContainsFunc(rows, func(r []string) bool {
		return strings.Join(r, ",") == "formations,changed,GEN-0001,33,Codeur·se créatif·ve,learners,54,60"
	}) {
		t.Errorf("csv lacks the learners change")
	}
	if res, _ := e.fetch(t, "/api/v1/changes.xlsx?from="+a+"&to="+b); res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("xlsx: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, p := range []string{"/api/v1/changes?from=" + a + "&to=" + b, "/api/v1/changes", "/api/v1/changes.csv?to=" + c,
		"/api/v1/snapshots/" + b, "/api/v1/snapshots/" + a + "/quarantine?limit=2", "/api/v1/gaps?snapshot=" + a} {
		validGet(t, e, p)
	}
	// The first snapshot has nothing before it.
	if res := e.get(t, "/api/v1/changes?to="+a, nil); res.StatusCode != 404 {
		t.Errorf("diff to the first snapshot: %d", res.StatusCode)
	}

	// The snapshot's description says what it came from.
	var d struct {
		Parent        string   `json:"parent"`
		Version       string   `json:"version"`
		ReferenceDate string   `json:"reference_date"`
		Notes         []string `json:"notes"`
		Inputs        []struct {
			Snapshot string `json:"snapshot"`
			SHA256   string `json:"sha256"`
		} `json:"inputs"`
		Links map[string]string `json:"links"`
	}
	if res := e.get(t, "/api/v1/snapshots/"+b, &d); res.StatusCode != 200 || d.Parent != a || d.Version != "test" || d.ReferenceDate != "2021-11-30" ||
		len(d.Notes) == 0 || d.Links["changes"] != "/api/v1/changes?from="+a+"&to="+b || len(d.Inputs) < 2 {
		t.Errorf("snapshot %s: %d %+v", b, res.StatusCode, d)
	}
	var q struct {
		Total int `json:"total"`
	}
	if res := e.get(t, "/api/v1/snapshots/"+a+"/quarantine", &q); res.StatusCode != 200 || q.Total == 0 || res.Header.Get("X-Observatory-Snapshot") != a {
		t.Errorf("quarantine of %s: %d %d", a, res.StatusCode, q.Total)
	}
}

type atom struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Type string `xml:"type,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Summary struct {
			Type string `xml:"type,attr"`
			Div  struct {
				XMLName xml.Name `xml:"http://www.w3.org/1999/xhtml div"`
				Paras   []struct {
					Lang string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
					Text string `xml:",chardata"`
				} `xml:"http://www.w3.org/1999/xhtml p"`
			} `xml:"http://www.w3.org/1999/xhtml div"`
		} `xml:"summary"`
	} `xml:"entry"`
}

// TestChangesFeed parses the Atom feed and checks what RFC 4287 requires
// of it: feed id, title, updated, author, a self link; each entry's id,
// title, updated and an alternate link; here a summary in French and
// English too, newest first, linked to the diff.
func TestChangesFeed(t *testing.T) {
	t.Parallel()
	e, ids := historyEnv(t)
	a, b, c := ids[0], ids[1], ids[2]
	res, body := e.fetch(t, "/api/v1/changes.atom")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/atom+xml; charset=utf-8" || res.Header.Get("ETag") == "" {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var f atom
	if err := xml.Unmarshal(body, &f); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	if f.ID == "" || f.Title == "" || f.Author.Name == "" || !slices.ContainsFunc(f.Links, func(l struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	}) bool {
		return l.Rel == "self"
	}) {
		t.Errorf("feed: %+v", f)
	}
	if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
		t.Errorf("updated %q: %v", f.Updated, err)
	}
	if len(f.Entries) != 3 {
		t.Fatalf("%d entries", len(f.Entries))
	}
	for i, id := range []string{c, b, a} {
		en := f.Entries[i]
		if !strings.HasSuffix(en.ID, "/api/v1/snapshots/"+id) || en.Title == "" || len(en.Links) == 0 || en.Links[0].Rel != "alternate" {
			t.Errorf("entry %d: %+v", i, en)
		}
		if _, err := time.Parse(time.RFC3339, en.Updated); err != nil {
			t.Errorf("entry %d updated %q", i, en.Updated)
		}
		if p := en.Summary.Div.Paras; en.Summary.Type != "xhtml" || len(p) != 2 || p[0].Lang != "fr" || p[1].Lang != "en" || p[0].Text == "" || p[1].Text == "" {
			t.Errorf("entry %d summary %+v", i, en.Summary)
		}
	}
	sum := func(i int) string {
		return f.Entries[i].Summary.Div.Paras[0].Text + " / " + f.Entries[i].Summary.Div.Paras[1].Text
	}
	if !strings.Contains(sum(0), "BMO 2022 ajoutée") || !strings.Contains(sum(0), "BMO 2022 added") ||
		!strings.Contains(sum(1), "+2 formations (Creuse)") || !strings.Contains(sum(1), "zone") || !strings.Contains(sum(2), "Premier instantané") {
		t.Errorf("summaries:\n%s\n%s\n%s", sum(0), sum(1), sum(2))
	}
	if f.Entries[1].Links[0].Href != e.srv.URL+"/api/v1/changes?from="+a+"&to="+b {
		t.Errorf("entry link %s", f.Entries[1].Links[0].Href)
	}
	if r, _ := e.fetch(t, "/api/v1/changes.atom", "If-None-Match", res.Header.Get("ETag")); r.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET: %d", r.StatusCode)
	}

	// The map page shows the latest changes, and replayed, its own.
	_, page := e.fetch(t, "/")
	if !strings.Contains(string(page), `id="changes"`) || !strings.Contains(string(page), "BMO 2022 ajoutée") {
		t.Error("the page does not show the latest changes")
	}
	_, page = e.fetch(t, "/?lang=en&snapshot="+b)
	if !strings.Contains(string(page), "2 formations (Creuse); −3 formations") || !strings.Contains(string(page), "/api/v1/changes?from="+a+"&amp;to="+b) {
		t.Error("a replayed page does not show its own changes")
	}
}

// TestCite gives a dataset's citation in both languages and three formats,
// each naming the snapshot and its permalink.
func TestCite(t *testing.T) {
	e, ids := historyEnv(t)
	a := ids[0]
	link := e.srv.URL + "/api/v1/datasets/formations?snapshot=" + a
	res, body := e.fetch(t, "/api/v1/datasets/formations/cite?snapshot="+a)
	text := string(body)
	if res.StatusCode != 200 || strings.Count(text, "\n") != 2 || !strings.Contains(text, "« Formations labellisées") && !strings.Contains(text, "«") ||
		!strings.Contains(text, "instantané "+a) || !strings.Contains(text, "snapshot "+a) || strings.Count(text, link) != 2 ||
		!strings.Contains(text, "Licence Ouverte") || !strings.Contains(text, "SYNTHÉTIQUES") {
		t.Errorf("text %d:\n%s", res.StatusCode, text)
	}
	res, body = e.fetch(t, "/api/v1/datasets/formations/cite?format=bibtex&lang=en&snapshot="+a)
	if res.StatusCode != 200 || strings.Count(string(body), "@dataset{") != 1 || !strings.Contains(string(body), "version = {"+a+"}") ||
		!strings.Contains(string(body), "url = {"+link+"}") {
		t.Errorf("bibtex %d:\n%s", res.StatusCode, body)
	}
	var items []map[string]any
	res, body = e.fetch(t, "/api/v1/datasets/formations/cite?format=csl-json&snapshot="+a)
	if err := json.Unmarshal(body, &items); err != nil || res.StatusCode != 200 || len(items) != 2 || items[0]["URL"] != link ||
		items[0]["language"] != "fr-FR" || items[1]["type"] != "dataset" || items[1]["version"] != a {
		t.Errorf("csl %d %v: %s", res.StatusCode, err, body)
	}
	if res := e.get(t, "/api/v1/datasets/nothing/cite", nil); res.StatusCode != 404 {
		t.Errorf("unknown dataset: %d", res.StatusCode)
	}
	if res := e.get(t, "/api/v1/datasets/formations/cite?format=ris", nil); res.StatusCode != 400 {
		t.Errorf("unknown format: %d", res.StatusCode)
	}
}
