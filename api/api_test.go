package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/gen-numerique/observatory/api"
	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/ingest"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

type env struct {
	srv *httptest.Server
	hub *duckdb.Hub
	dir duckdb.Dir
	w   duckdb.Writer
}

// newEnv serves a real snapshot built from the embedded default data.
func newEnv(t testing.TB) *env { return newEnvWith(t, api.Config{}, nil) }

// newEnvWith serves a copy of the default snapshot (or of the data
// directory from, if given) with cfg; setup, if set, completes cfg once
// the data directory and hub exist (e.g. to wire an ingest function into
// them).
func newEnvWith(t testing.TB, cfg api.Config, setup func(e *env, cfg *api.Config), from ...string) *env {
	t.Helper()
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	w := duckdb.Writer{Dir: dir, Ref: datasetstest.Reference(t), Version: "test"}
	src := ""
	if len(from) > 0 {
		src = from[0]
	} else {
		src = defaultSnapshot(t)
	}
	datasetstest.CopyTree(t, src, dir.Root)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := duckdb.NewHub(dir, log)
	if _, err := hub.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{hub: hub, dir: dir, w: w}
	cfg.Version = "test"
	if setup != nil {
		setup(e, &cfg)
	}
	srv, err := api.New(cfg, hub, datasetstest.Reference(t), log)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(srv.Handler())
	t.Cleanup(func() { e.srv.Close(); srv.Close(); hub.Close() })
	return e
}

// defaults holds one data directory built from the embedded defaults for
// the whole test binary: building it (53,000 BMO rows) costs seconds under
// -race, and each test gets its own copy, so none can disturb another.
var defaults struct {
	once sync.Once
	root string
	err  error
}

func defaultSnapshot(t testing.TB) string {
	defaults.once.Do(func() {
		var err error
		if defaults.root, err = os.MkdirTemp("", "observatory-api-test-"); err != nil {
			defaults.err = err
			return
		}
		w := duckdb.Writer{Dir: duckdb.Dir{Root: defaults.root}, Ref: datasetstest.Reference(t), Version: "test"}
		_, defaults.err = ingest.Defaults(context.Background(), w, ingest.Options{Ref: datasetstest.Reference(t)})
	})
	if defaults.err != nil {
		t.Fatal(defaults.err)
	}
	return defaults.root
}

func TestMain(m *testing.M) {
	code := m.Run()
	closeShared()
	for _, root := range []string{defaults.root, history.root} {
		if root != "" {
			os.RemoveAll(root)
		}
	}
	os.Exit(code)
}

func (e *env) get(t testing.TB, path string, into any) *http.Response {
	t.Helper()
	res, err := http.Get(e.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if into != nil {
		if err := json.NewDecoder(res.Body).Decode(into); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	return res
}

type list struct {
	Snapshot  string `json:"snapshot"`
	Synthetic bool   `json:"synthetic"`
	Notice    string `json:"notice"`
	Total     int    `json:"total"`
	Next      string `json:"next"`
	Items     []struct {
		ID          string `json:"id"`
		Region      string `json:"region"`
		Departement string `json:"departement"`
		Bassin      string `json:"bassin"`
		Synthetic   bool   `json:"synthetic"`
	} `json:"items"`
}

func TestFormationsByRegion(t *testing.T) {
	e := newEnv(t)
	var l list
	res := e.get(t, "/api/v1/formations?region=84&limit=1000", &l)
	if res.StatusCode != 200 || l.Total == 0 || len(l.Items) != l.Total {
		t.Fatalf("status %d, total %d, items %d", res.StatusCode, l.Total, len(l.Items))
	}
	for _, it := range l.Items {
		if it.Region != "84" || !it.Synthetic {
			t.Fatalf("item %+v", it)
		}
	}
	if !l.Synthetic || !strings.Contains(l.Notice, "SYNTHETIC") || res.Header.Get("X-Observatory-Synthetic") != "true" {
		t.Fatal("synthetic data not flagged")
	}
	if res.Header.Get("X-Observatory-Snapshot") != l.Snapshot || l.Snapshot != e.hub.Current() {
		t.Fatal("snapshot header")
	}
	var all list
	e.get(t, "/api/v1/formations?limit=1", &all)
	if all.Total != 532 {
		t.Fatalf("total formations = %d, want 532", all.Total)
	}
}

func TestPaginationOverHTTP(t *testing.T) {
	e := newEnv(t)
	seen := map[string]bool{}
	path := "/api/v1/formations?limit=50"
	total := 0
	for i := 0; path != ""; i++ {
		var l list
		res := e.get(t, path, &l)
		total = l.Total
		for _, it := range l.Items {
			if seen[it.ID] {
				t.Fatalf("%s on two pages", it.ID)
			}
			seen[it.ID] = true
		}
		path = ""
		if link := res.Header.Get("Link"); link != "" {
			path = strings.TrimSuffix(strings.TrimPrefix(strings.Split(link, ";")[0], "<"), ">")
		}
		if i > 20 {
			t.Fatal("no end")
		}
	}
	if len(seen) != total || total != 532 {
		t.Fatalf("saw %d of %d", len(seen), total)
	}
}

func TestProblems(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		path, param string
		status      int
	}{
		{"/api/v1/formations?regoin=84", "regoin", 400},
		{"/api/v1/formations?region=99", "region", 400},
		{"/api/v1/formations?departement=20", "departement", 400},
		{"/api/v1/formations?rome=XX", "rome", 400},
		{"/api/v1/formations?limit=0", "limit", 400},
		{"/api/v1/formations?limit=5000", "limit", 400},
		{"/api/v1/formations?limit=abc", "limit", 400},
		{"/api/v1/formations?cursor=%%%", "", 400},
		{"/api/v1/formations?cursor=zz", "cursor", 400},
		{"/api/v1/formations?region=84&region=11", "region", 400},
		{"/api/v1/formations/NOPE", "", 404},
		{"/api/v1/nothing", "", 404},
	}
	for _, c := range cases {
		var p struct {
			Status int    `json:"status"`
			Param  string `json:"param"`
			Detail string `json:"detail"`
		}
		res := e.get(t, c.path, &p)
		if res.StatusCode != c.status || p.Status != c.status || p.Param != c.param ||
			res.Header.Get("Content-Type") != "application/problem+json" || p.Detail == "" {
			t.Errorf("%s: %d %+v %s", c.path, res.StatusCode, p, res.Header.Get("Content-Type"))
		}
	}
}

func TestFormationAndSnapshots(t *testing.T) {
	e := newEnv(t)
	var f map[string]any
	// GEN-0001 is the first row of the embedded stand-in (its line 2).
	if res := e.get(t, "/api/v1/formations/GEN-0001", &f); res.StatusCode != 200 || f["source_row"] != 2.0 ||
		f["source"] != "gen-formations-synthetique.csv" || f["synthetic"] != true || f["notice"] == nil {
		t.Fatalf("GEN-0001: %d %v", res.StatusCode, f)
	}
	var s struct {
		Items []struct {
			ID      string `json:"id"`
			Current bool   `json:"current"`
			Inputs  []struct {
				Kind      string `json:"kind"`
				Name      string `json:"name"`
				SHA256    string `json:"sha256"`
				Synthetic bool   `json:"synthetic"`
				Read      int    `json:"rows_read"`
				Loaded    int    `json:"rows_loaded"`
				Quar      int    `json:"rows_quarantined"`
				SetAside  int    `json:"rows_set_aside"`
				Programme string `json:"programme"`
			} `json:"inputs"`
		} `json:"items"`
	}
	e.get(t, "/api/v1/snapshots", &s)
	if len(s.Items) != 1 || !s.Items[0].Current || len(s.Items[0].Inputs) == 0 {
		t.Fatalf("snapshots: %+v", s)
	}
	quarantined, catalogue, offers := 0, 0, 0
	for _, in := range s.Items[0].Inputs {
		// An offer's rows of other trades are set aside, not quarantined.
		if len(in.SHA256) != 64 || in.Read != in.Loaded+in.SetAside+in.Quar {
			t.Fatalf("input: %+v", in)
		}
		if in.Kind == "offer" {
			offers++
			if in.Synthetic || in.Programme != "parcoursup-apprentissage-2020" || in.SetAside == 0 {
				t.Errorf("the embedded Parcoursup list: %+v", in)
			}
		}
		if in.Kind == "catalogue" {
			catalogue++
			if !in.Synthetic {
				t.Errorf("the embedded catalogue is not flagged synthetic: %+v", in)
			}
		}
		quarantined += in.Quar
	}
	if catalogue != 1 || offers != 1 {
		t.Fatalf("%d catalogue inputs, %d offers", catalogue, offers)
	}
	var q struct {
		Total int `json:"total"`
	}
	e.get(t, "/api/v1/snapshots/current/quarantine", &q)
	if q.Total != quarantined {
		t.Fatalf("quarantine %d, inputs say %d", q.Total, quarantined)
	}
	if res := e.get(t, "/healthz", nil); res.StatusCode != 200 {
		t.Fatal("healthz")
	}
}

// TestSwitchDuringRequests ingests a new catalogue while clients read: every
// response is whole and names the snapshot it came from.
func TestSwitchDuringRequests(t *testing.T) {
	e := newEnv(t)
	first := e.hub.Current()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	totals := map[string]int{}
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				// Errorf, not get's Fatal: this is not the test's goroutine.
				var l list
				res, err := http.Get(e.srv.URL + "/api/v1/formations?limit=1000")
				if err == nil {
					err = json.NewDecoder(res.Body).Decode(&l)
					res.Body.Close()
				}
				if err != nil {
					t.Error(err)
					return
				}
				if res.StatusCode != 200 || len(l.Items) != l.Total || res.Header.Get("X-Observatory-Snapshot") != l.Snapshot {
					t.Errorf("status %d, %d items of %d", res.StatusCode, len(l.Items), l.Total)
					return
				}
				mu.Lock()
				totals[l.Snapshot] = l.Total
				mu.Unlock()
			}
		}()
	}
	f, c, err := ingest.OpenFile("../ingest/testdata/bad/catalogue-cp1252.csv")
	if err != nil {
		close(stop)
		wg.Wait()
		t.Fatal(err)
	}
	defer c.Close()
	// A catalogue of 2 rows replacing 532, on purpose: AllowShrink.
	if _, err := ingest.Run(context.Background(), e.w, "catalogue", []ingest.File{f}, ingest.Options{Ref: datasetstest.Reference(t), AllowShrink: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.hub.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		var l list
		e.get(t, "/api/v1/formations", &l)
		mu.Lock()
		totals[l.Snapshot] = l.Total
		mu.Unlock()
	}
	close(stop)
	wg.Wait()
	if totals[first] != 532 || totals[e.hub.Current()] != 2 || len(totals) != 2 {
		t.Fatalf("totals by snapshot: %v", totals)
	}
}
