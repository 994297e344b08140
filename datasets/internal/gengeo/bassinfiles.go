package main

import (
	"fmt"
	"log"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

// writeBassins attaches the communes with an outline to their bassins,
// dissolves each bassin's communes through the shared arcs, checks the
// result and writes bassins.csv, bassins.topojson.gz and
// bassins-missing.csv; it logs what it found and returns each commune's
// bassin.
func writeBassins(in outlineInputs, out string, communes []entry, byCode map[string]entry, depZone map[string]string, topo *topology, kept [][]int32) (map[string]string, error) {
	outlined := make([]string, len(topo.faces))
	for i, f := range topo.faces {
		outlined[i] = f.code
	}
	tab, err := readBassinTable(in.table)
	if err != nil {
		return nil, err
	}
	of, rep := assignBassins(tab, communes, outlined)
	names, several := bassinNames(tab, of)
	bassins := describeBassins(names, of, byCode, depZone)
	group := make([]string, len(topo.faces))
	for i, f := range topo.faces {
		group[i] = of[f.code]
	}
	t0 := time.Now()
	polys, err := dissolve(topo, kept, group)
	if err != nil {
		return nil, err
	}
	dissolveTime := time.Since(t0)
	// The bassins get a topology of their own, cut at their junctions
	// rather than the communes': fewer and longer arcs, a smaller file
	// read at every start.
	points := 0
	bfaces := make([]sourceFace, len(bassins))
	for i, b := range bassins {
		mp := toMultiPolygon(topo, kept, polys[b.code])
		if issues := observatory.CheckGeometry(mp); issues != nil {
			return nil, fmt.Errorf("bassin %s: dissolved outline not valid: %v", b.code, issues[0])
		}
		bfaces[i] = sourceFace{code: b.code}
		for _, p := range polys[b.code] {
			var rings [][]ipt
			for _, r := range p {
				rings = append(rings, ringPoints(kept, topo.pts, r))
				points += len(rings[len(rings)-1]) - 1
			}
			bfaces[i].polys = append(bfaces[i].polys, rings)
		}
	}
	btopo, err := buildTopology(bfaces)
	if err != nil {
		return nil, fmt.Errorf("bassins: %w", err)
	}
	bobjs := make([]topoObject, len(bassins))
	for i, f := range btopo.faces {
		bobjs[i] = topoObject{id: f.code, properties: map[string]string{"nom": bassins[i].name}, polys: f.polys}
	}
	bassinJSON := writeTopoJSON(btopo.pts, btopo.arcs, map[string][]topoObject{"bassins": bobjs}, []string{"bassins"})
	bgz, err := writeGzip(filepath.Join(out, "bassins.topojson.gz"), bassinJSON)
	if err != nil {
		return nil, err
	}
	rows := [][]string{{"code", "name", "departements", "regions", "zone", "population", "communes"}}
	for _, b := range bassins {
		rows = append(rows, []string{b.code, b.name, strings.Join(b.departements, "|"), strings.Join(b.regions, "|"), b.zone, itoa(b.population), itoa(int64(b.communes))})
	}
	if err := writeCSV(filepath.Join(out, "bassins.csv"), rows, false); err != nil {
		return nil, err
	}
	missing, err := missingBassins(in.bmo2024, bassins, rep)
	if err != nil {
		return nil, err
	}
	if err := writeCSV(filepath.Join(out, "bassins-missing.csv"), missing, false); err != nil {
		return nil, err
	}

	log.Printf("bassins: %d drawn, dissolved in %v; %d points, %d arcs; bassins.topojson.gz %d bytes, %d gzipped",
		len(bassins), dissolveTime.Round(time.Millisecond), points, len(btopo.arcs), len(bassinJSON), bgz)
	logAssignment(rep, several, missing)
	return of, nil
}

// logAssignment reports how communes were attached to bassins, the table's
// rows that are not communes with an outline, and the bassins not drawn.
func logAssignment(rep bassinReport, several []string, missing [][]string) {
	log.Printf("bassins: %d communes by their own code, %d through former or delegated codes %v, %d without bassin %v",
		rep.direct, len(rep.viaOld), rep.viaOld, len(rep.without), rep.without)
	log.Printf("bassins: table rows not for a commune with an outline, by kind: %v", rep.notCurrent)
	log.Printf("bassins: %d former or delegated codes in another bassin than their commune (the commune's own row wins)", len(rep.conflicts))
	for _, c := range rep.conflicts {
		log.Printf("  %s", c)
	}
	for _, s := range several {
		log.Printf("bassins: several names: %s", s)
	}
	for _, m := range missing[1:] {
		log.Printf("bassins: not drawn: %s", strings.Join(m, ", "))
	}
}

// missingBassins lists the bassins that cannot be drawn: those of BMO 2024
// that the table lacks, and those of the table none of whose communes has
// an outline. It also logs where BMO 2024 splits a drawn bassin into other
// départements than its communes give.
func missingBassins(bmoPath string, drawn []bassin, rep bassinReport) ([][]string, error) {
	bmo, err := readBMOBassins(bmoPath)
	if err != nil {
		return nil, err
	}
	have := map[string]bassin{}
	for _, b := range drawn {
		have[b.code] = b
	}
	rows := [][]string{{"code", "name", "reason"}}
	for _, code := range slices.Sorted(maps.Keys(bmo)) {
		if _, ok := have[code]; !ok {
			rows = append(rows, []string{code, bmo[code].name, "in BMO 2024 (départements " + depList(bmo[code].deps) + ") but not in the commune table: no outline"})
		}
	}
	for _, code := range slices.Sorted(maps.Keys(rep.noOutline)) {
		rows = append(rows, []string{code, rep.noOutline[code][0], rep.noOutline[code][1]})
	}
	differ, both := 0, 0
	for _, code := range slices.Sorted(maps.Keys(have)) {
		b, ok := bmo[code]
		if !ok {
			log.Printf("bassins: %s %s is drawn but not in BMO 2024", code, have[code].name)
			continue
		}
		both++
		ours := map[string]bool{}
		for _, d := range have[code].departements {
			ours[d] = true
		}
		if !maps.Equal(ours, b.deps) {
			if differ++; differ <= 10 {
				log.Printf("bassins: %s: départements %s from its communes, %s in BMO 2024", code, depList(ours), depList(b.deps))
			}
		}
	}
	log.Printf("bassins: %d of BMO 2024's %d bassins drawn; %d drawn bassins with other départements than BMO 2024's rows", both, len(bmo), differ)
	return rows, nil
}
