package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserSimulate: in simulate mode, a click on Creuse adds a
// formation in Guéret; the page redraws in place with a marker, the gap
// outline of the départements without formation changes, Creuse leaves
// the zone and the figures say so; the URL is the simulation's permalink.
func TestBrowserSimulate(t *testing.T) {
	e := newEnv(t)
	b := newBrowser(t, 1280, 900)
	const outline = `[...document.querySelectorAll('#map-figure svg.map g.gap path')].map(p => p.getAttribute('d')).join('|')`
	var before, after, panel, search string
	var markers int
	var xy []float64
	b.run(t, "simulate mode",
		chromedp.Navigate(e.srv.URL+"/?mode=simulate"),
		chromedp.WaitVisible("#map-figure svg.map", chromedp.ByQuery),
		chromedp.Evaluate(`window.__sameDocument = true`, nil),
		chromedp.Evaluate(outline, &before),
		chromedp.Evaluate(hitPoint+`('#map-figure path[data-code="23"]')`, &xy))
	if len(xy) != 2 || before == "" {
		t.Fatalf("Creuse cannot be pointed at (%v), or no gap outline", xy)
	}
	b.run(t, "add a site in Creuse",
		chromedp.MouseClickXY(xy[0], xy[1]),
		chromedp.Poll(`location.search.includes('site=23096') && !document.body.classList.contains('loading') && document.querySelector('#simulate ol.sites')`, nil,
			chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Evaluate(outline, &after),
		chromedp.Evaluate(`document.querySelectorAll('#map-figure svg.map g.site').length`, &markers),
		chromedp.Text("#simulate", &panel, chromedp.ByQuery),
		chromedp.Evaluate(`location.search + (window.__sameDocument ? '' : ' (reloaded)')`, &search))
	if after == before || markers != 1 || strings.Contains(search, "reloaded") {
		t.Errorf("outline changed: %v, markers %d, %s", after != before, markers, search)
	}
	for _, want := range []string{"Guéret", "Creuse", "réduite", "80 → 81", "Lien permanent"} {
		if !strings.Contains(panel, want) {
			t.Errorf("panel lacks %q: %.600s", want, panel)
		}
	}
}
