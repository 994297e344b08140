package api_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gen-numerique/observatory/api"
	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/ingest"
)

// The stand-in catalogue edited, as a publisher's next export might be:
// three formations gone (one long expired, the only ones in force in
// Meurthe-et-Moselle and in Meuse), two new ones in Creuse (where there
// was none), and one formation's learners corrected.
var (
	removedIDs = []string{"GEN-0005", "GEN-0458", "GEN-0491"}
	addedRows  = []string{
		"GEN-9001;Développeur·se web;Fabrique numérique de Guéret (synthétique n°901);23000;Guéret;23096;Creuse;Nouvelle-Aquitaine;46.17;1.87;M1805;developpement;7;2021-11-30;7;2024-11-30;12;1;10;4;5;1",
		"GEN-9002;Technicien·ne d'assistance informatique;Lab'Code de Guéret (synthétique n°902);23000;Guéret;23096;Creuse;Nouvelle-Aquitaine;46.17;1.87;I1401;infrastructure-support;7;2021-11-30;7;2024-11-30;12;1;8;2;5;0",
	}
)

// editedCatalogue writes the edited stand-in to dir, under the stand-in's
// own name (so it is flagged synthetic as the original is).
func editedCatalogue(t testing.TB, dir string) string {
	t.Helper()
	b, err := fs.ReadFile(datasets.Defaults(), "defaults/gen-formations-synthetique.csv")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		id, _, _ := strings.Cut(line, ";")
		switch {
		case id == "GEN-0001":
			f := strings.Split(line, ";")
			if f[18] != "54" {
				t.Fatalf("GEN-0001 learners %q", f[18])
			}
			f[18] = "60"
			line = strings.Join(f, ";")
		case contains(removedIDs, id):
			continue
		}
		out = append(out, line)
	}
	out = append(out, addedRows...)
	path := filepath.Join(dir, "gen-formations-synthetique.csv")
	if err := os.WriteFile(path, []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// ingestFile runs one real ingest into e's data directory and serves it.
func (e *env) ingestFile(t testing.TB, kind, path string) string {
	t.Helper()
	f, c, err := ingest.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rep, err := ingest.Run(context.Background(), e.w, kind, []ingest.File{f}, ingest.Options{Ref: datasetstest.Reference(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.hub.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	return rep.Snapshot
}

// history holds, for the whole test binary, a data directory of three
// snapshots: A, the default; B, the edited catalogue; C, B plus the
// synthetic BMO 2022 survey. Each test gets its own copy.
var history struct {
	once    sync.Once
	root    string
	a, b, c string
}

func historyEnv(t *testing.T) (*env, [3]string) {
	t.Helper()
	history.once.Do(func() {
		e := newEnv(t)
		history.a = e.hub.Current()
		history.b = e.ingestFile(t, "catalogue", editedCatalogue(t, t.TempDir()))
		history.c = e.ingestFile(t, "bmo", "../ingest/testdata/bmo-2022-synthetique.csv")
		root, err := os.MkdirTemp("", "observatory-history-")
		if err != nil {
			t.Fatal(err)
		}
		datasetstest.CopyTree(t, e.dir.Root, root)
		history.root = root
	})
	if history.root == "" {
		t.Fatal("no history fixture")
	}
	e := newEnvFrom(t, history.root)
	return e, [3]string{history.a, history.b, history.c}
}

// replayPaths are reads of every kind: API lists and items, files in
// every format, coverage, gaps, profiles, datasets, the page and the map.
var replayPaths = []string{
	"/api/v1/formations?region=84&limit=5",
	"/api/v1/formations/GEN-0001",
	"/api/v1/formations.csv?departement=69",
	"/api/v1/formations.xlsx?limit=20",
	"/api/v1/formations.geojson?limit=20",
	"/api/v1/formations.parquet?limit=20",
	"/api/v1/indicators/formations?level=departement",
	"/api/v1/indicators/formations_per_100k.csv?level=region",
	"/api/v1/job-demand?level=region",
	"/api/v1/coverage/departement.geojson",
	"/api/v1/gaps",
	"/api/v1/gaps.geojson",
	"/api/v1/territories/departement/55/profile",
	"/api/v1/territories/bassin/8428/profile",
	"/api/v1/territories/commune/69123/profile",
	"/api/v1/indicators/hiring_projects?level=bassin&year=2024",
	"/api/v1/formations?bassin=8428",
	"/api/v1/gaps?level=bassin&wave=1",
	"/api/v1/needs?level=departement",
	"/api/v1/territories/departement/69/needs",
	"/api/v1/metiers",
	"/api/v1/datasets",
	"/api/v1/datasets/formations.csv",
	"/api/v1/snapshots/current/quarantine",
	"/?indicator=formations&level=departement",
	"/map.svg?indicator=formations",
	"/map.png?indicator=formations",
}

// newEnvFrom serves a copy of the data directory src.
func newEnvFrom(t testing.TB, src string) *env {
	t.Helper()
	return newEnvWith(t, api.Config{}, nil, src)
}

func withSnapshot(path, id string) string {
	if strings.Contains(path, "?") {
		return path + "&snapshot=" + id
	}
	return path + "?snapshot=" + id
}

// TestReplayAfterIngests: what a snapshot answered when it was current,
// it answers byte for byte after two new ingests, cacheable for good; the
// current one answers anew.
func TestReplayAfterIngests(t *testing.T) {
	t.Parallel() // its own server and data directory
	e := newEnv(t)
	a := e.hub.Current()
	before := map[string][]byte{}
	for _, p := range replayPaths {
		res, body := e.fetch(t, withSnapshot(p, a))
		if res.StatusCode != 200 || res.Header.Get("X-Observatory-Snapshot") != a {
			t.Fatalf("%s: %d %s", p, res.StatusCode, body)
		}
		if cc := res.Header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
			t.Errorf("%s: the current snapshot is cached for good: %s", p, cc)
		}
		before[p] = body
	}
	// JSON and files name their permalink whether or not the request
	// named its snapshot.
	for _, p := range []string{"/api/v1/formations?region=84&limit=5", "/api/v1/indicators/formations?level=departement", "/api/v1/gaps",
		"/api/v1/coverage/departement.geojson", "/api/v1/formations.xlsx?limit=20", "/api/v1/formations.csv?departement=69"} {
		if _, body := e.fetch(t, p); !bytes.Equal(body, before[p]) {
			t.Errorf("%s: the current answer differs from its permalink's", p)
		}
	}
	// Files without metadata of their own name it in a Link header.
	for _, p := range []string{"/api/v1/formations.csv?departement=69", "/map.png?indicator=formations"} {
		res, _ := e.fetch(t, p)
		if want := "<" + e.srv.URL + withSnapshot(p, a) + `>; rel="canonical"`; !slices.Contains(res.Header.Values("Link"), want) {
			t.Errorf("%s: Link %q, want %q", p, res.Header.Values("Link"), want)
		}
	}
	var l struct {
		Permalink string `json:"permalink"`
	}
	json.Unmarshal(before["/api/v1/formations?region=84&limit=5"], &l)
	if want := e.srv.URL + "/api/v1/formations?limit=5&region=84&snapshot=" + a; l.Permalink != want {
		t.Errorf("permalink %q, want %q", l.Permalink, want)
	}

	b := e.ingestFile(t, "catalogue", editedCatalogue(t, t.TempDir()))
	c := e.ingestFile(t, "bmo", "../ingest/testdata/bmo-2022-synthetique.csv")
	if e.hub.Current() != c || b == a {
		t.Fatalf("current %s after %s, %s", e.hub.Current(), b, c)
	}
	for _, p := range replayPaths {
		res, body := e.fetch(t, withSnapshot(p, a))
		if res.StatusCode != 200 || res.Header.Get("X-Observatory-Snapshot") != a || !bytes.Equal(body, before[p]) {
			t.Errorf("%s: replay %d, %d bytes, was %d bytes", p, res.StatusCode, len(body), len(before[p]))
		}
		if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q", p, cc)
		}
	}
	var now list
	if res := e.get(t, "/api/v1/formations?limit=1", &now); now.Total != 531 || res.Header.Get("X-Observatory-Snapshot") != c {
		t.Errorf("current: %d formations in %s", now.Total, res.Header.Get("X-Observatory-Snapshot"))
	}
	// The page and the map keep the snapshot in their links.
	_, page := e.fetch(t, "/?indicator=formations&snapshot="+a)
	for _, want := range []string{`name="snapshot" value="` + a + `"`, "/map.svg?indicator=formations&amp;level=departement&amp;snapshot=" + a,
		"formations.csv?level=departement&amp;snapshot=" + a, // downloads
		"&amp;snapshot=" + a + `#profile"`,                   // the map's territories
	} {
		if !strings.Contains(string(page), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// TestReplayOlderSchema: a past snapshot built by an older version
// (before bassins, programmes and lineage) is replayed as it is, on
// every endpoint, main's new ones included; the current one is not
// disturbed.
func TestReplayOlderSchema(t *testing.T) {
	t.Parallel()
	_, ids := historyEnv(t)
	src := t.TempDir()
	datasetstest.CopyTree(t, history.root, src)
	a := ids[0]
	raw, err := sql.Open("duckdb", filepath.Join(src, "snapshots", a+".duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		// Before programmes, a snapshot held the GEN label's formations only.
		`DELETE FROM formations WHERE programme <> 'gen'`,
		`ALTER TABLE formations DROP COLUMN bassin`,
		`ALTER TABLE formations DROP COLUMN programme`,
		`ALTER TABLE communes DROP COLUMN bassin`,
		`DROP TABLE bassins`,
		`ALTER TABLE snapshot_info DROP COLUMN parent`,
		`DROP TABLE run_notes`,
		`DELETE FROM schema_migrations WHERE name IN ('migrations/009_places.sql', 'migrations/010_programmes.sql', 'migrations/011_snapshot_lineage.sql')`,
		`CHECKPOINT`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	raw.Close()
	e := newEnvFrom(t, src)
	if e.hub.Current() != ids[2] {
		t.Fatalf("current %s", e.hub.Current())
	}
	for _, p := range replayPaths {
		res, body := e.fetch(t, withSnapshot(p, a))
		if res.StatusCode != 200 || res.Header.Get("X-Observatory-Snapshot") != a {
			t.Errorf("%s: %d %.300s", p, res.StatusCode, body)
		}
	}
	var old, now list
	e.get(t, "/api/v1/formations?limit=1&snapshot="+a, &old)
	e.get(t, "/api/v1/formations?limit=1", &now)
	if old.Total != 532 || now.Total != 531 {
		t.Errorf("formations: %d in the old snapshot, %d now", old.Total, now.Total)
	}
	var d struct {
		ID     string `json:"id"`
		Counts struct {
			Formations int `json:"formations"`
		} `json:"counts"`
	}
	if res := e.get(t, "/api/v1/snapshots/"+a, &d); res.StatusCode != 200 || d.ID != a || d.Counts.Formations == 0 {
		t.Errorf("snapshot %s: %d %+v", a, res.StatusCode, d)
	}
	// A diff from it still works: its formations match by id (the
	// offer's rows, deleted above, come back as added).
	var ch struct {
		Formations struct {
			Added []struct {
				ID string `json:"id"`
			} `json:"added"`
		} `json:"formations"`
	}
	gen := 0
	res := e.get(t, "/api/v1/changes?from="+a+"&to="+ids[1], &ch)
	for _, f := range ch.Formations.Added {
		if strings.HasPrefix(f.ID, "GEN-") {
			gen++
		}
	}
	if res.StatusCode != 200 || gen != 2 {
		t.Errorf("diff from the old snapshot: %d %+v", res.StatusCode, ch)
	}
}

// TestReplayUnknown: an id no snapshot has, or not an id, is a problem
// naming the parameter and the id.
func TestReplayUnknown(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/api/v1/formations?snapshot=20200101T000000Z-abcdef", 404},
		{"/map.svg?snapshot=20200101T000000Z-abcdef", 404},
		{"/api/v1/snapshots/20200101T000000Z-abcdef", 404},
		{"/api/v1/snapshots/20200101T000000Z-abcdef/quarantine", 404},
		{"/api/v1/formations?snapshot=../../etc", 400},
		{"/api/v1/changes?from=20200101T000000Z-abcdef", 404},
	} {
		var p struct {
			Status int    `json:"status"`
			Param  string `json:"param"`
			Detail string `json:"detail"`
		}
		res := e.get(t, c.path, &p)
		if res.StatusCode != c.status || p.Param == "" || res.Header.Get("Content-Type") != "application/problem+json" ||
			(c.status == 404 && !strings.Contains(p.Detail, "20200101T000000Z-abcdef")) {
			t.Errorf("%s: %d %+v", c.path, res.StatusCode, p)
		}
	}
	if res, _ := e.fetch(t, "/api/v1/formations?snapshot=current&limit=1"); res.StatusCode != 200 || res.Header.Get("X-Observatory-Snapshot") != e.hub.Current() {
		t.Errorf("snapshot=current: %d", res.StatusCode)
	}
}
