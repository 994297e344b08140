package duckdb_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// SupplyFacts sums in the store what SupplyOf sums in Go from the points:
// the same supply points in the same order, the same seats, guesses and
// median, for each selection. The embedded catalogue is small enough to
// be grouped in Go; the test makes the store group it.
func TestSupplyFactsIsSupplyOfThePoints(t *testing.T) {
	db, _ := defaultsDB(t)
	defer duckdb.SetSupplyInStore(0)()
	ctx := context.Background()
	cal, err := db.Calendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	early := time.Date(2016, 6, 1, 0, 0, 0, 0, time.UTC)
	for name, q := range map[string]observatory.FactQuery{
		"all":              {},
		"gen in force":     {At: cal.Reference, View: observatory.ViewInForce, Programmes: []string{observatory.ProgrammeGEN}},
		"labelled in 2016": {At: early, View: observatory.ViewLabelled},
		"one family":       {Family: "developpement"},
		"nothing":          {At: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), View: observatory.ViewLabelled, Programmes: []string{observatory.ProgrammeGEN}},
	} {
		t.Run(name, func(t *testing.T) {
			pts, err := db.FormationPoints(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.SupplyFacts(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			supply, guessed := observatory.SupplyOf(pts)
			want := observatory.SupplyFacts{Supply: supply, Guessed: guessed, Points: len(pts), Median: observatory.MedianSeats(pts)}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("SupplyFacts: %d points, %d guessed, median %v, %d supply points\nSupplyOf:    %d points, %d guessed, median %v, %d supply points",
					got.Points, got.Guessed, got.Median, len(got.Supply), want.Points, want.Guessed, want.Median, len(want.Supply))
				for i := range min(len(got.Supply), len(want.Supply)) {
					if got.Supply[i] != want.Supply[i] {
						t.Fatalf("first difference at %d: %+v, want %+v", i, got.Supply[i], want.Supply[i])
					}
				}
			}
			if name == "all" && (guessed == 0 || guessed == len(pts)) {
				t.Errorf("%d of %d formations without seats: the median is not put to the test", guessed, len(pts))
			}
		})
	}
}
