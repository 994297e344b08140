package api

import (
	"context"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/observatory"
)

var quarantineColumns = []export.Column{
	{Name: "file", Type: "string", Title: "Fichier", TitleEN: "File", Description: "input file"},
	{Name: "sheet", Type: "string", Title: "Feuille", TitleEN: "Sheet", Description: "sheet, for XLSX inputs"},
	{Name: "row", Type: "integer", Title: "Ligne", TitleEN: "Row", Description: "row as a spreadsheet numbers it (the header counts)"},
	{Name: "column", Type: "string", Title: "Colonne", TitleEN: "Column", Description: "header of the column at fault, when one is"},
	{Name: "value", Type: "string", Title: "Valeur", TitleEN: "Value", Description: "the value at fault, as read"},
	{Name: "reason", Type: "string", Title: "Raison", TitleEN: "Reason", TextFR: observatory.ReasonFR, Description: "why the row was not loaded (in French in French files)"},
}

type quarantineList struct {
	Snapshot string               `json:"snapshot"`
	Total    int                  `json:"total"`
	Items    any                  `json:"items"`
	Next     string               `json:"next,omitempty"`
	rows     []observatory.Reject `json:"-"`
}

// quarantine lists the rows of the current snapshot's inputs that were not
// loaded: JSON pages, or whole files.
func (s *Server) quarantine(c echo.Context) error {
	p := s.params(c, listParams()...)
	fm := p.format(c, FormatJSON, FormatCSV, FormatXLSX, FormatParquet, FormatNDJSON)
	p.dialect(fm)
	limit := p.limit(fm)
	if limit == 0 { // a file of every row
		limit = MaxStreamRows
	}
	fields := p.fields("fields", export.ColumnNames(quarantineColumns))
	if p.str("sort") != "" {
		p.fail("sort", "sort is not offered for the quarantine, which is listed by file, sheet, row and column")
	}
	offset := 0
	if cur := p.str("cursor"); cur != "" {
		b, err := base64.RawURLEncoding.DecodeString(cur)
		n, ok := strings.CutPrefix(string(b), "q1:")
		if offset, err = strconv.Atoi(n); err != nil || !ok || offset < 0 {
			p.fail("cursor", "cursor is not one this API gave; start again without it")
		}
	}
	if p.err != nil {
		return p.err
	}
	st := store(c)
	rows, err := st.Quarantine(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set(headerTotal, strconv.Itoa(len(rows)))
	end := min(offset+limit, len(rows))
	page := rows[min(offset, len(rows)):end]
	if fm != FormatJSON {
		return s.download(c, fm, quarantineTable(st, page, len(page) == len(rows)).Select(fields))
	}
	items, err := project(page, fields)
	if err != nil {
		return err
	}
	out := quarantineList{Snapshot: st.Snapshot(), Total: len(rows), Items: items}
	if end < len(rows) {
		out.Next = base64.RawURLEncoding.EncodeToString([]byte("q1:" + strconv.Itoa(end)))
	}
	listed(c, out.Next)
	return c.JSON(http.StatusOK, out)
}

func quarantineTable(st observatory.Store, rows []observatory.Reject, whole bool) export.Table {
	t := export.Table{
		Name:    "quarantine",
		Columns: quarantineColumns,
		Each: func(yield func(row []any) error) error {
			for _, r := range rows {
				if err := yield([]any{r.File, r.Sheet, r.Row, r.Column, r.Value, r.Reason}); err != nil {
					return err
				}
			}
			return nil
		},
	}
	// Parquet is written by the store from the whole table, so it is
	// offered only when the rows asked for are all of them.
	if whole {
		t.Parquet = func(ctx context.Context, fields []string, meta map[string]string, path string) error {
			return st.QuarantineParquet(ctx, fields, meta, path)
		}
	}
	return t
}

func quarantineSpecs() []datasetSpec {
	return []datasetSpec{
		{
			Name:    "quarantine",
			List:    "/api/v1/snapshots/current/quarantine",
			Columns: quarantineColumns,
			Formats: []Format{FormatCSV, FormatXLSX, FormatParquet, FormatNDJSON},
			Table: func(s *Server, c echo.Context) (export.Table, error) {
				st := store(c)
				rows, err := st.Quarantine(c.Request().Context())
				if err != nil {
					return export.Table{}, err
				}
				return quarantineTable(st, rows, true), nil
			},
		},
	}
}
