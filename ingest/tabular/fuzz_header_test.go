package tabular

import (
	"strings"
	"testing"
)

// FuzzHeader scores and maps a candidate header row, its cells separated
// by tabs: the score counts distinct columns, required ones among them;
// matching ignores what Normalize folds; the mapping gives every column at
// most one cell, or reports the duplicate.
func FuzzHeader(f *testing.F) {
	for _, s := range []string{
		"Nom de la formation\tStructure porteuse\tCode postal\tVille",
		"NOM_DE_LA_FORMATION\tcp\tDURÉE (MOIS)\t\tRemarque",
		"Intitulé\tFormation\tID",
		"Catalogue GEN 2024",
		"\t\t \t",
		"Ville\tVille\tnom de la formation",
		"Latitude\tLongitude\tDate de labellisation\t* note",
	} {
		f.Add(s)
	}
	c, err := compileSchema(fullSchema())
	if err != nil {
		f.Fatal(err)
	}
	cat, err := compileSchema(catSchema)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, row string) {
		cells := strings.Split(row, "\t")
		for _, c := range []*compiled{c, cat} {
			sc := c.score(cells)
			distinct := map[int]bool{}
			matched, nonBlank := 0, 0
			for _, cell := range cells {
				i := c.match(cell)
				if j := c.match(Normalize(cell)); j != i {
					t.Fatalf("%q matches column %d, its normalised form %d", cell, i, j)
				}
				if trimCell(cell) != "" {
					nonBlank++
				}
				if i >= 0 {
					distinct[i] = true
					matched++
				}
			}
			req := 0
			for i := range distinct {
				if c.s.Columns[i].Required {
					req++
				}
			}
			if sc.total != len(distinct) || sc.req != req {
				t.Fatalf("score %+v, want %d distinct and %d required", sc, len(distinct), req)
			}
			h, dup := c.buildHeader(cells, csvColName)
			if dup != nil {
				if matched == len(distinct) || dup.key == "" {
					t.Fatalf("duplicate %+v reported for %q", dup, cells)
				}
				continue
			}
			if matched != len(distinct) || len(h.cols) != sc.total || len(h.unmapped)+len(h.cols) != nonBlank {
				t.Fatalf("header %+v for %q (score %+v)", h, cells, sc)
			}
			for j, key := range h.keyAt {
				if (key != "") != (c.match(cells[j]) >= 0 && trimCell(cells[j]) != "") {
					t.Fatalf("cell %d %q mapped to %q", j, cells[j], key)
				}
			}
		}
		isFootnote(trimCell(row))
	})
}
