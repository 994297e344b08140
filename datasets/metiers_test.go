package datasets_test

import (
	"bufio"
	"encoding/csv"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
)

// The real nomenclature files the referential must agree with: copies, in
// testdata/nomenclatures, of ../shared/data/raw/nomenclatures (see its
// SOURCES.md for where each comes from).
const (
	nomenclatures = "testdata/nomenclatures/"
	romeFile      = nomenclatures + "unix_referentiel_code_rome_v460_utf8.csv"
	fap2021File   = nomenclatures + "Intitulés_FAP2021.csv"
	fap2009File   = nomenclatures + "Intitulés_FAP2009.csv"
	daresFile     = nomenclatures + "table-correspondance-pcs-rome.csv"
	bmo2024File   = "defaults/Base_open_data_BMO_2024.csv" // the embedded copy of the workbook's sheet
	syntheticFile = "defaults/gen-formations-synthetique.csv"
)

func readCSV(t *testing.T, path string, sep rune) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if b, _ := br.Peek(3); string(b) == "\ufeff" {
		br.Discard(3)
	}
	r := csv.NewReader(br)
	r.Comma = sep
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := make([]map[string]string, 0, len(rows)-1)
	for _, row := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = row[i]
		}
		out = append(out, m)
	}
	return out
}

type nomenclature struct {
	label  map[[2]string]string // (scheme, code) -> official label
	parent map[string]string    // ROME 4.0 code -> its parent fiche (the ROME v3 code)
}

func loadNomenclatures(t *testing.T) nomenclature {
	n := nomenclature{label: map[[2]string]string{}, parent: map[string]string{}}
	for _, r := range readCSV(t, romeFile, ',') {
		n.label[[2]string{observatory.SchemeROME4, r["code_rome"]}] = r["libelle_rome"]
		n.parent[r["code_rome"]] = r["code_rome_parent"]
	}
	for _, r := range readCSV(t, fap2021File, ';') {
		n.label[[2]string{observatory.SchemeFAP2021, r["Code_FAP228"]}] = r["Intitulé_FAP228"]
	}
	for _, r := range readCSV(t, fap2009File, ';') {
		n.label[[2]string{observatory.SchemeFAP2009, r["Code FAP détaillées"]}] = r["FAP détaillées"]
	}
	if len(n.parent) != 1584 {
		t.Fatalf("ROME v460 has %d fiches, want 1584", len(n.parent))
	}
	return n
}

func referential(t *testing.T) *observatory.Referential {
	t.Helper()
	ref := datasetstest.Reference(t).Metiers
	return ref
}

func allCodes(m observatory.Metier) []observatory.MetierCode {
	return slices.Concat(m.ROME, m.FAP2009, m.FAP2021)
}

// Every code exists in its nomenclature, under the label written next to it.
func TestMetierCodesExistInNomenclatures(t *testing.T) {
	n := loadNomenclatures(t)
	ref := referential(t)
	total := 0
	for _, m := range ref.Metiers() {
		for _, c := range allCodes(m) {
			total++
			label, ok := n.label[[2]string{c.Scheme, c.Code}]
			switch {
			case !ok:
				t.Errorf("%s: %s %s is not in its nomenclature file", m.Family, c.Scheme, c.Code)
			case label != c.Label:
				t.Errorf("%s: %s %s is labelled %q, the nomenclature says %q", m.Family, c.Scheme, c.Code, c.Label, label)
			}
		}
	}
	ex, err := datasets.MetierExclusions()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ex {
		if label := n.label[[2]string{e.Scheme, e.Code}]; label != e.Label {
			t.Errorf("excluded %s %s is labelled %q, the nomenclature says %q", e.Scheme, e.Code, e.Label, label)
		}
		if f, ok := ref.FamilyOf(e.Scheme, e.Code); ok {
			t.Errorf("%s %s is both excluded and mapped to %s", e.Scheme, e.Code, f)
		}
		if e.Reason == "" {
			t.Errorf("%s %s is excluded without a reason", e.Scheme, e.Code)
		}
	}
	if total < 100 {
		t.Fatalf("only %d codes in the referential", total)
	}
}

// The families are the team's shared vocabulary, with its labels.
func TestMetierFamiliesAreTheSharedVocabulary(t *testing.T) {
	want := [][3]string{
		{"developpement", "Développement web et mobile", "Web and mobile development"},
		{"integration", "Intégration web et front-end", "Web integration and front-end"},
		{"donnees", "Données et IA", "Data and AI"},
		{"cybersecurite", "Cybersécurité", "Cybersecurity"},
		{"infrastructure-support", "Infrastructure, réseaux et support", "Infrastructure, networks and support"},
		{"design", "Design, UX/UI et graphisme web", "Design, UX/UI and web graphics"},
		{"marketing-communication", "Marketing digital et community management", "Digital marketing and community management"},
		{"gestion-de-projet", "Gestion de projet numérique", "Digital project management"},
		{"mediation-litteratie", "Médiation et littératie numériques", "Digital mediation and literacy"},
	}
	ms := referential(t).Metiers()
	if len(ms) != len(want) {
		t.Fatalf("%d families, want %d", len(ms), len(want))
	}
	for i, w := range want {
		m := ms[i]
		if m.Family != w[0] || m.LabelFR != w[1] || m.LabelEN != w[2] {
			t.Errorf("family %d = %s %q %q, want %v", i+1, m.Family, m.LabelFR, m.LabelEN, w)
		}
		if m.DescriptionFR == "" || m.DescriptionEN == "" || len(m.Sources) == 0 || len(m.ROME) == 0 {
			t.Errorf("%s lacks a description, sources or ROME codes", m.Family)
		}
		// Each family is found from its id and both labels.
		for _, s := range []string{w[0], w[1], w[2], strings.ToUpper(w[1])} {
			if f, ok := referential(t).NormalizeFamily(s); !ok || f != w[0] {
				t.Errorf("NormalizeFamily(%q) = %q, %v; want %s", s, f, ok, w[0])
			}
		}
	}
}

// daresFAP2009 reads the DARES FAP 2009 – PCS – ROME v3 table: sparse
// rows carry the last FAP code forward; footnotes and aggregate codes are
// skipped (layout described in SOURCES.md).
func daresFAP2009(t *testing.T) map[string][]string {
	f, err := os.Open(daresFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fapRe := regexp.MustCompile(`^[A-Z][0-9][A-Z][0-9]{2}$`)
	out := map[string][]string{}
	fap := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.HasPrefix(line, " ") || strings.HasPrefix(line, `"`) {
			continue
		}
		p := strings.Split(line, ";")
		if len(p) != 3 {
			continue
		}
		if p[0] != "" {
			fap = ""
			if fapRe.MatchString(p[0]) {
				fap = p[0]
			}
		}
		if fap != "" && p[2] != "" && !slices.Contains(out[p[2]], fap) {
			out[p[2]] = append(out[p[2]], fap)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 500 {
		t.Fatalf("DARES table: %d ROME v3 codes, want about 531", len(out))
	}
	return out
}

// Every FAP 2009 code of a family is backed by the DARES table: the ROME v3
// fiche (the parent) of one of the family's ROME 4.0 codes leads to it.
func TestMetierFAP2009BackedByDARESTable(t *testing.T) {
	n := loadNomenclatures(t)
	dares := daresFAP2009(t)
	for _, m := range referential(t).Metiers() {
		reach := map[string][]string{}
		for _, c := range m.ROME {
			p := n.parent[c.Code]
			for _, f := range dares[p] {
				reach[f] = append(reach[f], c.Code)
			}
		}
		for _, c := range m.FAP2009 {
			if len(reach[c.Code]) == 0 {
				t.Errorf("%s: FAP 2009 %s is reached by none of the family's ROME codes in the DARES table", m.Family, c.Code)
			}
			if !slices.Contains(c.Source, "dares-fap2009-rome") {
				t.Errorf("%s: FAP 2009 %s does not cite the DARES table", m.Family, c.Code)
			}
		}
		var missed []string
		for f := range reach {
			if _, ok := referential(t).FamilyOf(observatory.SchemeFAP2009, f); !ok {
				missed = append(missed, f)
			}
		}
		sort.Strings(missed)
		if len(missed) > 0 {
			t.Logf("%s: DARES also leads to FAP 2009 %v, left out of the referential (see excluded.csv)", m.Family, missed)
		}
	}
}

// bmoProjects sums the published hiring projects (met) of BMO 2024 per FAP
// code; secret cells ("*") are left out.
func bmoProjects(t *testing.T) (map[string]int, map[string]int) {
	sum, secret := map[string]int{}, map[string]int{}
	for _, r := range readCSV(t, bmo2024File, ',') {
		code := r["Code métier BMO"]
		if code == "" {
			t.Fatalf("BMO 2024 row %v has no Code métier BMO", r)
		}
		if _, ok := sum[code]; !ok {
			sum[code] = 0
		}
		if n, err := strconv.Atoi(r["met"]); err == nil {
			sum[code] += n
		} else {
			secret[code]++
		}
	}
	return sum, secret
}

// Every FAP 2021 code is one BMO 2024 publishes; the test logs the hiring
// projects each covers.
func TestMetierFAP2021InBMO2024(t *testing.T) {
	sum, secret := bmoProjects(t)
	if len(sum) != 217 {
		t.Fatalf("BMO 2024 has %d FAP codes, want 217", len(sum))
	}
	total, all := 0, 0
	for _, n := range sum {
		all += n
	}
	for _, m := range referential(t).Metiers() {
		for _, c := range m.FAP2021 {
			n, ok := sum[c.Code]
			if !ok {
				t.Errorf("%s: FAP 2021 %s is not a code of BMO 2024", m.Family, c.Code)
				continue
			}
			total += n
			t.Logf("%-24s %s %-7s %6d projects (%d secret rows)  %s", m.Family, c.Code, c.Scope, n, secret[c.Code], c.Label)
		}
	}
	t.Logf("mapped FAP 2021 codes: %d of %d published hiring projects (%.1f %%)", total, all, 100*float64(total)/float64(all))
	if total == 0 || total >= all {
		t.Fatalf("mapped projects %d out of %d", total, all)
	}
}

// Every ROME code the synthetic catalogue uses is mapped.
func TestMetierCoversSyntheticCatalogueROMECodes(t *testing.T) {
	ref := referential(t)
	seen := map[string]int{}
	for _, r := range readCSV(t, syntheticFile, ';') {
		for _, c := range strings.Split(r["Codes ROME"], "|") {
			if c != "" {
				seen[c]++
			}
		}
	}
	if len(seen) < 10 {
		t.Fatalf("only %d ROME codes in the synthetic catalogue", len(seen))
	}
	for c, n := range seen {
		if _, ok := ref.FamilyOf(observatory.SchemeROME4, c); !ok {
			t.Errorf("ROME %s (%d rows of the synthetic catalogue) is not mapped", c, n)
		}
	}
}

// A broken referential is refused with a message naming the file and row.
func TestLoadMetiersRefusesBadFiles(t *testing.T) {
	good := map[string]string{}
	for _, name := range []string{"families.csv", "codes.csv", "sources.csv", "title-rules.csv"} {
		f, err := datasets.MetierFiles().Open(name)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(f)
		f.Close()
		good[name] = string(b)
	}
	cases := []struct{ name, file, edit, want string }{
		{"code in two families", "codes.csv", good["codes.csv"] + "design,ROME4,M1805,x,core,rome-v460,\n", "belongs to both"},
		{"unknown family", "codes.csv", good["codes.csv"] + "jardinage,ROME4,A1203,x,core,rome-v460,\n", `unknown family "jardinage"`},
		{"unknown source", "codes.csv", good["codes.csv"] + "design,ROME4,E1211,x,core,wikipedia,\n", `unknown source "wikipedia"`},
		{"bad scope", "codes.csv", good["codes.csv"] + "design,ROME4,E1211,x,some,rome-v460,\n", `scope "some"`},
		{"bad header", "sources.csv", "id,title\nx,y\n", "header is not"},
		{"rule for unknown family", "title-rules.csv", good["title-rules.csv"] + "10,jardinage,jardin*,\n", "unknown family"},
		{"rule not normalised", "title-rules.csv", good["title-rules.csv"] + "10,design,Graphiste,\n", "not normalised"},
	}
	for _, tc := range cases {
		fsys := fstest.MapFS{}
		for name, body := range good {
			fsys[name] = &fstest.MapFile{Data: []byte(body)}
		}
		fsys[tc.file] = &fstest.MapFile{Data: []byte(tc.edit)}
		_, err := datasets.LoadMetiers(fsys)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}
