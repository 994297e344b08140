package api

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/observatory"
)

// programmeParam selects the programmes of the training offer a response
// reads: one id, several comma-separated, or "all"; by default the GEN
// label alone, so that figures stay what they were before other
// programmes were loaded.
const programmeParam = "programme"

// mixedNotice accompanies responses that add up the synthetic GEN
// stand-in and a real programme.
const mixedNotice = "MIXED DATA: this view adds up the synthetic GEN stand-in (invented names and figures on real places) " +
	"and real programmes; do not cite its figures as real. " +
	"Données mêlées : le substitut synthétique du GEN et des programmes réels sont additionnés ; ne pas citer comme réel."

const headerMixedSynthetic = "X-Observatory-Mixed-Synthetic"

const (
	programmesKey = "programmes"     // the request's ProgrammeSelection
	progListKey   = "programme-list" // the snapshot's programmes, read once per request
)

// programmeList is the snapshot's programmes, read once per request.
func programmeList(c echo.Context) ([]observatory.Programme, error) {
	if v, ok := c.Get(progListKey).([]observatory.Programme); ok {
		return v, nil
	}
	ps, err := store(c).Programmes(c.Request().Context())
	if err != nil {
		return nil, err
	}
	c.Set(progListKey, ps)
	return ps, nil
}

// programmes reads programme= and keeps the selection for the rest of the
// request (indicatorsOf, territoryFormations…). An unknown id fails p.
func (s *Server) programmes(c echo.Context, p *params) observatory.ProgrammeSelection {
	known, err := programmeList(c)
	if err != nil {
		if p.err == nil {
			p.err = err
		}
		return observatory.ProgrammeSelection{IDs: []string{observatory.ProgrammeGEN}}
	}
	sel, err := observatory.SelectProgrammes(p.str(programmeParam), known)
	if err != nil {
		if p.err == nil {
			p.err = err
		}
		return sel
	}
	c.Set(programmesKey, sel)
	return sel
}

// selection is the request's programmes: what programme= asked for, the
// GEN label alone when the route takes no such parameter.
func selection(c echo.Context) (observatory.ProgrammeSelection, error) {
	if v, ok := c.Get(programmesKey).(observatory.ProgrammeSelection); ok {
		return v, nil
	}
	known, err := programmeList(c)
	if err != nil {
		return observatory.ProgrammeSelection{}, err
	}
	sel, err := observatory.SelectProgrammes("", known)
	if err == nil {
		c.Set(programmesKey, sel)
	}
	return sel, err
}

// markSelection sets the headers and notice of a response built from the
// selected programmes: synthetic when they are, mixed when they mix the
// stand-in with real data. It returns (synthetic, mixed, notice).
func markSelection(c echo.Context, sel observatory.ProgrammeSelection) (bool, bool, string) {
	switch {
	case sel.Mixed:
		c.Response().Header().Set(headerSynthetic, "true")
		c.Response().Header().Set(headerMixedSynthetic, "true")
		return true, true, mixedNotice
	case sel.Synthetic:
		c.Response().Header().Set(headerSynthetic, "true")
		return true, false, syntheticNotice
	}
	return false, false, ""
}

// programmesOut names the programmes of a response, nil (left out of the
// JSON) for the default, so responses about the GEN label stay as they were.
func programmesOut(sel observatory.ProgrammeSelection) []string {
	if sel.IsDefault() {
		return nil
	}
	return slices.Clone(sel.IDs)
}

// programmeBody is GET /api/v1/programmes.
type programmeBody struct {
	Snapshot string                  `json:"snapshot"`
	Total    int                     `json:"total"`
	Items    []observatory.Programme `json:"items"`
}

// programmesList serves the programmes of the current snapshot: what each
// is, where its list comes from, its licence, date, inputs' SHA-256, and
// how many formations it has and rows it set aside.
func (s *Server) programmesList(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	ps, err := programmeList(c)
	if err != nil {
		return err
	}
	listed(c, "")
	return c.JSON(http.StatusOK, programmeBody{Snapshot: store(c).Snapshot(), Total: len(ps), Items: ps})
}

// programmeFormations is a territory's formations of one programme, in a
// profile.
type programmeFormations struct {
	Programme string `json:"programme"`
	Title     string `json:"title"`
	TitleEN   string `json:"title_en"`
	Synthetic bool   `json:"synthetic"`
	Total     int    `json:"total"`
	Href      string `json:"href"` // the list of them, with the profile's filters
}

// profileProgrammes splits a profile's formations by programme when it
// reads others than the GEN label alone, and names each listed one's.
func (s *Server) profileProgrammes(c echo.Context, out *profileBody, q observatory.IndicatorQuery, ot offerTime, sel observatory.ProgrammeSelection) error {
	if sel.IsDefault() {
		for i := range out.Formations.Items {
			out.Formations.Items[i].Programme = ""
		}
		return nil
	}
	known, err := programmeList(c)
	if err != nil {
		return err
	}
	for _, pr := range known {
		if !slices.Contains(sel.IDs, pr.ID) {
			continue
		}
		one := sel
		one.IDs, one.All = []string{pr.ID}, false
		c.Set(programmesKey, one)
		page, more, err := s.territoryFormations(c, q.Level, out.Territory.Code, q.Family, ot)
		c.Set(programmesKey, sel)
		if err != nil {
			return err
		}
		out.Formations.ByProgramme = append(out.Formations.ByProgramme, programmeFormations{Programme: pr.ID,
			Title: pr.Title("fr"), TitleEN: pr.Title("en"), Synthetic: pr.Synthetic, Total: page.Total, Href: more})
	}
	return nil
}

// programmeDataset is a programme's formations as a published dataset.
type programmeDataset struct {
	spec    datasetSpec
	dataset datasets.Dataset
}

// programmeDatasets are the datasets of the snapshot's programmes other
// than the GEN label (whose catalogue is the dataset "formations"): one
// each, formations-<id>, with the programme's source, licence and inputs.
func programmeDatasets(c echo.Context) ([]programmeDataset, error) {
	progs, err := programmeList(c)
	if err != nil {
		return nil, err
	}
	var out []programmeDataset
	for _, pr := range progs {
		if pr.ID == observatory.ProgrammeGEN {
			continue
		}
		id := pr.ID
		date := "undated"
		if pr.Date != nil {
			date = pr.Date.Format(time.DateOnly)
		}
		d := datasets.Dataset{
			Name:    "formations-" + id,
			TitleFR: pr.Title("fr") + " — formations numériques",
			TitleEN: pr.Title("en") + " — digital courses",
			DescriptionFR: fmt.Sprintf("Les formations numériques du programme %s (liste du %s) : une ligne par formation que le référentiel "+
				"des métiers du numérique reconnaît, avec sa famille de métiers, son établissement (UAI), son diplôme et sa commune ; "+
				"%d lignes de la liste écartées car d'autres métiers (/api/v1/snapshots/current/set-aside?programme=%s).", id, date, pr.SetAside, id),
			DescriptionEN: fmt.Sprintf("The digital courses of programme %s (list of %s): one row per course the digital-jobs referential "+
				"recognises, with its job family, establishment (UAI), diploma and commune; %d rows of the list set aside as other "+
				"trades (/api/v1/snapshots/current/set-aside?programme=%s).", id, date, pr.SetAside, id),
			Keywords: []string{"formation", "numérique", id, "offre de formation", "territoires"},
			Licence:  datasets.LicenceOuverte,
			Sources:  []datasets.SourceLicence{{Name: pr.Source, Licence: pr.Licence, URL: pr.SourceURL}, datasets.GeoSourceLicence()},
			Spatial:  true,
		}
		spec := datasetSpec{Name: d.Name, List: "/api/v1/formations?programme=" + id, Columns: formationColumns,
			Formats: []Format{FormatCSV, FormatXLSX, FormatGeoJSON, FormatParquet, FormatNDJSON}, programme: id,
			Table: func(s *Server, c echo.Context) (export.Table, error) {
				sel := observatory.ProgrammeSelection{IDs: []string{id}, Synthetic: pr.Synthetic}
				c.Set(programmesKey, sel)
				t, err := s.formationsTable(c, observatory.FormationFilter{Programmes: sel.IDs})
				t.Name = "formations-" + id
				return t, err
			}}
		out = append(out, programmeDataset{spec, d})
	}
	return out, nil
}

// programmeDatasetOf is the dataset of a programme by its name
// (formations-<id>), if the snapshot has that programme.
func programmeDatasetOf(c echo.Context, name string) (datasets.Dataset, bool) {
	pds, err := programmeDatasets(c)
	if err != nil {
		return datasets.Dataset{}, false
	}
	for _, pd := range pds {
		if pd.spec.Name == name {
			d := pd.dataset
			d.InputKinds = []string{observatory.KindOffer}
			return d, true
		}
	}
	return datasets.Dataset{}, false
}

// selectionInputs are the inputs of the given kinds a download is built
// from: the catalogue's when it reads the GEN label, each offer's when it
// reads that offer's programme (programme=, the GEN label by default).
func selectionInputs(c echo.Context, info *observatory.Snapshot, kinds []string) []observatory.Input {
	all := inputsOf(info, kinds)
	sel, ok := c.Get(programmesKey).(observatory.ProgrammeSelection)
	if !ok || slices.Contains(kinds, "*") {
		sel = observatory.ProgrammeSelection{IDs: []string{observatory.ProgrammeGEN}}
		if slices.Contains(kinds, "*") {
			return all
		}
	}
	out := []observatory.Input{}
	for _, in := range info.Inputs {
		switch {
		case in.Kind == "catalogue" && slices.Contains(kinds, "catalogue"):
			if slices.Contains(sel.IDs, observatory.ProgrammeGEN) {
				out = append(out, in)
			}
		case in.Kind == observatory.KindOffer:
			if slices.Contains(sel.IDs, in.Programme) && (slices.Contains(kinds, "catalogue") || slices.Contains(kinds, observatory.KindOffer)) {
				out = append(out, in)
			}
		case slices.Contains(kinds, in.Kind):
			out = append(out, in)
		}
	}
	return out
}
