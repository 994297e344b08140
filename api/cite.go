package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/observatory"
)

// citation is what a reference to a dataset of one snapshot says, in
// one language.
type citation struct {
	Lang, Title, Snapshot, Licence, LicenceURL, Permalink string
	Date                                                  time.Time
	Synthetic                                             bool
}

// cite serves GET /api/v1/datasets/{name}/cite?format=text|bibtex|csl-json
// [&lang=fr|en][&snapshot=ID]: how to cite the dataset as the snapshot
// holds it, in French and English (or the language asked): title,
// publisher, snapshot and its date, licence, and the permalink that gives
// the same data back.
func (s *Server) cite(c echo.Context) error {
	p := s.params(c, formatParam, "lang")
	format, lang := p.str(formatParam), p.str("lang")
	switch format {
	case "":
		format = "text"
	case "text", "bibtex", "csl-json":
	default:
		p.fail(formatParam, "format must be text, bibtex or csl-json")
	}
	langs := []string{"fr", "en"}
	switch lang {
	case "":
	case "fr", "en":
		langs = []string{lang}
	default:
		p.fail("lang", "lang must be fr or en")
	}
	d, ok := datasets.Lookup(c.Param("file"))
	if _, reg := lookupSpec(c.Param("file")); !ok || !reg {
		return observatory.Errorf(observatory.ENOTFOUND, "no dataset %s; see /api/v1/datasets", quoteID(c.Param("file")))
	}
	if p.err != nil {
		return p.err
	}
	info, err := s.snapshotInfo(c.Request().Context(), store(c))
	if err != nil {
		return err
	}
	link := s.baseURL(c) + "/api/v1/datasets/" + d.Name + "?" + snapshotParam + "=" + info.ID
	var cs []citation
	for _, l := range langs {
		ct := citation{Lang: l, Title: d.TitleFR, Snapshot: info.ID, Date: info.Created.UTC(), Licence: d.Licence.Name,
			LicenceURL: d.Licence.URL, Permalink: link, Synthetic: info.Synthetic && len(d.InputKinds) > 0}
		if l == "en" {
			ct.Title = d.TitleEN
		}
		cs = append(cs, ct)
	}
	h := c.Response().Header()
	switch format {
	case "bibtex":
		var b strings.Builder
		for _, ct := range cs {
			b.WriteString(ct.bibtex(d.Name))
		}
		h.Set(echo.HeaderContentDisposition, `inline; filename="`+d.Name+"-"+info.ID+`.bib"`)
		return c.Blob(http.StatusOK, "application/x-bibtex; charset=utf-8", []byte(b.String()))
	case "csl-json":
		items := make([]map[string]any, len(cs))
		for i, ct := range cs {
			items[i] = ct.csl(d.Name)
		}
		c.Response().Header().Set(echo.HeaderContentType, "application/vnd.citationstyles.csl+json")
		c.Response().WriteHeader(http.StatusOK)
		return writeJSON(c.Response(), items)
	}
	var b strings.Builder
	for _, ct := range cs {
		b.WriteString(ct.text())
		b.WriteString("\n")
	}
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", []byte(b.String()))
}

// text: Publisher. « Title », instantané ID du DATE. Licence. Permalink.
func (ct citation) text() string {
	date := ct.Date.Format(time.DateOnly)
	if ct.Lang == "fr" {
		s := fmt.Sprintf("%s. « %s », instantané %s du %s. %s (%s). %s", datasets.Publisher, ct.Title, ct.Snapshot, date, ct.Licence, ct.LicenceURL, ct.Permalink)
		if ct.Synthetic {
			s += " [Données SYNTHÉTIQUES : ne pas citer comme réelles.]"
		}
		return s
	}
	s := fmt.Sprintf("%s. “%s”, snapshot %s of %s. %s (%s). %s", datasets.Publisher, ct.Title, ct.Snapshot, date, ct.Licence, ct.LicenceURL, ct.Permalink)
	if ct.Synthetic {
		s += " [SYNTHETIC data: never cite as real.]"
	}
	return s
}

// bibtex is a biblatex @dataset entry (read as @misc by BibTeX).
func (ct citation) bibtex(name string) string {
	key := fmt.Sprintf("gen-%s-%s-%s", name, strings.ToLower(ct.Snapshot), ct.Lang)
	lang := map[string]string{"fr": "french", "en": "english"}[ct.Lang]
	note := "Licence: " + ct.Licence + ", " + ct.LicenceURL
	if ct.Synthetic {
		note += ". SYNTHETIC data"
	}
	return fmt.Sprintf("@dataset{%s,\n  author = {{%s}},\n  title = {%s},\n  publisher = {%s},\n  date = {%s},\n  year = {%d},\n  version = {%s},\n  url = {%s},\n  langid = {%s},\n  note = {%s}\n}\n",
		key, bibEscape(datasets.Publisher), bibEscape(ct.Title), bibEscape(datasets.Publisher), ct.Date.Format(time.DateOnly),
		ct.Date.Year(), ct.Snapshot, ct.Permalink, lang, bibEscape(note))
}

// bibEscape escapes the characters (La)TeX reads as commands.
func bibEscape(s string) string {
	return strings.NewReplacer(`\`, `\textbackslash{}`, "{", `\{`, "}", `\}`, "%", `\%`, "&", `\&`, "#", `\#`, "_", `\_`, "$", `\$`).Replace(s)
}

// csl is a CSL-JSON item, as Zotero and citeproc read them.
func (ct citation) csl(name string) map[string]any {
	item := map[string]any{
		"id": fmt.Sprintf("gen-%s-%s-%s", name, strings.ToLower(ct.Snapshot), ct.Lang), "type": "dataset",
		"title": ct.Title, "author": []map[string]string{{"literal": datasets.Publisher}}, "publisher": datasets.Publisher,
		"issued":  map[string]any{"date-parts": [][]int{{ct.Date.Year(), int(ct.Date.Month()), ct.Date.Day()}}},
		"version": ct.Snapshot, "URL": ct.Permalink, "language": map[string]string{"fr": "fr-FR", "en": "en-GB"}[ct.Lang],
		"license": ct.Licence + " (" + ct.LicenceURL + ")",
	}
	if ct.Synthetic {
		item["note"] = "SYNTHETIC data: never cite as real"
	}
	return item
}
