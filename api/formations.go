package api

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/observatory"
)

// syntheticNotice accompanies every response built from a synthetic input.
const syntheticNotice = "SYNTHETIC DATA: the formation catalogue served here is a synthetic stand-in " +
	"(invented names and figures on real places); do not cite it as real. " +
	"Données synthétiques : ne pas citer comme réelles."

type formationList struct {
	Snapshot       string   `json:"snapshot"`
	Synthetic      bool     `json:"synthetic"`
	MixedSynthetic bool     `json:"mixed_synthetic,omitempty"`
	Notice         string   `json:"notice,omitempty"`
	Programmes     []string `json:"programmes,omitempty"` // read, when not the GEN label alone
	Total          int      `json:"total"`
	Items          any      `json:"items"` // []observatory.Formation, or fields= projections
	Next           string   `json:"next,omitempty"`
	// Facets: with facet=, the formations matching the filters counted
	// per value of each field (all of them, not the page's), the largest
	// first; FacetsTruncated names those with more values than facet_size.
	Facets          map[string]facetOut `json:"facets,omitempty"`
	FacetsTruncated []string            `json:"facets_truncated,omitempty"`
}

// formations lists formations with filters, sort and cursor pagination,
// as JSON pages or whole files (.csv .xlsx .geojson .parquet).
func (s *Server) formations(c echo.Context) error {
	filters := append([]string{"region", "departement", "bassin", "commune", "rome", "family", "q", programmeParam}, offerTimeParams...)
	p := s.params(c, listParams(append(filters, facetParams...)...)...)
	fm := p.format(c, FormatJSON, FormatCSV, FormatXLSX, FormatGeoJSON, FormatParquet, FormatNDJSON)
	p.dialect(fm)
	facets, facetSize := p.facets(fm, observatory.FormationFacets)
	sel := s.programmes(c, p)
	f := observatory.FormationFilter{
		Region:      p.region("region"),
		Departement: p.departement("departement"),
		Bassin:      p.territoryCode("bassin", observatory.LevelBassin, p.str("bassin")),
		Commune:     p.territoryCode("commune", observatory.LevelCommune, p.str("commune")),
		ROME:        p.rome("rome"),
		Family:      s.family(c, p),
		Q:           p.str("q"),
		Cursor:      p.str("cursor"),
		Limit:       p.limit(fm),
		Sort:        p.sort("sort", observatory.FormationSortFields),
		Programmes:  sel.IDs,
	}
	ot := p.offerTime()
	fields := p.fields("fields", export.ColumnNames(formationColumns))
	if p.err != nil {
		return p.err
	}
	st := store(c)
	var err error
	if f.At, f.View, err = formationsAt(c.Request().Context(), st, ot); err != nil {
		return err
	}
	if fm != FormatJSON {
		t, err := s.formationsTable(c, f)
		if err != nil {
			return err
		}
		return s.download(c, fm, t.Select(fields))
	}
	page, err := st.Formations(c.Request().Context(), f)
	if err != nil {
		return err
	}
	items, err := project(page.Items, fields)
	if err != nil {
		return err
	}
	out := formationList{Snapshot: st.Snapshot(), Total: page.Total, Items: items, Programmes: programmesOut(sel)}
	if len(facets) > 0 {
		if out.Facets, out.FacetsTruncated, err = s.formationFacets(c, f, facets, facetSize); err != nil {
			return err
		}
	}
	for _, it := range page.Items {
		out.Synthetic = out.Synthetic || it.Synthetic
	}
	if out.Synthetic {
		out.Notice = syntheticNotice
		c.Response().Header().Set("X-Observatory-Synthetic", "true")
	}
	if sel.Mixed {
		out.Synthetic, out.MixedSynthetic, out.Notice = markSelection(c, sel)
	}
	out.Next = listed(c, page.Next)
	c.Response().Header().Set(headerTotal, strconv.Itoa(page.Total))
	return c.JSON(http.StatusOK, out)
}

// formation returns one formation.
func (s *Server) formation(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	f, err := store(c).Formation(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	if f.Synthetic {
		c.Response().Header().Set("X-Observatory-Synthetic", "true")
	}
	return c.JSON(http.StatusOK, struct {
		*observatory.Formation
		Notice string `json:"notice,omitempty"`
	}{f, noticeIf(f.Synthetic)})
}

func noticeIf(synthetic bool) string {
	if synthetic {
		return syntheticNotice
	}
	return ""
}
