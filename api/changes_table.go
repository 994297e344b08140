package api

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/observatory"
)

// changesColumns are the columns of a diff as a file: one row per change,
// and per field for a formation changed.
var changesColumns = []export.Column{
	{Name: "section", Type: "string", Title: "Rubrique", TitleEN: "Section", LabelsFR: observatory.SectionLabelsFR, Description: "formations, job_demand, indicators or gaps"},
	{Name: "change", Type: "string", Title: "Changement", TitleEN: "Change", LabelsFR: observatory.ChangeLabelsFR, Description: "added, removed, changed, replaced, moved, appeared, vanished, grew, shrank, reshaped"},
	{Name: "id", Type: "string", Title: "Identifiant", TitleEN: "Identifier", Description: "formation id, survey year, indicator id or gap zone id"},
	{Name: "code", Type: "string", Title: "Code", TitleEN: "Code", Description: "département code"},
	{Name: "name", Type: "string", Title: "Nom", TitleEN: "Name", Description: "formation title, département name or gap zone label"},
	{Name: "field", Type: "string", Title: "Champ", TitleEN: "Field", Description: "the field that changed"},
	{Name: "old", Type: "string", Title: "Avant", TitleEN: "Before", Description: "value in the first snapshot"},
	{Name: "new", Type: "string", Title: "Après", TitleEN: "After", Description: "value in the second snapshot"},
}

// changesTable gives a diff to the file formats.
func changesTable(ch *observatory.Changes) export.Table {
	return export.Table{Name: "changes", Columns: changesColumns, Each: func(yield func([]any) error) error {
		var rows [][]any
		row := func(v ...any) { rows = append(rows, v) }
		f := ch.Formations
		for _, r := range f.Added {
			row("formations", "added", r.ID, r.Departement, r.Title, "", "", "")
		}
		for _, r := range f.Removed {
			row("formations", "removed", r.ID, r.Departement, r.Title, "", "", "")
		}
		for _, r := range f.Changed {
			for _, fc := range r.Fields {
				row("formations", "changed", r.ID, r.Departement, r.Title, fc.Field, cellText(fc.Old), cellText(fc.New))
			}
		}
		for _, y := range ch.JobDemand {
			row("job_demand", y.Change, strconv.Itoa(y.Year), "", "BMO "+strconv.Itoa(y.Year), "files", yearText(y.Old), yearText(y.New))
		}
		for _, v := range ch.Indicators {
			field, old, nw := "value", cellText(v.Old), cellText(v.New)
			if v.Indicator == observatory.IndCoverage {
				field, old, nw = "class", v.OldClass, v.NewClass
			}
			row("indicators", "moved", v.Indicator, v.Code, v.Name, field, old, nw)
		}
		for _, g := range ch.Gaps {
			id := ""
			var old, nw string
			if g.From != nil {
				id, old = g.From.ID, strings.Join(g.From.Members, "|")
			}
			if g.To != nil {
				id, nw = g.To.ID, strings.Join(g.To.Members, "|")
			}
			row("gaps", g.Change, id, "", g.Label, "members", old, nw)
		}
		for _, r := range rows {
			if err := yield(r); err != nil {
				return err
			}
		}
		return nil
	}}
}

// cellText writes a value of a diff as a file's text: "" for null.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case *float64:
		if x == nil {
			return ""
		}
		return strconv.FormatFloat(*x, 'f', -1, 64)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []string:
		return strings.Join(x, "|")
	}
	return fmt.Sprint(v)
}

func yearText(y *observatory.JobDemandYear) string {
	if y == nil {
		return ""
	}
	files := make([]string, len(y.Files))
	for i, f := range y.Files {
		files[i] = f
		if i < len(y.SHA256) && len(y.SHA256[i]) >= 12 {
			files[i] += " (sha256 " + y.SHA256[i][:12] + "…)"
		}
	}
	return fmt.Sprintf("%d rows; %s", y.Rows, strings.Join(files, ", "))
}
