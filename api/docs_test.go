package api_test

import (
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// docsOps reads the operations of openapi.json with their summaries.
func docsOps(t *testing.T) []struct{ Op, Summary, SummaryFR string } {
	t.Helper()
	spec, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(spec, &d); err != nil {
		t.Fatal(err)
	}
	var ops []struct{ Op, Summary, SummaryFR string }
	for path, item := range d.Paths {
		for method, raw := range item {
			if method == "parameters" {
				continue
			}
			var op struct {
				Summary   string `json:"summary"`
				SummaryFR string `json:"x-summary-fr"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			ops = append(ops, struct{ Op, Summary, SummaryFR string }{strings.ToUpper(method) + " " + path, op.Summary, op.SummaryFR})
		}
	}
	return ops
}

// TestDocsPage renders the OpenAPI document as a page with no external
// resource, French by default: its own texts, every operation's French
// summary, the public data first and admin last, Markdown rendered.
func TestDocsPage(t *testing.T) {
	e := newEnv(t)
	res, body := e.fetch(t, "/api/v1/docs")
	page := string(body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
		res.Header.Get("Content-Language") != "fr" || !strings.Contains(page, `<html lang="fr">`) {
		t.Fatalf("%d %s, Content-Language %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Language"))
	}
	if strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Language") {
		t.Error("the language is the query's, yet Vary names Accept-Language")
	}
	for _, want := range []string{`Exemple : <a href="/api/v1/formations?region=84&amp;facet=family&amp;facet_size=3&amp;limit=2">`,
		"<h1>Documentation de l&#39;API de l&#39;observatoire GEN</h1>", "<th>paramètre</th><th>dans</th><th>schéma</th><th>description</th>", "<th>statut</th>", "types de contenu",
		`href="/api/v1/docs?lang=en" hreflang="en" lang="en">English</a>`, `href="/api/v1"`, `href="/api/v1/datasets"`,
		`href="/api/v1/openapi.json"`, `href="/"`, "Catalogue des données ouvertes", "Besoins en main-d&#39;œuvre",
		"<code>/api/v1/formations.{format}</code>", "<code>dialect=fr</code>", "application/problem", "If-None-Match"} {
		if !strings.Contains(page, want) {
			t.Errorf("docs page lacks %q", want)
		}
	}
	if regexp.MustCompile(`(?i)(src|href)="(https?:)?//`).MatchString(page) || strings.Contains(page, "<script") {
		t.Error("docs page loads something from elsewhere or runs a script")
	}
	if i := strings.IndexByte(page, '`'); i >= 0 {
		t.Errorf("a backtick is left: %q", page[max(0, i-60):min(len(page), i+60)])
	}
	// Every operation with its French summary; none falls back to English.
	ops := docsOps(t)
	if len(ops) < 54 {
		t.Fatalf("%d operations in openapi.json", len(ops))
	}
	for _, op := range ops {
		if op.SummaryFR == "" || op.SummaryFR == op.Summary {
			t.Errorf("%s has no French summary (x-summary-fr)", op.Op)
		} else if !strings.Contains(page, html.EscapeString(op.SummaryFR)) {
			t.Errorf("%s: the page lacks its French summary %q", op.Op, op.SummaryFR)
		}
	}
	if strings.Contains(page, `class="summary" lang="en"`) {
		t.Error("an operation's summary is shown in English on the French page")
	}
	// The English descriptions are marked as English.
	if !strings.Contains(page, `<div class="desc" lang="en">`) || !strings.Contains(page, `<td lang="en">`) {
		t.Error("English descriptions on the French page lack lang=\"en\"")
	}
	// Sections: the public data first, admin last.
	sections := regexp.MustCompile(`<h2 id="tag-([a-z-]+)">`).FindAllStringSubmatch(page, -1)
	var order []string
	for _, s := range sections {
		order = append(order, s[1])
	}
	if len(order) < 5 || order[0] != "formations" || order[len(order)-1] != "admin" {
		t.Fatalf("sections %v: formations first, admin last", order)
	}
	for _, data := range []string{"indicators", "territories", "datasets"} {
		if i := slices.Index(order, data); i < 0 || i > 4 {
			t.Errorf("section %s at %d of %v: the data come first", data, i, order)
		}
	}
}

// TestDocsPageEnglish is the same page with ?lang=en, English throughout.
func TestDocsPageEnglish(t *testing.T) {
	e := newEnv(t)
	res, body := e.fetch(t, "/api/v1/docs?lang=en")
	page := string(body)
	if res.StatusCode != 200 || res.Header.Get("Content-Language") != "en" || !strings.Contains(page, `<html lang="en">`) {
		t.Fatalf("%d, Content-Language %q", res.StatusCode, res.Header.Get("Content-Language"))
	}
	for _, want := range []string{"<h1>GEN observatory API documentation</h1>", "<th>parameter</th><th>in</th><th>schema</th><th>description</th>", "media types",
		`href="/api/v1/docs" hreflang="fr" lang="fr">Français</a>`, "Open-data catalogue", "Job demand", "<code>dialect=fr</code>"} {
		if !strings.Contains(page, want) {
			t.Errorf("English docs page lacks %q", want)
		}
	}
	for _, op := range docsOps(t) {
		if !strings.Contains(page, html.EscapeString(op.Summary)) {
			t.Errorf("%s: the page lacks its summary %q", op.Op, op.Summary)
		}
	}
	for _, fr := range []string{"paramètre", "Catalogue des données ouvertes"} {
		if strings.Contains(page, fr) {
			t.Errorf("English docs page holds %q", fr)
		}
	}
	if n := strings.Count(page, ` lang="en"`); n != 1 {
		t.Errorf("lang=\"en\" %d times: the page is English throughout, said once on <html>", n)
	}
	if strings.IndexByte(page, '`') >= 0 {
		t.Error("a backtick is left")
	}
}

// TestDocsPageParams: lang is fr or en, nothing else is taken.
func TestDocsPageParams(t *testing.T) {
	e := newEnv(t)
	if res, _ := e.fetch(t, "/api/v1/docs?lang=fr"); res.StatusCode != 200 || res.Header.Get("Content-Language") != "fr" {
		t.Errorf("lang=fr: %d %q", res.StatusCode, res.Header.Get("Content-Language"))
	}
	// Each language is its own cached response, with its own ETag and
	// header, from the cache as from the handler.
	fr, _ := e.fetch(t, "/api/v1/docs")
	for range 2 {
		en, _ := e.fetch(t, "/api/v1/docs?lang=en")
		if en.Header.Get("Content-Language") != "en" || en.Header.Get("ETag") == "" || en.Header.Get("ETag") == fr.Header.Get("ETag") {
			t.Errorf("lang=en: Content-Language %q, ETag %q (French %q)", en.Header.Get("Content-Language"), en.Header.Get("ETag"), fr.Header.Get("ETag"))
		}
		if r, _ := e.fetch(t, "/api/v1/docs?lang=en", "If-None-Match", en.Header.Get("ETag")); r.StatusCode != 304 {
			t.Errorf("conditional GET: %d", r.StatusCode)
		}
	}
	for _, c := range []struct{ path, param string }{
		{"/api/v1/docs?lang=de", "lang"}, {"/api/v1/docs?lang=EN", "lang"}, {"/api/v1/docs?lang=fr&lang=en", "lang"},
		{"/api/v1/docs?format=json", "format"},
	} {
		var p struct {
			Status int    `json:"status"`
			Param  string `json:"param"`
			Detail string `json:"detail"`
		}
		res := e.get(t, c.path, &p)
		if res.StatusCode != 400 || p.Status != 400 || p.Param != c.param || res.Header.Get("Content-Type") != "application/problem+json" || p.Detail == "" {
			t.Errorf("%s: %d %+v %s", c.path, res.StatusCode, p, res.Header.Get("Content-Type"))
		}
	}
}

// TestBrowserDocsPhone loads the page in both languages at 390 px: nothing
// wider than the screen (the nav is above the content, tables scroll in
// their box), and a sidebar again on a desktop.
func TestBrowserDocsPhone(t *testing.T) {
	e := newEnv(t)
	b := newBrowser(t, 390, 844)
	for _, c := range []struct{ path, lang, heading string }{
		{"/api/v1/docs", "fr", "Territoires et couverture"},
		{"/api/v1/docs?lang=en", "en", "Territories"},
	} {
		var got struct {
			InnerWidth, ScrollWidth int
			MainLeft                float64
			Scrolling               int // tables wider than the screen, scrolling in their box
			Lang                    string
			Headings                []string
		}
		b.run(t, c.path,
			chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
			chromedp.Navigate(e.srv.URL+c.path),
			chromedp.WaitVisible("main h2", chromedp.ByQuery),
			chromedp.Evaluate(`({innerWidth: window.innerWidth, scrollWidth: document.documentElement.scrollWidth,
				mainLeft: document.querySelector('main').getBoundingClientRect().left, lang: document.documentElement.lang,
				headings: [...document.querySelectorAll('main h2')].map(h => h.textContent),
				scrolling: [...document.querySelectorAll('.scroll')].filter(d => d.scrollWidth > d.clientWidth && getComputedStyle(d).overflowX == 'auto').length})`, &got))
		if got.InnerWidth != 390 || got.ScrollWidth > got.InnerWidth || got.MainLeft > 1 || got.Scrolling == 0 {
			t.Errorf("%s at 390 px: %+v", c.path, got)
		}
		if got.Lang != c.lang || !slices.Contains(got.Headings, c.heading) {
			t.Errorf("%s: lang %q, headings %v, want %q", c.path, got.Lang, got.Headings, c.heading)
		}
		if dir := os.Getenv("MAP_SCREENSHOTS"); dir != "" {
			var buf []byte
			b.run(t, "screenshot", chromedp.CaptureScreenshot(&buf))
			if err := os.WriteFile(filepath.Join(dir, "docs-phone-"+c.lang+".png"), buf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var position string
	var shot []byte
	b.run(t, "desktop",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.srv.URL+"/api/v1/docs"),
		chromedp.WaitVisible("main h2", chromedp.ByQuery),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('nav')).position`, &position),
		chromedp.CaptureScreenshot(&shot))
	if dir := os.Getenv("MAP_SCREENSHOTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "docs-desktop-fr.png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if position != "sticky" {
		t.Errorf("desktop nav is %q, not a sticky sidebar", position)
	}
	b.check(t, e.srv.URL)
}
