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
	Snapshot       string                     `json:"snapshot"`
	Synthetic      bool                       `json:"synthetic"`
	MixedSynthetic bool                       `json:"mixed_synthetic,omitempty"`
	Notice         string                     `json:"notice,omitempty"`
	Programmes     []string                   `json:"programmes,omitempty"` // counted, when not the GEN label alone
	Total          int                        `json:"total"`
	Formations     metierTotals               `json:"formations"`
	Items          []metierItem               `json:"items"`
	Sources        []observatory.MetierSource `json:"sources"`
	TitleRules     []observatory.TitleRule    `json:"title_rules"`
}

type metierOne struct {
	Snapshot       string   `json:"snapshot"`
	Synthetic      bool     `json:"synthetic"`
	MixedSynthetic bool     `json:"mixed_synthetic,omitempty"`
	Notice         string   `json:"notice,omitempty"`
	Programmes     []string `json:"programmes,omitempty"` // counted, when not the GEN label alone
	metierItem
	SourceDocs []observatory.MetierSource `json:"source_documents"`
	TitleRules []observatory.TitleRule    `json:"title_rules"`
}

// metierRef is the snapshot's referential with the counts of the
// programmes programme= selects (the GEN label by default).
func (s *Server) metierRef(c echo.Context) (*observatory.MetierSnapshot, observatory.ProgrammeSelection, error) {
	p := s.params(c, programmeParam)
	sel := s.programmes(c, p)
	if p.err != nil {
		return nil, sel, p.err
	}
	ref, err := store(c).Referential(c.Request().Context())
	if err != nil {
		return nil, sel, err
	}
	return ref.Select(sel.IDs), sel, nil
}

// markMetiers flags counts of synthetic or mixed programmes.
func markMetiers(c echo.Context, ref *observatory.MetierSnapshot, sel observatory.ProgrammeSelection) (bool, bool, string) {
	if !ref.Synthetic {
		return false, false, ""
	}
	return markSelection(c, sel)
}

// metiers lists the digital-jobs referential of the current snapshot: the
// families with their ROME and FAP codes and sources, and how many of the
// snapshot's formations each holds, by attach rule (programme=: whose
// formations, the GEN label by default).
func (s *Server) metiers(c echo.Context) error {
	ref, sel, err := s.metierRef(c)
	if err != nil {
		return err
	}
	st := store(c)
	out := metierList{Snapshot: st.Snapshot(), Total: len(ref.Metiers), Programmes: programmesOut(sel),
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
	out.Synthetic, out.MixedSynthetic, out.Notice = markMetiers(c, ref, sel)
	listed(c, "")
	return c.JSON(http.StatusOK, out)
}

// metier returns one family of the referential.
func (s *Server) metier(c echo.Context) error {
	ref, sel, err := s.metierRef(c)
	if err != nil {
		return err
	}
	st := store(c)
	fam := c.Param("family")
	ids := make([]string, len(ref.Metiers))
	for i, m := range ref.Metiers {
		ids[i] = m.Family
		if m.Family != fam {
			continue
		}
		out := metierOne{Snapshot: st.Snapshot(), Programmes: programmesOut(sel),
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
		out.Synthetic, out.MixedSynthetic, out.Notice = markMetiers(c, ref, sel)
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
