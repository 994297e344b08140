package tabular

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/encoding/charmap"
)

// encode writes UTF-8 text in a single-byte encoding; the text must be
// representable in it.
func encode(t *testing.T, cm *charmap.Charmap, text string) string {
	t.Helper()
	b, err := cm.NewEncoder().String(text)
	if err != nil {
		t.Fatalf("%s cannot encode %q: %v", cm, text, err)
	}
	return b
}

// TestLegacyEncodings builds catalogue rows of real French course titles,
// communes and académies in each candidate encoding: the detector must name
// the encoding and every value must come back as written.
func TestLegacyEncodings(t *testing.T) {
	s := Schema{Columns: []Column{
		{Key: "title", Names: []string{"Intitulé"}, Required: true},
		{Key: "city", Names: []string{"Commune"}},
		{Key: "note", Names: []string{"Précisions"}},
	}}
	cases := []struct {
		name string
		cm   *charmap.Charmap
		rows [][3]string
	}{
		// Windows-1252: ’, œ and € sit in 0x80–0x9F, where ISO-8859-15 has
		// control characters.
		{"Windows-1252", charmap.Windows1252, [][3]string{
			{"Développeur web", "Saint-Étienne", "Coût : 1 500 € par stagiaire"},
			{"Sécurité des réseaux", "Île-de-France", "Cœur de métier : l’administration"},
			{"Pâtisserie", "Créteil", "Académie de Créteil – été 2024"},
		}},
		// ISO-8859-15: € at 0xA4 and œ at 0xBD, where Windows-1252 has ¤ and ½.
		{"ISO-8859-15", charmap.ISO8859_15, [][3]string{
			{"Cœur de métier : 1 500 €", "Saint-Étienne", "Hôtellerie et restauration"},
			{"Sécurité des réseaux", "Île-de-France", "Œuvre collective, 300 € la session"},
			{"Développeur web", "Sœurs de Créteil", "Pâtisserie"},
		}},
		// Mac Roman: its accented letters sit in 0x80–0x9F, which
		// Windows-1252 reads as ƒ ˆ ‰ Ž and undefined bytes.
		{"Mac Roman", charmap.Macintosh, [][3]string{
			{"Développeur web", "Saint-Étienne", "Académie de Créteil"},
			{"Sécurité des réseaux", "Île-de-France", "Hôtellerie, Pâtisserie"},
			{"Technicien supérieur", "Cœur de ville à Besançon", "Maître d’œuvre, 1 500 €"},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := "Intitulé;Commune;Précisions\r\n"
			for _, r := range c.rows {
				text += strings.Join(r[:], ";") + "\r\n"
			}
			tb, err := openString(t, c.name+".csv", encode(t, c.cm, text), s, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if want := `CSV (` + c.name + `, ";" separated)`; tb.Format() != want {
				t.Errorf("format %q, want %q; %s", tb.Format(), want, tb.EncodingNote())
			}
			if note := tb.EncodingNote(); !strings.HasPrefix(note, "encoding detected: "+c.name+" (") || !strings.Contains(note, "0 implausible") {
				t.Errorf("note = %q", note)
			}
			res := readAll(t, tb)
			if len(res.recs) != len(c.rows) {
				t.Fatalf("%d records", len(res.recs))
			}
			for i, r := range res.recs {
				got := [3]string{r.Values["title"], r.Values["city"], r.Values["note"]}
				if got != c.rows[i] {
					t.Errorf("line %d = %q, want %q", r.Row, got, c.rows[i])
				}
			}
		})
	}
}

// TestLegacyTie: text whose bytes mean the same in Windows-1252 and
// ISO-8859-15 is reported as Windows-1252, the most common.
func TestLegacyTie(t *testing.T) {
	s := Schema{Columns: []Column{{Key: "title", Names: []string{"Intitulé"}, Required: true}}}
	text := encode(t, charmap.ISO8859_15, "Intitulé\nMédiateur numérique\nTechnicien d'assistance en informatique à Besançon\n")
	tb, err := openString(t, "tie.csv", text, s, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	res := readAll(t, tb)
	if tb.Format() != `CSV (Windows-1252, "," separated)` || res.recs[1].Values["title"] != "Technicien d'assistance en informatique à Besançon" {
		t.Errorf("format %q, records %v", tb.Format(), res.recs)
	}
}

// TestDetectorScores pins down the judgement of single characters in
// their context.
func TestDetectorScores(t *testing.T) {
	score := func(cm *charmap.Charmap, text string) encodingScore {
		d := &encodingDetector{}
		d.feed([]byte(encode(t, cm, text)))
		d.finish()
		for e, enc := range legacyEncodings {
			if enc.cm == cm {
				return d.scores[e]
			}
		}
		t.Fatal("not a candidate")
		return encodingScore{}
	}
	for _, c := range []struct {
		text              string
		french, implausib int
	}{
		{"Développeur", 1, 0},
		{"ÉCOLE À PARIS", 2, 0},
		{"l’école", 1, 0},
		{"formateur·rice", 0, 0},
		{"n° 12 « bis »", 0, 0},
		{"ACADƒMIE", 0, 1},    // a lower-case letter alone in capitals
		{"DÈveloppeur", 0, 1}, // a capital second in a lower-case word
		{"C½ur", 0, 1},        // a symbol inside a word
		{"Prix ¤ 12", 0, 1},
		{"DÃ©veloppeur", 0, 1}, // UTF-8 read as Windows-1252
	} {
		s := score(charmap.Windows1252, c.text)
		if s.french != c.french || s.implausible != c.implausib {
			t.Errorf("%q: %d French, %d implausible; want %d, %d", c.text, s.french, s.implausible, c.french, c.implausib)
		}
	}
}

// TestParcoursupMacRoman reads the first 90 lines of the real Parcoursup
// apprenticeship file, kept byte for byte: Mac Roman, ";" separated, LF,
// line 89 has a title padded with a space.
func TestParcoursupMacRoman(t *testing.T) {
	s := Schema{Name: "psup", Columns: []Column{
		{Key: "structure", Names: []string{"LIB_COMPOSANTE"}, Required: true},
		{Key: "commune", Names: []string{"LIBCOMMUNE"}},
		{Key: "academie", Names: []string{"Académie"}},
		{Key: "type", Names: []string{"TYPEETA"}},
		{Key: "ministere", Names: []string{"LIBMINISTERE"}},
		{Key: "code_specialite", Names: []string{"CodeSpécialité"}},
		{Key: "title", Names: []string{"LIBSPÉCIALITÉ"}, Required: true},
	}}
	tb := openFile(t, filepath.Join("testdata", "parcoursup-apprentissage-extrait.csv"), s, Limits{})
	if tb.Format() != `CSV (Mac Roman, ";" separated)` {
		t.Errorf("format = %q (%s)", tb.Format(), tb.EncodingNote())
	}
	t.Log(tb.EncodingNote())
	cols := tb.Columns()
	if cols["academie"] != "ACADÉMIE" || cols["code_specialite"] != "CODESPÉCIALITÉ" || cols["title"] != "LIBSPÉCIALITÉ" {
		t.Errorf("columns = %v", cols)
	}
	misread := func(v string) bool {
		return strings.ContainsAny(v, "ƒ†‡‰ˆ˜ŽžŠš\ufffd√∂∆") || strings.ContainsFunc(v, func(r rune) bool { return r >= 0x80 && r <= 0x9f || unicode.IsControl(r) })
	}
	for _, h := range append(tb.Unmapped(), "CODESPÉFORMATIONINITIALE") {
		if misread(h) {
			t.Errorf("header %q is mis-decoded", h)
		}
	}
	if u := strings.Join(tb.Unmapped(), ";"); !strings.Contains(u, ";CODESPÉFORMATIONINITIALE;") {
		t.Errorf("unmapped = %q", u)
	}
	res := readAll(t, tb)
	if len(res.recs) != 89 || len(res.rowErrs) != 0 || tb.SkippedCount() != 0 {
		t.Fatalf("%d records, %d row errors, %d skipped", len(res.recs), len(res.rowErrs), tb.SkippedCount())
	}
	for _, r := range res.recs {
		for k, v := range r.Values {
			if misread(v) || v != strings.TrimSpace(v) {
				t.Errorf("line %d: %s = %q", r.Row, k, v)
			}
		}
	}
	for _, w := range []struct {
		row       int
		key, want string
	}{
		{2, "type", "Lycée à classe postbac"},
		{2, "ministere", "Ministère de l'Education nationale et de la Jeunesse"},
		{2, "title", "Management Commercial Opérationnel - en apprentissage"},
		{8, "structure", "IRTS Hauts-de-France - Site Hainaut Cambrésis"},
		{15, "title", "Génie électrique et informatique industrielle - en apprentissage"},
		{19, "title", "Conception des processus de réalisation de produits (1ère année commune) - en apprentissage"},
		{20, "structure", "CFA académique - Lycée Wallon à Valenciennes"},
		{34, "commune", "Verrières-en-Anjou"},
		{34, "title", "Systèmes numériques - Option informatique et réseaux - en apprentissage"},
		// Padded with a space in the file.
		{89, "title", "Technicien Supérieur en Méthodes et Exploitation Logistique (Bac +2) - en apprentissage"},
	} {
		r := res.recs[w.row-2]
		if r.Row != w.row || r.Values[w.key] != w.want {
			t.Errorf("line %d: %s = %q, want %q", r.Row, w.key, r.Values[w.key], w.want)
		}
	}
}

// TestEncodingNoteWithoutChoice: UTF-8 needs no note; UTF-8 with a few
// stray bytes says how many were read as Windows-1252.
func TestEncodingNoteWithoutChoice(t *testing.T) {
	s := Schema{Columns: []Column{{Key: "title", Names: []string{"Intitulé"}, Required: true}}}
	tb, err := openString(t, "u.csv", "Intitulé\nSécurité des réseaux\n", s, Limits{})
	if err != nil || tb.EncodingNote() != "" {
		t.Fatalf("UTF-8: note %q, %v", tb.EncodingNote(), err)
	}
	tb, err = openString(t, "m.csv", "Intitulé\nSécurité des réseaux\nHôtellerie\nCaf\xe9\n", s, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := "encoding detected: UTF-8 (5 valid multi-byte characters), with 1 byte not UTF-8, read as Windows-1252"
	if tb.EncodingNote() != want || tb.Format() != `CSV (UTF-8, with some Windows-1252 bytes, "," separated)` {
		t.Errorf("note %q format %q", tb.EncodingNote(), tb.Format())
	}
}
