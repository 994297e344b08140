package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/gen-numerique/observatory/observatory/observatorytest"
)

// chromium finds a Chromium to drive. Without one the test is skipped
// locally but fails in CI, which installs Debian's chromium package.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return observatorytest.Program(t, "chromium", "chromium", "chromium-browser", "google-chrome", "headless-shell")
}

// browser is a headless Chromium, fresh profile, no network but loopback,
// recording console errors, uncaught exceptions, failed loads and every
// URL the page requests.
type browser struct {
	ctx  context.Context
	mu   sync.Mutex
	errs []string
	urls []string
}

func newBrowser(t *testing.T, width, height int) *browser {
	t.Helper()
	// Not t.TempDir: Chromium's helper processes may still write to the
	// profile while they exit, which fails TempDir's own removal.
	profile, err := os.MkdirTemp("", "observatory-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(width, height),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() {
		_ = chromedp.Cancel(ctx) // closes the browser and waits for it
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		for i := 0; i < 50 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	b := &browser{ctx: ctx}
	chromedp.ListenTarget(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				b.errs = append(b.errs, "console: "+strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			b.errs = append(b.errs, "exception: "+ev.ExceptionDetails.Error())
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.LevelError {
				b.errs = append(b.errs, fmt.Sprintf("log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		case *network.EventRequestWillBeSent:
			b.urls = append(b.urls, ev.Request.URL)
		}
	})
	if err := chromedp.Run(ctx, log.Enable(), network.Enable(), runtime.Enable()); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return b
}

func (b *browser) run(t *testing.T, what string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// check fails on any console error and on any request to another origin.
func (b *browser) check(t *testing.T, origin string) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.errs {
		t.Errorf("browser error: %s", e)
	}
	for _, u := range b.urls {
		if !strings.HasPrefix(u, origin+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("request outside the server: %s", u)
		}
	}
}

// hitPoint finds a point of the viewport where the path a selector picks is
// the topmost element (a bounding box centre may lie outside a shape), after
// scrolling it into view.
const hitPoint = `(function(sel){
  const p = document.querySelector(sel);
  p.scrollIntoView({block: 'center'});
  const r = p.getBoundingClientRect();
  for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
    const x = r.left + r.width*i/12, y = r.top + r.height*j/12;
    if (document.elementFromPoint(x, y) === p) return [x, y];
  }
  return null;
})`

func (b *browser) pointOf(t *testing.T, code string) (float64, float64) {
	t.Helper()
	var xy []float64
	b.run(t, "locate "+code, chromedp.Evaluate(hitPoint+`('#map-figure path[data-code="`+code+`"]')`, &xy))
	if len(xy) != 2 {
		t.Fatalf("territory %s cannot be pointed at", code)
	}
	return xy[0], xy[1]
}

type mapState struct {
	Paths  int               `json:"paths"`
	Fills  map[string]string `json:"fills"`
	Legend []string          `json:"legend"`
	Marker bool              `json:"marker"`
	JS     bool              `json:"js"`
	Search string            `json:"search"`
}

const readMap = `({
  paths: document.querySelectorAll('#map-figure svg.map path[data-code]').length,
  fills: Object.fromEntries([...document.querySelectorAll('#map-figure svg.map path[data-code]')].map(p => [p.dataset.code, p.getAttribute('fill')])),
  legend: [...document.querySelectorAll('#legend li')].map(li => li.textContent.replace(/\s+/g, ' ').trim()),
  marker: window.__sameDocument === true,
  js: document.documentElement.classList.contains('js'),
  search: location.search,
})`

func TestBrowserMapPage(t *testing.T) {
	e := newEnv(t)
	b := newBrowser(t, 1280, 900)
	origin := e.srv.URL

	var st mapState
	b.run(t, "load the page",
		chromedp.Navigate(origin+"/?indicator=formations&level=departement"),
		chromedp.WaitVisible("#map-figure svg.map", chromedp.ByQuery),
		chromedp.Evaluate(`window.__sameDocument = true`, nil),
		chromedp.Evaluate(readMap, &st))
	if st.Paths != 101 || !st.JS {
		t.Fatalf("départements drawn: %d (script ran: %v)", st.Paths, st.JS)
	}
	var banner string
	b.run(t, "banner", chromedp.Text("#synthetic", &banner, chromedp.ByQuery))
	if !strings.Contains(banner, "SYNTHÉTIQUES") {
		t.Errorf("synthetic banner: %q", banner)
	}

	// Hover: the tooltip names the territory and gives its value.
	x, y := b.pointOf(t, "69")
	var tip string
	b.run(t, "hover",
		chromedp.MouseEvent("mouseMoved", x, y),
		chromedp.WaitVisible("#tooltip", chromedp.ByQuery),
		chromedp.Text("#tooltip", &tip, chromedp.ByQuery))
	if !strings.HasPrefix(tip, "Rhône (69)") || !strings.Contains(tip, "formations") {
		t.Errorf("tooltip %q", tip)
	}

	// Changing the indicator redraws map and legend in place.
	var after mapState
	b.run(t, "change indicator",
		chromedp.SetValue("#f-indicator", "coverage_class", chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById('f-indicator').dispatchEvent(new Event('change', {bubbles: true}))`, nil),
		chromedp.Poll(`location.search.includes('coverage_class') && !document.body.classList.contains('loading') &&
			document.querySelector('#legend li') && document.querySelector('#legend li').textContent.includes('aucune')`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Evaluate(readMap, &after))
	if after.Paths != 101 || !after.Marker {
		t.Fatalf("after the change: %d paths, same document: %v", after.Paths, after.Marker)
	}
	changed := 0
	for code, f := range st.Fills {
		if after.Fills[code] != f {
			changed++
		}
	}
	if changed == 0 || slices.Equal(st.Legend, after.Legend) {
		t.Fatalf("indicator change: %d fills changed, legend %q → %q", changed, st.Legend, after.Legend)
	}

	// Back to régions: one shape per région.
	b.run(t, "change level",
		chromedp.SetValue("#f-level", "region", chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById('f-level').dispatchEvent(new Event('change', {bubbles: true}))`, nil),
		chromedp.Poll(`document.querySelectorAll('#map-figure path[data-code]').length === 18 && !document.body.classList.contains('loading')`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Evaluate(readMap, &after))
	if !after.Marker || !strings.Contains(after.Search, "level=region") {
		t.Fatalf("level change: %+v", after.Search)
	}

	// A click opens the right profile without leaving the page.
	var api struct {
		Formations struct {
			Total int `json:"total"`
		} `json:"formations"`
	}
	res, body := e.fetch(t, "/api/v1/territories/region/84/profile")
	if err := json.Unmarshal(body, &api); err != nil || res.StatusCode != 200 {
		t.Fatalf("profile API: %d %v", res.StatusCode, err)
	}
	x, y = b.pointOf(t, "84")
	var head, text string
	var links int
	b.run(t, "click a région",
		chromedp.MouseClickXY(x, y),
		chromedp.Poll(`document.querySelector('#profile h2') && document.querySelector('#profile h2').textContent.includes('(84)')`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Text("#profile h2", &head, chromedp.ByQuery),
		chromedp.Text("#profile", &text, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('#profile a[href^="/api/v1/formations/GEN-"]').length`, &links),
		chromedp.Evaluate(readMap, &after))
	if !strings.HasPrefix(head, "Auvergne-Rhône-Alpes") || !after.Marker || !strings.Contains(after.Search, "code=84") {
		t.Fatalf("profile after click: %q, same document %v, %s", head, after.Marker, after.Search)
	}
	if want := fmt.Sprintf("Formations (%d)", api.Formations.Total); !strings.Contains(text, want) || links == 0 {
		t.Errorf("profile lists %d formation links; want the heading %q in %q", links, want, text)
	}
	for _, want := range []string{"Offre de formation", "Besoins en emplois du numérique", "Ratio offre / besoins", "Zones blanches voisines"} {
		if !strings.Contains(text, want) {
			t.Errorf("profile lacks %q", want)
		}
	}

	// Keyboard: a territory takes the focus and Enter opens its profile.
	b.run(t, "keyboard",
		chromedp.Focus(`#map-figure a.territory:has(path[data-code="11"])`, chromedp.ByQuery),
		chromedp.KeyEvent(kb.Enter),
		chromedp.Poll(`document.querySelector('#profile h2').textContent.includes('(11)')`, nil, chromedp.WithPollingTimeout(20*time.Second)))

	// The table sorts by value, not available last.
	var vals []string
	b.run(t, "sort table",
		chromedp.Click(`#table th[data-key="value"] a`, chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll('#table tbody tr')].map(r => r.dataset.value)`, &vals))
	if len(vals) != 18 {
		t.Fatalf("table rows: %d", len(vals))
	}
	for i := 1; i < len(vals); i++ {
		if vals[i] != "" && vals[i-1] != "" && num(vals[i]) < num(vals[i-1]) || vals[i-1] == "" && vals[i] != "" {
			t.Fatalf("table not sorted by value: %v", vals)
		}
	}

	// Every download link answers with a file of the type it announces.
	var links2 []struct{ Href, Type string }
	b.run(t, "downloads", chromedp.Evaluate(`[...document.querySelectorAll('#downloads a')].map(a => ({href: a.getAttribute('href'), type: a.getAttribute('type')}))`, &links2))
	if len(links2) < 5 {
		t.Fatalf("download links: %v", links2)
	}
	for _, l := range links2 {
		res, err := http.Get(origin + l.Href)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
		if res.StatusCode != 200 || mt != l.Type || n == 0 {
			t.Errorf("download %s: %d, %s (%d bytes), want %s", l.Href, res.StatusCode, mt, n, l.Type)
		}
	}

	// Print: no controls, the map and table stay.
	var printed struct {
		Filters, Downloads, Map, Table string
	}
	b.run(t, "print media",
		emulation.SetEmulatedMedia().WithMedia("print"),
		chromedp.Evaluate(`({filters: getComputedStyle(document.getElementById('filters')).display,
			downloads: getComputedStyle(document.getElementById('downloads')).display,
			map: getComputedStyle(document.querySelector('#map-figure svg.map')).display,
			table: getComputedStyle(document.querySelector('#table table')).display})`, &printed),
		emulation.SetEmulatedMedia().WithMedia(""))
	if printed.Filters != "none" || printed.Downloads != "none" || printed.Map == "none" || printed.Table == "none" {
		t.Errorf("print styles: %+v", printed)
	}

	// The language switch gives the English page.
	// The link is followed by navigating to it: a click starts a page load
	// that a following query could race, finding nodes of the old page.
	var lang, title, href string
	var ok bool
	b.run(t, "English link", chromedp.AttributeValue("#lang-switch", "href", &href, &ok, chromedp.ByQuery))
	if !ok || !strings.Contains(href, "lang=en") {
		t.Fatalf("language switch links to %q", href)
	}
	base, err := url.Parse(origin + "/")
	if err != nil {
		t.Fatal(err)
	}
	u, err := base.Parse(href)
	if err != nil {
		t.Fatal(err)
	}
	b.run(t, "English",
		chromedp.Navigate(u.String()),
		chromedp.WaitVisible("#map-figure svg.map", chromedp.ByQuery),
		chromedp.Poll(`document.documentElement.lang === 'en'`, nil, chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Evaluate(`document.documentElement.lang`, &lang),
		chromedp.Text("#legend-h", &title, chromedp.ByQuery))
	if lang != "en" || !strings.HasPrefix(title, "Legend") {
		t.Errorf("English page: lang %q, legend %q", lang, title)
	}
	b.check(t, origin)
	screenshots(t, b, origin)
}

func num(s string) float64 {
	var f float64
	fmt.Sscan(s, &f)
	return f
}

// TestBrowserWithoutScript: with JavaScript off the server's page is whole:
// map, legend, table, and a territory link opens its profile.
func TestBrowserWithoutScript(t *testing.T) {
	e := newEnv(t)
	b := newBrowser(t, 1280, 900)
	var paths, rows int
	var head string
	b.run(t, "no script",
		emulation.SetScriptExecutionDisabled(true),
		chromedp.Navigate(e.srv.URL+"/?level=departement&indicator=distance_nearest_km"),
		chromedp.WaitVisible("#map-figure svg.map", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('#map-figure path[data-code]').length`, &paths),
		chromedp.Evaluate(`document.querySelectorAll('#table tbody tr').length`, &rows))
	if paths != 101 || rows != 101 {
		t.Fatalf("without script: %d paths, %d rows", paths, rows)
	}
	x, y := b.pointOf(t, "15")
	b.run(t, "follow a territory link",
		chromedp.MouseClickXY(x, y),
		chromedp.WaitVisible(`#profile .profile-head`, chromedp.ByQuery),
		chromedp.Text("#profile h2", &head, chromedp.ByQuery))
	if !strings.HasPrefix(head, "Cantal (15)") {
		t.Fatalf("profile without script: %q", head)
	}
	b.check(t, e.srv.URL)
}

// TestBrowserPhone: at a phone's width the page is one column with no
// sideways scrolling, and the map still has every territory.
func TestBrowserPhone(t *testing.T) {
	e := newEnv(t)
	b := newBrowser(t, 390, 844)
	var got struct {
		Width, ScrollWidth, Paths int
		Columns                   string
	}
	b.run(t, "phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(e.srv.URL+"/?indicator=supply_demand_ratio&level=region"),
		chromedp.WaitVisible("#map-figure svg.map", chromedp.ByQuery),
		chromedp.Evaluate(`({width: document.documentElement.clientWidth, scrollWidth: document.documentElement.scrollWidth,
			paths: document.querySelectorAll('#map-figure path[data-code]').length,
			columns: getComputedStyle(document.querySelector('.layout')).gridTemplateColumns})`, &got))
	if got.Paths != 18 || got.ScrollWidth > got.Width || strings.Contains(strings.TrimSpace(got.Columns), " ") {
		t.Fatalf("phone layout: %+v", got)
	}
	b.check(t, e.srv.URL)
}

// screenshots writes the page at desktop and phone widths into the
// directory MAP_SCREENSHOTS names, when it is set, for people to look at.
func screenshots(t *testing.T, b *browser, origin string) {
	dir := os.Getenv("MAP_SCREENSHOTS")
	if dir == "" {
		return
	}
	for _, v := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"map-desktop.png", 1280, 900, false}, {"map-phone.png", 390, 844, true}} {
		var buf []byte
		emu := chromedp.EmulateViewport(v.width, v.height)
		if v.mobile {
			emu = chromedp.EmulateViewport(v.width, v.height, chromedp.EmulateScale(2), chromedp.EmulateMobile)
		}
		b.run(t, "screenshot "+v.name,
			emu,
			chromedp.Navigate(origin+"/?indicator=formations&level=departement&wave=1&code=21"),
			chromedp.WaitVisible("#map-figure svg.map", chromedp.ByQuery),
			chromedp.Sleep(300*time.Millisecond),
			chromedp.CaptureScreenshot(&buf))
		if err := os.WriteFile(filepath.Join(dir, v.name), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
