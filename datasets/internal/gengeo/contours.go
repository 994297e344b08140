package main

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
)

// readContours reads the commune outlines (property DEPCOM), sorted by
// code, as rings on the 1e-5 grid: closed, without consecutive duplicates,
// exteriors counter-clockwise and holes clockwise. Rings of fewer than
// three distinct points or no area are dropped (and a polygon with its
// exterior); it returns how many.
func readContours(path string) ([]sourceFace, int, error) {
	var fc struct {
		Features []struct {
			Properties struct {
				DEPCOM string
			}
			Geometry struct {
				Type        string
				Coordinates json.RawMessage
			}
		}
	}
	if err := readJSON(path, &fc); err != nil {
		return nil, 0, err
	}
	faces := make([]sourceFace, 0, len(fc.Features))
	dropped := 0
	seen := map[string]bool{}
	for _, f := range fc.Features {
		code := f.Properties.DEPCOM
		if len(code) != 5 || seen[code] {
			return nil, 0, fmt.Errorf("%s: commune code %q missing or repeated", path, code)
		}
		seen[code] = true
		var polys [][][][2]float64
		var err error
		switch f.Geometry.Type {
		case "Polygon":
			polys = make([][][][2]float64, 1)
			err = json.Unmarshal(f.Geometry.Coordinates, &polys[0])
		case "MultiPolygon":
			err = json.Unmarshal(f.Geometry.Coordinates, &polys)
		default:
			err = fmt.Errorf("geometry type %q", f.Geometry.Type)
		}
		if err != nil {
			return nil, 0, fmt.Errorf("%s, %s: %w", path, code, err)
		}
		sf := sourceFace{code: code}
		for _, p := range polys {
			var poly [][]ipt
			for k, r := range p {
				ring, ok := gridRing(r, k == 0)
				if !ok {
					dropped++
					if k == 0 {
						dropped += len(p) - 1 // the holes go with it
						break
					}
					continue
				}
				poly = append(poly, ring)
			}
			if len(poly) > 0 {
				sf.polys = append(sf.polys, poly)
			}
		}
		if len(sf.polys) == 0 {
			return nil, 0, fmt.Errorf("%s, %s: no valid ring", path, code)
		}
		faces = append(faces, sf)
	}
	slices.SortFunc(faces, func(a, b sourceFace) int { return strings.Compare(a.code, b.code) })
	return faces, dropped, nil
}

// gridRing puts a ring on the grid, removes consecutive duplicates, closes
// it and winds it counter-clockwise for an exterior, clockwise for a hole.
func gridRing(r [][2]float64, exterior bool) ([]ipt, bool) {
	out := make([]ipt, 0, len(r)+1)
	for _, c := range r {
		p := ipt{int64(math.Round(c[0] / quantum)), int64(math.Round(c[1] / quantum))}
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	if len(out) > 1 && out[0] == out[len(out)-1] {
		out = out[:len(out)-1]
	}
	if len(out) < 3 {
		return nil, false
	}
	out = append(out, out[0])
	a := ringArea2(out)
	if a == 0 {
		return nil, false
	}
	if (a > 0) != exterior {
		slices.Reverse(out)
	}
	return out, true
}
