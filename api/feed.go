package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/api/httpcache"
	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/observatory"
)

// maxFeedEntries bounds the feed: one entry per snapshot, newest first.
const maxFeedEntries = 20

// The Atom feed (RFC 4287) of /api/v1/changes.atom.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel   string `xml:"rel,attr"`
	Type  string `xml:"type,attr,omitempty"`
	Href  string `xml:"href,attr"`
	Title string `xml:"title,attr,omitempty"`
}

type atomEntry struct {
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Summary atomXHTML  `xml:"summary"`
}

// atomXHTML is a text construct of type xhtml: the summary in French and
// in English, a paragraph each with its language.
type atomXHTML struct {
	Type string `xml:"type,attr"`
	Div  struct {
		XMLName xml.Name `xml:"http://www.w3.org/1999/xhtml div"`
		Paras   []struct {
			Lang string `xml:"xml:lang,attr"`
			Text string `xml:",chardata"`
		} `xml:"p"`
	}
}

func bilingual(fr, en string) atomXHTML {
	t := atomXHTML{Type: "xhtml"}
	t.Div.Paras = append(t.Div.Paras,
		struct {
			Lang string `xml:"xml:lang,attr"`
			Text string `xml:",chardata"`
		}{"fr", fr},
		struct {
			Lang string `xml:"xml:lang,attr"`
			Text string `xml:",chardata"`
		}{"en", en})
	return t
}

// feed serves GET /api/v1/changes.atom: an entry per snapshot kept, newest
// first, saying in French and English what it changed from the snapshot
// it was built from, linked to the diff. It depends on the snapshots kept
// as well as the current one, so it is not in the response cache; the
// diffs it summarises are, and an ETag makes polling cheap.
func (s *Server) feed(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	ctx := c.Request().Context()
	list, err := s.hub.Snapshots(ctx)
	if err != nil {
		return err
	}
	if len(list) > maxFeedEntries {
		list = list[:maxFeedEntries]
	}
	base := s.baseURL(c)
	f := atomFeed{Lang: "fr", ID: base + "/api/v1/changes.atom",
		Title:  "Observatoire GEN : changements des données / GEN observatory: data changes",
		Author: atomPerson{Name: datasets.Publisher},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + "/api/v1/changes.atom"},
			{Rel: "alternate", Type: "text/html", Href: base + "/"}},
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339)}
	if len(list) > 0 {
		f.Updated = list[0].Created.UTC().Format(time.RFC3339)
	}
	kept := map[string]bool{}
	for _, sn := range list {
		kept[sn.ID] = true
	}
	for _, sn := range list {
		e, err := s.feedEntry(c, base, sn, kept)
		if err != nil {
			return err
		}
		f.Entries = append(f.Entries, e)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		return err
	}
	buf.WriteByte('\n')
	sum := sha256.Sum256(buf.Bytes())
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	h := c.Response().Header()
	h.Set("ETag", etag)
	h.Set(echo.HeaderCacheControl, "public, max-age=300")
	if id := s.hub.Current(); id != "" {
		h.Set(headerSnapshot, id)
	}
	if httpcache.Matches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", buf.Bytes())
}

func (s *Server) feedEntry(c echo.Context, base string, sn observatory.Snapshot, kept map[string]bool) (atomEntry, error) {
	date := sn.Created.UTC().Format("2006-01-02 15:04")
	e := atomEntry{ID: base + "/api/v1/snapshots/" + sn.ID, Updated: sn.Created.UTC().Format(time.RFC3339),
		Title: fmt.Sprintf("Instantané du %s / Snapshot of %s UTC", date, date),
		Links: []atomLink{{Rel: "related", Type: "application/json", Href: base + "/api/v1/snapshots/" + sn.ID, Title: "snapshot"}}}
	switch {
	case sn.Parent == "":
		e.Summary = bilingual(fmt.Sprintf("Premier instantané : %d formations, %d lignes BMO.", sn.Counts.Formations, sn.Counts.JobDemand),
			fmt.Sprintf("First snapshot: %d formations, %d BMO rows.", sn.Counts.Formations, sn.Counts.JobDemand))
		e.Links = append(e.Links, atomLink{Rel: "alternate", Type: "text/html", Href: base + "/?snapshot=" + sn.ID})
	case !kept[sn.Parent]:
		e.Summary = bilingual("L'instantané dont il est issu ("+sn.Parent+") n'est plus conservé : pas de comparaison.",
			"The snapshot it was built from ("+sn.Parent+") is no longer kept: no comparison.")
		e.Links = append(e.Links, atomLink{Rel: "alternate", Type: "text/html", Href: base + "/?snapshot=" + sn.ID})
	default:
		ch, err := s.diffOf(c.Request().Context(), sn.Parent, sn.ID)
		if err != nil {
			if observatory.ErrorCode(err) != observatory.ENOTFOUND {
				return e, err
			}
			// Pruned while the feed was written.
			e.Summary = bilingual("Comparaison indisponible.", "Comparison unavailable.")
			break
		}
		e.Summary = bilingual(ch.Summary.FR+".", ch.Summary.EN+".")
		q := "?from=" + sn.Parent + "&to=" + sn.ID
		e.Links = append(e.Links,
			atomLink{Rel: "alternate", Type: "application/json", Href: base + "/api/v1/changes" + q, Title: "diff"},
			atomLink{Rel: "enclosure", Type: "text/csv", Href: base + "/api/v1/changes.csv" + q, Title: "diff (CSV)"})
	}
	slices.SortStableFunc(e.Links, func(a, b atomLink) int {
		// alternate first: readers follow the first link.
		return boolInt(b.Rel == "alternate") - boolInt(a.Rel == "alternate")
	})
	return e, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
