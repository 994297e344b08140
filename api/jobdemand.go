package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/observatory"
)

const (
	bmoSource = "France Travail, enquête Besoins en Main-d'Œuvre (BMO)"
	bmoNote   = "Sums leave out the cells France Travail keeps secret (too few answers): where secret_rows > 0, " +
		"projects is a lower bound, and it is null when every row is secret. Shares are computed over the rows " +
		"where both figures are published. Région figures follow BMO's zoning: a bassin that crosses a régional " +
		"border counts whole in its BMO région."
	syntheticBMONotice = "SYNTHETIC DATA: a BMO input of this snapshot is flagged synthetic; do not cite these figures as real. " +
		"Données synthétiques : ne pas citer comme réelles."
)

// jobDemandList is the body of /api/v1/job-demand.
type jobDemandList struct {
	Snapshot  string         `json:"snapshot"`
	Synthetic bool           `json:"synthetic"`
	Notice    string         `json:"notice,omitempty"`
	Source    string         `json:"source"`
	Note      string         `json:"note"`
	Query     jobDemandQuery `json:"query"`
	Total     int            `json:"total"`
	Items     any            `json:"items"` // []observatory.JobDemandRow, or fields= projections
	Next      string         `json:"next,omitempty"`
}

type jobDemandQuery struct {
	Level   observatory.Level          `json:"level"`
	Group   observatory.JobDemandGroup `json:"group"`
	Year    int                        `json:"year,omitempty"`
	Code    string                     `json:"code,omitempty"`
	Family  string                     `json:"family,omitempty"`
	FAP     string                     `json:"fap,omitempty"`
	Digital bool                       `json:"digital"`
}

// jobDemand serves BMO hiring projects added up by year, territory and,
// optionally, job family or FAP code: JSON pages, or whole files by suffix
// (.csv .xlsx), format= or Accept, through the shared download machinery.
func (s *Server) jobDemand(c echo.Context) error {
	p := s.params(c, "year", "level", "code", "family", "fap", "digital", "group", formatParam, "dialect", "fields", "limit", "cursor")
	fm := p.format(c, FormatJSON, FormatCSV, FormatXLSX, FormatParquet, FormatNDJSON)
	p.dialect(fm)
	f := observatory.JobDemandFilter{
		Year:  p.int("year", 0, 2000, 2100),
		Level: p.level("level", observatory.LevelRegion, observatory.Levels...),
	}
	// Saint-Martin (978) is a BMO département the gazetteer does not hold.
	code := strings.ToUpper(p.str("code"))
	if _, ok := observatory.BMOExtraDepartements[code]; ok && f.Level == observatory.LevelDepartement {
		f.Code = code
	} else {
		f.Code = p.territory("code", f.Level)
	}
	f.Family = s.family(c, p)
	if f.FAP = strings.ToUpper(p.str("fap")); f.FAP != "" && !observatory.IsFAP(f.FAP) {
		p.fail("fap", "fap %q is not a FAP code (e.g. M1X80 in FAP 2021, M1Z80 in FAP 2009)", f.FAP)
	}
	switch p.str("digital") {
	case "", "false":
	case "true":
		f.Digital = true
	default:
		p.fail("digital", "digital must be true or false")
	}
	switch g := observatory.JobDemandGroup(p.str("group")); g {
	case "":
		f.Group = observatory.GroupNone
	case observatory.GroupNone, observatory.GroupFamily, observatory.GroupFAP, observatory.GroupCell:
		f.Group = g
	default:
		p.fail("group", "group %q is not one of none, family, fap, cell", g)
	}
	f.Cursor, f.Limit = p.str("cursor"), p.limit(fm)
	cols := jobDemandColumns(f.Group)
	fields := p.fields("fields", export.ColumnNames(cols))
	if p.err != nil {
		return p.err
	}
	if fm != FormatJSON {
		t, err := s.jobDemandTable(c, f)
		if err != nil {
			return err
		}
		return s.download(c, fm, t.Select(fields))
	}
	st := store(c)
	page, err := st.JobDemand(c.Request().Context(), f)
	if err != nil {
		return err
	}
	items, err := project(page.Items, fields)
	if err != nil {
		return err
	}
	out := jobDemandList{Snapshot: st.Snapshot(), Synthetic: page.Synthetic, Source: bmoSource, Note: bmoNote,
		Query: jobDemandQuery{f.Level, f.Group, f.Year, f.Code, f.Family, f.FAP, f.Digital},
		Total: page.Total, Items: items, Next: page.Next}
	if page.Synthetic {
		out.Notice = syntheticBMONotice
		c.Response().Header().Set(headerSynthetic, "true")
	}
	listed(c, page.Next)
	c.Response().Header().Set(headerTotal, strconv.Itoa(page.Total))
	return c.JSON(http.StatusOK, out)
}

// jobDemandColumns are the aggregated rows as a table, named as in the
// JSON; the group adds its own columns.
func jobDemandColumns(g observatory.JobDemandGroup) []export.Column {
	cols := []export.Column{
		{Name: "year", Type: "integer", Title: "Année", TitleEN: "Year", Description: "survey year"},
		{Name: "level", Type: "string", Title: "Niveau", TitleEN: "Level", LabelsFR: observatory.LevelLabelsFR, Description: "territorial level: region, departement or bassin"},
		{Name: "code", Type: "string", Title: "Code", TitleEN: "Code", Description: "INSEE code of the région or département, or BMO bassin d'emploi code"},
		{Name: "name", Type: "string", Title: "Territoire", TitleEN: "Territory", Description: "territory name"},
	}
	switch g {
	case observatory.GroupFamily:
		cols = append(cols, export.Column{Name: "family", Type: "string", Title: "Famille de métiers", TitleEN: "Job family", Description: "GEN job family id"})
	case observatory.GroupFAP, observatory.GroupCell:
		cols = append(cols,
			export.Column{Name: "fap", Type: "string", Title: "Code FAP", TitleEN: "FAP code", Description: "FAP code (job family of the DARES nomenclature)"},
			export.Column{Name: "fap_label", Type: "string", Title: "Métier BMO", TitleEN: "BMO job", Description: "job label, as the BMO file gives it"},
			export.Column{Name: "fap_edition", Type: "string", Title: "Nomenclature FAP", TitleEN: "FAP edition", Description: "FAP2009 (surveys to 2023) or FAP2021 (from 2024)"})
		if g == observatory.GroupCell {
			cols = append(cols,
				export.Column{Name: "bassin", Type: "string", Title: "Bassin d'emploi", TitleEN: "Bassin d'emploi", Description: "BMO bassin d'emploi code of the cell"},
				export.Column{Name: "departement", Type: "string", Title: "Département", TitleEN: "Département", Description: "département of the cell (a bassin may span several)"})
		}
	}
	return append(cols,
		export.Column{Name: "projects", Type: "integer", Title: "Projets de recrutement", TitleEN: "Hiring projects", Description: "sum of the published cells; a lower bound when secret_rows > 0, empty when every cell is secret"},
		export.Column{Name: "difficult", Type: "integer", Title: "Projets jugés difficiles", TitleEN: "Projects judged difficult", Description: "sum of the published cells"},
		export.Column{Name: "seasonal", Type: "integer", Title: "Projets saisonniers", TitleEN: "Seasonal projects", Description: "sum of the published cells"},
		export.Column{Name: "share_difficult", Type: "number", Title: "Part de projets difficiles", TitleEN: "Share of difficult projects", Decimals: decFraction, Precision: precFraction, Description: "difficult / projects over the rows where both are published"},
		export.Column{Name: "share_seasonal", Type: "number", Title: "Part de projets saisonniers", TitleEN: "Share of seasonal projects", Decimals: decFraction, Precision: precFraction, Description: "seasonal / projects over the rows where both are published"},
		export.Column{Name: "rows", Type: "integer", Title: "Lignes BMO", TitleEN: "BMO rows", Description: "BMO rows (job × bassin × département) added up"},
		export.Column{Name: "secret_rows", Type: "integer", Title: "Lignes secrètes", TitleEN: "Secret rows", Description: "rows whose projects are secret, left out of projects"},
		export.Column{Name: "secret_difficult_rows", Type: "integer", Title: "Lignes secrètes (difficiles)", TitleEN: "Secret rows (difficult)", Description: "rows whose difficult projects are secret"},
		export.Column{Name: "secret_seasonal_rows", Type: "integer", Title: "Lignes secrètes (saisonniers)", TitleEN: "Secret rows (seasonal)", Description: "rows whose seasonal projects are secret"},
	)
}

// jobDemandTable checks the filter against the snapshot (so errors come as
// problem+json before any byte is written) and returns the result as a
// Table for the download formats.
func (s *Server) jobDemandTable(c echo.Context, f observatory.JobDemandFilter) (export.Table, error) {
	st := store(c)
	ctx := c.Request().Context()
	probe := f
	probe.Limit = 1
	page, err := st.JobDemand(ctx, probe)
	if err != nil {
		return export.Table{}, err
	}
	c.Response().Header().Set(headerTotal, strconv.Itoa(page.Total))
	return export.Table{Name: "job-demand", Columns: jobDemandColumns(f.Group), Synthetic: page.Synthetic,
		Each: func(yield func(row []any) error) error {
			var row []any
			return st.EachJobDemand(ctx, f, func(r observatory.JobDemandRow) error {
				row = append(row[:0], r.Year, string(r.Level), r.Code, r.Name)
				switch f.Group {
				case observatory.GroupFamily:
					row = append(row, r.Family)
				case observatory.GroupFAP:
					row = append(row, r.FAP, r.FAPLabel, r.FAPEdition)
				case observatory.GroupCell:
					row = append(row, r.FAP, r.FAPLabel, r.FAPEdition, r.Bassin, r.Departement)
				}
				row = append(row, i64(r.Projects), i64(r.Difficult), i64(r.Seasonal), r.ShareDifficult, r.ShareSeasonal,
					r.Rows, r.SecretRows, r.SecretDifficultRows, r.SecretSeasonalRows)
				return yield(row)
			})
		}}, nil
}

// i64 turns an optional count into a cell: nil stays empty, never 0.
func i64(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}
