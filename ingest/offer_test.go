package ingest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/ingest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// parcoursupCSV is the real Parcoursup apprenticeship list of 2020, as
// embedded (Mac Roman, ";", commune codes, no coordinates, no ROME code).
const parcoursupCSV = "../datasets/defaults/listeFormationApprentissagePsup.csv"

func parcoursupProgramme() observatory.Programme {
	for _, d := range datasets.DefaultInputs {
		if d.Kind == observatory.KindOffer {
			return d.Programme
		}
	}
	panic("no embedded offer")
}

// mojibake are characters a wrong 8-bit decoding leaves in French text.
const mojibake = "ƒ†‡‰ˆ¤ŽÕ\ufffdÃ"

// TestParcoursupOffer loads the real list: every row loaded, set aside or
// quarantined, the accounting exact, the text decoded as Mac Roman.
func TestParcoursupOffer(t *testing.T) {
	ctx := context.Background()
	dir := duckdb.Dir{Root: t.TempDir()}
	b, err := os.ReadFile(parcoursupCSV)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != "92a92b1211c8c8fca7a9369c33865ac14691ef3e827b3bb16b400901e5fb19df" {
		t.Fatalf("the embedded Parcoursup list is not the source's copy")
	}
	rep, err := ingestWith(t, dir, observatory.KindOffer, ingest.Options{Programme: parcoursupProgramme()}, parcoursupCSV)
	if err != nil {
		t.Fatal(err)
	}
	in := rep.Inputs[0]
	if in.Kind != observatory.KindOffer || in.Programme != datasets.ProgrammeParcoursup2020 || in.Synthetic {
		t.Errorf("input = %+v", in)
	}
	if in.RowsRead != 4357 || in.RowsRead != in.Loaded+in.SetAside+in.Quarantined {
		t.Errorf("accounting: read %d = loaded %d + set aside %d + quarantined %d?", in.RowsRead, in.Loaded, in.SetAside, in.Quarantined)
	}
	if len(rep.SetAside) != in.SetAside || len(rep.Rejects) != in.Quarantined {
		t.Errorf("report lists %d set aside, %d rejects; input says %d, %d", len(rep.SetAside), len(rep.Rejects), in.SetAside, in.Quarantined)
	}
	// Quarantined: 77999 (Marne-la-Vallée, no commune) twice, and 74011
	// (Annecy-le-Vieux, part of Annecy since 2017) twice.
	if in.Loaded != 167 || in.SetAside != 4186 || in.Quarantined != 4 {
		t.Errorf("loaded %d, set aside %d, quarantined %d; want 167, 4186, 4", in.Loaded, in.SetAside, in.Quarantined)
	}
	for _, r := range rep.Rejects {
		if r.Column != "CODECOMMUNE" || (r.Value != "77999" && r.Value != "74011") {
			t.Errorf("reject %+v", r)
		}
	}
	notes := strings.Join(rep.Notes, "\n")
	for _, want := range []string{"CSV (Mac Roman, \";\" separated)", "encoding detected: Mac Roman",
		"digital by job family: developpement 93, infrastructure-support 66, design 4, integration 4",
		"set aside by rule: no-digital-term 3742, sales 242, building-automation 111"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	for _, c := range rep.Columns {
		if strings.ContainsAny(c.Header, mojibake) {
			t.Errorf("header %q is mis-decoded", c.Header)
		}
	}
	db := openCurrent(t, dir)
	var titles, bad int
	err = db.SQL().QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE regexp_matches(title || structure || coalesce(commune, '') || coalesce(diploma, ''), ?))
		FROM formations`, "["+mojibake+"]").Scan(&titles, &bad)
	if err != nil || titles != 167 || bad != 0 {
		t.Errorf("formations: %d, %d mis-decoded, %v", titles, bad, err)
	}
	err = db.SQL().QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE regexp_matches(title || coalesce(diploma, '') || coalesce(structure, ''), ?))
		FROM set_aside`, "["+mojibake+"]").Scan(&bad)
	if err != nil || bad != 0 {
		t.Errorf("set aside: %d mis-decoded, %v", bad, err)
	}
	page, err := db.Formations(ctx, observatory.FormationFilter{Q: "Services informatiques aux organisations", Limit: 1})
	if err != nil || page.Total != 87 {
		t.Fatalf("SIO: %+v, %v", page, err)
	}
	f := page.Items[0]
	if f.Programme != datasets.ProgrammeParcoursup2020 || f.Family != "developpement" || f.PointRule != observatory.PointCommuneCentroid ||
		f.Lat == nil || f.StructureID == "" || f.Diploma != "BTS - Services" || f.Synthetic || f.ListedOn == nil ||
		!f.ListedOn.Equal(time.Date(2020, 5, 13, 0, 0, 0, 0, time.UTC)) || f.Bassin == "" {
		t.Errorf("SIO formation = %+v", f)
	}
	var noPoint, note int
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE lat IS NULL OR point_rule IS DISTINCT FROM 'commune-centroid'),
		count(*) FILTER (WHERE family_rule = 'title' AND family_note LIKE 'offer rule %') FROM formations`).Scan(&noPoint, &note); err != nil {
		t.Fatal(err)
	}
	if noPoint != 0 || note != 167 {
		t.Errorf("%d formations without a centroid point, %d with their rule noted", noPoint, note)
	}
	var communes, deps int
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(DISTINCT commune_code), count(DISTINCT departement) FROM formations`).Scan(&communes, &deps); err != nil {
		t.Fatal(err)
	}
	t.Logf("digital: %d formations in %d communes of %d départements", titles, communes, deps)
	progs, err := db.Programmes(ctx)
	if err != nil || len(progs) != 1 || progs[0].ID != datasets.ProgrammeParcoursup2020 || progs[0].Synthetic || progs[0].SetAside != 4186 ||
		progs[0].SHA256[0] != hex.EncodeToString(sum[:]) || progs[0].Kind != observatory.KindOffer {
		t.Errorf("programmes = %+v, %v", progs, err)
	}
	// Set-aside rows say which rule decided.
	aside, err := db.SetAside(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range aside {
		if strings.HasPrefix(r.Title, "Négociation et digitalisation") && r.Rule != "sales" || r.Rule == "" || r.Reason == "" {
			t.Fatalf("set aside %+v", r)
		}
	}
}

// TestOfferNeedsAProgramme: an offer without a usable programme is refused
// before anything is built.
func TestOfferNeedsAProgramme(t *testing.T) {
	for _, p := range []observatory.Programme{{}, {ID: "gen"}, {ID: "all"}, {ID: "Pas Bon"}} {
		dir := duckdb.Dir{Root: t.TempDir()}
		_, err := ingestWith(t, dir, observatory.KindOffer, ingest.Options{Programme: p}, parcoursupCSV)
		if err == nil || !strings.Contains(err.Error(), "programme") {
			t.Errorf("programme %q: %v", p.ID, err)
		}
	}
}

// TestDefaultsHoldBothProgrammes: the default snapshot has the synthetic
// GEN stand-in and the real Parcoursup list; a new GEN catalogue keeps the
// list, and the list again keeps the catalogue.
func TestDefaultsHoldBothProgrammes(t *testing.T) {
	ctx := context.Background()
	dir, rep := defaultsCopy(t)
	check := func(when string, gen, psup int) {
		t.Helper()
		db := openCurrent(t, dir)
		progs, err := db.Programmes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(progs) != 2 || progs[0].ID != "gen" || !progs[0].Synthetic || progs[0].Formations != gen ||
			progs[1].ID != datasets.ProgrammeParcoursup2020 || progs[1].Synthetic || progs[1].Formations != psup {
			t.Errorf("%s: programmes %+v", when, progs)
		}
		var inputs int
		db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM inputs WHERE programme = ?`, datasets.ProgrammeParcoursup2020).Scan(&inputs)
		if inputs != 1 {
			t.Errorf("%s: %d Parcoursup inputs", when, inputs)
		}
	}
	var psup observatory.Input
	for _, in := range rep.Inputs {
		if in.Kind == observatory.KindOffer {
			psup = in
		}
	}
	if psup.Synthetic || psup.Loaded != 167 {
		t.Errorf("default Parcoursup input %+v", psup)
	}
	check("defaults", 532, 167)
	if _, err := ingestWith(t, dir, "catalogue", ingest.Options{AllowShrink: true}, syntheticXLSX); err != nil {
		t.Fatal(err)
	}
	check("after a GEN catalogue", 532, 167)
	if _, err := ingestWith(t, dir, observatory.KindOffer, ingest.Options{Programme: parcoursupProgramme()}, parcoursupCSV); err != nil {
		t.Fatal(err)
	}
	check("after the list again", 532, 167)
}
