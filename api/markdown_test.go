package api

import (
	"regexp"
	"strings"
	"testing"
)

func TestMarkdown(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain text", "<p>plain text</p>"},
		{"one\ntwo\n\nthree", "<p>one two</p><p>three</p>"},
		{"take `format` or `.csv`", "<p>take <code>format</code> or <code>.csv</code></p>"},
		{"`<level>.geojson` & \"q\"", "<p><code>&lt;level&gt;.geojson</code> &amp; &#34;q&#34;</p>"},
		{"a **bold** word", "<p>a <strong>bold</strong> word</p>"},
		{"see [the catalogue](/api/v1/datasets)", `<p>see <a href="/api/v1/datasets">the catalogue</a></p>`},
		{"[Etalab](https://www.etalab.gouv.fr/licence-ouverte?a=1&b=2)", `<p><a href="https://www.etalab.gouv.fr/licence-ouverte?a=1&amp;b=2">Etalab</a></p>`},
		{"[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"},
		{"[x](javascript:alert)", "<p>[x](javascript:alert)</p>"},
		{"[x](//evil.example)", "<p>[x](//evil.example)</p>"},
		{"[x](/\\evil.example)", "<p>[x](/\\evil.example)</p>"},
		{"[**b**](#top)", `<p><a href="#top"><strong>b</strong></a></p>`},
		{"[x](/a**b**)", `<p><a href="/a**b**">x</a></p>`},
		{"`**not bold**`", "<p><code>**not bold**</code></p>"},
		{"Formats:\n- `csv`\n- xlsx,\n  one sheet\n\nAfter.", "<p>Formats:</p><ul><li><code>csv</code></li><li>xlsx, one sheet</li></ul><p>After.</p>"},
		{"<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"},
		{"a lone ` stays", "<p>a lone ` stays</p>"},
		{"", ""},
	} {
		if got := string(markdownHTML(c.in)); got != c.want {
			t.Errorf("markdownHTML(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

// mdTag is every tag markdownHTML writes; an href is checked apart.
var mdTag = regexp.MustCompile(`</?(?:p|ul|li|code|strong)>|<a href="([^"<>]*)">|</a>`)

// FuzzMarkdown checks that whatever the text, the output holds no tag but
// the ones the renderer writes, and links only to http(s) or relative URLs.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"`code` **b** [l](/x)\n\n- a\n- b", "<script>", "[x](javascript:1)", "**[a](/b)**", "`<`", "&lt;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := string(markdownHTML(s))
		for _, m := range mdTag.FindAllStringSubmatch(out, -1) {
			if m[1] != "" && !safeLink(m[1]) {
				t.Fatalf("unsafe link %q in %q", m[1], out)
			}
		}
		rest := mdTag.ReplaceAllString(out, "")
		if strings.Contains(rest, "<") || strings.Contains(rest, ">") || strings.Contains(strings.ToLower(out), "<script") {
			t.Fatalf("markdownHTML(%q) = %q: a tag it does not write", s, out)
		}
	})
}
