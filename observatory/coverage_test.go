package observatory_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/observatorytest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// featureLines marshals a FeatureCollection with one feature per line, so
// golden files diff feature by feature. It is the same JSON as
// json.Marshal(fc) (checked in golden).
func featureLines(t *testing.T, fc *geojson.FeatureCollection) []byte {
	t.Helper()
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, f := range fc.Features {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
		buf.Write(b)
	}
	buf.WriteString("\n]}\n")
	return buf.Bytes()
}

// golden compares fc with testdata/name, or rewrites it under -update.
func goldenFC(t *testing.T, name string, fc *geojson.FeatureCollection) {
	t.Helper()
	got := featureLines(t, fc)
	whole, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(whole, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("featureLines differs from json.Marshal")
	}
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
		for i := range min(len(gl), len(wl)) {
			if !bytes.Equal(gl[i], wl[i]) {
				t.Fatalf("%s: line %d differs (run go test -update if the change is intended):\ngot  %.300s\nwant %.300s", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s: %d lines, want %d (run go test -update if the change is intended)", path, len(gl), len(wl))
	}
}

func geoGazetteer(t testing.TB) *observatory.Gazetteer {
	t.Helper()
	g := datasetstest.Geo(t)
	return g
}

// regionFormations is a fixed set of properties for the golden file.
var regionFormations = map[string]int{
	"01": 4, "02": 3, "03": 2, "04": 9, "06": 1, "11": 61, "24": 8, "27": 10, "28": 12,
	"32": 21, "44": 17, "52": 11, "53": 9, "75": 19, "76": 22, "84": 30, "93": 17, "94": 0,
}

func TestCoverageRegionGolden(t *testing.T) {
	regions := geoGazetteer(t).Regions()
	fc := coverageFeatures(regions, func(code string) map[string]any {
		// "code" is ignored: the territory's own code wins.
		return map[string]any{"formations": regionFormations[code], "code": "overridden"}
	})
	if len(fc.Features) != len(regions) {
		t.Fatalf("%d features for %d régions", len(fc.Features), len(regions))
	}
	for i, f := range fc.Features {
		r := regions[i]
		if f.ID != r.Code || f.Properties["code"] != r.Code || f.Properties["name"] != r.Name || f.Properties["formations"] != regionFormations[r.Code] {
			t.Errorf("feature %d: id %v, properties %v; want région %s %s", i, f.ID, f.Properties, r.Code, r.Name)
		}
	}
	checkFeatures(t, fc)
	goldenFC(t, "coverage-region.golden.geojson", fc)
}

func TestGapsDiagonalGolden(t *testing.T) {
	g, adj := depAdjacency(t)
	deps := g.Departements()
	gaps := observatory.FindGaps(deps, adj, gapSet(diagonal2016...), observatory.GapOptions{})
	fc := observatory.GapFeatures(gaps, deps)
	if len(fc.Features) != 1 {
		t.Fatalf("%d features, want 1", len(fc.Features))
	}
	f := fc.Features[0]
	// The 17 départements make one outline, without inner borders.
	if p, ok := f.Geometry.(orb.Polygon); !ok || len(p) != 1 {
		t.Errorf("geometry %T, want one Polygon without holes", f.Geometry)
	}
	if f.Properties["diagonal"] != true || f.Properties["id"] != gaps[0].ID || !reflect.DeepEqual(f.Properties["members"], gaps[0].Members) {
		t.Errorf("properties %v", f.Properties)
	}
	var area float64
	for _, c := range diagonal2016 {
		d, _ := g.Departement(c)
		area += geo.Area(d.Geometry)
	}
	if a := geo.Area(f.Geometry); math.Abs(a-area) > 1e-6*area {
		t.Errorf("dissolved area %.0f m², the départements make %.0f m²", a, area)
	}
	checkFeatures(t, fc)
	goldenFC(t, "gaps-diagonal.golden.geojson", fc)
}

// checkFeatures checks every geometry with CheckGeometry and that the
// coordinates have at most 5 decimals.
func checkFeatures(t *testing.T, fc *geojson.FeatureCollection) {
	t.Helper()
	for _, f := range fc.Features {
		if f.Geometry == nil {
			continue
		}
		for _, is := range observatory.CheckGeometry(f.Geometry) {
			t.Errorf("feature %v: %v", f.ID, is)
		}
		for _, p := range polygonsOf(f.Geometry) {
			for _, r := range p {
				for _, pt := range r {
					for _, x := range pt {
						if s := strconv.FormatFloat(x, 'f', -1, 64); !regexp.MustCompile(`^-?\d+(\.\d{1,5})?$`).MatchString(s) {
							t.Fatalf("feature %v: coordinate %s has more than 5 decimals", f.ID, s)
						}
					}
				}
			}
		}
	}
}

func polygonsOf(g orb.Geometry) []orb.Polygon {
	switch g := g.(type) {
	case orb.Polygon:
		return []orb.Polygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}

// departementCoverage is the département map with the properties the API
// puts on it.
func departementCoverage(t testing.TB) *geojson.FeatureCollection {
	deps := geoGazetteer(t).Departements()
	return coverageFeatures(deps, func(code string) map[string]any {
		n, _ := strconv.Atoi(code[:2]) // an arbitrary, varied figure
		if code[:2] == "2A" || code[:2] == "2B" {
			n = 20
		}
		return map[string]any{"formations": n % 13, "formations_per_100k": float64(n%13) * 0.137, "class": []string{"none", "low", "adequate"}[n%3]}
	})
}

func TestCoverageDepartements(t *testing.T) {
	fc := departementCoverage(t)
	if len(fc.Features) != 101 {
		t.Errorf("%d features, want 101", len(fc.Features))
	}
	checkFeatures(t, fc)
	b, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("département FeatureCollection: %d bytes, %d gzipped", len(b), buf.Len())
	if buf.Len() >= 150_000 {
		t.Errorf("département FeatureCollection is %d bytes gzipped, want under 150 KB", buf.Len())
	}
}

// The geometries served are the embedded ones, valid, and losing no land
// but the folded islands CleanGeometry drops.
func TestCleanGeometryEmbedded(t *testing.T) {
	g := geoGazetteer(t)
	for _, tr := range append(g.Regions(), g.Departements()...) {
		clean := observatory.CleanGeometry(tr.Geometry)
		for _, is := range observatory.CheckGeometry(clean) {
			t.Errorf("%s %s: %v", tr.Level, tr.Code, is)
		}
		if a, b := geo.Area(tr.Geometry), geo.Area(clean); math.Abs(a-b) > 1e-4*a {
			t.Errorf("%s %s: area %.0f km² after cleaning, %.0f before", tr.Level, tr.Code, b/1e6, a/1e6)
		}
	}
}

func TestCleanGeometry(t *testing.T) {
	// A clockwise exterior, unclosed, with points that round together, a
	// counter-clockwise hole, and a polygon that rounding collapses.
	in := orb.MultiPolygon{
		{
			{{0, 0}, {0, 1}, {0.000001, 1.000002}, {1, 1}, {1.0000049, 0}},
			{{0.2, 0.2}, {0.4, 0.2}, {0.4, 0.4}, {0.2, 0.4}, {0.2, 0.2}},
		},
		{{{5, 5}, {5.000001, 5}, {5, 5.000001}, {5, 5}}},
	}
	before := orb.Clone(in)
	want := orb.Polygon{
		{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}},
		{{0.2, 0.2}, {0.2, 0.4}, {0.4, 0.4}, {0.4, 0.2}, {0.2, 0.2}},
	}
	got := observatory.CleanGeometry(in)
	if !orb.Equal(got, want) {
		t.Errorf("CleanGeometry = %v, want %v", got, want)
	}
	if !orb.Equal(in, before) {
		t.Error("CleanGeometry modified its input")
	}

	// A small island folded into a figure of eight goes; a large one stays
	// for CheckGeometry to report.
	square := orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}
	// Lobes of 4/3 s² counter-clockwise and 1/3 s² clockwise, crossing at
	// (x + 2/3 s, 4/3 s).
	bowTie := func(x, s float64) orb.Polygon {
		return orb.Polygon{{{x, 0}, {x + 2*s, 0}, {x, 2 * s}, {x + s, 2 * s}, {x, 0}}}
	}
	if got := observatory.CleanGeometry(orb.MultiPolygon{square, bowTie(2, 0.05)}); !orb.Equal(got, square) {
		t.Errorf("with a small folded island: %v, want the square alone", got)
	}
	if got, ok := observatory.CleanGeometry(orb.MultiPolygon{square, bowTie(2, 0.5)}).(orb.MultiPolygon); !ok || len(got) != 2 {
		t.Errorf("with a large folded polygon: %v, want both polygons", got)
	}

	if got := observatory.CleanGeometry(nil); got != nil {
		t.Errorf("CleanGeometry(nil) = %v", got)
	}
	if got := observatory.CleanGeometry(orb.Point{1.234567, 2.345678}); got != (orb.Point{1.23457, 2.34568}) {
		t.Errorf("CleanGeometry(point) = %v", got)
	}
	if got := observatory.CleanGeometry(orb.Polygon{{{0, 0}, {1, 0}, {2, 0}, {0, 0}}}); got != nil {
		t.Errorf("a flat polygon gave %v, want nil", got)
	}
}

func TestGapFeaturesDissolve(t *testing.T) {
	ts := gapGrid(4, 4, 50)
	adj := observatory.NewAdjacency(ts, observatory.AdjacencyOptions{})
	byCode := map[string]observatory.Territory{}
	for _, tr := range ts {
		byCode[tr.Code] = tr
	}
	for _, c := range []struct {
		name          string
		cells         []string
		polygons      int
		holes         int
		exteriorLen   int // points of the first exterior ring, 0: not checked
		bearingIsNull bool
	}{
		{"one cell", []string{gapCell(0, 0)}, 1, 0, 5, true},
		{"two cells", []string{gapCell(0, 0), gapCell(0, 1)}, 1, 0, 7, false},
		// Eight cells around an uncovered one: a polygon with a hole.
		{"ring", []string{gapCell(0, 0), gapCell(0, 1), gapCell(0, 2), gapCell(1, 2), gapCell(2, 2), gapCell(2, 1), gapCell(2, 0), gapCell(1, 0)}, 1, 1, 0, false},
		// A U whose arms close diagonally: the hole touches the exterior
		// at one point.
		{"pinch", []string{gapCell(0, 0), gapCell(0, 1), gapCell(0, 2), gapCell(1, 2), gapCell(2, 2), gapCell(2, 1), gapCell(1, 0)}, 1, 1, 0, false},
	} {
		gaps := observatory.FindGaps(ts, adj, gapSet(c.cells...), observatory.GapOptions{})
		if len(gaps) != 1 {
			t.Errorf("%s: %d gaps, want 1", c.name, len(gaps))
			continue
		}
		fc := observatory.GapFeatures(gaps, ts)
		f := fc.Features[0]
		polys := polygonsOf(f.Geometry)
		holes := 0
		for _, p := range polys {
			holes += len(p) - 1
		}
		if len(polys) != c.polygons || holes != c.holes || (c.exteriorLen > 0 && len(polys[0][0]) != c.exteriorLen) {
			t.Errorf("%s: %d polygons, %d holes, %v; want %d, %d", c.name, len(polys), holes, f.Geometry, c.polygons, c.holes)
		}
		for _, is := range observatory.CheckGeometry(f.Geometry) {
			t.Errorf("%s: %v", c.name, is)
		}
		var area float64
		for _, code := range c.cells {
			area += geo.Area(byCode[code].Geometry)
		}
		if a := geo.Area(f.Geometry); math.Abs(a-area) > 1e-4*area {
			t.Errorf("%s: area %.0f, cells make %.0f", c.name, a, area)
		}
		if (f.Properties["bearing_deg"] == nil) != c.bearingIsNull || f.Properties["population"] != gaps[0].Population ||
			!reflect.DeepEqual(f.BBox, geojson.BBox(gaps[0].Extent[:])) || f.ID != gaps[0].ID {
			t.Errorf("%s: id %v, bbox %v, properties %v", c.name, f.ID, f.BBox, f.Properties)
		}
	}
	// Outlines whose borders do not match vertex for vertex are left as
	// they are, one polygon per member.
	shifted := []observatory.Territory{adjBox("A", 0, 0, 1, 1), adjBox("B", 1, 0.5, 2, 1.5)}
	gaps := observatory.FindGaps(shifted, observatory.NewAdjacency(shifted, observatory.AdjacencyOptions{}), func(string) bool { return true }, observatory.GapOptions{})
	if len(gaps) != 1 {
		t.Fatalf("shifted boxes: %d gaps, want 1", len(gaps))
	}
	if mp, ok := observatory.GapFeatures(gaps, shifted).Features[0].Geometry.(orb.MultiPolygon); !ok || len(mp) != 2 {
		t.Errorf("shifted boxes: geometry %v, want their two polygons", mp)
	}
}

// GDAL reads what we write. CI installs gdal-bin; elsewhere the test skips.
func TestCoverageOgrinfo(t *testing.T) {
	ogrinfo := observatorytest.Program(t, "gdal-bin", "ogrinfo")
	g, adj := depAdjacency(t)
	deps := g.Departements()
	gaps := observatory.FindGaps(deps, adj, gapSet(append(slices.Clone(diagonal2016), "974", "2A")...), observatory.GapOptions{})
	for name, c := range map[string]struct {
		fc   *geojson.FeatureCollection
		want int
	}{
		"departements.geojson": {departementCoverage(t), 101},
		"gaps.geojson":         {observatory.GapFeatures(gaps, deps), 3},
	} {
		b, err := json.Marshal(c.fc)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.CommandContext(t.Context(), ogrinfo, "-ro", "-al", "-so", path).CombinedOutput()
		if err != nil {
			t.Fatalf("ogrinfo %s: %v\n%s", name, err, out)
		}
		m := regexp.MustCompile(`Feature Count: (\d+)`).FindSubmatch(out)
		if m == nil || string(m[1]) != strconv.Itoa(c.want) {
			t.Errorf("ogrinfo %s: want Feature Count: %d\n%s", name, c.want, out)
		}
		if !bytes.Contains(out, []byte("Geometry: ")) {
			t.Errorf("ogrinfo %s: no geometry type reported\n%s", name, out)
		}
	}
}

// coverageFeatures is what Gazetteer.CoverageJSON encodes, built with orb's
// geojson types: the reference its bytes are checked against.
func coverageFeatures(ts []observatory.Territory, props func(code string) map[string]any) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, t := range ts {
		f := geojson.NewFeature(observatory.CleanGeometry(t.Geometry))
		f.ID = t.Code
		if props != nil {
			maps.Copy(f.Properties, props(t.Code))
		}
		f.Properties["code"] = t.Code
		f.Properties["name"] = t.Name
		fc.Append(f)
	}
	return fc
}

// CoverageJSON gives the bytes json.Marshal gives for the collection built
// with orb's types, for every level with outlines, the second time (from
// the cache) as the first; "code" and "name" win over props'.
func TestCoverageJSONMatchesOrb(t *testing.T) {
	g := geoGazetteer(t)
	props := func(code string) map[string]any {
		return map[string]any{"formations": len(code), "code": "overridden", "note": "a < b & c", "missing": nil}
	}
	for _, l := range []observatory.Level{observatory.LevelRegion, observatory.LevelDepartement, observatory.LevelBassin} {
		want, err := json.Marshal(coverageFeatures(g.Territories(l), props))
		if err != nil {
			t.Fatal(err)
		}
		for pass := range 2 {
			got, err := g.CoverageJSON(l, props)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Fatalf("%s, pass %d: differs at byte %d of %d: got %.80q, want %.80q", l, pass, i, len(want), got[i:], want[i:])
			}
		}
	}
	if b, err := g.CoverageJSON(observatory.LevelRegion, nil); err != nil || !json.Valid(b) {
		t.Errorf("without props: %v", err)
	}
}
