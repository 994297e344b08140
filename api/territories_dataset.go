package api

import (
	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/observatory"
)

var territoryColumns = []export.Column{
	{Name: "level", Type: "string", Title: "Niveau", TitleEN: "Level", LabelsFR: observatory.LevelLabelsFR, Description: "region, departement, bassin or commune"},
	{Name: "code", Type: "string", Title: "Code", TitleEN: "Code", Description: "INSEE code (régions 2 digits; départements 01…95, 2A, 2B, 971…976; communes 5 characters), BMO code for bassins d'emploi"},
	{Name: "name", Type: "string", Title: "Nom", TitleEN: "Name", Description: "name"},
	{Name: "parent", Type: "string", Title: "Niveau supérieur", TitleEN: "Parent", Description: "INSEE code of the région of a département; of the (main) département of a bassin or a commune"},
	{Name: "zone", Type: "string", Title: "Zone", TitleEN: "Zone", LabelsFR: observatory.ZoneLabelsFR, Description: "metro (metropolitan France) or drom (overseas)"},
	{Name: "population", Type: "integer", Title: "Population légale", TitleEN: "Legal population", Description: "legal population (INSEE)"},
}

// territoriesTable is the reference régions then départements, or the
// territories of the given levels.
func (s *Server) territoriesTable(levels ...observatory.Level) export.Table {
	if len(levels) == 0 {
		levels = []observatory.Level{observatory.LevelRegion, observatory.LevelDepartement}
	}
	var ts []observatory.Territory
	for _, l := range levels {
		ts = append(ts, s.geo.Territories(l)...)
	}
	return export.Table{
		Name:    "territories",
		Columns: territoryColumns,
		Each: func(yield func(row []any) error) error {
			for _, t := range ts {
				if err := yield([]any{string(t.Level), t.Code, t.Name, t.Parent, t.Zone, t.Population}); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func territoriesSpecs() []datasetSpec {
	return []datasetSpec{
		{
			Name:    "territories",
			List:    "/api/v1/territories/departement",
			Columns: territoryColumns,
			Formats: []Format{FormatCSV, FormatXLSX, FormatParquet, FormatNDJSON},
			Table:   func(s *Server, _ echo.Context) (export.Table, error) { return s.territoriesTable(), nil },
		},
	}
}
