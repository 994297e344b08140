package api

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/observatory"
)

// valueColumns are the columns of indicator values as files.
var valueColumns = []export.Column{
	{Name: "indicator", Type: "string", Description: "indicator id (/api/v1/indicators)"},
	{Name: "level", Type: "string", Description: "region, departement, bassin or national"},
	{Name: "code", Type: "string", Description: "INSEE code of the territory (BMO code for a bassin)"},
	{Name: "name", Type: "string"},
	{Name: "year", Type: "integer", Description: "label year (catalogue) or survey year (BMO); empty: whole catalogue, latest survey"},
	{Name: "family", Type: "string", Description: "GEN job family; empty: all"},
	{Name: "value", Type: "number", Description: "empty when the sources cannot support it (see note)"},
	{Name: "class", Type: "string", Description: "coverage class: none, low, adequate"},
	{Name: "target", Type: "number", Description: "the plan's target (national targets only)"},
	{Name: "note", Type: "string"},
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
				if err := yield([]any{v.Indicator, string(v.Level), v.Code, v.Name, year, v.Family, v.Value, v.Class, v.Target, v.Note}); err != nil {
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
