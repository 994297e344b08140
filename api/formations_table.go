package api

import (
	"context"
	"io"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/observatory"
)

// headerTotal gives a list's total count to clients that read headers only.
const headerTotal = "X-Total-Count"

// formationColumns are the formations as a table, named as in the JSON.
var formationColumns = []export.Column{
	{Name: "id", Type: "string", Title: "Identifiant", TitleEN: "Identifier", Description: "identifier of the formation in the catalogue"},
	{Name: "title", Type: "string", Title: "Nom de la formation", TitleEN: "Course title", Description: "title of the course"},
	{Name: "structure", Type: "string", Title: "Structure porteuse", TitleEN: "Training provider", Description: "organisation running the course"},
	{Name: "postcode", Type: "string", Title: "Code postal", TitleEN: "Postcode", Description: "postcode"},
	{Name: "commune_code", Type: "string", Title: "Code commune INSEE", TitleEN: "INSEE commune code", Description: "INSEE commune code"},
	{Name: "commune", Type: "string", Title: "Commune", TitleEN: "Commune", Description: "commune name"},
	{Name: "departement", Type: "string", Title: "Département", TitleEN: "Département", Description: "INSEE département code"},
	{Name: "region", Type: "string", Title: "Région", TitleEN: "Région", Description: "INSEE région code"},
	{Name: "bassin", Type: "string", Title: "Bassin d'emploi", TitleEN: "Bassin d'emploi (employment area)", Description: "code of the bassin d'emploi (BMO) of the commune"},
	{Name: "lat", Type: "number", Title: "Latitude", TitleEN: "Latitude", Decimals: decCoord, Precision: precCoord, Description: "WGS84 latitude"},
	{Name: "lon", Type: "number", Title: "Longitude", TitleEN: "Longitude", Decimals: decCoord, Precision: precCoord, Description: "WGS84 longitude"},
	{Name: "rome", Type: "string", Title: "Codes ROME", TitleEN: "ROME codes", Description: "ROME 4.0 codes, separated by | in CSV and XLSX (an array in JSON and Parquet)"},
	{Name: "family", Type: "string", Title: "Famille de métiers", TitleEN: "Job family", Description: "GEN job family id (developpement, donnees, cybersecurite, ...)"},
	{Name: "duration_months", Type: "number", Title: "Durée (mois)", TitleEN: "Duration (months)", Decimals: export.Dec(1), Precision: precMonths, Description: "duration in months"},
	{Name: "labelled_on", Type: "date", Title: "Date de labellisation", TitleEN: "Labelling date", Description: "date the course was labelled"},
	{Name: "wave", Type: "integer", Title: "Vague", TitleEN: "Labelling wave", Description: "labelling wave"},
	{Name: "label_end", Type: "date", Title: "Fin de labellisation", TitleEN: "End of label", Description: "end of the label"},
	{Name: "seats_per_session", Type: "integer", Title: "Places par session", TitleEN: "Seats per session", Description: "seats per session"},
	{Name: "sessions", Type: "integer", Title: "Sessions réalisées", TitleEN: "Sessions held", Description: "sessions held"},
	{Name: "learners", Type: "integer", Title: "Apprenants formés", TitleEN: "Learners trained", Description: "learners trained"},
	{Name: "women", Type: "integer", Title: "dont femmes", TitleEN: "of whom women", Description: "of whom women"},
	{Name: "low_qualified", Type: "integer", Title: "dont peu ou pas qualifiés", TitleEN: "of whom low-qualified", Description: "of whom low-qualified"},
	{Name: "qpv_residents", Type: "integer", Title: "dont résidents QPV", TitleEN: "of whom QPV residents", Description: "of whom residents of priority neighbourhoods (QPV)"},
	{Name: "programme", Type: "string", Title: "Programme", TitleEN: "Programme", Description: "programme of the training offer: gen (the GEN label) or another (/api/v1/programmes)"},
	{Name: "synthetic", Type: "boolean", Title: "Synthétique", TitleEN: "Synthetic", Description: "true when the row comes from a synthetic input: not real"},
	{Name: "source", Type: "string", Title: "Fichier source", TitleEN: "Source file", Description: "input file the row was read from"},
	{Name: "source_row", Type: "integer", Title: "Ligne source", TitleEN: "Source row", Description: "row in the input file, as a spreadsheet numbers it"},
	{Name: "structure_id", Type: "string", Title: "UAI", TitleEN: "UAI", Description: "identifier of the establishment (UAI), for other programmes' formations"},
	{Name: "diploma", Type: "string", Title: "Diplôme", TitleEN: "Diploma", Description: "diploma type, for other programmes' formations"},
	{Name: "listed_on", Type: "date", Title: "Date de la liste", TitleEN: "List date", Description: "date of the list another programme's formation comes from: it counts from then"},
	{Name: "point_rule", Type: "string", Title: "Position", TitleEN: "Position", LabelsFR: observatory.PointRuleLabelsFR, Description: "commune-centroid when the source gives no coordinates (other programmes)"},
}

func formationRow(f *observatory.Formation) []any {
	return []any{f.ID, f.Title, f.Structure, f.Postcode, f.CommuneCode, f.Commune, f.Departement, f.Region, f.Bassin,
		f.Lat, f.Lon, f.ROME, f.Family, f.DurationMonths, f.LabelledOn, f.Wave, f.LabelEnd,
		f.Seats, f.Sessions, f.Learners, f.Women, f.LowQualified, f.QPV, f.Programme, f.Synthetic, f.Source, f.SourceRow,
		f.StructureID, f.Diploma, f.ListedOn, f.PointRule}
}

// formationsTable is every formation matching f as a Table. The filter is
// checked first (a bad cursor gives a 400 before any byte is written) and
// the total told in X-Total-Count.
func (s *Server) formationsTable(c echo.Context, f observatory.FormationFilter) (export.Table, error) {
	st := store(c)
	ctx := c.Request().Context()
	probe := f
	probe.Limit = 1
	page, err := st.Formations(ctx, probe)
	if err != nil {
		return export.Table{}, err
	}
	sel, err := selection(c)
	if err != nil {
		return export.Table{}, err
	}
	c.Response().Header().Set(headerTotal, strconv.Itoa(page.Total))
	if sel.Mixed {
		c.Response().Header().Set(headerMixedSynthetic, "true")
	}
	return formationTable(ctx, st, f, sel.Synthetic || sel.Mixed), nil
}

// formationTable is the formations of st matching f as a Table: rows
// through Each, or written by the store itself (Lines, Parquet).
func formationTable(ctx context.Context, st observatory.Store, f observatory.FormationFilter, synthetic bool) export.Table {
	return export.Table{
		Name:      "formations",
		Columns:   formationColumns,
		Synthetic: synthetic,
		Point:     &export.Point{Lon: "lon", Lat: "lat"},
		Each: func(yield func(row []any) error) error {
			return st.EachFormation(ctx, f, func(fm *observatory.Formation) error { return yield(formationRow(fm)) })
		},
		Parquet: func(ctx context.Context, fields []string, meta map[string]string, path string) error {
			return st.FormationsParquet(ctx, f, fields, meta, path)
		},
		Lines: func(l observatory.Lines, w io.Writer) error {
			return st.FormationLines(ctx, f, l, w)
		},
	}
}

// catalogueSynthetic tells whether a catalogue input of the snapshot is
// synthetic, so a download says so before its first row.
func catalogueSynthetic(info *observatory.Snapshot) bool {
	for _, in := range info.Inputs {
		if in.Kind == "catalogue" && in.Synthetic {
			return true
		}
	}
	return false
}

func formationsSpecs() []datasetSpec {
	return []datasetSpec{
		{
			Name:    "formations",
			List:    "/api/v1/formations",
			Columns: formationColumns,
			Formats: []Format{FormatCSV, FormatXLSX, FormatGeoJSON, FormatParquet, FormatNDJSON},
			Table: func(s *Server, c echo.Context) (export.Table, error) {
				// The GEN label's catalogue; other programmes are datasets of their own.
				return s.formationsTable(c, observatory.FormationFilter{Programmes: []string{observatory.ProgrammeGEN}})
			},
		},
	}
}
