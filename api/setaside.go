package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/observatory"
)

var setAsideColumns = []export.Column{
	{Name: "programme", Type: "string", Title: "Programme", TitleEN: "Programme", Description: "programme of the offer list"},
	{Name: "file", Type: "string", Title: "Fichier", TitleEN: "File", Description: "input file"},
	{Name: "sheet", Type: "string", Title: "Feuille", TitleEN: "Sheet", Description: "sheet, for XLSX inputs"},
	{Name: "row", Type: "integer", Title: "Ligne", TitleEN: "Row", Description: "row as a spreadsheet numbers it (the header counts)"},
	{Name: "title", Type: "string", Title: "Intitulé", TitleEN: "Course title", Description: "course title, as read"},
	{Name: "diploma", Type: "string", Title: "Diplôme", TitleEN: "Diploma", Description: "diploma type, as read"},
	{Name: "structure", Type: "string", Title: "Établissement", TitleEN: "Establishment", Description: "establishment (name, else identifier)"},
	{Name: "commune_code", Type: "string", Title: "Code commune", TitleEN: "Commune code", Description: "commune code, as read"},
	{Name: "rule", Type: "string", Title: "Règle", TitleEN: "Rule", Description: "the rule that set the row aside (docs/programmes.md)"},
	{Name: "reason", Type: "string", Title: "Raison", TitleEN: "Reason", Description: "the rule's reason"},
}

type setAsideList struct {
	Snapshot string `json:"snapshot"`
	Total    int    `json:"total"`
	Items    any    `json:"items"`
	Next     string `json:"next,omitempty"`
}

// setAside lists the rows of offer inputs left out because the referential
// recognises no digital course in them, with the rule that decided: not
// errors (the quarantine's), another trade. JSON pages or whole files;
// programme= and rule= filter.
func (s *Server) setAside(c echo.Context) error {
	p := s.params(c, listParams(programmeParam, "rule")...)
	fm := p.format(c, FormatJSON, FormatCSV, FormatXLSX, FormatNDJSON)
	p.dialect(fm)
	limit := p.limit(fm)
	if limit == 0 { // a file of every row
		limit = MaxStreamRows
	}
	fields := p.fields("fields", export.ColumnNames(setAsideColumns))
	if p.str("sort") != "" {
		p.fail("sort", "sort is not offered for rows set aside, which are listed by programme, file and row")
	}
	prog, rule := p.str(programmeParam), p.str("rule")
	if prog != "" {
		known, err := programmeList(c)
		if err != nil {
			return err
		}
		ids := []string{}
		found := false
		for _, k := range known {
			ids = append(ids, k.ID)
			found = found || k.ID == prog
		}
		if !found {
			p.fail(programmeParam, "programme %q is not one of this snapshot's: %s", prog, strings.Join(ids, ", "))
		}
	}
	offset := 0
	if cur := p.str("cursor"); cur != "" {
		b, err := base64.RawURLEncoding.DecodeString(cur)
		n, ok := strings.CutPrefix(string(b), "s1:")
		if offset, err = strconv.Atoi(n); err != nil || !ok || offset < 0 {
			p.fail("cursor", "cursor is not one this API gave; start again without it")
		}
	}
	if p.err != nil {
		return p.err
	}
	st := store(c)
	all, err := st.SetAside(c.Request().Context())
	if err != nil {
		return err
	}
	rows := all[:0:0]
	for _, r := range all {
		if (prog == "" || r.Programme == prog) && (rule == "" || r.Rule == rule) {
			rows = append(rows, r)
		}
	}
	c.Response().Header().Set(headerTotal, strconv.Itoa(len(rows)))
	end := min(offset+limit, len(rows))
	page := rows[min(offset, len(rows)):end]
	if fm != FormatJSON {
		return s.download(c, fm, setAsideTable(page).Select(fields))
	}
	items, err := project(page, fields)
	if err != nil {
		return err
	}
	out := setAsideList{Snapshot: st.Snapshot(), Total: len(rows), Items: items}
	if end < len(rows) {
		out.Next = base64.RawURLEncoding.EncodeToString([]byte("s1:" + strconv.Itoa(end)))
	}
	listed(c, out.Next)
	return c.JSON(http.StatusOK, out)
}

func setAsideTable(rows []observatory.SetAside) export.Table {
	return export.Table{
		Name:    "set-aside",
		Columns: setAsideColumns,
		Each: func(yield func(row []any) error) error {
			for _, r := range rows {
				if err := yield([]any{r.Programme, r.File, r.Sheet, r.Row, r.Title, r.Diploma, r.Structure, r.CommuneCode, r.Rule, r.Reason}); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
