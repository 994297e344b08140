package observatory_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
)

func ptr[T any](v T) *T { return &v }

func formation(id, dep string, learners int) observatory.Formation {
	d := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	return observatory.Formation{ID: id, Title: "Développeur web", Structure: "Fabrique", Departement: dep, Region: "27",
		ROME: []string{"M1805"}, LabelledOn: &d, Learners: &learners, Source: "a.csv", SourceRow: 2}
}

func gap(members, names []string) observatory.Gap {
	return observatory.Gap{ID: "gap-" + members[0], Level: observatory.LevelDepartement, Members: members, Names: names}
}

func value(ind, code string, v *float64, class string) observatory.Value {
	return observatory.Value{Indicator: ind, Level: observatory.LevelDepartement, Code: code, Name: code, Value: v, Class: class}
}

// TestDiffPlanted compares two constructed states and finds exactly the
// changes planted in the second: two formations added in Creuse, one
// removed, one changed in two fields (and one only re-read from another
// file, which is no change); BMO 2025 added and 2024 replaced; values
// moved over the thresholds and not under; a zone that loses a member and
// one that appears.
func TestDiffPlanted(t *testing.T) {
	geo := datasetstest.Geo(t)
	from := &observatory.SnapshotState{Snapshot: "A", Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Formations: []observatory.Formation{formation("F1", "58", 10), formation("F2", "58", 12), formation("F3", "03", 5), formation("F4", "69", 7)},
		JobDemand: []observatory.JobDemandYear{
			{Year: 2023, Rows: 10, Files: []string{"bmo23.xlsx"}, SHA256: []string{"aa"}, LoadedBy: "A0"},
			{Year: 2024, Rows: 12, Files: []string{"bmo24.xlsx"}, SHA256: []string{"bb"}, LoadedBy: "A0"}},
		Values: []observatory.Value{
			value(observatory.IndFormations, "23", ptr(0.0), ""),
			value(observatory.IndFormations, "58", ptr(2.0), ""),
			value(observatory.IndPer100k, "69", ptr(1.00), ""),
			value(observatory.IndPer100k, "58", ptr(1.00), ""),
			value(observatory.IndHiring, "69", ptr(1000.0), ""),
			value(observatory.IndHiring, "58", nil, ""),
			value(observatory.IndCoverage, "23", ptr(0.0), observatory.ClassNone),
			value(observatory.IndCoverage, "69", ptr(1.2), observatory.ClassAdequate),
		},
		Gaps: []observatory.Gap{gap([]string{"03", "58"}, []string{"Allier", "Nièvre"})},
	}
	f2 := formation("F2", "58", 15)
	f2.Wave = ptr(2)
	f3 := formation("F3", "03", 5)
	f3.Source, f3.SourceRow, f3.FamilyNote = "b.csv", 9, "re-read" // provenance only
	to := &observatory.SnapshotState{Snapshot: "B", Created: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		Reference:  time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
		Formations: []observatory.Formation{f2, f3, formation("F4", "69", 7), formation("F5", "23", 1), formation("F6", "23", 2)},
		JobDemand: []observatory.JobDemandYear{
			{Year: 2023, Rows: 10, Files: []string{"bmo23.xlsx"}, SHA256: []string{"aa"}, LoadedBy: "A0"},
			{Year: 2024, Rows: 13, Files: []string{"bmo24-v2.xlsx"}, SHA256: []string{"cc"}, LoadedBy: "B"},
			{Year: 2025, Rows: 14, Files: []string{"bmo25.xlsx"}, SHA256: []string{"dd"}, LoadedBy: "B"}},
		Values: []observatory.Value{
			value(observatory.IndFormations, "23", ptr(2.0), ""), // +2: moved
			value(observatory.IndFormations, "58", ptr(2.0), ""), // same
			value(observatory.IndPer100k, "69", ptr(1.05), ""),   // +5 %: under 10 %
			value(observatory.IndPer100k, "58", ptr(1.20), ""),   // +20 %: moved
			value(observatory.IndHiring, "69", ptr(1050.0), ""),  // +5 %: under
			value(observatory.IndHiring, "58", ptr(30.0), ""),    // null → a figure: moved
			value(observatory.IndCoverage, "23", ptr(0.8), observatory.ClassLow),
			value(observatory.IndCoverage, "69", ptr(1.1), observatory.ClassAdequate), // same class
		},
		Gaps: []observatory.Gap{gap([]string{"58"}, []string{"Nièvre"}), gap([]string{"15"}, []string{"Cantal"})},
	}
	c := observatory.Diff(from, to, observatory.DefaultChangeThresholds, geo)

	ids := func(fs []observatory.FormationRef) string {
		s := []string{}
		for _, f := range fs {
			s = append(s, f.ID+"@"+f.Name)
		}
		return strings.Join(s, ",")
	}
	if got := ids(c.Formations.Added); got != "F5@Creuse,F6@Creuse" {
		t.Errorf("added %s", got)
	}
	if got := ids(c.Formations.Removed); got != "F1@Nièvre" {
		t.Errorf("removed %s", got)
	}
	if len(c.Formations.Changed) != 1 || c.Formations.Changed[0].ID != "F2" {
		t.Fatalf("changed %+v", c.Formations.Changed)
	}
	fields, _ := json.Marshal(c.Formations.Changed[0].Fields)
	if string(fields) != `[{"field":"wave","old":null,"new":2},{"field":"learners","old":12,"new":15}]` {
		t.Errorf("fields %s", fields)
	}
	years := []string{}
	for _, y := range c.JobDemand {
		years = append(years, fmt.Sprintf("%s:%d", y.Change, y.Year))
	}
	if strings.Join(years, ",") != "replaced:2024,added:2025" {
		t.Errorf("job demand %v", years)
	}
	moves := []string{}
	for _, v := range c.Indicators {
		moves = append(moves, v.Indicator+"/"+v.Code)
	}
	if got := strings.Join(moves, ","); got != "formations/23,formations_per_100k/58,hiring_projects/58,coverage_class/23" {
		t.Errorf("indicators %s", got)
	}
	if v := c.Indicators[1]; v.Delta == nil || v.Relative == nil || *v.Relative < 0.199 || *v.Relative > 0.201 {
		t.Errorf("per 100k: %+v", v)
	}
	if v := c.Indicators[3]; v.OldClass != observatory.ClassNone || v.NewClass != observatory.ClassLow {
		t.Errorf("coverage: %+v", v)
	}
	if len(c.Gaps) != 2 || c.Gaps[0].Change != observatory.ChangeAppeared || c.Gaps[0].Label != "Cantal" ||
		c.Gaps[1].Change != observatory.ChangeShrank || c.Gaps[1].Label != "Allier–Nièvre" ||
		len(c.Gaps[1].Out) != 1 || c.Gaps[1].Out[0].Code != "03" || len(c.Gaps[1].In) != 0 {
		t.Fatalf("gaps %+v", c.Gaps)
	}
	want := observatory.ChangeCounts{FormationsAdded: 2, FormationsRemoved: 1, FormationsChanged: 1, JobDemandYears: 2, IndicatorValues: 4, Gaps: 2}
	if c.Counts != want {
		t.Errorf("counts %+v", c.Counts)
	}
	if c.Summary.FR != "+2 formations (Creuse) ; −1 formation (Nièvre) ; 1 formation modifiée ; BMO 2024 remplacée ; BMO 2025 ajoutée ; nouvelle zone blanche : Cantal ; …" {
		t.Errorf("summary fr %q", c.Summary.FR)
	}
	if !strings.HasPrefix(c.Summary.EN, "+2 formations (Creuse); −1 formation (Nièvre); 1 formation changed; BMO 2024 replaced") {
		t.Errorf("summary en %q", c.Summary.EN)
	}
	if c.To.ReferenceDate != "2025-06-01" || c.From.ReferenceDate != "" {
		t.Errorf("refs %+v %+v", c.From, c.To)
	}

	// A snapshot compared with itself has no change.
	same := observatory.Diff(to, to, observatory.DefaultChangeThresholds, geo)
	if same.Counts != (observatory.ChangeCounts{}) || same.Summary.EN != "no change" || same.Summary.FR != "aucun changement" {
		t.Errorf("self diff %+v", same)
	}
}

// TestDiffGapSentences: a zone that loses a member, as the feed says it.
func TestDiffGapSentences(t *testing.T) {
	from := &observatory.SnapshotState{Gaps: []observatory.Gap{gap([]string{"03", "58"}, []string{"Allier", "Nièvre"})}}
	to := &observatory.SnapshotState{Gaps: []observatory.Gap{gap([]string{"58"}, []string{"Nièvre"})}}
	c := observatory.Diff(from, to, observatory.DefaultChangeThresholds, nil)
	if c.Summary.FR != "la zone blanche Allier–Nièvre perd un département (Allier)" ||
		c.Summary.EN != "the gap zone Allier–Nièvre loses one département (Allier)" {
		t.Fatalf("%+v", c.Summary)
	}
	c = observatory.Diff(to, from, observatory.DefaultChangeThresholds, nil)
	if c.Summary.FR != "la zone blanche Nièvre gagne un département (Allier)" {
		t.Fatalf("%+v", c.Summary)
	}
	c = observatory.Diff(to, &observatory.SnapshotState{}, observatory.DefaultChangeThresholds, nil)
	if c.Summary.EN != "the gap zone Nièvre is gone" {
		t.Fatalf("%+v", c.Summary)
	}
}
