package datasets

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io/fs"
	"math"
	"strings"

	"github.com/paulmach/orb"
)

// topoShapes reads the polygons of one object of a (gzipped) TopoJSON
// topology as gengeo writes it: quantised, delta-encoded arcs; geometries
// of type Polygon or MultiPolygon with a string id and string properties.
// Positions are decoded on the transform's grid (integers over 1/scale),
// so a vertex shared by two outlines is the same float64 in both, and the
// one a GeoJSON reader gets from the same decimal text.
func topoShapes(fsys fs.FS, name, object string) (map[string]orb.MultiPolygon, map[string]map[string]string, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, nil, fmt.Errorf("geography: %w", err)
	}
	if strings.HasSuffix(name, ".gz") {
		if b, err = gunzip(b); err != nil {
			return nil, nil, fmt.Errorf("geography: %s: %w", name, err)
		}
	}
	shapes, props, err := decodeTopology(b, object)
	if err != nil {
		return nil, nil, fmt.Errorf("geography: %s: %w", name, err)
	}
	return shapes, props, nil
}

// gunzip decompresses a gzip member into a buffer of the size its trailer
// gives (ISIZE, the size modulo 4 GiB), rather than growing one by halves.
func gunzip(gz []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	var buf bytes.Buffer
	if len(gz) >= 4 {
		buf.Grow(int(binary.LittleEndian.Uint32(gz[len(gz)-4:])) + bytes.MinRead)
	}
	_, err = buf.ReadFrom(zr)
	return buf.Bytes(), err
}

// topoGeometry is a geometry of a TopoJSON object, its arcs not yet read.
type topoGeometry struct {
	typ, id string
	props   map[string]string
	arcs    []byte
}

func decodeTopology(b []byte, object string) (map[string]orb.MultiPolygon, map[string]map[string]string, error) {
	s := &jsonScanner{b: b}
	var typ string
	var scale, translate []float64
	var geoms []topoGeometry
	var arcsText []byte
	found := false
	floats := func(out *[]float64) error {
		return s.array(func() error {
			v, err := s.float()
			*out = append(*out, v)
			return err
		})
	}
	err := s.object(func(key string) (err error) {
		switch key {
		case "type":
			typ, err = s.str()
		case "transform":
			err = s.object(func(k string) error {
				switch k {
				case "scale":
					return floats(&scale)
				case "translate":
					return floats(&translate)
				}
				_, err := s.skip()
				return err
			})
		case "objects":
			err = s.object(func(name string) error {
				if name != object {
					_, err := s.skip()
					return err
				}
				found = true
				return s.object(func(k string) error {
					if k != "geometries" {
						_, err := s.skip()
						return err
					}
					return s.array(func() error {
						g, err := readTopoGeometry(s)
						geoms = append(geoms, g)
						return err
					})
				})
			})
		case "arcs":
			arcsText, err = s.skip() // read once the transform is known
		default:
			_, err = s.skip()
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if typ != "Topology" || len(scale) != 2 || len(translate) != 2 || !found {
		return nil, nil, fmt.Errorf("not a quantised topology with object %q", object)
	}
	// The grid: positions are integers over k (1e5 for 1e-5°).
	var k, origin [2]float64
	for i := range 2 {
		k[i] = math.Round(1 / scale[i])
		origin[i] = math.Round(translate[i] * k[i])
		if math.Abs(k[i]*scale[i]-1) > 1e-9 || math.Abs(translate[i]*k[i]-origin[i]) > 1e-6 {
			return nil, nil, fmt.Errorf("transform %v %v is not a decimal grid", scale, translate)
		}
	}
	arcs, err := readArcs(&jsonScanner{b: arcsText}, k, origin)
	if err != nil {
		return nil, nil, fmt.Errorf("arcs: %w", err)
	}
	shapes := make(map[string]orb.MultiPolygon, len(geoms))
	props := make(map[string]map[string]string, len(geoms))
	for _, g := range geoms {
		mp, err := topoPolygons(g, arcs)
		if err == nil && (g.id == "" || shapes[g.id] != nil) {
			err = fmt.Errorf("id missing or repeated")
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s %q: %w", object, g.id, err)
		}
		shapes[g.id] = mp
		props[g.id] = g.props
	}
	return shapes, props, nil
}

func readTopoGeometry(s *jsonScanner) (topoGeometry, error) {
	var g topoGeometry
	err := s.object(func(key string) (err error) {
		switch key {
		case "type":
			g.typ, err = s.str()
		case "id":
			g.id, err = s.str()
		case "properties":
			g.props = map[string]string{}
			err = s.object(func(k string) error {
				v, err := s.str()
				g.props[k] = v
				return err
			})
		case "arcs":
			g.arcs, err = s.skip() // read once the type is known
		default:
			_, err = s.skip()
		}
		return err
	})
	return g, err
}

// readArcs reads [[[x, y], [dx, dy], …], …] into lon/lat points, all in
// one backing array.
func readArcs(s *jsonScanner, k, origin [2]float64) ([][]orb.Point, error) {
	var pts []orb.Point
	var ends []int
	err := s.array(func() error {
		start := len(pts)
		x, y := origin[0], origin[1]
		err := s.array(func() error {
			var d [2]int64
			n := 0
			err := s.array(func() error {
				v, err := s.int()
				if n < 2 {
					d[n] = v
				}
				n++
				return err
			})
			if err == nil && n < 2 {
				err = s.errorf("position of %d coordinates", n)
			}
			x, y = x+float64(d[0]), y+float64(d[1])
			pts = append(pts, orb.Point{x / k[0], y / k[1]})
			return err
		})
		if err == nil && len(pts)-start < 2 {
			err = s.errorf("arc of %d points", len(pts)-start)
		}
		ends = append(ends, len(pts))
		return err
	})
	arcs := make([][]orb.Point, len(ends))
	start := 0
	for i, end := range ends {
		arcs[i] = pts[start:end:end]
		start = end
	}
	return arcs, err
}

// topoPolygons assembles a geometry's rings from its arc references (r for
// arc r, ^r for arc r reversed), each arc starting where the last ended.
func topoPolygons(g topoGeometry, arcs [][]orb.Point) (orb.MultiPolygon, error) {
	s := &jsonScanner{b: g.arcs}
	var mp orb.MultiPolygon
	var refs []int64 // of the current ring, reused
	polygon := func() error {
		var p orb.Polygon
		err := s.array(func() error {
			refs = refs[:0]
			n := 1
			err := s.array(func() error {
				ref, err := s.int()
				i := ref
				if ref < 0 {
					i = ^ref
				}
				if err == nil && i >= int64(len(arcs)) {
					err = fmt.Errorf("arc %d of %d", ref, len(arcs))
				}
				if err == nil {
					refs = append(refs, ref)
					n += len(arcs[i]) - 1
				}
				return err
			})
			if err != nil {
				return err
			}
			r := make(orb.Ring, 0, n)
			for _, ref := range refs {
				i, rev := ref, ref < 0
				if rev {
					i = ^ref
				}
				a := arcs[i]
				for j := range a {
					pt := a[j]
					if rev {
						pt = a[len(a)-1-j]
					}
					if j == 0 && len(r) > 0 {
						if pt != r[len(r)-1] {
							return fmt.Errorf("arc %d does not start where the previous one ends", ref)
						}
						continue
					}
					r = append(r, pt)
				}
			}
			if len(r) < 4 || r[0] != r[len(r)-1] {
				return fmt.Errorf("ring of %d points, or not closed", len(r))
			}
			p = append(p, r)
			return nil
		})
		mp = append(mp, p)
		return err
	}
	var err error
	switch g.typ {
	case "Polygon":
		err = polygon()
	case "MultiPolygon":
		err = s.array(polygon)
	default:
		err = fmt.Errorf("geometry type %q", g.typ)
	}
	return mp, err
}
