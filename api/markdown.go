package api

// Hand-written: the Markdown subset openapi.json uses is a dozen lines, not worth a new dependency (go.sum has none).

import (
	"html"
	"html/template"
	"regexp"
	"strings"
)

// markdownHTML renders s as blocks: paragraphs separated by blank lines,
// and lists whose lines start with "- " (a line that does not continues the
// item above it). Everything is escaped before any tag is written, so the
// only tags in the result are p, ul, li, code, strong and a.
func markdownHTML(s string) template.HTML {
	var b strings.Builder
	for _, block := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		var para, item []string
		inList := false
		flush := func() {
			if len(para) > 0 {
				b.WriteString("<p>" + markdownInline(strings.Join(para, " ")) + "</p>")
				para = nil
			}
			if len(item) > 0 {
				b.WriteString("<li>" + markdownInline(strings.Join(item, " ")) + "</li>")
				item = nil
			}
		}
		for _, line := range strings.Split(block, "\n") {
			line = strings.TrimSpace(line)
			text, isItem := strings.CutPrefix(line, "- ")
			switch {
			case line == "":
			case isItem:
				flush()
				if !inList {
					b.WriteString("<ul>")
					inList = true
				}
				item = []string{text}
			case inList:
				item = append(item, line)
			default:
				para = append(para, line)
			}
		}
		flush()
		if inList {
			b.WriteString("</ul>")
		}
	}
	return template.HTML(b.String())
}

// markdownInline renders code spans, then links and bold in the text
// between them. A lone backtick stays as it is.
func markdownInline(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+1:], '`')
		if j < 0 {
			break
		}
		b.WriteString(markdownLinks(s[:i]))
		b.WriteString("<code>" + html.EscapeString(s[i+1:i+1+j]) + "</code>")
		s = s[i+2+j:]
	}
	b.WriteString(markdownLinks(s))
	return b.String()
}

// The patterns run on escaped text: it holds no < > or quote, so a URL
// cannot leave its attribute.
var (
	mdLink = regexp.MustCompile(`\[([^\[\]]+)\]\(([^()\s]+)\)`)
	mdBold = regexp.MustCompile(`\*\*([^*]+)\*\*`)
)

func markdownLinks(s string) string {
	s = html.EscapeString(s)
	var b strings.Builder
	last := 0
	for _, m := range mdLink.FindAllStringSubmatchIndex(s, -1) {
		text, url := s[m[2]:m[3]], s[m[4]:m[5]]
		if !safeLink(url) {
			continue // left as text
		}
		b.WriteString(mdBold.ReplaceAllString(s[last:m[0]], "<strong>$1</strong>"))
		b.WriteString(`<a href="` + url + `">` + mdBold.ReplaceAllString(text, "<strong>$1</strong>") + "</a>")
		last = m[1]
	}
	b.WriteString(mdBold.ReplaceAllString(s[last:], "<strong>$1</strong>"))
	return b.String()
}

// safeLink accepts http(s) URLs and relative ones: no other scheme
// (javascript:, data:), and not //host or /\host, which leave the site.
func safeLink(u string) bool {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return true
	}
	if strings.HasPrefix(u, "//") || strings.ContainsRune(u, '\\') {
		return false
	}
	i := strings.IndexAny(u, ":/?#")
	return i < 0 || u[i] != ':'
}
