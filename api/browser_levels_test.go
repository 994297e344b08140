package api_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserBassinsAndCommunes switches the map to bassins d'emploi, opens
// a bassin's profile (with its skill needs) on the mainland and one in the
// Paris inset, then draws the communes and opens one.
func TestBrowserBassinsAndCommunes(t *testing.T) {
	t.Parallel() // its own server and data directory
	e := newEnv(t)
	b := newBrowser(t, 1280, 900)
	var ind struct {
		Items []json.RawMessage `json:"items"`
	}
	res, body := e.fetch(t, "/api/v1/indicators/formations?level=bassin")
	if err := json.Unmarshal(body, &ind); err != nil || res.StatusCode != 200 || len(ind.Items) < 300 {
		t.Fatalf("bassins from the API: %d %v (%d)", res.StatusCode, err, len(ind.Items))
	}

	var st mapState
	b.run(t, "switch to bassins",
		chromedp.Navigate(e.srv.URL+"/?indicator=formations&level=departement"),
		chromedp.WaitVisible("#map-figure svg.map", chromedp.ByQuery),
		chromedp.Evaluate(`window.__sameDocument = true`, nil),
		chromedp.SetValue("#f-level", "bassin", chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById('f-level').dispatchEvent(new Event('change', {bubbles: true}))`, nil),
		chromedp.Poll(`location.search.includes('level=bassin') && !document.body.classList.contains('loading')`, nil,
			chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Evaluate(readMap, &st))
	if st.Paths != len(ind.Items) || !st.Marker {
		t.Fatalf("bassins drawn: %d, the API has %d (same document: %v)", st.Paths, len(ind.Items), st.Marker)
	}

	open := func(what, sel, code string) string {
		t.Helper()
		var xy []float64
		b.run(t, "locate "+what, chromedp.Evaluate(hitPoint+"('"+sel+"')", &xy))
		if len(xy) != 2 {
			t.Fatalf("%s cannot be pointed at", what)
		}
		var text string
		b.run(t, "click "+what,
			chromedp.MouseClickXY(xy[0], xy[1]),
			chromedp.Poll(`document.querySelector('#profile h2') && document.querySelector('#profile h2').textContent.includes('(`+code+`)')`, nil,
				chromedp.WithPollingTimeout(30*time.Second)),
			chromedp.Text("#profile", &text, chromedp.ByQuery))
		return text
	}
	text := open("Lyon Centre", `#map-figure path[data-code="8428"]`, "8428")
	for _, want := range []string{"LYON CENTRE", "Besoins en compétences", "projets de recrutement numériques dans la BMO 2024", "Tous les métiers (CSV)"} {
		if !strings.Contains(text, want) {
			t.Errorf("bassin profile lacks %q", want)
		}
	}
	// Paris is a few pixels on the mainland: its inset is where it is clicked.
	if text := open("Paris in its inset", `#map-figure path[data-zoom="1107"]`, "1107"); !strings.Contains(text, "Besoins en compétences") {
		t.Errorf("profile from the Paris inset: %.200q", text)
	}

	var n int
	var more string
	b.run(t, "communes",
		chromedp.Navigate(e.srv.URL+"/?indicator=distance_nearest_km&level=commune"),
		chromedp.WaitVisible("#map-figure svg.map", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('#map-figure svg.map path[data-code]').length`, &n),
		chromedp.Text("#table p.muted", &more, chromedp.ByQuery))
	if n < 34000 || !strings.Contains(more, "500") {
		t.Fatalf("communes drawn: %d; table note %q", n, more)
	}
	if text := open("Lyon", `#map-figure path[data-code="69123"]`, "69123"); !strings.Contains(text, "Lyon") {
		t.Errorf("commune profile: %.200q", text)
	}
}
