package main

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
)

// bassinTable is the commune → bassin d'emploi table of France Travail's
// BMO zoning (bassin_emploi.csv). Its reg and dep columns are not used:
// dep lost its leading zeros and is 97 for every DROM, reg is unpadded, so
// département and région come from communes.json by commune code.
type bassinTable struct {
	bassin map[string]string // commune code as written → bassin code
	name   map[string]string // commune code → the bassin's name on its row
}

func readBassinTable(path string) (*bassinTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if strings.Join(head, ",") != "reg,dep,code_commune_insee,code_bassin_BMO,lib_bassin_BMO" {
		return nil, fmt.Errorf("%s: unexpected header %q", path, head)
	}
	t := &bassinTable{bassin: map[string]string{}, name: map[string]string{}}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		commune, code, name := strings.TrimSpace(rec[2]), strings.TrimSpace(rec[3]), strings.TrimSpace(rec[4])
		if len(commune) != 5 || code == "" {
			return nil, fmt.Errorf("%s:%d: commune %q, bassin %q", path, line, commune, code)
		}
		if prev, ok := t.bassin[commune]; ok && prev != code {
			return nil, fmt.Errorf("%s:%d: commune %s in bassins %s and %s", path, line, commune, prev, code)
		}
		t.bassin[commune], t.name[commune] = code, name
	}
}

// bassin is a bassin d'emploi as written to bassins.csv.
type bassin struct {
	code, name   string
	departements []string // by population share, largest first
	regions      []string // likewise
	zone         string
	population   int64
	communes     int
}

// bassinReport counts what the assignment of communes to bassins found.
type bassinReport struct {
	direct     int                  // communes found by their own code
	viaOld     map[string]string    // commune → bassin, found through old or delegated codes
	without    []string             // communes left without a bassin
	notCurrent map[string]int       // table rows whose code is not a commune with an outline, by kind
	conflicts  []string             // old codes whose bassin differs from their commune's
	noOutline  map[string][2]string // bassins of the table with no commune outline → name, why
}

// assignBassins gives each commune with an outline its bassin: the table's
// row for its code or, when the table lacks it, the one bassin of the
// table's rows for its former codes (anciensCodes) and its communes
// déléguées or associées; none when those disagree or do not exist.
// communes are the communes.json entries, outlined the codes with an
// outline.
func assignBassins(tab *bassinTable, communes []entry, outlined []string) (map[string]string, bassinReport) {
	rep := bassinReport{viaOld: map[string]string{}, notCurrent: map[string]int{}, noOutline: map[string][2]string{}}
	isOutlined := map[string]bool{}
	for _, c := range outlined {
		isOutlined[c] = true
	}
	// Codes that stand for a current commune: its former codes, its
	// déléguées and associées (whose code may be its own), its
	// arrondissements municipaux.
	parent := map[string][]string{}
	kind := map[string]string{}
	for _, e := range communes {
		switch e.Type {
		case "commune-actuelle":
			for _, old := range e.AnciensCodes {
				parent[old] = append(parent[old], e.Code)
			}
			if e.Zone == "com" {
				kind[e.Code] = "collectivité d'outre-mer"
			}
		case "commune-deleguee", "commune-associee":
			parent[e.Code] = append(parent[e.Code], e.ChefLieu)
			if kind[e.Code] == "" {
				kind[e.Code] = e.Type
			}
		case "arrondissement-municipal":
			parent[e.Code] = append(parent[e.Code], e.Commune)
			kind[e.Code] = e.Type
		}
	}
	for code := range parent {
		if kind[code] == "" {
			kind[code] = "former code"
		}
	}
	of := map[string]string{}
	candidates := map[string]map[string]bool{} // commune without a row → bassins of its old codes
	for _, code := range slices.Sorted(maps.Keys(tab.bassin)) {
		b := tab.bassin[code]
		if isOutlined[code] {
			of[code] = b
			rep.direct++
			continue
		}
		k := kind[code]
		if k == "" {
			k = "unknown to the COG"
		}
		rep.notCurrent[k]++
		for _, p := range parent[code] {
			if !isOutlined[p] {
				continue
			}
			if own, ok := tab.bassin[p]; ok {
				if c := fmt.Sprintf("%s (%s) in %s, its commune %s in %s", code, k, b, p, own); own != b && !slices.Contains(rep.conflicts, c) {
					rep.conflicts = append(rep.conflicts, c)
				}
				continue
			}
			if candidates[p] == nil {
				candidates[p] = map[string]bool{}
			}
			candidates[p][b] = true
		}
	}
	for _, c := range outlined {
		if _, ok := of[c]; ok {
			continue
		}
		if bs := candidates[c]; len(bs) == 1 {
			for b := range bs {
				of[c] = b
				rep.viaOld[c] = b
			}
			continue
		}
		rep.without = append(rep.without, c)
	}
	used := map[string]bool{}
	for _, b := range of {
		used[b] = true
	}
	com := map[string]bool{} // unused bassin → all its rows are for COM communes
	for _, c := range slices.Sorted(maps.Keys(tab.bassin)) {
		b := tab.bassin[c]
		if used[b] {
			continue
		}
		isCOM := kind[c] == "collectivité d'outre-mer"
		if _, seen := com[b]; !seen {
			com[b] = isCOM
		}
		com[b] = com[b] && isCOM
		why := "in the commune table, but only under former or unknown commune codes: no outline"
		if com[b] {
			why = "in the commune table, but its communes are in a collectivité d'outre-mer, which has no outline"
		}
		rep.noOutline[b] = [2]string{tab.name[c], why}
	}
	return of, rep
}

// bassinNames gives each bassin the name its rows give it, counting only
// the rows of communes it is drawn from: bassin 102 is also written BASSIN
// ILES DU NORD on the rows of Saint-Martin and Saint-Barthélemy, which have
// no outline. The most frequent name wins; bassins written under several
// names are returned in several.
func bassinNames(tab *bassinTable, of map[string]string) (names map[string]string, several []string) {
	count := map[string]map[string]int{}
	for c, b := range of {
		name, ok := tab.name[c]
		if !ok || tab.bassin[c] != b {
			continue // attached through an old code: no row of its own
		}
		if count[b] == nil {
			count[b] = map[string]int{}
		}
		count[b][name]++
	}
	all := map[string]map[string]bool{}
	for c, b := range tab.bassin {
		if all[b] == nil {
			all[b] = map[string]bool{}
		}
		all[b][tab.name[c]] = true
	}
	names = map[string]string{}
	for b, n := range count {
		names[b] = mostRows(n)
	}
	for _, b := range slices.Sorted(maps.Keys(all)) {
		if len(all[b]) > 1 {
			several = append(several, fmt.Sprintf("%s: %s", b, strings.Join(slices.Sorted(maps.Keys(all[b])), " / ")))
		}
	}
	return names, several
}

// describeBassins computes each bassin's population, départements and
// régions (by population share), zone and commune count from the communes
// assigned to it.
func describeBassins(names map[string]string, of map[string]string, byCode map[string]entry, depZone map[string]string) []bassin {
	type acc struct {
		pop      int64
		communes int
		dep, reg map[string]int64
		depN     map[string]int
		regN     map[string]int
	}
	accs := map[string]*acc{}
	for c, b := range of {
		a := accs[b]
		if a == nil {
			a = &acc{dep: map[string]int64{}, reg: map[string]int64{}, depN: map[string]int{}, regN: map[string]int{}}
			accs[b] = a
		}
		e := byCode[c]
		var pop int64
		if e.Population != nil {
			pop = *e.Population
		}
		a.pop += pop
		a.communes++
		a.dep[e.Departement] += pop
		a.reg[e.Region] += pop
		a.depN[e.Departement]++
		a.regN[e.Region]++
	}
	// By population share, then number of communes, then code: a share of
	// zero (uninhabited communes) still lists the département.
	byShare := func(pop map[string]int64, n map[string]int) []string {
		keys := slices.Collect(maps.Keys(pop))
		slices.SortFunc(keys, func(x, y string) int {
			return cmp.Or(cmp.Compare(pop[y], pop[x]), cmp.Compare(n[y], n[x]), strings.Compare(x, y))
		})
		return keys
	}
	var out []bassin
	for _, code := range slices.Sorted(maps.Keys(accs)) {
		a := accs[code]
		deps := byShare(a.dep, a.depN)
		out = append(out, bassin{
			code: code, name: names[code], departements: deps, regions: byShare(a.reg, a.regN),
			zone: depZone[deps[0]], population: a.pop, communes: a.communes,
		})
	}
	return out
}

// mostRows returns the name written on most rows, the first in order on a tie.
func mostRows(names map[string]int) string {
	best := ""
	for _, n := range slices.Sorted(maps.Keys(names)) {
		if best == "" || names[n] > names[best] {
			best = n
		}
	}
	return best
}
