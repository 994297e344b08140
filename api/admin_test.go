package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/api"
	"github.com/gen-numerique/observatory/ingest"
	"github.com/gen-numerique/observatory/observatory"
)

const (
	adminToken      = "s3cret-admin-token"
	syntheticXLSX   = "../ingest/testdata/gen-formations-synthetique.xlsx"
	notAZipXLSX     = "../ingest/testdata/bad/not-a-zip.xlsx"
	adminIngestPath = "/api/v1/admin/ingest"
)

// newAdminEnv serves a copy of the default snapshot with cfg, its ingest
// wired as cmd/observatory does: ingest.Run into the data directory, then
// Hub.Reload. wrap, if set, wraps that function (to hold a run open).
func newAdminEnv(t *testing.T, cfg api.Config, wrap func(api.IngestFunc) api.IngestFunc) *env {
	t.Helper()
	return newEnvWith(t, cfg, func(e *env, cfg *api.Config) {
		run := func(ctx context.Context, kind string, uploads []api.Upload, opt api.IngestOptions) (*observatory.Report, error) {
			files := make([]ingest.File, len(uploads))
			for i, u := range uploads {
				files[i] = ingest.File{Name: u.Name, Data: u.Data, Size: u.Size}
			}
			rep, err := ingest.Run(ctx, e.w, kind, files, ingest.Options{Ref: e.w.Ref, AllowShrink: opt.AllowShrink, Step: opt.Progress})
			if err != nil {
				return nil, err
			}
			// As cmd: the run succeeded even if the switch fails (the watcher
			// would retry); the tests then see the old snapshot served.
			if _, err := e.hub.Reload(context.WithoutCancel(ctx)); err != nil {
				t.Errorf("reload after ingest: %v", err)
			}
			return rep, nil
		}
		cfg.Ingest = run
		if wrap != nil {
			cfg.Ingest = wrap(run)
		}
	})
}

// multipartBody builds a multipart/form-data body with one part per file,
// each named field.
func multipartBody(t *testing.T, field string, paths ...string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fw, err := mw.CreateFormFile(field, filepath.Base(p))
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(b)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, mw.FormDataContentType()
}

// upload posts body to the admin route; token "" sends no Authorization.
func (e *env) upload(t *testing.T, query, token string, body io.Reader, ctype string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+adminIngestPath+query, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	res.Body = io.NopCloser(bytes.NewReader(b))
	return res, b
}

// problem decodes a problem+json body and checks its status and code.
func adminProblem(t *testing.T, res *http.Response, body []byte, status int, code string) api.Problem {
	t.Helper()
	var p api.Problem
	if res.StatusCode != status || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("got %d %s, want %d problem+json: %s", res.StatusCode, res.Header.Get("Content-Type"), status, body)
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Code != code || p.Status != status {
		t.Fatalf("problem %+v, want code %s", p, code)
	}
	return p
}

// validResponse checks a response against openapi.json.
func validResponse(t *testing.T, query string, res *http.Response) {
	t.Helper()
	v := openAPIValidator(t)
	req, _ := http.NewRequest(http.MethodPost, adminIngestPath+query, nil)
	if ok, errs := v.ValidateHttpResponse(req, res); !ok {
		for _, e := range errs {
			t.Errorf("%s %d response: %s: %s", query, res.StatusCode, e.Message, e.Reason)
		}
	}
}

func (e *env) snapshotServed(t *testing.T) string {
	t.Helper()
	res, _ := e.fetch(t, "/api/v1/formations?limit=1")
	if res.StatusCode != 200 {
		t.Fatalf("formations: %d", res.StatusCode)
	}
	return res.Header.Get("X-Observatory-Snapshot")
}

// runStatus is GET /api/v1/admin/runs/{id}.
type runStatus struct {
	ID       string               `json:"id"`
	Status   string               `json:"status"`
	Progress observatory.Progress `json:"progress"`
	Phases   []struct {
		Phase string `json:"phase"`
	} `json:"phases"`
	Report *struct {
		observatory.Report
		RejectsTotal    int    `json:"rejects_total"`
		Quarantine      string `json:"quarantine"`
		RejectsByReason []struct {
			Reason string `json:"reason"`
			Rows   int    `json:"rows"`
		} `json:"rejects_by_reason"`
	} `json:"report"`
	Error *api.Problem      `json:"error"`
	Links map[string]string `json:"links"`
}

// getRun fetches a run's status as the admin.
func (e *env) getRun(t *testing.T, path string) (*http.Response, runStatus) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var r runStatus
	if res.StatusCode == 200 {
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
	}
	res.Body = io.NopCloser(bytes.NewReader(b))
	return res, r
}

// awaitRun polls a run until it has ended. The deadline guards against
// a hang; it checks no speed.
func (e *env) awaitRun(t *testing.T, location string) runStatus {
	t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		res, r := e.getRun(t, location)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", location, res.StatusCode)
		}
		if r.Status == observatory.PhaseDone || r.Status == observatory.PhaseFailed {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s still %s", r.ID, r.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// uploadRun posts an upload, expects 202 with a Location, and waits for
// the run to end.
func (e *env) uploadRun(t *testing.T, query string, body io.Reader, ctype string) runStatus {
	t.Helper()
	res, b := e.upload(t, query, adminToken, body, ctype)
	if res.StatusCode != http.StatusAccepted || res.Header.Get("Location") == "" {
		t.Fatalf("upload %s: %d %s", query, res.StatusCode, b)
	}
	validResponse(t, query, res)
	return e.awaitRun(t, res.Header.Get("Location"))
}

func TestAdminDisabledWithoutToken(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, api.Config{}, nil)
	body, ctype := multipartBody(t, "file", syntheticXLSX)
	for _, tok := range []string{"", adminToken} {
		res, b := e.upload(t, "?kind=catalogue", tok, bytes.NewReader(body.Bytes()), ctype)
		p := adminProblem(t, res, b, http.StatusNotFound, observatory.ENOTFOUND)
		if !strings.Contains(p.Detail, "--admin-token") {
			t.Errorf("detail %q does not say how to enable admin routes", p.Detail)
		}
		validResponse(t, "?kind=catalogue", res)
	}
}

func TestAdminUnauthorized(t *testing.T) {
	e := newAdminEnv(t, api.Config{AdminToken: adminToken, TempDir: t.TempDir()}, nil)
	before := e.snapshotServed(t)
	for _, auth := range []string{"", "Bearer", "Bearer wrong", "Bearer " + adminToken + "x",
		"Basic " + adminToken, "Bearer " + strings.ToUpper(adminToken)} {
		body, ctype := multipartBody(t, "file", syntheticXLSX)
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+adminIngestPath+"?kind=catalogue", body)
		req.Header.Set("Content-Type", ctype)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		adminProblem(t, res, b, http.StatusUnauthorized, observatory.EUNAUTHORIZED)
		if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer ") {
			t.Errorf("%q: WWW-Authenticate %q", auth, res.Header.Get("WWW-Authenticate"))
		}
		if strings.Contains(string(b), adminToken) {
			t.Errorf("%q: the token is echoed: %s", auth, b)
		}
		res.Body = io.NopCloser(bytes.NewReader(b))
		validResponse(t, "?kind=catalogue", res)
	}
	if after := e.snapshotServed(t); after != before {
		t.Fatalf("snapshot changed without a token: %s -> %s", before, after)
	}
}

func TestAdminIngestCatalogue(t *testing.T) {
	tmp := t.TempDir()
	e := newAdminEnv(t, api.Config{AdminToken: adminToken, TempDir: tmp}, nil)
	before := e.snapshotServed(t)
	body, ctype := multipartBody(t, "file", syntheticXLSX)
	run := e.uploadRun(t, "?kind=catalogue", body, ctype)
	if run.Status != observatory.PhaseDone || run.Report == nil {
		t.Fatalf("run: %+v", run)
	}
	rep := run.Report.Report
	st, _ := os.Stat(syntheticXLSX)
	if rep.Snapshot == "" || rep.Snapshot == before || len(rep.Inputs) != 1 || rep.Duration <= 0 {
		t.Fatalf("report: %+v", rep)
	}
	var phases []string
	for _, p := range run.Phases {
		phases = append(phases, p.Phase)
	}
	if want := []string{"queued", "reading", "checking", "appending", "committing", "done"}; !slices.Equal(phases, want) {
		t.Errorf("phases %v, want %v", phases, want)
	}
	if run.Progress.File != "gen-formations-synthetique.xlsx" || run.Progress.Rows != rep.Inputs[0].RowsRead || run.Links["snapshot"] == "" {
		t.Errorf("progress %+v, links %v", run.Progress, run.Links)
	}
	v := openAPIValidator(t)
	for _, path := range []string{run.Links["self"], "/api/v1/admin/runs", "/api/v1/admin/runs/20200101T000000Z-abcdef"} {
		res, _ := e.getRun(t, path)
		req, _ := http.NewRequest(http.MethodGet, path, nil)
		if ok, errs := v.ValidateHttpResponse(req, res); !ok {
			for _, err := range errs {
				t.Errorf("%s %d: %s: %s", path, res.StatusCode, err.Message, err.Reason)
			}
		}
	}
	// The same catalogue in its XLSX form: every concept found, no warning.
	if len(rep.Warnings) != 0 || len(rep.Columns) != len(ingest.CatalogueConcepts()) {
		t.Fatalf("warnings %q, %d columns", rep.Warnings, len(rep.Columns))
	}
	in := rep.Inputs[0]
	if in.Kind != "catalogue" || in.Name != "gen-formations-synthetique.xlsx" || in.Size != st.Size() ||
		!in.Synthetic || len(in.SHA256) != 64 || in.RowsRead == 0 || in.Loaded == 0 ||
		in.Loaded+in.Quarantined != in.RowsRead || in.Quarantined != run.Report.RejectsTotal ||
		in.Snapshot != rep.Snapshot || in.Ingested.IsZero() {
		t.Fatalf("input: %+v", in)
	}
	// Served at once from the new snapshot, with the report's counts.
	var l list
	res := e.get(t, "/api/v1/formations?limit=1", &l)
	if got := res.Header.Get("X-Observatory-Snapshot"); got != rep.Snapshot || l.Snapshot != rep.Snapshot {
		t.Fatalf("served snapshot %s (body %s), want %s", got, l.Snapshot, rep.Snapshot)
	}
	if l.Total != in.Loaded || !l.Synthetic || res.Header.Get("X-Observatory-Synthetic") != "true" {
		t.Fatalf("formations total %d synthetic %v, report loaded %d", l.Total, l.Synthetic, in.Loaded)
	}
	if cur, _ := e.dir.Current(); cur != rep.Snapshot {
		t.Fatalf("current %s, want %s", cur, rep.Snapshot)
	}
	assertEmptyDir(t, tmp)
}

// TestAdminIngestShrink: a catalogue of one row is refused with a 409 that
// says how to override, and nothing changes; with allow_shrink=true it is
// served, and the report warns of the concepts it lacks.
func TestAdminIngestShrink(t *testing.T) {
	tmp := t.TempDir()
	e := newAdminEnv(t, api.Config{AdminToken: adminToken, TempDir: tmp}, nil)
	before := e.snapshotServed(t)
	one := filepath.Join(t.TempDir(), "une.csv")
	csv := "Nom de la formation;Structure porteuse;Code postal;Date de labellisation;Fin de labellisation\nDéveloppeur web;Fabrique;69003;2024-03-01;2027-03-01\n"
	if err := os.WriteFile(one, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	body, ctype := multipartBody(t, "file", one)
	run := e.uploadRun(t, "?kind=catalogue", body, ctype)
	p := run.Error
	if run.Status != observatory.PhaseFailed || p == nil || p.Status != http.StatusConflict || p.Code != observatory.ECONFLICT {
		t.Fatalf("run %+v", run)
	}
	if !strings.Contains(p.Detail, "une.csv: refused: the catalogue would go from 80 formations in force (at 2021-11-30") || !strings.Contains(p.Detail, "allow_shrink=true") {
		t.Errorf("detail %q", p.Detail)
	}
	if after := e.snapshotServed(t); after != before {
		t.Fatalf("served snapshot changed: %s -> %s", before, after)
	}

	body, ctype = multipartBody(t, "file", one)
	run = e.uploadRun(t, "?kind=catalogue&allow_shrink=true", body, ctype)
	if run.Status != observatory.PhaseDone {
		t.Fatalf("run %+v", run)
	}
	rep := run.Report.Report
	warnings := strings.Join(rep.Warnings, "\n")
	if !strings.Contains(warnings, `une.csv: learners: the current catalogue has it (column "Apprenants formés" of gen-formations-synthetique.csv), this file does not`) {
		t.Errorf("warnings:\n%s", warnings)
	}
	absent := 0
	for _, c := range rep.Columns {
		if c.File == "une.csv" && c.Header == "" {
			absent++
		}
	}
	if absent != len(ingest.CatalogueConcepts())-5 {
		t.Errorf("columns %+v", rep.Columns)
	}
	if got := e.snapshotServed(t); got != rep.Snapshot {
		t.Fatalf("served %s, want %s", got, rep.Snapshot)
	}
	assertEmptyDir(t, tmp)
}

func TestAdminIngestBadFile(t *testing.T) {
	tmp := t.TempDir()
	e := newAdminEnv(t, api.Config{AdminToken: adminToken, TempDir: tmp}, nil)
	before := e.snapshotServed(t)
	cur, _ := e.dir.Current()
	body, ctype := multipartBody(t, "file", notAZipXLSX)
	run := e.uploadRun(t, "?kind=catalogue", body, ctype)
	p := run.Error
	if run.Status != observatory.PhaseFailed || p == nil || p.Status != http.StatusBadRequest || p.Code != observatory.EINVALID || run.Report != nil {
		t.Fatalf("run %+v", run)
	}
	if !strings.Contains(p.Detail, "not-a-zip.xlsx") {
		t.Errorf("detail %q does not name the file", p.Detail)
	}
	if after := e.snapshotServed(t); after != before {
		t.Fatalf("served snapshot changed: %s -> %s", before, after)
	}
	if now, _ := e.dir.Current(); now != cur {
		t.Fatalf("current changed: %s -> %s", cur, now)
	}
	assertEmptyDir(t, tmp)
}

func TestAdminBadRequests(t *testing.T) {
	tmp := t.TempDir()
	e := newAdminEnv(t, api.Config{AdminToken: adminToken, TempDir: tmp}, nil)
	before := e.snapshotServed(t)
	good := func() (io.Reader, string) {
		b, ct := multipartBody(t, "file", syntheticXLSX)
		return b, ct
	}
	for _, c := range []struct {
		name, query, param string
		body               func() (io.Reader, string)
	}{
		{"unknown kind", "?kind=geo", "kind", good},
		{"no kind", "", "kind", good},
		{"kind twice", "?kind=bmo&kind=catalogue", "kind", good},
		{"unknown parameter", "?kind=bmo&dry=1", "dry", good},
		{"allow_shrink not a boolean", "?kind=catalogue&allow_shrink=yes", "allow_shrink", good},
		{"other field", "?kind=catalogue", "upload", func() (io.Reader, string) {
			b, ct := multipartBody(t, "upload", syntheticXLSX)
			return b, ct
		}},
		{"no file", "?kind=catalogue", "file", func() (io.Reader, string) {
			b, ct := multipartBody(t, "file")
			return b, ct
		}},
		{"not multipart", "?kind=catalogue", "", func() (io.Reader, string) {
			return strings.NewReader("id,title\n"), "text/csv"
		}},
		{"cut short", "?kind=catalogue", "", func() (io.Reader, string) {
			b, ct := multipartBody(t, "file", syntheticXLSX)
			return bytes.NewReader(b.Bytes()[:b.Len()/2]), ct
		}},
	} {
		body, ctype := c.body()
		res, b := e.upload(t, c.query, adminToken, body, ctype)
		p := adminProblem(t, res, b, http.StatusBadRequest, observatory.EINVALID)
		if p.Param != c.param {
			t.Errorf("%s: param %q, want %q (%s)", c.name, p.Param, c.param, p.Detail)
		}
		if c.param == "kind" && c.name != "kind twice" && !strings.Contains(p.Detail, "catalogue") {
			t.Errorf("%s: detail %q does not list the kinds", c.name, p.Detail)
		}
	}
	if after := e.snapshotServed(t); after != before {
		t.Fatalf("served snapshot changed: %s -> %s", before, after)
	}
	assertEmptyDir(t, tmp)
}

func TestAdminTooLarge(t *testing.T) {
	tmp := t.TempDir()
	e := newAdminEnv(t, api.Config{AdminToken: adminToken, TempDir: tmp, MaxBodyBytes: 16 << 10}, nil)
	before := e.snapshotServed(t)
	body, ctype := multipartBody(t, "file", syntheticXLSX) // 78 kB
	// With a Content-Length, refused before reading; without one (chunked),
	// cut off by the body limit while spooling.
	for _, chunked := range []bool{false, true} {
		var r io.Reader = bytes.NewReader(body.Bytes())
		if chunked {
			r = io.MultiReader(r) // hides the length from the client
		}
		res, b := e.upload(t, "?kind=catalogue", adminToken, r, ctype)
		p := adminProblem(t, res, b, http.StatusRequestEntityTooLarge, observatory.ETOOLARGE)
		if !strings.Contains(p.Detail, "16384") {
			t.Errorf("chunked %v: detail %q does not give the limit", chunked, p.Detail)
		}
		validResponse(t, "?kind=catalogue", res)
	}
	if after := e.snapshotServed(t); after != before {
		t.Fatalf("served snapshot changed: %s -> %s", before, after)
	}
	assertEmptyDir(t, tmp)
}

// TestAdminOneAtATime holds a real run open and checks a second upload is
// refused meanwhile, then accepted once the first has finished.
func TestAdminOneAtATime(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	var hold sync.Once
	e := newAdminEnv(t, api.Config{AdminToken: adminToken}, func(run api.IngestFunc) api.IngestFunc {
		return func(ctx context.Context, kind string, files []api.Upload, opt api.IngestOptions) (*observatory.Report, error) {
			// Only the first run is held, whenever the test gets to wait
			// for it: a non-blocking send here could miss the receiver.
			// (Once.Do would block a concurrent second run, but the server
			// refuses that one with 409 before it gets here.)
			hold.Do(func() {
				close(started)
				<-release
			})
			return run(ctx, kind, files, opt)
		}
	})
	first := make(chan int, 1)
	firstBody, firstType := multipartBody(t, "file", syntheticXLSX)
	_ = first
	res, b := e.upload(t, "?kind=catalogue", adminToken, firstBody, firstType)
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("first upload: %d %s", res.StatusCode, b)
	}
	location := res.Header.Get("Location")
	<-started
	// The first run is under way: its status says so, and a second
	// upload is refused.
	if _, r := e.getRun(t, location); r.Status == observatory.PhaseDone || r.Status == observatory.PhaseFailed {
		t.Fatalf("held run: %+v", r)
	}
	body, ctype := multipartBody(t, "file", syntheticXLSX)
	res, b = e.upload(t, "?kind=catalogue", adminToken, body, ctype)
	adminProblem(t, res, b, http.StatusConflict, observatory.ECONFLICT)
	validResponse(t, "?kind=catalogue", res)
	close(release)
	if r := e.awaitRun(t, location); r.Status != observatory.PhaseDone {
		t.Fatalf("first run: %+v", r)
	}
	body, ctype = multipartBody(t, "file", syntheticXLSX)
	if r := e.uploadRun(t, "?kind=catalogue", body, ctype); r.Status != observatory.PhaseDone {
		t.Fatalf("upload after the first: %+v", r)
	}
}

// TestAdminKinds keeps the kinds the route accepts (checked before the
// body is read) equal to those the ingest knows.
func TestAdminKinds(t *testing.T) {
	if got, want := api.IngestKinds(), ingest.Kinds(); !slices.Equal(got, want) {
		t.Fatalf("api accepts %v, ingest knows %v", got, want)
	}
}

func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		t.Errorf("left behind in the temp dir: %s", e.Name())
	}
}
