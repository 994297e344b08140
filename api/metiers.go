package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// metierItem is a family of the referential with the current snapshot's
// formations attached to it.
type metierItem struct {
	observatory.Metier
	Formations observatory.MetierCounts `json:"formations"`
}

// metierTotals sums the snapshot's formations: attached to a family of the
// referential, attached to a family it does not know (older snapshots),
// and not attached at all.
type metierTotals struct {
	Total         int `json:"total"`
	Attached      int `json:"attached"`
	OtherFamilies int `json:"other_families"`
	Unattached    int `json:"unattached"`
}

type metierList struct {
	Snapshot   string                     `json:"snapshot"`
	Synthetic  bool                       `json:"synthetic"`
	Notice     string                     `json:"notice,omitempty"`
	Total      int                        `json:"total"`
	Formations metierTotals               `json:"formations"`
	Items      []metierItem               `json:"items"`
	Sources    []observatory.MetierSource `json:"sources"`
	TitleRules []observatory.TitleRule    `json:"title_rules"`
}

type metierOne struct {
	Snapshot  string `json:"snapshot"`
	Synthetic bool   `json:"synthetic"`
	Notice    string `json:"notice,omitempty"`
	metierItem
	SourceDocs []observatory.MetierSource `json:"source_documents"`
	TitleRules []observatory.TitleRule    `json:"title_rules"`
}

// metiers lists the digital-jobs referential of the current snapshot: the
// families with their ROME and FAP codes and sources, and how many of the
// snapshot's formations each holds, by attach rule.
func (s *Server) metiers(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	st := store(c)
	ref, err := st.Referential(c.Request().Context())
	if err != nil {
		return err
	}
	out := metierList{Snapshot: st.Snapshot(), Synthetic: ref.Synthetic, Total: len(ref.Metiers),
		Items: make([]metierItem, len(ref.Metiers)), Sources: ref.Sources, TitleRules: ref.TitleRules}
	out.Formations = metierTotals{Total: ref.Formations, Unattached: ref.Unattached}
	known := map[string]bool{}
	for i, m := range ref.Metiers {
		n := ref.Counts[m.Family]
		out.Items[i] = metierItem{Metier: m, Formations: n}
		out.Formations.Attached += n.Attached
		known[m.Family] = true
	}
	for fam, n := range ref.Counts {
		if !known[fam] {
			out.Formations.OtherFamilies += n.Attached
		}
	}
	if out.Synthetic {
		out.Notice = syntheticNotice
		c.Response().Header().Set("X-Observatory-Synthetic", "true")
	}
	return c.JSON(http.StatusOK, out)
}

// metier returns one family of the referential.
func (s *Server) metier(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	st := store(c)
	ref, err := st.Referential(c.Request().Context())
	if err != nil {
		return err
	}
	fam := c.Param("family")
	ids := make([]string, len(ref.Metiers))
	for i, m := range ref.Metiers {
		ids[i] = m.Family
		if m.Family != fam {
			continue
		}
		out := metierOne{Snapshot: st.Snapshot(), Synthetic: ref.Synthetic,
			metierItem: metierItem{Metier: m, Formations: ref.Counts[m.Family]},
			SourceDocs: []observatory.MetierSource{}, TitleRules: []observatory.TitleRule{}}
		for _, src := range ref.Sources {
			if slices.Contains(m.Sources, src.ID) {
				out.SourceDocs = append(out.SourceDocs, src)
			}
		}
		for _, r := range ref.TitleRules {
			if r.Family == m.Family {
				out.TitleRules = append(out.TitleRules, r)
			}
		}
		if out.Synthetic {
			out.Notice = syntheticNotice
			c.Response().Header().Set("X-Observatory-Synthetic", "true")
		}
		return c.JSON(http.StatusOK, out)
	}
	return &observatory.Error{Code: observatory.ENOTFOUND, Param: "family",
		Message: "no job family " + clip(fam) + "; families: " + strings.Join(ids, ", ")}
}

// clip shows a client's value in a message, cut short so a long path
// cannot make a long error.
func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return `"` + s + `"`
}
