package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/observatory"
)

// datasetSpec is how the API builds a published dataset. Its titles,
// licence and sources are in datasets.Catalogue, under the same name.
type datasetSpec struct {
	Name    string
	List    string          // the list endpoint that pages and filters it
	Columns []export.Column // its Table Schema; the table's columns when nil
	Formats []Format        // download formats; the table's when nil
	// Table returns the whole dataset as a table of the request's snapshot.
	Table func(s *Server, c echo.Context) (export.Table, error)
	// programme: the formations of one programme other than the GEN
	// label, a dataset of each snapshot that has it (programmeDatasets).
	programme string
}

// registered returns the published datasets in catalogue order, then the
// others; each resource's file declares its own.
func registered() []datasetSpec {
	out := slices.Concat(formationsSpecs(), quarantineSpecs(), territoriesSpecs(), derivedSpecs())
	order := func(name string) int {
		for i, d := range datasets.Catalogue {
			if d.Name == name {
				return i
			}
		}
		return len(datasets.Catalogue)
	}
	slices.SortStableFunc(out, func(a, b datasetSpec) int { return order(a.Name) - order(b.Name) })
	return out
}

func lookupSpec(name string) (datasetSpec, bool) {
	for _, d := range registered() {
		if d.Name == name {
			return d, true
		}
	}
	return datasetSpec{}, false
}

// datasetEntry is one dataset of the catalogue as /api/v1/datasets shows it.
type datasetEntry struct {
	Name        string      `json:"name"`
	Title       langText    `json:"title"`
	Description langText    `json:"description"`
	Keywords    []string    `json:"keywords"`
	Publisher   string      `json:"publisher"`
	Licence     dpLicence   `json:"licence"` // the Data Package standard's keys
	Sources     []dpSource  `json:"sources"`
	Synthetic   bool        `json:"synthetic"`
	Notice      string      `json:"notice,omitempty"`
	Provenance  provenance  `json:"provenance"`
	Schema      tableSchema `json:"schema"`
	API         string      `json:"api,omitempty"`
	Downloads   []download  `json:"downloads"`
	Cite        string      `json:"cite"` // how to cite it (text, BibTeX, CSL-JSON)
}

type langText struct {
	FR string `json:"fr"`
	EN string `json:"en"`
}

type provenance struct {
	Snapshot     string              `json:"snapshot"`
	SnapshotDate string              `json:"snapshot_date"`
	Inputs       []observatory.Input `json:"inputs"`
}

// tableSchema is a Frictionless Table Schema.
type tableSchema struct {
	Fields        []schemaField `json:"fields"`
	MissingValues []string      `json:"missingValues"`
}

type schemaField struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Format      string `json:"format,omitempty"`
	Title       string `json:"title,omitempty"` // French, the header of French files
	TitleFR     string `json:"title_fr,omitempty"`
	TitleEN     string `json:"title_en,omitempty"`
	Description string `json:"description,omitempty"`
	// Decimals and Precision: what the files round the column to.
	Decimals  *int   `json:"decimals,omitempty"`
	Precision string `json:"precision,omitempty"`
	// LabelsFR: the French label of each value of an enumerated column,
	// as French files (dialect=fr) write them.
	LabelsFR map[string]string `json:"labels_fr,omitempty"`
}

type download struct {
	Format    Format `json:"format"`
	MediaType string `json:"media_type"`
	URL       string `json:"url"`
	Note      string `json:"note,omitempty"`
}

// entry describes a dataset for the snapshot of info.
func (s *Server) entry(c echo.Context, spec datasetSpec, info *observatory.Snapshot) (datasetEntry, error) {
	d, ok := datasets.Lookup(spec.Name)
	if !ok {
		return datasetEntry{}, observatory.Errorf(observatory.EINTERNAL, "dataset %s has no catalogue entry", spec.Name)
	}
	return s.entryOf(c, spec, d, info), nil
}

// entryOf describes dataset d, built as spec says, for the snapshot of info.
func (s *Server) entryOf(c echo.Context, spec datasetSpec, d datasets.Dataset, info *observatory.Snapshot) datasetEntry {
	e := datasetEntry{
		Name: d.Name, Title: langText{d.TitleFR, d.TitleEN}, Description: langText{d.DescriptionFR, d.DescriptionEN},
		Keywords: d.Keywords, Publisher: datasets.Publisher, Licence: dpLicenceOf(d.Licence), Sources: dpSourcesOf(d.Sources),
		Provenance: provenance{Snapshot: info.ID, SnapshotDate: info.Created.UTC().Format("2006-01-02T15:04:05Z"),
			Inputs: inputsOf(info, d.InputKinds)},
		API:    pinLink(spec.List, replayed(c)),
		Schema: tableSchema{Fields: []schemaField{}, MissingValues: []string{""}},
		Cite:   pinLink("/api/v1/datasets/"+d.Name+"/cite", replayed(c)),
	}
	if len(d.InputKinds) == 0 {
		e.Provenance.Inputs = s.geoInputs
	}
	if spec.programme != "" {
		e.Provenance.Inputs = []observatory.Input{}
		for _, in := range info.Inputs {
			if in.Programme == spec.programme {
				e.Provenance.Inputs = append(e.Provenance.Inputs, in)
			}
		}
	}
	for _, in := range e.Provenance.Inputs {
		e.Synthetic = e.Synthetic || in.Synthetic
	}
	if e.Synthetic {
		e.Notice = syntheticNotice
	}
	for _, col := range spec.Columns {
		f := schemaField{Name: col.Name, Type: col.Type, Title: col.Title, TitleFR: col.Title, TitleEN: col.TitleEN,
			Description: col.Description, Decimals: col.Decimals, Precision: col.Precision, LabelsFR: col.LabelsFR}
		if col.Type == "date" {
			f.Format = "%Y-%m-%d"
		}
		e.Schema.Fields = append(e.Schema.Fields, f)
	}
	for _, f := range spec.Formats {
		u := "/api/v1/datasets/" + d.Name + "." + string(f)
		mt, _, _ := strings.Cut(mediaTypes[f], ";")
		e.Downloads = append(e.Downloads, download{Format: f, MediaType: mt, URL: pinLink(u, replayed(c))})
		switch f {
		case FormatCSV:
			e.Downloads = append(e.Downloads, download{Format: f, MediaType: mt, URL: pinLink(u+"?dialect=fr", replayed(c)),
				Note: "French spreadsheet dialect: semicolons, UTF-8 BOM, decimal commas, French headers, labels and dates"})
		case FormatXLSX:
			e.Downloads = append(e.Downloads, download{Format: f, MediaType: mt, URL: pinLink(u+"?dialect=fr", replayed(c)),
				Note: "French headers, labels and dates (cells stay typed)"})
		}
	}
	return e
}

// datasetsList serves the catalogue as JSON, or as DCAT-AP JSON-LD for
// harvesters (.jsonld, format=jsonld or Accept: application/ld+json).
func (s *Server) datasetsList(c echo.Context) error {
	p := s.params(c, formatParam)
	fm := p.format(c, FormatJSON, FormatJSONLD)
	if p.err != nil {
		return p.err
	}
	entries, info, err := s.catalogue(c)
	if err != nil {
		return err
	}
	if fm == FormatJSONLD {
		c.Response().Header().Set(echo.HeaderContentType, mediaTypes[FormatJSONLD])
		c.Response().WriteHeader(http.StatusOK)
		var buf bytes.Buffer
		if err := writeJSON(&buf, s.dcat(c, entries, info)); err != nil {
			return err
		}
		_, err := c.Response().Write(withPermalink(buf.Bytes(), permalinkOf(c)))
		return err
	}
	listed(c, "")
	return c.JSON(http.StatusOK, map[string]any{"snapshot": info.ID, "total": len(entries), "items": entries})
}

func (s *Server) catalogue(c echo.Context) ([]datasetEntry, *observatory.Snapshot, error) {
	info, err := s.snapshotInfo(c.Request().Context(), store(c))
	if err != nil {
		return nil, nil, err
	}
	specs := registered()
	entries := make([]datasetEntry, 0, len(specs))
	for _, spec := range specs {
		e, err := s.entry(c, spec, info)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
	}
	progs, err := programmeDatasets(c)
	if err != nil {
		return nil, nil, err
	}
	for _, pd := range progs {
		entries = append(entries, s.entryOf(c, pd.spec, pd.dataset, info))
	}
	return entries, info, nil
}

// datasetFile serves /api/v1/datasets/{name}.{format}: the whole dataset as
// a file; or, with no suffix, its catalogue entry.
func (s *Server) datasetFile(c echo.Context) error {
	p := s.params(c, "dialect")
	name, ext, hasExt := strings.Cut(c.Param("file"), ".")
	spec, ok := lookupSpec(name)
	var dynamic *datasets.Dataset
	if !ok {
		progs, err := programmeDatasets(c)
		if err != nil {
			return err
		}
		for _, pd := range progs {
			if pd.spec.Name == name {
				spec, dynamic, ok = pd.spec, &pd.dataset, true
			}
		}
	}
	if !ok {
		names := []string{}
		for _, d := range registered() {
			names = append(names, d.Name)
		}
		if progs, err := programmeDatasets(c); err == nil {
			for _, pd := range progs {
				names = append(names, pd.spec.Name)
			}
		}
		return observatory.Errorf(observatory.ENOTFOUND, "no dataset %q; the datasets are %s", name, strings.Join(names, ", "))
	}
	if !hasExt {
		if p.str("dialect") != "" {
			p.fail("dialect", "dialect applies to CSV and XLSX downloads only")
		}
		if p.err != nil {
			return p.err
		}
		info, err := s.snapshotInfo(c.Request().Context(), store(c))
		if err != nil {
			return err
		}
		if dynamic != nil {
			return c.JSON(http.StatusOK, s.entryOf(c, spec, *dynamic, info))
		}
		e, err := s.entry(c, spec, info)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, e)
	}
	fm := Format(ext)
	if !slices.Contains(spec.Formats, fm) {
		p.fail("format", "%s is not offered as %q; choose one of %s", name, ext, joinFormats(spec.Formats))
	}
	p.dialect(fm)
	if p.err != nil {
		return p.err
	}
	t, err := spec.Table(s, c)
	if err != nil {
		return err
	}
	return s.download(c, fm, t)
}

// embeddedInputs describes the geography files embedded in the binary, the
// provenance of datasets that come from no snapshot input.
func embeddedInputs() []observatory.Input {
	var out []observatory.Input
	fsys := datasets.GeoFiles()
	for _, name := range []string{"regions.csv", "departements.csv", "regions.geojson", "departements.geojson"} {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			continue
		}
		sum := sha256.Sum256(b)
		out = append(out, observatory.Input{Kind: "geography", Name: "datasets/geo/" + name, Size: int64(len(b)), SHA256: hex.EncodeToString(sum[:])})
	}
	return out
}

// validateRegistry checks every registered dataset has a catalogue entry,
// columns and formats; called when the server starts so a mistake shows
// at once.
func validateRegistry() error {
	for _, spec := range registered() {
		if _, ok := datasets.Lookup(spec.Name); !ok {
			return observatory.Errorf(observatory.EINTERNAL, "dataset %s is registered but not in datasets.Catalogue", spec.Name)
		}
		if len(spec.Columns) == 0 || len(spec.Formats) == 0 || spec.Table == nil {
			return observatory.Errorf(observatory.EINTERNAL, "dataset %s lacks columns, formats or a table", spec.Name)
		}
	}
	return nil
}
