package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// A permalink is the request's URL with snapshot=ID set: fetching it gives
// the same bytes for as long as the snapshot is kept, whatever was
// ingested since. Every JSON response of a snapshot carries it as a
// top-level "permalink" member, and every file in its metadata. Its query
// is in canonical order, so the permalink of a response is the same
// whether the request named the snapshot or read the current one.

// permalink is the request's permalink, "" for a request that reads no
// snapshot. A format the client chose by Accept alone (f) goes into the
// link, so the link gives the same representation.
func (s *Server) permalink(c echo.Context, f Format) string {
	id := snapshotOf(c)
	if id == "" || id == binarySnapshot {
		return ""
	}
	q := c.Request().URL.Query()
	q.Set(snapshotParam, id)
	if f != "" && f != FormatJSON && c.Param("format") == "" && q.Get(formatParam) == "" {
		q.Set(formatParam, string(f))
	}
	return s.baseURL(c) + c.Request().URL.Path + "?" + q.Encode()
}

// setCanonical names link as the response's canonical URL in a Link
// header (RFC 6596), after any other Link (rel="next", which clients take
// as the first): the permalink of a file, a CSV or a map among them,
// which have no metadata of their own to carry it. JSON has it in its
// body.
func setCanonical(h http.Header, link string) {
	if link == "" {
		return
	}
	var keep []string
	for _, v := range h.Values("Link") {
		if !strings.HasSuffix(v, `; rel="canonical"`) {
			keep = append(keep, v)
		}
	}
	h.Del("Link")
	for _, v := range keep {
		h.Add("Link", v)
	}
	h.Add("Link", "<"+link+`>; rel="canonical"`)
}

// permalinkOf is the permalink of a request that reads a snapshot, ""
// for others. withStore leaves a lazyLink, computed here on first use: a
// response served from the cache never needs it.
func permalinkOf(c echo.Context) string {
	switch l := c.Get(permalinkKey).(type) {
	case string:
		return l
	case lazyLink:
		s := l()
		c.Set(permalinkKey, s)
		return s
	}
	return ""
}

// lazyLink computes a request's permalink.
type lazyLink func() string

// withPermalink adds "permalink" to a JSON object as its last member; any
// other body is returned as it is.
func withPermalink(body []byte, link string) []byte {
	if link == "" {
		return body
	}
	var l bytes.Buffer
	enc := json.NewEncoder(&l)
	enc.SetEscapeHTML(false) // a link to copy: & stays &
	if err := enc.Encode(link); err != nil {
		return body
	}
	return withMember(body, "permalink", bytes.TrimRight(l.Bytes(), "\n"))
}

// withMember adds the member name (a JSON-safe key) with the encoded value
// raw to a JSON object, as its last member; any other body is returned as
// it is.
func withMember(body []byte, name string, raw []byte) []byte {
	b := bytes.TrimRight(body, "\n")
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return body
	}
	out := make([]byte, 0, len(body)+len(name)+len(raw)+8)
	out = append(out, b[:len(b)-1]...)
	if len(bytes.TrimSpace(b[1:len(b)-1])) > 0 {
		out = append(out, ',')
	}
	out = append(out, '"')
	out = append(out, name...)
	out = append(out, '"', ':')
	out = append(out, raw...)
	out = append(out, '}')
	if len(b) < len(body) {
		out = append(out, '\n')
	}
	return out
}

// jsonSerializer is Echo's, adding the links of a list (links.go) and the
// permalink of requests that read a snapshot: one place, rather than a
// field in every body type.
type jsonSerializer struct {
	echo.DefaultJSONSerializer
}

func (j jsonSerializer) Serialize(c echo.Context, i any, indent string) error {
	link := permalinkOf(c)
	if _, list := c.Get(listKey).(listMark); link == "" && !list {
		return j.DefaultJSONSerializer.Serialize(c, i, indent)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(i); err != nil {
		return err
	}
	_, err := c.Response().Write(withPermalink(withLinks(c, buf.Bytes()), link))
	return err
}
