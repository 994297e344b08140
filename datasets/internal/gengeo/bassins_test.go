package main

import (
	"maps"
	"slices"
	"testing"
)

// The table lists communes by their own code, by a former code, by the
// code of a commune déléguée; communes without a row of their own take
// the bassin of those codes only when they agree.
func TestAssignBassins(t *testing.T) {
	tab := &bassinTable{
		bassin: map[string]string{"01001": "8401", "01002": "8401", "01900": "8402", "02900": "3201", "02901": "3202", "03900": "8403", "75101": "1107", "97501": "501", "75999": "1107"},
		name:   map[string]string{"01001": "BOURG", "01002": "BOURG", "01900": "OYONNAX", "02900": "LAON", "02901": "SOISSONS", "03900": "MOULINS", "75101": "T1 Paris", "97501": "SPM", "75999": "T1 Paris"},
	}
	pop := func(n int64) *int64 { return &n }
	communes := []entry{
		{Code: "01001", Type: "commune-actuelle", Departement: "01", Region: "84", Population: pop(100)},
		// 01002 merged 01900, which the table puts elsewhere: its own row wins.
		{Code: "01002", Type: "commune-actuelle", Departement: "01", Region: "84", Population: pop(50), AnciensCodes: []string{"01900"}},
		// 02002 has no row; its former codes disagree.
		{Code: "02002", Type: "commune-actuelle", Departement: "02", Region: "32", AnciensCodes: []string{"02900", "02901"}},
		// 03002 has no row; its commune déléguée 03900 has one.
		{Code: "03002", Type: "commune-actuelle", Departement: "03", Region: "84", Population: pop(7)},
		{Code: "03900", Type: "commune-deleguee", ChefLieu: "03002"},
		{Code: "75056", Type: "commune-actuelle", Departement: "75", Region: "11"},
		{Code: "75101", Type: "arrondissement-municipal", Commune: "75056"},
		{Code: "97501", Type: "commune-actuelle", Zone: "com"},
	}
	of, rep := assignBassins(tab, communes, []string{"01001", "01002", "02002", "03002", "75056"})
	want := map[string]string{"01001": "8401", "01002": "8401", "03002": "8403", "75056": "1107"}
	if !maps.Equal(of, want) {
		t.Errorf("bassins = %v, want %v", of, want)
	}
	if !slices.Equal(rep.without, []string{"02002"}) || rep.viaOld["03002"] != "8403" || rep.direct != 2 {
		t.Errorf("report = %+v", rep)
	}
	if len(rep.conflicts) != 1 || rep.notCurrent["former code"] != 3 || rep.notCurrent["unknown to the COG"] != 1 || rep.notCurrent["arrondissement-municipal"] != 1 {
		t.Errorf("conflicts %v, rows not for an outlined commune %v", rep.conflicts, rep.notCurrent)
	}
	// 75056 has no row, but its arrondissement (and an unknown code) say 1107.
	if rep.viaOld["75056"] != "1107" {
		t.Errorf("75056 via %v", rep.viaOld)
	}
	if got := slices.Sorted(maps.Keys(rep.noOutline)); !slices.Equal(got, []string{"3201", "3202", "501", "8402"}) {
		t.Errorf("bassins without outline %v", got)
	}
	names, several := bassinNames(tab, of)
	if names["8401"] != "BOURG" || names["8403"] != "" || len(several) != 0 {
		t.Errorf("names %v, several %v", names, several)
	}
	byCode := map[string]entry{}
	for _, e := range communes {
		byCode[e.Code] = e
	}
	bs := describeBassins(names, of, byCode, map[string]string{"01": "metro", "03": "metro", "75": "metro"})
	if len(bs) != 3 || bs[0].code != "1107" || bs[1].population != 150 || bs[1].communes != 2 || !slices.Equal(bs[1].departements, []string{"01"}) {
		t.Errorf("bassins %+v", bs)
	}
}
