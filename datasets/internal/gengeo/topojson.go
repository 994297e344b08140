package main

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// topoObject is one geometry of a TopoJSON object: a feature id and its
// polygons as arc references.
type topoObject struct {
	id         string
	properties map[string]string // nil for none
	polys      [][][]int32
}

// writeTopoJSON writes a TopoJSON topology (https://github.com/topojson/
// topojson-specification) of named objects over the given arcs, quantised
// on the 1e-5 degree grid the sources already use (so quantisation loses
// nothing) and delta-encoded. Shared borders are written once, which is
// what makes the file several times smaller than the same outlines in
// GeoJSON. Arcs no object uses are left out and the rest renumbered.
// Geometries and arcs are one per line, for diffs.
func writeTopoJSON(pts []ipt, arcs [][]int32, objects map[string][]topoObject, names []string) []byte {
	// Renumber the arcs in order of first use.
	newID := make([]int32, len(arcs))
	for i := range newID {
		newID[i] = -1
	}
	var order []int32
	for _, name := range names {
		for _, o := range objects[name] {
			for _, p := range o.polys {
				for _, r := range p {
					for _, ref := range r {
						if a, _ := arcOf(ref); newID[a] < 0 {
							newID[a] = int32(len(order))
							order = append(order, a)
						}
					}
				}
			}
		}
	}
	first := true
	var lo, hi ipt
	for _, a := range order {
		for _, v := range arcs[a] {
			p := pts[v]
			if first {
				lo, hi, first = p, p, false
			}
			lo = ipt{min(lo.X, p.X), min(lo.Y, p.Y)}
			hi = ipt{max(hi.X, p.X), max(hi.Y, p.Y)}
		}
	}
	var b bytes.Buffer
	b.WriteString(`{"type":"Topology","bbox":[` + ftoa(lo.lon()) + "," + ftoa(lo.lat()) + "," + ftoa(hi.lon()) + "," + ftoa(hi.lat()) + `],`)
	b.WriteString(`"transform":{"scale":[0.00001,0.00001],"translate":[` + ftoa(lo.lon()) + "," + ftoa(lo.lat()) + `]},"objects":{`)
	for i, name := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(name) + `:{"type":"GeometryCollection","geometries":[`)
		for j, o := range objects[name] {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
			typ := "MultiPolygon"
			if len(o.polys) == 1 {
				typ = "Polygon"
			}
			id, _ := json.Marshal(o.id)
			b.WriteString(`{"type":"` + typ + `","id":` + string(id))
			if o.properties != nil {
				props, _ := json.Marshal(o.properties) // sorted keys
				b.WriteString(`,"properties":` + string(props))
			}
			b.WriteString(`,"arcs":`)
			if typ == "MultiPolygon" {
				b.WriteByte('[')
			}
			for k, p := range o.polys {
				if k > 0 {
					b.WriteByte(',')
				}
				b.WriteByte('[')
				for m, r := range p {
					if m > 0 {
						b.WriteByte(',')
					}
					b.WriteByte('[')
					for n, ref := range r {
						if n > 0 {
							b.WriteByte(',')
						}
						a, fwd := arcOf(ref)
						id := newID[a]
						if !fwd {
							id = ^id
						}
						b.WriteString(strconv.Itoa(int(id)))
					}
					b.WriteByte(']')
				}
				b.WriteByte(']')
			}
			if typ == "MultiPolygon" {
				b.WriteByte(']')
			}
			b.WriteByte('}')
		}
		b.WriteString("\n]}")
	}
	b.WriteString(`},"arcs":[`)
	for i, a := range order {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n[")
		prev := lo
		for k, v := range arcs[a] {
			if k > 0 {
				b.WriteByte(',')
			}
			p := pts[v]
			b.WriteString("[" + strconv.FormatInt(p.X-prev.X, 10) + "," + strconv.FormatInt(p.Y-prev.Y, 10) + "]")
			prev = p
		}
		b.WriteByte(']')
	}
	b.WriteString("\n]}\n")
	return b.Bytes()
}
