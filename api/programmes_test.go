package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/ingest"
	"github.com/gen-numerique/observatory/observatory"
)

const psup = datasets.ProgrammeParcoursup2020

type programmeItem struct {
	ID         string   `json:"id"`
	Kind       string   `json:"kind"`
	TitleFR    string   `json:"title_fr"`
	Source     string   `json:"source"`
	SourceURL  string   `json:"source_url"`
	Licence    string   `json:"licence"`
	Date       *string  `json:"date"`
	Synthetic  bool     `json:"synthetic"`
	Files      []string `json:"files"`
	SHA256     []string `json:"sha256"`
	Formations int      `json:"formations"`
	SetAside   int      `json:"rows_set_aside"`
}

// The default snapshot's programmes: the synthetic GEN stand-in and the
// real Parcoursup list, with their provenance.
func TestProgrammesList(t *testing.T) {
	e := newEnv(t)
	var l struct {
		Snapshot string          `json:"snapshot"`
		Total    int             `json:"total"`
		Items    []programmeItem `json:"items"`
	}
	if res := e.get(t, "/api/v1/programmes", &l); res.StatusCode != 200 || l.Total != 2 || len(l.Items) != 2 {
		t.Fatalf("%d: %+v", res.StatusCode, l)
	}
	gen, ps := l.Items[0], l.Items[1]
	if gen.ID != "gen" || gen.Kind != "catalogue" || !gen.Synthetic || gen.Formations != 532 || gen.Date != nil {
		t.Errorf("gen: %+v", gen)
	}
	if ps.ID != psup || ps.Kind != "offer" || ps.Synthetic || ps.Formations != 167 || ps.SetAside == 0 ||
		ps.Date == nil || !strings.HasPrefix(*ps.Date, "2020-05-13") || ps.Licence == "" || ps.SourceURL == "" ||
		len(ps.Files) != 1 || len(ps.SHA256) != 1 || len(ps.SHA256[0]) != 64 {
		t.Errorf("parcoursup: %+v", ps)
	}
	if res, _ := e.fetch(t, "/api/v1/programmes?programme=all"); res.StatusCode != 400 {
		t.Errorf("/programmes takes no parameter: %d", res.StatusCode)
	}
}

// flagged is what a response says about the data it reads; the
// programmes read are named at the top, in the query or in the rule.
type flagged struct {
	Synthetic  bool     `json:"synthetic"`
	Mixed      bool     `json:"mixed_synthetic"`
	Notice     string   `json:"notice"`
	Programmes []string `json:"programmes"`
	Total      int      `json:"total"`
	Query      struct {
		Programmes []string `json:"programmes"`
	} `json:"query"`
	Rule struct {
		Programmes []string `json:"programmes"`
	} `json:"rule"`
	Items json.RawMessage `json:"items"`
}

func (f *flagged) programmes() []string {
	switch {
	case f.Programmes != nil:
		return f.Programmes
	case f.Query.Programmes != nil:
		return f.Query.Programmes
	}
	return f.Rule.Programmes
}

// checkFlags: the GEN label alone (the default) is synthetic, Parcoursup
// alone real, the two together mixed; the headers say the same.
func checkFlags(t *testing.T, path string, res *http.Response, f flagged, prog string) {
	t.Helper()
	syn, mixed := res.Header.Get("X-Observatory-Synthetic"), res.Header.Get("X-Observatory-Mixed-Synthetic")
	switch prog {
	case "", "gen":
		if !f.Synthetic || f.Mixed || !strings.Contains(f.Notice, "SYNTHETIC") || syn != "true" || mixed != "" || f.programmes() != nil {
			t.Errorf("%s: %+v, headers %q %q", path, f, syn, mixed)
		}
	case psup:
		if f.Synthetic || f.Mixed || f.Notice != "" || syn != "" || mixed != "" || !slices.Equal(f.programmes(), []string{psup}) {
			t.Errorf("%s: real data flagged: %+v, headers %q %q", path, f, syn, mixed)
		}
	case "all", "gen," + psup:
		if !f.Synthetic || !f.Mixed || !strings.Contains(f.Notice, "MIXED") || syn != "true" || mixed != "true" ||
			!slices.Equal(f.programmes(), []string{"gen", psup}) {
			t.Errorf("%s: mixed view not flagged: %+v, headers %q %q", path, f, syn, mixed)
		}
	}
}

// permalinkField and linksField are the parts of an answer that name its
// query.
var (
	permalinkField = regexp.MustCompile(`"permalink":"[^"]*",?`)
	linksField     = regexp.MustCompile(`"links":\[[^\]]*\],?`)
)

// Every endpoint that reads the offer takes programme=: the default is the
// GEN label (the same answer as programme=gen), Parcoursup alone is never
// flagged synthetic, and all (or both named) is flagged as mixing them.
func TestProgrammeFilterEveryEndpoint(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	endpoints := []string{
		"/api/v1/formations?limit=5",
		"/api/v1/indicators/formations?level=region",
		"/api/v1/indicators/distance_nearest_km?level=departement",
		"/api/v1/gaps?level=region",
		"/api/v1/territories/departement/69/profile",
		"/api/v1/territories/bassin/8413/profile",
		"/api/v1/needs?level=region",
		"/api/v1/territories/departement/69/needs",
		"/api/v1/metiers",
		"/api/v1/metiers/developpement",
	}
	totals := map[string]int{}
	for _, path := range endpoints {
		bodies, items := map[string]string{}, map[string]string{}
		for _, prog := range []string{"", "gen", psup, "all", "gen," + psup} {
			u := path
			if prog != "" {
				u += "&programme=" + prog
				if !strings.Contains(path, "?") {
					u = path + "?programme=" + prog
				}
			}
			res, body := e.fetch(t, u)
			if res.StatusCode != 200 {
				t.Fatalf("%s: %d %s", u, res.StatusCode, body)
			}
			var f flagged
			if err := jsonUnmarshal(body, &f); err != nil {
				t.Fatalf("%s: %v", u, err)
			}
			checkFlags(t, u, res, f, prog)
			// The GEN label by name answers as the default does (but for
			// the permalink, which names the query as asked).
			b := strings.ReplaceAll(string(body), `,"programmes":["gen"]`, "")
			b = linksField.ReplaceAllString(permalinkField.ReplaceAllString(b, ""), "")
			bodies[prog], items[prog] = b, string(f.Items)
			if strings.HasPrefix(path, "/api/v1/formations") {
				totals[prog] = f.Total
			}
		}
		if bodies[""] != bodies["gen"] {
			t.Errorf("%s: programme=gen differs from the default", path)
		}
		if bodies["all"] == bodies[""] {
			t.Errorf("%s: programme=all answers as the GEN label alone", path)
		}
		if items["all"] != items["gen,"+psup] {
			t.Errorf("%s: programme=all differs from both programmes named", path)
		}
		res, body := e.fetch(t, path+map[bool]string{true: "&", false: "?"}[strings.Contains(path, "?")]+"programme=nope")
		if res.StatusCode != 400 || !strings.Contains(string(body), `"param":"programme"`) || !strings.Contains(string(body), psup) {
			t.Errorf("%s programme=nope: %d %s", path, res.StatusCode, body)
		}
	}
	if totals[""] != 532 || totals[psup] != 167 || totals["all"] != 699 {
		t.Errorf("formations totals %v", totals)
	}

	// The values add up: the formations of all programmes per région are
	// the GEN label's plus Parcoursup's, and flagged as mixed.
	var gen, ps, all values
	e.get(t, "/api/v1/indicators/formations?level=region", &gen)
	e.get(t, "/api/v1/indicators/formations?level=region&programme="+psup, &ps)
	e.get(t, "/api/v1/indicators/formations?level=region&programme=all", &all)
	for i, v := range all.Items {
		if *v.Value != *gen.Items[i].Value+*ps.Items[i].Value {
			t.Errorf("%s: all %v ≠ gen %v + parcoursup %v", v.Code, *v.Value, *gen.Items[i].Value, *ps.Items[i].Value)
		}
		if !slices.Contains(v.Flags, observatory.FlagMixedSynthetic) || !slices.Contains(v.Flags, observatory.FlagSynthetic) {
			t.Errorf("%s: all: flags %v", v.Code, v.Flags)
		}
		if slices.Contains(ps.Items[i].Flags, observatory.FlagSynthetic) || slices.Contains(ps.Items[i].Flags, observatory.FlagMixedSynthetic) {
			t.Errorf("%s: parcoursup flagged %v", v.Code, ps.Items[i].Flags)
		}
		if slices.Contains(gen.Items[i].Flags, observatory.FlagMixedSynthetic) {
			t.Errorf("%s: gen flagged mixed", v.Code)
		}
	}

	// Items are the programme's.
	var l struct {
		Items []struct {
			Programme string `json:"programme"`
			Synthetic bool   `json:"synthetic"`
			Diploma   string `json:"diploma"`
			UAI       string `json:"structure_id"`
			PointRule string `json:"point_rule"`
		} `json:"items"`
	}
	e.get(t, "/api/v1/formations?limit=1000&programme="+psup, &l)
	for _, it := range l.Items {
		if it.Programme != psup || it.Synthetic || it.Diploma == "" || len(it.UAI) != 8 || it.PointRule != "commune-centroid" {
			t.Fatalf("parcoursup item %+v", it)
		}
	}

	// The profile lists the formations of each programme.
	var p struct {
		Formations struct {
			Total int `json:"total"`
			Items []struct {
				Programme string `json:"programme"`
			} `json:"items"`
			ByProgramme []struct {
				Programme string `json:"programme"`
				Synthetic bool   `json:"synthetic"`
				Total     int    `json:"total"`
				Href      string `json:"href"`
			} `json:"by_programme"`
		} `json:"formations"`
	}
	e.get(t, "/api/v1/territories/departement/69/profile?programme=all", &p)
	bp := p.Formations.ByProgramme
	if len(bp) != 2 || bp[0].Programme != "gen" || !bp[0].Synthetic || bp[1].Programme != psup || bp[1].Synthetic ||
		bp[0].Total+bp[1].Total != p.Formations.Total || bp[1].Total == 0 || !strings.Contains(bp[1].Href, "programme="+psup) {
		t.Errorf("profile by programme: %+v", p.Formations)
	}
	for _, it := range p.Formations.Items {
		if it.Programme == "" {
			t.Errorf("profile item without its programme")
		}
	}
	var one struct {
		Total int `json:"total"`
	}
	e.get(t, strings.TrimPrefix(bp[1].Href, e.srv.URL), &one)
	if one.Total != bp[1].Total {
		t.Errorf("%s: %d, the profile says %d", bp[1].Href, one.Total, bp[1].Total)
	}

	// The referential's counts are the programme's.
	var m struct {
		Formations struct {
			Total int `json:"total"`
		} `json:"formations"`
	}
	e.get(t, "/api/v1/metiers?programme="+psup, &m)
	if m.Formations.Total != 167 {
		t.Errorf("metiers?programme=parcoursup: %d formations", m.Formations.Total)
	}

	// Coverage features name the programmes and say they are mixed.
	var fc featureCollection
	res := e.get(t, "/api/v1/coverage/region.geojson?programme=all", &fc)
	if res.Header.Get("X-Observatory-Mixed-Synthetic") != "true" || len(fc.Features) == 0 ||
		fc.Features[0].Properties["mixed_synthetic"] != true || fc.Features[0].Properties["programmes"] != "gen|"+psup {
		t.Errorf("coverage?programme=all: %v", fc.Features[0].Properties)
	}
	res = e.get(t, "/api/v1/coverage/region.geojson?programme="+psup, &fc)
	if res.Header.Get("X-Observatory-Synthetic") != "" || fc.Features[0].Properties["synthetic"] != false {
		t.Errorf("coverage?programme=parcoursup flagged synthetic: %v", fc.Features[0].Properties)
	}
}

// Downloads of a programme: the rows and the file's own notice.
func TestProgrammeDownloads(t *testing.T) {
	e := newEnv(t)
	rows := func(path string) [][]string {
		t.Helper()
		res, body := e.fetch(t, path)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, res.StatusCode, body)
		}
		recs, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return recs
	}
	recs := rows("/api/v1/formations.csv?programme=" + psup)
	col := slices.Index(recs[0], "programme")
	syn := slices.Index(recs[0], "synthetic")
	if len(recs) != 168 || col < 0 || syn < 0 {
		t.Fatalf("%d rows, header %v", len(recs), recs[0])
	}
	for _, r := range recs[1:] {
		if r[col] != psup || r[syn] != "false" {
			t.Fatalf("row %v", r)
		}
	}
	if recs := rows("/api/v1/formations.csv?programme=all"); len(recs) != 700 {
		t.Errorf("all: %d rows", len(recs))
	}
	if recs := rows("/api/v1/formations.csv"); len(recs) != 533 {
		t.Errorf("default: %d rows", len(recs))
	}
	res, _ := e.fetch(t, "/api/v1/formations.csv?programme=all")
	if res.Header.Get("X-Observatory-Mixed-Synthetic") != "true" {
		t.Errorf("mixed download not flagged: %v", res.Header)
	}
	if recs := rows("/api/v1/needs.csv?level=region&programme=" + psup); len(recs) < 2 {
		t.Errorf("needs.csv: %d rows", len(recs))
	}
	if recs := rows("/api/v1/indicators/formations.csv?level=region&programme=all"); len(recs) != 19 {
		t.Errorf("indicator csv: %d rows", len(recs))
	}
}

// Each programme is a dataset with its source, licence and inputs.
func TestProgrammeDatasets(t *testing.T) {
	e := newEnv(t)
	var l struct {
		Items []struct {
			Name      string     `json:"name"`
			Synthetic bool       `json:"synthetic"`
			Sources   []struct { // the Data Package keys
				Name    string `json:"title"`
				Licence string `json:"licence"`
				URL     string `json:"path"`
			} `json:"sources"`
			Provenance struct {
				Inputs []struct {
					Kind      string `json:"kind"`
					Name      string `json:"name"`
					SHA256    string `json:"sha256"`
					Programme string `json:"programme"`
				} `json:"inputs"`
			} `json:"provenance"`
			Downloads []struct {
				URL string `json:"url"`
			} `json:"downloads"`
		} `json:"items"`
	}
	e.get(t, "/api/v1/datasets", &l)
	var found, gen bool
	for _, d := range l.Items {
		switch d.Name {
		case "formations":
			gen = true
			if !d.Synthetic {
				t.Errorf("the GEN catalogue dataset is not flagged synthetic")
			}
			for _, in := range d.Provenance.Inputs {
				if in.Kind == "offer" {
					t.Errorf("formations dataset names the offer input %s", in.Name)
				}
			}
		case "formations-" + psup:
			found = true
			if d.Synthetic || len(d.Sources) < 1 || !strings.Contains(d.Sources[0].Name, "Parcoursup") || d.Sources[0].Licence == "" ||
				d.Sources[0].URL == "" || len(d.Provenance.Inputs) != 1 || len(d.Provenance.Inputs[0].SHA256) != 64 ||
				d.Provenance.Inputs[0].Programme != psup || len(d.Downloads) == 0 {
				t.Errorf("parcoursup dataset: %+v", d)
			}
		}
	}
	if !found || !gen {
		t.Fatalf("datasets: parcoursup %v, gen %v", found, gen)
	}
	res, body := e.fetch(t, "/api/v1/datasets/formations-"+psup+".csv")
	recs, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if res.StatusCode != 200 || err != nil || len(recs) != 168 {
		t.Fatalf("%d, %v, %d rows", res.StatusCode, err, len(recs))
	}
	if res.Header.Get("X-Observatory-Synthetic") != "" {
		t.Errorf("the real programme's file is flagged synthetic")
	}
	if res, _ := e.fetch(t, "/api/v1/datasets/formations-"+psup); res.StatusCode != 200 {
		t.Errorf("dataset entry: %d", res.StatusCode)
	}
}

// The rows set aside are listed with their rule, and add up with the
// loaded and quarantined rows to the rows read.
func TestSetAsideList(t *testing.T) {
	e := newEnv(t)
	var s struct {
		Items []struct {
			Inputs []struct {
				Kind     string `json:"kind"`
				Read     int    `json:"rows_read"`
				Loaded   int    `json:"rows_loaded"`
				SetAside int    `json:"rows_set_aside"`
				Quar     int    `json:"rows_quarantined"`
			} `json:"inputs"`
		} `json:"items"`
	}
	e.get(t, "/api/v1/snapshots", &s)
	setAside := 0
	for _, in := range s.Items[0].Inputs {
		if in.Kind == "offer" {
			setAside = in.SetAside
			if in.Read != 4357 || in.Read != in.Loaded+in.SetAside+in.Quar {
				t.Errorf("offer input %+v", in)
			}
		}
	}
	var l struct {
		Total int `json:"total"`
		Next  string
		Items []struct {
			Programme string `json:"programme"`
			Row       int    `json:"row"`
			Title     string `json:"title"`
			Rule      string `json:"rule"`
			Reason    string `json:"reason"`
		} `json:"items"`
	}
	if res := e.get(t, "/api/v1/snapshots/current/set-aside?limit=1000", &l); res.StatusCode != 200 || l.Total != setAside || setAside < 4000 || len(l.Items) != 1000 || l.Next == "" {
		t.Fatalf("%d: total %d (inputs say %d), %d items", res.StatusCode, l.Total, setAside, len(l.Items))
	}
	for _, it := range l.Items {
		if it.Programme != psup || it.Row < 2 || it.Title == "" || it.Rule == "" || it.Reason == "" {
			t.Fatalf("item %+v", it)
		}
	}
	e.get(t, "/api/v1/snapshots/current/set-aside?rule=sales&programme="+psup, &l)
	if l.Total == 0 {
		t.Fatal("no row set aside by the sales rule")
	}
	for _, it := range l.Items {
		if it.Rule != "sales" {
			t.Fatalf("rule=sales gives %+v", it)
		}
	}
	res, body := e.fetch(t, "/api/v1/snapshots/current/set-aside.csv")
	recs, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if res.StatusCode != 200 || err != nil || len(recs) != setAside+1 {
		t.Errorf("csv: %d, %v, %d rows", res.StatusCode, err, len(recs))
	}
	if res, _ := e.fetch(t, "/api/v1/snapshots/current/set-aside?programme=nope"); res.StatusCode != 400 {
		t.Errorf("programme=nope: %d", res.StatusCode)
	}
}

// A constructed case at région level: the GEN stand-in has one formation
// in each metropolitan région but Nouvelle-Aquitaine (75) and Occitanie
// (76); a test programme has a digital one in Nouvelle-Aquitaine and a
// course of another trade in Occitanie. "No GEN formation" finds 75 and
// 76 as one zone; "no digital formation of any programme" finds 76 alone.
func TestGapsAllProgrammes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	ref := datasetstest.Reference(t)
	// The most populous commune of each région.
	best := map[string]observatory.Commune{}
	for _, c := range ref.Geo.Communes() {
		if b, ok := best[c.Region]; !ok || c.Population > b.Population {
			best[c.Region] = c
		}
	}
	var b strings.Builder
	b.WriteString("Identifiant;Nom de la formation;Structure porteuse;Code commune INSEE;Codes ROME;Date de labellisation\n")
	n := 0
	for _, r := range []string{"11", "24", "27", "28", "32", "44", "52", "53", "84", "93", "94"} {
		n++
		fmt.Fprintf(&b, "T%d;Développeur web;Fabrique %d;%s;M1805;2021-01-15\n", n, n, best[r].Code)
	}
	cat := b.String()
	if _, err := ingest.Run(ctx, e.w, "catalogue", []ingest.File{{Name: "gen-synthetique.csv", Data: strings.NewReader(cat), Size: int64(len(cat))}},
		ingest.Options{Ref: ref, AllowShrink: true}); err != nil { // replaces the default catalogue on purpose
		t.Fatal(err)
	}
	offer := "LIBFORMATION;LIBSPÉCIALITÉ;UAI_AFF;LIB_AFF;CODECOMMUNE\n" +
		"BTS - Services;Services informatiques aux organisations - en apprentissage;0330001A;Lycée test;" + best["75"].Code + "\n" +
		"BTS - Services;Professions immobilières - en apprentissage;0310001A;Lycée test;" + best["76"].Code + "\n"
	date := time.Date(2020, 9, 1, 0, 0, 0, 0, time.UTC)
	rep, err := ingest.Run(ctx, e.w, observatory.KindOffer, []ingest.File{{Name: "offre-test.csv", Data: strings.NewReader(offer), Size: int64(len(offer))}},
		ingest.Options{Ref: ref, Programme: observatory.Programme{ID: "offre-test", TitleFR: "Offre de test", Licence: "test", Date: &date}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.SetAside) != 1 || rep.Inputs[len(rep.Inputs)-1].Loaded != 1 {
		t.Fatalf("offer: %d set aside, inputs %+v", len(rep.SetAside), rep.Inputs)
	}
	if _, err := e.hub.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	type zone struct {
		Members []string `json:"members"`
	}
	gaps := func(prog string) (map[string][]string, string, bool) {
		t.Helper()
		var g struct {
			Mixed bool `json:"mixed_synthetic"`
			Rule  struct {
				Text       string   `json:"text"`
				Programmes []string `json:"programmes"`
			} `json:"rule"`
			Items []zone `json:"items"`
		}
		u := "/api/v1/gaps?level=region"
		if prog != "" {
			u += "&programme=" + prog
		}
		if res := e.get(t, u, &g); res.StatusCode != 200 {
			t.Fatalf("%s: %d", u, res.StatusCode)
		}
		byFirst := map[string][]string{}
		for _, z := range g.Items {
			byFirst[z.Members[0]] = z.Members
		}
		return byFirst, g.Rule.Text, g.Mixed
	}
	gen, text, mixed := gaps("")
	if !slices.Equal(gen["75"], []string{"75", "76"}) || mixed || strings.Contains(text, "programme") {
		t.Errorf("no GEN formation: %v (%q, mixed %v)", gen, text, mixed)
	}
	for _, r := range []string{"01", "02", "03", "04", "06"} {
		if !slices.Equal(gen[r], []string{r}) {
			t.Errorf("no GEN formation: %s is not a gap of its own: %v", r, gen)
		}
	}
	both, text, mixed := gaps("gen,offre-test")
	if !slices.Equal(both["76"], []string{"76"}) || both["75"] != nil || !mixed || !strings.Contains(text, "offre-test") {
		t.Errorf("gen and offre-test: %v (%q, mixed %v)", both, text, mixed)
	}
	all, text, _ := gaps("all")
	for first, m := range all {
		if slices.Contains(m, "75") {
			t.Errorf("all: 75 is in gap %s %v", first, m)
		}
	}
	if !strings.Contains(text, "no digital formation of any programme") {
		t.Errorf("all: rule %q", text)
	}
	only, _, _ := gaps("offre-test")
	covered := 0
	for _, m := range only {
		covered += len(m)
	}
	for _, m := range only {
		if slices.Contains(m, "75") {
			t.Errorf("offre-test alone: 75 is a gap: %v", only)
		}
	}
	if covered != 17 {
		t.Errorf("offre-test alone: %d régions in gaps, want 17: %v", covered, only)
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// The map page: a programme selector, a legend naming the programmes
// counted, and the mixed banner when the stand-in and a real programme are
// added up.
func TestMapPageProgrammes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res, body := e.fetch(t, "/")
	page := string(body)
	if res.StatusCode != 200 || !strings.Contains(page, `name="programme"`) || !strings.Contains(page, `value="`+psup+`"`) ||
		!strings.Contains(page, `value="all"`) || !strings.Contains(page, "Programmes comptés") {
		t.Fatalf("default page: %d, selector or legend missing", res.StatusCode)
	}
	if !strings.Contains(page, `<p class="banner" id="synthetic"`) || strings.Contains(page, `class="banner mixed"`) {
		t.Error("default page: not flagged synthetic, or flagged mixed")
	}
	_, body = e.fetch(t, "/?programme=all&code=69")
	page = string(body)
	if !strings.Contains(page, `class="banner mixed"`) || !strings.Contains(page, "Formations en apprentissage proposées sur Parcoursup") ||
		!strings.Contains(page, "substitut synthétique") || !strings.Contains(page, "données réelles") || !strings.Contains(page, `class="by-programme"`) {
		t.Error("programme=all: mixed banner, legend or profile by programme missing")
	}
	_, body = e.fetch(t, "/?programme="+psup+"&lang=en")
	page = string(body)
	if strings.Contains(page, `id="synthetic"`) || !strings.Contains(page, "real data") {
		t.Error("Parcoursup alone: flagged synthetic, or not said real")
	}
	for _, path := range []string{"/map.svg?programme=all", "/map.png?programme=" + psup} {
		if res, _ := e.fetch(t, path); res.StatusCode != 200 {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	_, body = e.fetch(t, "/map.svg?programme=all")
	if !strings.Contains(string(body), "MÊLÉES") || !strings.Contains(string(body), "Programmes comptés") {
		t.Error("map.svg?programme=all: no mixed notice or programmes line")
	}
	if res, _ := e.fetch(t, "/?programme=nope"); res.StatusCode != 400 {
		t.Errorf("programme=nope: %d", res.StatusCode)
	}
}
