package api_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	verrors "github.com/pb33f/libopenapi-validator/errors"
)

func openAPIValidator(t *testing.T) validator.Validator {
	t.Helper()
	// Built once for the package: compiling the document's schemas costs
	// about 3 s of CPU under -race, and seven tests use it.
	shared.validatorOnce.Do(func() { shared.validator, shared.validatorErr = newOpenAPIValidator() })
	if shared.validatorErr != nil {
		t.Fatal(shared.validatorErr)
	}
	return shared.validator
}

func newOpenAPIValidator() (validator.Validator, error) {
	spec, err := os.ReadFile("openapi.json")
	if err != nil {
		return nil, err
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		return nil, err
	}
	if v := doc.GetVersion(); v != "3.1.0" {
		return nil, fmt.Errorf("OpenAPI version %s", v)
	}
	if _, err := doc.BuildV3Model(); err != nil {
		return nil, fmt.Errorf("model: %v", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return nil, fmt.Errorf("validator: %v", errs)
	}
	return &lockedValidator{Validator: v}, nil
}

// lockedValidator serialises the calls the tests make: parallel tests
// share one validator, whose caches are not documented as safe for
// concurrent use.
type lockedValidator struct {
	mu sync.Mutex
	validator.Validator
}

func (l *lockedValidator) ValidateDocument() (bool, []*verrors.ValidationError) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.Validator.ValidateDocument()
}

func (l *lockedValidator) ValidateHttpRequest(r *http.Request) (bool, []*verrors.ValidationError) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.Validator.ValidateHttpRequest(r)
}

func (l *lockedValidator) ValidateHttpResponse(r *http.Request, res *http.Response) (bool, []*verrors.ValidationError) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.Validator.ValidateHttpResponse(r, res)
}

// TestOpenAPIDocument validates the document against the OpenAPI 3.1
// schema, and checks it is the one served.
func TestOpenAPIDocument(t *testing.T) {
	v := openAPIValidator(t)
	if ok, errs := v.ValidateDocument(); !ok {
		for _, e := range errs {
			t.Errorf("%s: %s (line %d)", e.Message, e.Reason, e.SpecLine)
		}
	}
	e := newEnv(t)
	res, body := e.fetch(t, "/api/v1/openapi.json")
	spec, _ := os.ReadFile("openapi.json")
	if res.StatusCode != 200 || !bytes.Equal(body, spec) || res.Header.Get("ETag") == "" {
		t.Fatalf("served %d, %d bytes", res.StatusCode, len(body))
	}
	if r, _ := e.fetch(t, "/api/v1/openapi.json", "If-None-Match", res.Header.Get("ETag")); r.StatusCode != 304 {
		t.Fatalf("conditional GET: %d", r.StatusCode)
	}
}

var echoParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// TestOpenAPIRoutes checks every route the server registers is documented
// and every documented path is routed. It fails when a route is added
// without its documentation, on purpose.
func TestOpenAPIRoutes(t *testing.T) {
	v := openAPIValidator(t)
	_ = v
	spec, _ := os.ReadFile("openapi.json")
	doc, _ := libopenapi.NewDocument(spec)
	model, _ := doc.BuildV3Model()
	documented := map[string]bool{}
	for path, item := range model.Model.Paths.PathItems.FromOldest() {
		for method := range item.GetOperations().FromOldest() {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	e := sharedEnv(t)
	ec, ok := e.srv.Config.Handler.(*echo.Echo)
	if !ok {
		t.Fatalf("handler is %T", e.srv.Config.Handler)
	}
	routed := map[string]bool{}
	for _, r := range ec.Routes() {
		if r.Method == echo.RouteNotFound || r.Method == "echo_route_not_found" {
			continue
		}
		p := echoParam.ReplaceAllString(r.Path, "{$1}")
		p = strings.Replace(p, "*", "{path}", 1)
		routed[r.Method+" "+p] = true
	}
	var missing, stale []string
	for r := range routed {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for d := range documented {
		if !routed[d] {
			stale = append(stale, d)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("routes not in openapi.json:\n  %s", strings.Join(missing, "\n  "))
	}
	if len(stale) > 0 {
		t.Errorf("openapi.json documents paths no route serves:\n  %s", strings.Join(stale, "\n  "))
	}
}

// TestOpenAPIResponses sends real requests and validates each request and
// response against the document: parameters, status, media type, schema.
func TestOpenAPIResponses(t *testing.T) {
	t.Parallel()
	v := openAPIValidator(t)
	// The validator really checks: a body without the required total,
	// and a region that breaks the documented pattern, are caught.
	bad := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"snapshot":"x","synthetic":false,"items":[]}`))}
	breq, _ := http.NewRequest(http.MethodGet, "/api/v1/formations?region=ABC", nil)
	if ok, _ := v.ValidateHttpResponse(breq, bad); ok {
		t.Fatal("validator accepts a list without total")
	}
	if ok, _ := v.ValidateHttpRequest(breq); ok {
		t.Fatal("validator accepts region=ABC")
	}
	e := sharedEnv(t)
	for _, c := range []struct{ path, accept string }{
		{"/api/v1/formations?region=84&limit=3", ""},
		{"/api/v1/formations?fields=id,title&sort=-learners&limit=2", ""},
		{"/api/v1/formations.csv?departement=69&dialect=fr", ""},
		{"/api/v1/formations.geojson?limit=5", ""},
		{"/api/v1/formations.xlsx?limit=5", ""},
		{"/api/v1/formations.parquet?limit=5", ""},
		{"/api/v1/formations?limit=2", "text/csv"},
		{"/api/v1/formations/GEN-0001", ""},
		{"/api/v1/formations?regoin=84", ""},
		{"/api/v1/formations?region=99", ""},
		{"/api/v1/formations", "image/png"},
		{"/api/v1/formations/NOPE", ""},
		{"/api/v1/snapshots/current/quarantine?limit=2", ""},
		{"/api/v1/snapshots/current/quarantine.csv", ""},
		{"/api/v1/snapshots", ""},
		{"/api/v1/datasets", ""},
		{"/api/v1/datasets.jsonld", ""},
		{"/api/v1/datasets", "application/ld+json"},
		{"/api/v1/datasets/formations", ""},
		{"/api/v1/datasets/territories.csv", ""},
		{"/api/v1/datasets/quarantine.parquet", ""},
		{"/api/v1/indicators", ""},
		{"/api/v1/indicators/coverage_class?level=region", ""},
		{"/api/v1/indicators/targets", ""},
		{"/api/v1/indicators/formations_per_100k?level=departement&at=2021-11-30&explain=1", ""},
		{"/api/v1/indicators/hiring_projects?level=bassin&explain=1", ""},
		{"/api/v1/indicators/supply_demand_ratio?level=region&year=2024&view=labelled", ""},
		{"/api/v1/formations?departement=69&at=2021-11-30&view=in_force", ""},
		{"/api/v1/job-demand?level=departement&code=69&digital=true&group=cell", ""},
		{"/api/v1/territories/departement/69/profile?explain=1&wave=3", ""},
		{"/api/v1/indicators/formations?level=departement&code=69", ""},
		{"/api/v1/indicators/formations.csv?level=region", ""},
		{"/api/v1/indicators/formations?level=bassin", ""},
		{"/api/v1/gaps?wave=1", ""},
		{"/api/v1/needs?level=departement", ""},
		{"/api/v1/needs.csv?level=region", ""},
		{"/api/v1/territories/departement/69/needs", ""},
		{"/api/v1/territories/bassin/8428/needs?snapshot=current", ""},
		{"/api/v1/gaps.geojson", ""},
		{"/api/v1/simulate?site=23096%2Cdeveloppement%2C12&site=1.87%3A46.17%2Cdonnees", ""},
		{"/api/v1/simulate?site=99999,developpement", ""},
		{"/api/v1/simulate.csv?site=23096%2Cdeveloppement", ""},
		{"/api/v1/recommend-sites?family=developpement&limit=3&k=2", ""},
		{"/api/v1/recommend-sites.csv?family=donnees&level=bassin", ""},
		{"/api/v1/gaps?class=huge", ""},
		{"/api/v1/coverage/region.geojson", ""},
		{"/api/v1/territories/departement/23/profile", ""},
		{"/api/v1/territories/region", ""},
		{"/api/v1/territories/region.geojson", ""},
		{"/api/v1/snapshots/current", ""},
		{"/api/v1/snapshots/current/quarantine.csv", ""},
		{"/api/v1/formations?snapshot=current&limit=1", ""},
		{"/api/v1/formations?snapshot=20200101T000000Z-abcdef", ""},
		{"/api/v1/changes", ""},
		{"/api/v1/changes.atom", ""},
		{"/api/v1/datasets/formations/cite", ""},
		{"/api/v1/datasets/formations/cite?format=csl-json&lang=en", ""},
		{"/api/v1/docs", ""},
		{"/api/v1/docs?lang=en", ""},
		{"/api/v1/docs?lang=de", ""},
		{"/metrics", ""},
		{"/healthz", ""},
		{"/readyz", ""},
	} {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+c.path, nil)
		if c.accept != "" {
			req.Header.Set("Accept", c.accept)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		res.Body = io.NopCloser(bytes.NewReader(body))
		// The validator matches paths against the server URL "/".
		vreq, _ := http.NewRequest(http.MethodGet, c.path, nil)
		vreq.Header = req.Header
		if res.StatusCode < 400 {
			if ok, errs := v.ValidateHttpRequest(vreq); !ok {
				for _, e := range errs {
					t.Errorf("%s request: %s: %s", c.path, e.Message, e.Reason)
				}
			}
		}
		if ok, errs := v.ValidateHttpResponse(vreq, res); !ok {
			for _, e := range errs {
				t.Errorf("%s %d response: %s: %s", c.path, res.StatusCode, e.Message, e.Reason)
			}
		}
	}
}

// validGet fetches path and checks the request and response against the
// document.
func validGet(t *testing.T, e *env, path string) {
	t.Helper()
	v := openAPIValidator(t)
	res, body := e.fetch(t, path)
	res.Body = io.NopCloser(bytes.NewReader(body))
	req, _ := http.NewRequest(http.MethodGet, path, nil)
	if ok, errs := v.ValidateHttpRequest(req); !ok && res.StatusCode < 400 {
		for _, err := range errs {
			t.Errorf("%s request: %s: %s", path, err.Message, err.Reason)
		}
	}
	if ok, errs := v.ValidateHttpResponse(req, res); !ok {
		for _, err := range errs {
			t.Errorf("%s %d response: %s: %s", path, res.StatusCode, err.Message, err.Reason)
		}
	}
}
