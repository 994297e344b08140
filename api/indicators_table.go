package api

import (
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/observatory"
)

// valueColumns are the columns of indicator values as files.
var valueColumns = []export.Column{
	{Name: "indicator", Type: "string", Title: "Indicateur", TitleEN: "Indicator", Description: "indicator id (/api/v1/indicators)"},
	{Name: "level", Type: "string", Title: "Niveau", TitleEN: "Level", Description: "region, departement, bassin or national", LabelsFR: observatory.LevelLabelsFR},
	{Name: "code", Type: "string", Title: "Code", TitleEN: "Code", Description: "INSEE code of the territory (BMO code for a bassin)"},
	{Name: "name", Type: "string", Title: "Territoire", TitleEN: "Territory"},
	{Name: "year", Type: "integer", Title: "Année", TitleEN: "Year", Description: "the year asked: the offer on 1 July of it, BMO survey of it; empty when not asked"},
	{Name: "at", Type: "date", Title: "Offre au", TitleEN: "Offer at", Description: "date the offer is read at (catalogue indicators)"},
	{Name: "survey", Type: "integer", Title: "Enquête BMO", TitleEN: "BMO survey", Description: "BMO survey year (BMO indicators)"},
	{Name: "family", Type: "string", Title: "Famille de métiers", TitleEN: "Job family", Description: "GEN job family; empty: all"},
	{Name: "value", Type: "number", Title: "Valeur", TitleEN: "Value", Precision: precByUnit,
		Description: "empty when the sources cannot support it: reason says why, never 0; rounded by the indicator's unit"},
	{Name: "reason", Type: "string", Title: "Raison de l'absence de valeur", TitleEN: "Reason for no value",
		Description: "why value is empty: secret, not_mapped, no_source, not_applicable, suppressed", LabelsFR: observatory.ReasonLabelsFR},
	{Name: "class", Type: "string", Title: "Classe de couverture", TitleEN: "Coverage class", Description: "coverage class: none, low, adequate",
		LabelsFR: observatory.ClassLabelsFR},
	{Name: "target", Type: "number", Title: "Objectif", TitleEN: "Target", Precision: precByUnit, Description: "the plan's target (national targets only)"},
	{Name: "flags", Type: "string", Title: "Signalements", TitleEN: "Flags",
		Description: "quality flags, | separated: low_n, suppressed, secret_rows, synthetic, break_in_series, label_end_unknown", LabelsFR: observatory.FlagLabelsFR},
	{Name: "secret_rows", Type: "integer", Title: "Cellules sous secret", TitleEN: "Secret cells", Precision: precCount,
		Description: "BMO cells under statistical secrecy left out of the figure"},
	{Name: "note", Type: "string", Title: "Note (anglais)", TitleEN: "Note", Description: "what the reader must know, in English"},
	{Name: "note_fr", Type: "string", Title: "Note", TitleEN: "Note (French)", Description: "the same in French"},
}

// valuesTable gives indicator values to the file formats.
func valuesTable(name string, vals []observatory.Value, synthetic bool) export.Table {
	return export.Table{Name: name, Columns: valueColumns, Synthetic: synthetic,
		Each: func(yield func(row []any) error) error {
			for _, v := range vals {
				var year any
				if v.Year != 0 {
					year = v.Year
				}
				var at, survey any
				if v.At != "" {
					at, _ = time.Parse(time.DateOnly, v.At)
				}
				if v.Survey != 0 {
					survey = v.Survey
				}
				if err := yield([]any{v.Indicator, string(v.Level), v.Code, v.Name, year, at, survey, v.Family, roundValue(v.Indicator, v.Value), v.Reason,
					v.Class, roundValue(v.Indicator, v.Target), v.Flags, v.SecretRows, v.Note, v.NoteFR}); err != nil {
					return err
				}
			}
			return nil
		}}
}

// splitFormat turns a path parameter such as "formations.csv" into the id
// and a format suffix, which p.format then reads like a .:format route's.
func splitFormat(c echo.Context, name string) string {
	v := c.Param(name)
	i := strings.LastIndexByte(v, '.')
	if i < 0 {
		return v
	}
	c.SetParamNames(name, "format")
	c.SetParamValues(v[:i], v[i+1:])
	return v[:i]
}
