package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// bmoBassin is a bassin as BMO 2024 names it, with the départements its
// rows are split into.
type bmoBassin struct {
	name string
	deps map[string]bool
}

// readBMOBassins reads the bassins of the BMO 2024 survey (columns BE24,
// NOMBE24 and Dept of sheet BMO_2024_open_data): the bassins the
// observatory must be able to name, drawn or not.
func readBMOBassins(path string) (map[string]*bmoBassin, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	const sheet = "BMO_2024_open_data"
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer rows.Close()
	col := map[string]int{}
	out := map[string]*bmoBassin{}
	for n := 0; rows.Next(); n++ {
		rec, err := rows.Columns()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if n == 0 {
			for i, h := range rec {
				col[strings.TrimSpace(h)] = i
			}
			for _, h := range []string{"BE24", "NOMBE24", "Dept"} {
				if _, ok := col[h]; !ok {
					return nil, fmt.Errorf("%s, sheet %s: no column %s", path, sheet, h)
				}
			}
			continue
		}
		get := func(h string) string {
			if i := col[h]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		code := strings.TrimSuffix(get("BE24"), ".0")
		if code == "" {
			continue
		}
		b := out[code]
		if b == nil {
			b = &bmoBassin{name: get("NOMBE24"), deps: map[string]bool{}}
			out[code] = b
		}
		b.deps[get("Dept")] = true
	}
	return out, rows.Error()
}

// depList is the sorted list of a set of départements, "|"-separated.
func depList(deps map[string]bool) string {
	return strings.Join(slices.Sorted(maps.Keys(deps)), "|")
}
