package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

// communeToleranceKm is the Douglas–Peucker tolerance of the commune
// outlines. The source keeps about 3 % of IGN's vertices already (1.4 km
// per edge on average, about one vertex between two junctions), so little
// is left to remove without deforming small communes: 200 m is about a
// pixel on a map of a département (100 km over 500 pixels) and removes
// one arc point in fifty. The file's size comes from the borders rather
// than the vertices; TopoJSON's shared arcs are what keep it small.
const communeToleranceKm = 0.2

// outlineInputs are the sources of the commune and bassin outlines.
type outlineInputs struct {
	contours string // communes-contours-cog2025.geojson
	table    string // bmo/bassin_emploi.csv
	bmo2024  string // Base_open_data_BMO_2024.xlsx
}

// buildOutlines writes communes.topojson.gz (simplified commune outlines
// with shared borders), then the bassins' files (see writeBassins), and
// returns each commune's bassin. communes are all the entries of
// communes.json.
func buildOutlines(in outlineInputs, out string, communes []entry, depZone map[string]string) (map[string]string, error) {
	byCode := map[string]entry{}
	for _, e := range communes {
		if e.Type == "commune-actuelle" {
			byCode[e.Code] = e
		}
	}
	topo, kept, err := communeOutlines(in.contours, out, byCode)
	if err != nil {
		return nil, err
	}
	return writeBassins(in, out, communes, byCode, depZone, topo, kept)
}

// communeOutlines reads the commune outlines, builds their topology,
// simplifies it, checks every outline and writes communes.topojson.gz. It
// returns the topology and the points kept of each arc.
func communeOutlines(path, out string, byCode map[string]entry) (*topology, [][]int32, error) {
	start := time.Now()
	faces, dropped, err := readContours(path)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range faces {
		if _, ok := byCode[f.code]; !ok {
			return nil, nil, fmt.Errorf("%s: commune %s is not a commune of communes.json", path, f.code)
		}
	}
	topo, err := buildTopology(faces)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	shared := 0
	for _, u := range topo.users {
		if len(u) == 2 {
			shared++
		}
	}
	log.Printf("commune outlines: %d communes, %d rings dropped, %d vertices; %d edges drawn alike by two communes, %d by one (coasts, borders); %d arcs (%d shared by two communes)",
		len(faces), dropped, len(topo.pts), topo.edges[2], topo.edges[1], len(topo.arcs), shared)

	kept, st, err := newSimplifier(topo).simplify(communeToleranceKm)
	if err != nil {
		return nil, nil, err
	}
	log.Printf("simplified at %.0f m: %d → %d arc points, %d arcs refined in %d rounds (%v)",
		communeToleranceKm*1000, st.Before, st.After, st.Refined, st.Rounds, time.Since(start).Round(time.Millisecond))
	objs := make([]topoObject, len(topo.faces))
	for i, f := range topo.faces {
		if issues := observatory.CheckGeometry(toMultiPolygon(topo, kept, f.polys)); issues != nil {
			return nil, nil, fmt.Errorf("commune %s: simplified outline not valid: %v", f.code, issues[0])
		}
		objs[i] = topoObject{id: f.code, polys: f.polys}
	}
	topoJSON := writeTopoJSON(topo.pts, kept, map[string][]topoObject{"communes": objs}, []string{"communes"})
	gz, err := writeGzip(filepath.Join(out, "communes.topojson.gz"), topoJSON)
	if err != nil {
		return nil, nil, err
	}
	log.Printf("communes.topojson.gz: %d bytes, %d gzipped", len(topoJSON), gz)
	return topo, kept, nil
}

// writeGzip writes b gzip-compressed with an empty header (no name, no
// time), so the output only depends on the input; it returns the
// compressed size.
func writeGzip(path string, b []byte) (int, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := zw.Write(b); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return buf.Len(), os.WriteFile(path, buf.Bytes(), 0o644)
}
