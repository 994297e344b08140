package api_test

import (
	"bytes"
	"encoding/xml"
	"flag"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
)

// The golden files are rewritten with `go test ./api -run TestMapSVGGolden -update`.
// Another test file of the package may declare the flag too, so it is
// declared only when no one else has.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// svgShape is a territory as an SVG map draws it.
type svgShape struct {
	Code, Fill, Value, Title string
}

// parseSVG checks that b is well-formed XML and returns its territories
// (paths with a data-code) and the texts of its legend.
func parseSVG(t *testing.T, b []byte) (shapes []svgShape, legend []string) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	var cur *svgShape
	inTitle, legendDepth, depth := false, 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			attr := map[string]string{}
			for _, a := range el.Attr {
				attr[a.Name.Local] = a.Value
			}
			switch {
			case el.Name.Local == "g" && attr["class"] == "legend":
				legendDepth = depth
			case el.Name.Local == "path" && attr["data-code"] != "":
				shapes = append(shapes, svgShape{Code: attr["data-code"], Fill: attr["fill"], Value: attr["data-value"]})
				cur = &shapes[len(shapes)-1]
			case el.Name.Local == "title" && cur != nil:
				inTitle = true
			}
		case xml.EndElement:
			if el.Name.Local == "path" {
				cur = nil
			}
			if el.Name.Local == "title" {
				inTitle = false
			}
			if depth == legendDepth {
				legendDepth = 0
			}
			depth--
		case xml.CharData:
			if inTitle && cur != nil {
				cur.Title += string(el)
			}
			if legendDepth > 0 && strings.TrimSpace(string(el)) != "" {
				legend = append(legend, string(el))
			}
		}
	}
	return shapes, legend
}

func TestMapSVG(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	geo := datasetstest.Geo(t)
	for _, c := range []struct {
		level observatory.Level
		n     int
	}{{observatory.LevelDepartement, 101}, {observatory.LevelRegion, 18}} {
		res, body := e.fetch(t, "/map.svg?indicator=formations&level="+string(c.level))
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "image/svg+xml") {
			t.Fatalf("%s: status %d, %s: %s", c.level, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		shapes, legend := parseSVG(t, body)
		if len(shapes) != c.n {
			t.Fatalf("%s: %d territories drawn, want %d", c.level, len(shapes), c.n)
		}
		seen := map[string]bool{}
		for _, s := range shapes {
			if seen[s.Code] {
				t.Fatalf("%s drawn twice", s.Code)
			}
			seen[s.Code] = true
			tr, ok := geo.Territory(c.level, s.Code)
			if !ok {
				t.Fatalf("unknown territory %s", s.Code)
			}
			if !strings.HasPrefix(s.Title, tr.Name+" ("+s.Code+")") || s.Fill == "" {
				t.Errorf("%s: title %q, fill %q", s.Code, s.Title, s.Fill)
			}
		}
		if len(legend) < 3 || legend[0] != "formations" {
			t.Errorf("%s: legend %q", c.level, legend)
		}
		if !bytes.Contains(body, []byte("DONNÉES SYNTHÉTIQUES")) || res.Header.Get("X-Observatory-Synthetic") != "true" {
			t.Errorf("%s: the map of a synthetic catalogue does not say so", c.level)
		}
	}
}

// TestMapColoursFollowIndicator draws two indicators: fills and legends
// differ, and each fill agrees with the value's class (same value, same
// colour; a larger value never gets a lighter class).
func TestMapColoursFollowIndicator(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	_, a := e.fetch(t, "/map.svg?indicator=formations")
	_, b := e.fetch(t, "/map.svg?indicator=coverage_class")
	sa, la := parseSVG(t, a)
	sb, lb := parseSVG(t, b)
	if len(sa) != len(sb) {
		t.Fatal("different territories")
	}
	changed := 0
	for i := range sa {
		if sa[i].Fill != sb[i].Fill {
			changed++
		}
	}
	if changed == 0 || strings.Join(la, "|") == strings.Join(lb, "|") {
		t.Fatalf("colours or legend unchanged: %d fills differ; legends %q and %q", changed, la, lb)
	}
	fillOf := map[string]string{}
	for _, s := range sa {
		if prev, ok := fillOf[s.Value]; ok && prev != s.Fill {
			t.Fatalf("value %s drawn in %s and %s", s.Value, prev, s.Fill)
		}
		fillOf[s.Value] = s.Fill
	}
	// Coverage: every territory with no formation has the "none" colour.
	for i, s := range sb {
		if sa[i].Value == "0" && s.Fill != "#e66101" {
			t.Errorf("%s has no formation but fill %s", s.Code, s.Fill)
		}
	}
}

// TestMapSVGGolden compares the région map with its golden file: any change
// to projection, classes, palette or layout shows up as a diff to review.
func TestMapSVGGolden(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	res, body := e.fetch(t, "/map.svg?indicator=formations_per_100k&level=region")
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	golden := filepath.Join("testdata", "map-region-formations_per_100k.svg")
	if updateGolden() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(body, want) {
		t.Fatalf("SVG differs from %s (%d bytes, want %d); review and run with -update", golden, len(body), len(want))
	}
}

func TestMapPNG(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	res, body := e.fetch(t, "/map.png?indicator=coverage_class&level=region")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("status %d, %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	img, err := png.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1500 || b.Dy() < 1300 {
		t.Fatalf("size %v", b)
	}
	// The PNG is drawn from the same scene as the SVG: count the pixels of
	// each coverage colour; every class the SVG uses must show.
	_, svg := e.fetch(t, "/map.svg?indicator=coverage_class&level=region")
	shapes, _ := parseSVG(t, svg)
	want := map[string]bool{}
	for _, s := range shapes {
		want[s.Fill] = true
	}
	got := map[string]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			got[hexOf(r>>8, g>>8, bl>>8)]++
		}
	}
	for fill := range want {
		if strings.HasPrefix(fill, "#") && got[fill] < 50 {
			t.Errorf("fill %s of the SVG has %d pixels in the PNG", fill, got[fill])
		}
	}
}

func hexOf(r, g, b uint32) string {
	const digits = "0123456789abcdef"
	out := []byte{'#', 0, 0, 0, 0, 0, 0}
	for i, v := range []uint32{r, g, b} {
		out[1+2*i], out[2+2*i] = digits[v>>4], digits[v&15]
	}
	return string(out)
}

func TestPage(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	res, body := e.fetch(t, "/?indicator=formations&level=departement")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	page := string(body)
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	for _, want := range []string{
		`<html lang="fr">`, `id="synthetic"`, "Données SYNTHÉTIQUES",
		`<form class="filters" id="filters" method="get" action="/"`, `name="indicator"`, `name="year"`, `name="family"`,
		`id="legend"`, `id="table"`, `<caption>`, `/map.svg?indicator=formations&amp;level=departement`,
		`/api/v1/indicators/formations.csv?level=departement`, `/api/v1/coverage/departement.geojson?indicator=formations`,
		`<script src="/static/page.js" defer></script>`, `id="page-config"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// No request leaves the origin: every src and href is relative.
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if strings.Contains(m[1], "//") {
			t.Errorf("external reference %s", m[1])
		}
	}
	links := regexp.MustCompile(`<a href="/\?code=([0-9AB]+)[^"]*#profile" class="territory" aria-label="[^"]+"><path id="t-`).FindAllStringSubmatch(page, -1)
	rows := strings.Count(page, `<tr data-code=`)
	if len(links) != 101 || rows != 101 {
		t.Fatalf("%d territory links, %d table rows; want 101", len(links), rows)
	}

	// The profile is drawn by the server when a territory is chosen.
	res, body = e.fetch(t, "/?level=region&code=84&lang=en")
	page = string(body)
	if res.StatusCode != 200 || !strings.Contains(page, `<html lang="en">`) ||
		!strings.Contains(page, `<h2 id="profile-h">Auvergne-Rhône-Alpes <span class="code">(84)</span></h2>`) ||
		!strings.Contains(page, "Training offer") || !strings.Contains(page, `href="/api/v1/formations/GEN-`) {
		t.Fatalf("profile of 84: status %d\n%s", res.StatusCode, page[strings.Index(page, `id="profile"`):][:2000])
	}
	if !strings.Contains(page, `<tr data-code="84" data-name="Auvergne-Rhône-Alpes"`) || !strings.Contains(page, `aria-current="true"`) {
		t.Error("the chosen territory is not marked in the table")
	}

	// Sorting by value, descending, without script.
	_, body = e.fetch(t, "/?level=region&sort=-value")
	vals := regexp.MustCompile(`<tr data-code="[^"]+" data-name="[^"]+" data-value="([^"]*)"`).FindAllStringSubmatch(string(body), -1)
	if len(vals) != 18 {
		t.Fatalf("sort=-value: %d rows", len(vals))
	}
	prev := math.Inf(1)
	for _, v := range vals {
		x, err := strconv.ParseFloat(v[1], 64)
		if err != nil || x > prev {
			t.Fatalf("sort=-value: %q after %g", v[1], prev)
		}
		prev = x
	}
}

func TestPageErrors(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	for _, c := range []struct{ path, text string }{
		{"/?indicator=nope", "indicator"},
		{"/?level=canton", "level"},
		{"/?code=99", "code"},
		{"/?year=abc", "year"},
		{"/?family=cuisine", "family"},
		{"/?lang=de", "lang"},
		{"/?sort=population", "sort"},
		{"/?whatever=1", "whatever"},
	} {
		res, body := e.fetch(t, c.path)
		if res.StatusCode != 400 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(string(body), "<code>"+c.text+"</code>") || !strings.Contains(string(body), `href="/"`) {
			t.Errorf("%s: %d %s\n%s", c.path, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	}
	if res, _ := e.fetch(t, "/map.svg?indicator=nope"); res.StatusCode != 400 || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("map.svg with a bad indicator: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res, body := e.fetch(t, "/static/page.js"); res.StatusCode != 200 || !bytes.Contains(body, []byte("use strict")) {
		t.Errorf("script: %d", res.StatusCode)
	}
}
