package api

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/observatory"
)

// GET /api/v1/datasets/datapackage.json: the snapshot as a Frictionless
// Data Package (https://specs.frictionlessdata.io/data-package/): every
// dataset a resource with its Table Schema (types, French and English
// titles, primary key), licences in the standard's keys (name, path,
// title), and each file's path, pinned to the snapshot (snapshot=ID), with
// its size and SHA-256, so a tool can fetch it and check it. The job
// referential and the coverage layers are resources too (JSON and
// GeoJSON, without a Table Schema). Hashing means building every file
// once: the package is cached per snapshot like any response.

// primaryKeys are the datasets' primary keys; a dataset without a field
// set that is unique and never empty has none (indicators: family and
// year are empty on most rows; quarantine: a sheet is empty for CSV).
var primaryKeys = map[string][]string{
	"formations":  {"id"},
	"territories": {"level", "code"},
	"job-demand":  {"year", "level", "code", "fap"},
	"needs":       {"level", "code"},
	"gaps":        {"id"},
}

type dpLicence struct {
	Name  string `json:"name,omitempty"`
	Path  string `json:"path,omitempty"`
	Title string `json:"title,omitempty"`
}

type dpSource struct {
	Title string `json:"title"`
	Path  string `json:"path,omitempty"`
	// Licence as the producer states it (not a standard key).
	Licence string `json:"licence,omitempty"`
}

type dpSchema struct {
	Fields        []schemaField `json:"fields"`
	PrimaryKey    []string      `json:"primaryKey,omitempty"`
	MissingValues []string      `json:"missingValues"`
}

type dpResource struct {
	Name        string      `json:"name"`
	Path        string      `json:"path"`
	Profile     string      `json:"profile"`
	Title       string      `json:"title"`
	TitleEN     string      `json:"title_en,omitempty"`
	Description string      `json:"description,omitempty"`
	Format      string      `json:"format"`
	MediaType   string      `json:"mediatype"`
	Encoding    string      `json:"encoding,omitempty"`
	Bytes       int         `json:"bytes"`
	Hash        string      `json:"hash"`
	Schema      *dpSchema   `json:"schema,omitempty"`
	Licenses    []dpLicence `json:"licenses,omitempty"`
	Sources     []dpSource  `json:"sources,omitempty"`
	Synthetic   bool        `json:"synthetic,omitempty"`
	Notice      string      `json:"notice,omitempty"`
}

type dataPackage struct {
	Profile      string       `json:"profile"`
	Name         string       `json:"name"`
	ID           string       `json:"id"`
	Title        string       `json:"title"`
	TitleEN      string       `json:"title_en"`
	Description  string       `json:"description"`
	Version      string       `json:"version"`
	Created      string       `json:"created"`
	Homepage     string       `json:"homepage"`
	Licenses     []dpLicence  `json:"licenses"`
	Contributors []dpContrib  `json:"contributors"`
	Keywords     []string     `json:"keywords"`
	Synthetic    bool         `json:"synthetic"`
	Notice       string       `json:"notice,omitempty"`
	Resources    []dpResource `json:"resources"`
}

type dpContrib struct {
	Title string `json:"title"`
	Role  string `json:"role"`
}

func dpLicenceOf(l datasets.Licence) dpLicence {
	return dpLicence{Name: l.ID, Path: l.URL, Title: l.Name}
}

func dpSourcesOf(ss []datasets.SourceLicence) []dpSource {
	out := make([]dpSource, len(ss))
	for i, s := range ss {
		out[i] = dpSource{Title: s.Name, Path: s.URL, Licence: s.Licence}
	}
	return out
}

// datapackage serves the Data Package of the request's snapshot.
func (s *Server) datapackage(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	st := store(c)
	info, err := s.snapshotInfo(c.Request().Context(), st)
	if err != nil {
		return err
	}
	base := s.baseURL(c)
	pin := func(path string) string {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		return base + path + sep + snapshotParam + "=" + url.QueryEscape(info.ID)
	}
	dp := dataPackage{Profile: "data-package", Name: "gen-observatory", ID: pin("/api/v1/datasets/datapackage.json"),
		Title:       "Observatoire de l'offre de formation au numérique (Grande École du Numérique)",
		TitleEN:     "GEN observatory of the digital-skills training offer",
		Description: "Every dataset of one snapshot of the observatory, with its Table Schema, licence, sources, and each file's SHA-256.",
		Version:     info.ID, Created: info.Created.UTC().Format("2006-01-02T15:04:05Z"), Homepage: base + "/",
		Licenses:     []dpLicence{dpLicenceOf(datasets.LicenceOuverte)},
		Contributors: []dpContrib{{Title: datasets.Publisher, Role: "publisher"}},
		Keywords:     []string{"formation", "numérique", "Grande École du Numérique", "open data"},
		Resources:    []dpResource{}}
	entries, _, err := s.catalogue(c) // the registered datasets, then each programme's
	if err != nil {
		return err
	}
	for _, e := range entries {
		r, err := s.dpFile(c, e.Name, "/api/v1/datasets/"+e.Name+".csv", pin, FormatCSV)
		if err != nil {
			return err
		}
		r.Profile, r.Encoding = "tabular-data-resource", "utf-8"
		r.Title, r.TitleEN, r.Description = e.Title.FR, e.Title.EN, e.Description.EN
		pk, ok := primaryKeys[e.Name]
		if !ok && strings.HasPrefix(e.Name, "formations-") {
			pk = primaryKeys["formations"] // a programme's formations (programmeDatasets): the same table
		}
		r.Schema = &dpSchema{Fields: e.Schema.Fields, PrimaryKey: pk, MissingValues: e.Schema.MissingValues}
		r.Licenses = []dpLicence{e.Licence}
		r.Sources = e.Sources
		r.Synthetic, r.Notice = e.Synthetic, e.Notice
		dp.Synthetic = dp.Synthetic || e.Synthetic
		dp.Resources = append(dp.Resources, r)
	}
	for _, x := range dpExtras() {
		r, err := s.dpFile(c, x.name, x.path, pin, x.format)
		if err != nil {
			return err
		}
		r.Profile, r.Title, r.TitleEN, r.Description = "data-resource", x.fr, x.en, x.desc
		r.Licenses = []dpLicence{dpLicenceOf(datasets.LicenceOuverte)}
		r.Synthetic = x.synthetic && catalogueSynthetic(info)
		if r.Synthetic {
			r.Notice = syntheticNotice
		}
		dp.Resources = append(dp.Resources, r)
	}
	if dp.Synthetic {
		dp.Notice = syntheticNotice
		c.Response().Header().Set(headerSynthetic, "true")
	}
	return c.JSON(http.StatusOK, dp)
}

// dpExtra is a resource that is not a table: the job referential and the
// coverage layers.
type dpExtra struct {
	name, path, fr, en, desc string
	format                   Format
	synthetic                bool // built from the catalogue
}

func dpExtras() []dpExtra {
	out := []dpExtra{{name: "metiers", path: "/api/v1/metiers", format: FormatJSON,
		fr: "Référentiel des métiers du numérique (familles GEN ↔ ROME ↔ FAP)", en: "Digital-jobs referential (GEN families ↔ ROME ↔ FAP)",
		desc: "The job families, their ROME and FAP codes with sources and notes, and the formations attached."}}
	for _, l := range []observatory.Level{observatory.LevelRegion, observatory.LevelDepartement, observatory.LevelBassin, observatory.LevelCommune} {
		out = append(out, dpExtra{name: "coverage-" + string(l), path: "/api/v1/coverage/" + string(l) + ".geojson", format: FormatGeoJSON,
			fr: "Couverture par " + observatory.LevelLabelsFR[string(l)], en: "Coverage by " + string(l),
			desc: "One feature per territory, the indicators as properties (GeoJSON, RFC 7946).", synthetic: true})
	}
	return out
}

// dpFile fetches path, pinned to the snapshot, through the server's own
// handler, so the size and hash are those of the bytes the URL serves.
func (s *Server) dpFile(c echo.Context, name, path string, pin func(string) string, f Format) (dpResource, error) {
	u := pin(path)
	req := httptest.NewRequestWithContext(c.Request().Context(), http.MethodGet, u, nil)
	req.Host = c.Request().Host
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return dpResource{}, observatory.Errorf(observatory.EINTERNAL, "datapackage: %s answered %d: %.200s", path, rec.Code, rec.Body.String())
	}
	sum := sha256.Sum256(rec.Body.Bytes())
	mt, _, _ := strings.Cut(mediaTypes[f], ";")
	return dpResource{Name: name, Path: u, Format: string(f), MediaType: mt, Bytes: rec.Body.Len(),
		Hash: fmt.Sprintf("sha256:%s", hex.EncodeToString(sum[:]))}, nil
}
