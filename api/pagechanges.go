package api

import (
	"github.com/labstack/echo/v4"
)

// changesView is the page's "latest changes": what the snapshot shown
// changed from the one it was built from, linked to the diff and the feed.
type changesView struct {
	Title, Summary, Since string
	Links                 []link
}

var changesText = map[string]map[string]string{
	"fr": {"title": "Derniers changements", "since": "depuis l'instantané", "first": "Premier instantané : rien à comparer.",
		"diff": "Le détail (JSON)", "csv": "Le détail (CSV)", "feed": "Flux Atom des changements"},
	"en": {"title": "Latest changes", "since": "since snapshot", "first": "First snapshot: nothing to compare with.",
		"diff": "Details (JSON)", "csv": "Details (CSV)", "feed": "Atom feed of changes"},
}

// pageChanges describes the changes the page's snapshot brought; nil when
// they cannot be told (its parent pruned, say), which is no reason to
// fail the page.
func (s *Server) pageChanges(c echo.Context, lang string) *changesView {
	t := changesText[lang]
	if t == nil {
		t = changesText["fr"]
	}
	st := store(c)
	v := &changesView{Title: t["title"], Links: []link{{Href: "/api/v1/changes.atom", Label: t["feed"], Type: "application/atom+xml"}}}
	info, err := s.hub.Snapshot(c.Request().Context(), st.Snapshot())
	if err != nil {
		s.log.Warn("page: snapshot", "snapshot", st.Snapshot(), "err", err)
		return nil
	}
	if info.Parent == "" {
		v.Summary = t["first"]
		return v
	}
	ch, err := s.diffOf(c.Request().Context(), info.Parent, info.ID)
	if err != nil {
		s.log.Info("page: no diff", "from", info.Parent, "to", info.ID, "err", err)
		return nil
	}
	v.Summary, v.Since = ch.Summary.FR, t["since"]+" "+info.Parent
	if lang == "en" {
		v.Summary = ch.Summary.EN
	}
	q := "?from=" + info.Parent + "&to=" + info.ID
	v.Links = append([]link{{Href: "/api/v1/changes" + q, Label: t["diff"], Type: "application/json"},
		{Href: "/api/v1/changes.csv" + withDialect(q, lang), Label: t["csv"], Type: "text/csv"}}, v.Links...)
	return v
}
