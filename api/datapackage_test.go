package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/pb33f/jsonschema/v6"
)

// frictionless compiles one of the standard's published profiles,
// vendored in testdata/frictionless (see its README).
func frictionless(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/frictionless/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(name, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(name)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// TestDataPackage validates datapackage.json against the Data Package
// profile, and each tabular resource against the Tabular Data Resource
// profile, as the standard publishes them, then checks what the
// profile cannot: every dataset and layer is a resource, tabular ones have
// their Table Schema with French and English titles and their primary
// key, licences use the standard's keys, and each path serves the bytes
// of the stated size and SHA-256.
func TestDataPackage(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	res, body := e.fetch(t, "/api/v1/datasets/datapackage.json")
	if res.StatusCode != 200 {
		t.Fatalf("%d %.300s", res.StatusCode, body)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := frictionless(t, "data-package.json").Validate(doc); err != nil {
		t.Fatalf("datapackage.json is not a valid Data Package: %v", err)
	}
	var raw struct{ Resources []json.RawMessage }
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	tabular := frictionless(t, "tabular-data-resource.json")
	for _, r := range raw.Resources {
		var head struct{ Name, Profile string }
		json.Unmarshal(r, &head)
		if head.Profile != "tabular-data-resource" {
			continue
		}
		d, err := jsonschema.UnmarshalJSON(bytes.NewReader(r))
		if err != nil {
			t.Fatal(err)
		}
		if err := tabular.Validate(d); err != nil {
			t.Errorf("resource %s is not a valid Tabular Data Resource: %v", head.Name, err)
		}
	}

	var dp struct {
		Synthetic bool             `json:"synthetic"`
		Notice    string           `json:"notice"`
		Licenses  []map[string]any `json:"licenses"`
		Resources []struct {
			Name, Path, Hash, Profile, Format string
			Bytes                             int
			Licenses                          []map[string]any
			Schema                            *struct {
				Fields []struct {
					Name    string `json:"name"`
					Title   string `json:"title"`
					TitleEN string `json:"title_en"`
				} `json:"fields"`
				PrimaryKey []string `json:"primaryKey"`
			}
		} `json:"resources"`
	}
	if err := json.Unmarshal(body, &dp); err != nil {
		t.Fatal(err)
	}
	if !dp.Synthetic || dp.Notice == "" {
		t.Error("the package does not say the catalogue is synthetic")
	}
	for _, l := range append(dp.Licenses, dp.Resources[0].Licenses...) {
		if l["name"] != "etalab-2.0" || l["path"] == nil || l["title"] == nil || l["ID"] != nil || l["URL"] != nil {
			t.Errorf("licence keys %v", l)
		}
	}
	names := []string{}
	for _, r := range dp.Resources {
		names = append(names, r.Name)
		if !strings.Contains(r.Path, "snapshot=") {
			t.Errorf("%s: path %q is not pinned to the snapshot", r.Name, r.Path)
		}
		if r.Profile == "tabular-data-resource" {
			if r.Schema == nil || len(r.Schema.Fields) == 0 {
				t.Fatalf("%s: no Table Schema", r.Name)
			}
			for _, fd := range r.Schema.Fields {
				if fd.Title == "" || fd.TitleEN == "" {
					t.Errorf("%s.%s: titles %q / %q", r.Name, fd.Name, fd.Title, fd.TitleEN)
				}
			}
		}
	}
	for _, want := range []string{"formations", "territories", "job-demand", "indicators", "needs", "gaps", "metiers",
		"coverage-region", "coverage-departement", "coverage-bassin", "coverage-commune",
		"formations-parcoursup-apprentissage-2020"} { // a programme's formations too
		if !slices.Contains(names, want) {
			t.Errorf("no resource %s in %v", want, names)
		}
	}
	for _, r := range dp.Resources {
		if strings.HasPrefix(r.Name, "formations") && !slices.Equal(r.Schema.PrimaryKey, []string{"id"}) {
			t.Errorf("formations primaryKey %v", r.Schema.PrimaryKey)
		}
		if r.Name != "formations" && r.Name != "metiers" && r.Name != "coverage-departement" {
			continue
		}
		_, b := e.fetch(t, strings.TrimPrefix(r.Path, e.srv.URL))
		sum := sha256.Sum256(b)
		if got := "sha256:" + hex.EncodeToString(sum[:]); got != r.Hash || len(b) != r.Bytes {
			t.Errorf("%s: %d bytes %s, package says %d %s", r.Name, len(b), got, r.Bytes, r.Hash)
		}
	}
}

// TestDataPackageDCAT: the DCAT-AP document covers every dataset of the
// package, the job referential and the coverage layers included.
func TestDataPackageDCAT(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	var cat struct {
		Datasets []struct {
			ID           string           `json:"dct:identifier"`
			Distribution []map[string]any `json:"dcat:distribution"`
		} `json:"dcat:dataset"`
		HasPart map[string]string `json:"dct:hasPart"`
	}
	if res := e.get(t, "/api/v1/datasets.jsonld", &cat); res.StatusCode != 200 {
		t.Fatalf("%d", res.StatusCode)
	}
	ids := []string{}
	for _, d := range cat.Datasets {
		ids = append(ids, d.ID)
		if len(d.Distribution) == 0 {
			t.Errorf("%s: no distribution", d.ID)
		}
	}
	for _, want := range []string{"formations", "territories", "job-demand", "indicators", "needs", "gaps", "quarantine", "metiers",
		"coverage-region", "coverage-departement", "coverage-bassin", "coverage-commune"} {
		if !slices.Contains(ids, want) {
			t.Errorf("DCAT lacks %s: %v", want, ids)
		}
	}
	if !strings.HasSuffix(cat.HasPart["@id"], "/api/v1/datasets/datapackage.json") {
		t.Errorf("hasPart %v", cat.HasPart)
	}
}

// dcatExtras are the datasets of the DCAT document that are not tables
// of /api/v1/datasets: the job referential and the coverage layers.
var dcatExtras = []string{"metiers", "coverage-region", "coverage-departement", "coverage-bassin", "coverage-commune"}
