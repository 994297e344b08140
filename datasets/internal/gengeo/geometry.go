package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"
)

// dromTolerance is the Douglas–Peucker tolerance, in degrees (about 500 m),
// applied to the full-resolution outlines, the only source for the DROM
// (and for the islands the simplified metropolitan source lost). At this
// tolerance a DROM keeps 50 to 450 points, the order of a metropolitan
// département in the simplified source (about 150).
const dromTolerance = 0.005

// feature is the subset of a GeoJSON feature the sources use.
type feature struct {
	Properties struct {
		Code string `json:"code"`
		Nom  string `json:"nom"`
	} `json:"properties"`
	Geometry struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

// buildGeoJSON writes <kind>.geojson: metropolitan outlines from the
// simplified source (whose shared borders match exactly, which the gaps
// graph needs) plus the islands it lost, overseas ones from the full source
// after simplification, all cleaned for RFC 7946. names lists the
// territories to write, by code.
func buildGeoJSON(src, out, kind string, names map[string]string) error {
	metro, err := readFeatures(filepath.Join(src, kind+"-version-simplifiee.geojson"))
	if err != nil {
		return err
	}
	full, err := readFeatures(filepath.Join(src, kind+"-avec-outre-mer.geojson"))
	if err != nil {
		return err
	}
	for code, mp := range metro {
		metro[code] = cleanMultiPolygon(mp)
	}
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	codes := slices.Sorted(func(yield func(string) bool) {
		for c := range names {
			if !yield(c) {
				return
			}
		}
	})
	points, islands := 0, 0
	for i, code := range codes {
		mp, ok := full[code]
		if !ok {
			return fmt.Errorf("%s %s: no outline in the full-resolution source", kind, code)
		}
		mp = cleanMultiPolygon(simplify.DouglasPeucker(dromTolerance).MultiPolygon(mp))
		if simplified, ok := metro[code]; ok {
			lost := lostIslands(mp, metro)
			islands += len(lost)
			mp = append(simplified, lost...)
		}
		if len(mp) == 0 {
			return fmt.Errorf("%s %s: outline collapsed", kind, code)
		}
		for _, p := range mp {
			for _, r := range p {
				points += len(r)
			}
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
		writeFeature(&buf, code, names[code], mp)
	}
	for code := range metro {
		if names[code] == "" {
			return fmt.Errorf("%s %s: outline of an unknown territory", kind, code)
		}
	}
	buf.WriteString("\n]}\n")
	log.Printf("%s.geojson: %d features, %d islands put back, %d points, %d bytes", kind, len(codes), islands, points, buf.Len())
	return os.WriteFile(filepath.Join(out, kind+".geojson"), buf.Bytes(), 0o644)
}

// minIslandKm2 is the smallest island put back into a metropolitan outline.
const minIslandKm2 = 0.5

// lostIslands returns the polygons of detailed that the simplified source
// dropped: islands such as Sein, Bréhat or Houat, which are communes of
// their own. A polygon is lost when none of its points lies in any
// simplified outline, which leaves out exclaves (inside a neighbour) and
// pieces the simplified outline already covers.
func lostIslands(detailed orb.MultiPolygon, simplified map[string]orb.MultiPolygon) []orb.Polygon {
	var lost []orb.Polygon
	for _, p := range detailed {
		c, area := planar.CentroidArea(p)
		km2 := area * 111.2 * 111.2 * math.Cos(c[1]*math.Pi/180)
		if km2 < minIslandKm2 || slices.ContainsFunc(p[0], func(pt orb.Point) bool {
			for _, mp := range simplified {
				if planar.MultiPolygonContains(mp, pt) {
					return true
				}
			}
			return false
		}) {
			continue
		}
		lost = append(lost, p)
	}
	return lost
}

// readFeatures reads a FeatureCollection of polygons, keyed by code.
func readFeatures(path string) (map[string]orb.MultiPolygon, error) {
	var fc struct{ Features []feature }
	if err := readJSON(path, &fc); err != nil {
		return nil, err
	}
	m := map[string]orb.MultiPolygon{}
	for _, f := range fc.Features {
		var mp orb.MultiPolygon
		var err error
		switch f.Geometry.Type {
		case "Polygon":
			var p [][][2]float64
			err = json.Unmarshal(f.Geometry.Coordinates, &p)
			mp = orb.MultiPolygon{toPolygon(p)}
		case "MultiPolygon":
			var ps [][][][2]float64
			err = json.Unmarshal(f.Geometry.Coordinates, &ps)
			for _, p := range ps {
				mp = append(mp, toPolygon(p))
			}
		default:
			err = fmt.Errorf("geometry type %q", f.Geometry.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("%s, feature %s: %w", path, f.Properties.Code, err)
		}
		m[f.Properties.Code] = mp
	}
	return m, nil
}

func toPolygon(p [][][2]float64) orb.Polygon {
	poly := make(orb.Polygon, len(p))
	for i, r := range p {
		ring := make(orb.Ring, len(r))
		for j, pt := range r {
			ring[j] = orb.Point(pt)
		}
		poly[i] = ring
	}
	return poly
}

// cleanMultiPolygon rounds to 5 decimals and drops what rounding or
// simplification made degenerate: a polygon whose exterior collapses goes
// with its holes.
func cleanMultiPolygon(mp orb.MultiPolygon) orb.MultiPolygon {
	var out orb.MultiPolygon
	for _, p := range mp {
		ext := cleanRing(p[0], orb.CCW)
		if ext == nil {
			continue
		}
		poly := orb.Polygon{ext}
		for _, h := range p[1:] {
			if h = cleanRing(h, orb.CW); h != nil {
				poly = append(poly, h)
			}
		}
		out = append(out, poly)
	}
	return out
}

// cleanRing rounds, removes consecutive duplicates, closes the ring and
// orients it as RFC 7946 asks (exteriors counter-clockwise, holes
// clockwise). It returns nil when fewer than 4 points or no area remain.
func cleanRing(r orb.Ring, want orb.Orientation) orb.Ring {
	out := make(orb.Ring, 0, len(r)+1)
	for _, pt := range r {
		pt = orb.Point{round5(pt[0]), round5(pt[1])}
		if len(out) == 0 || out[len(out)-1] != pt {
			out = append(out, pt)
		}
	}
	if len(out) > 0 && out[0] != out[len(out)-1] {
		out = append(out, out[0])
	}
	if len(out) < 4 {
		return nil
	}
	switch out.Orientation() {
	case 0:
		return nil
	case want:
	default:
		out.Reverse()
	}
	return out
}

func writeFeature(buf *bytes.Buffer, code, name string, mp orb.MultiPolygon) {
	props, _ := json.Marshal(struct {
		Code string `json:"code"`
		Nom  string `json:"nom"`
	}{code, name})
	typ, polys := "MultiPolygon", mp
	if len(mp) == 1 {
		typ = "Polygon"
	}
	fmt.Fprintf(buf, `{"type":"Feature","properties":%s,"geometry":{"type":%q,"coordinates":`, props, typ)
	if typ == "MultiPolygon" {
		buf.WriteByte('[')
	}
	for i, p := range polys {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('[')
		for j, r := range p {
			if j > 0 {
				buf.WriteByte(',')
			}
			buf.WriteByte('[')
			for k, pt := range r {
				if k > 0 {
					buf.WriteByte(',')
				}
				buf.WriteString("[" + ftoa(pt[0]) + "," + ftoa(pt[1]) + "]")
			}
			buf.WriteByte(']')
		}
		buf.WriteByte(']')
	}
	if typ == "MultiPolygon" {
		buf.WriteByte(']')
	}
	buf.WriteString("}}")
}
