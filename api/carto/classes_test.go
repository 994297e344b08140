package carto

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/gen-numerique/observatory/observatory"
)

func TestNaturalBreaks(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		k    int
		want [][2]float64
	}{
		{[]float64{31, 1, 2, 3, 10, 11, 12, 30}, 3, [][2]float64{{1, 3}, {10, 12}, {30, 31}}},
		{[]float64{5, 5, 5}, 5, [][2]float64{{5, 5}}},
		{[]float64{1, 2, 2, 9}, 5, [][2]float64{{1, 1}, {2, 2}, {9, 9}}},
		// Equal values are never split across classes, even when that would
		// lower the within-class variance.
		{[]float64{0, 0, 0, 0, 1, 1, 1, 1, 100}, 2, [][2]float64{{0, 1}, {100, 100}}},
		{nil, 5, nil},
	} {
		if got := naturalBreaks(c.xs, c.k); !reflect.DeepEqual(got, c.want) {
			t.Errorf("naturalBreaks(%v, %d) = %v, want %v", c.xs, c.k, got, c.want)
		}
	}
}

// TestNaturalBreaksOptimal checks the dynamic programme against every
// possible split on small random inputs.
func TestNaturalBreaksOptimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ssd := func(xs []float64) float64 {
		var m float64
		for _, x := range xs {
			m += x
		}
		m /= float64(len(xs))
		var s float64
		for _, x := range xs {
			s += (x - m) * (x - m)
		}
		return s
	}
	for trial := 0; trial < 200; trial++ {
		n := 4 + rng.IntN(8)
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(rng.IntN(1000)) // distinct with high probability
		}
		slices.Sort(xs)
		if len(slices.Compact(slices.Clone(xs))) != n {
			continue
		}
		got := naturalBreaks(xs, 3)
		cost := 0.0
		for _, g := range got {
			i, j := slices.Index(xs, g[0]), slices.Index(xs, g[1])
			cost += ssd(xs[i : j+1])
		}
		best := -1.0
		for a := 1; a < n; a++ {
			for b := a + 1; b < n; b++ {
				if c := ssd(xs[:a]) + ssd(xs[a:b]) + ssd(xs[b:]); best < 0 || c < best {
					best = c
				}
			}
		}
		if cost > best+1e-6 {
			t.Fatalf("%v: classes %v cost %g, the best split costs %g", xs, got, cost, best)
		}
	}
}

func TestClassify(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	vals := []observatory.Value{
		{Code: "a", Value: f(0)}, {Code: "b", Value: f(0)}, {Code: "c", Value: f(1)}, {Code: "d", Value: f(2)},
		{Code: "e", Value: f(40)}, {Code: "f", Value: nil},
	}
	cl := Classify(observatory.IndFormations, vals)
	// Zero stays apart from the small counts; the missing value is "na",
	// with the hatch, never a colour of the scale.
	if cl.Of["a"] != "c0" || cl.Of["c"] == "c0" || cl.Of["f"] != "na" || cl.Of["e"] == cl.Of["d"] {
		t.Fatalf("classes %v", cl.Of)
	}
	last := cl.Classes[len(cl.Classes)-1]
	if last.Key != "na" || last.Fill != naFill || last.Count != 1 {
		t.Fatalf("na class %+v", last)
	}
	total := 0
	for _, c := range cl.Classes {
		total += c.Count
	}
	if total != len(vals) {
		t.Fatalf("counts add up to %d", total)
	}

	cov := Classify(observatory.IndCoverage, []observatory.Value{
		{Code: "a", Value: f(0), Class: observatory.ClassNone}, {Code: "b", Value: f(2), Class: observatory.ClassAdequate},
		{Code: "c", Value: nil},
	})
	if k, fill := cov.Fill("a"); k != "none" || fill != coverageFill["none"] {
		t.Errorf("coverage none: %s %s", k, fill)
	}
	if k, _ := cov.Fill("c"); k != "na" {
		t.Errorf("coverage without class: %s", k)
	}
	if k, _ := cov.Fill("zz"); k != "na" {
		t.Errorf("unknown territory: %s", k)
	}
}

func TestLambert93(t *testing.T) {
	// Reference points of IGN's documentation of Lambert-93: the origin
	// (3°E, 46°30'N) is at (700 000, 6 600 000).
	x, y := lambert93(3, 46.5)
	if abs(x-700000) > 0.01 || abs(y-6600000) > 0.01 {
		t.Fatalf("origin projects to %.2f, %.2f", x, y)
	}
	// Paris, Notre-Dame (2.349902°E, 48.853°N): about (652 400, 6 861 800).
	x, y = lambert93(2.349902, 48.853)
	if abs(x-652400) > 300 || abs(y-6861800) > 300 {
		t.Fatalf("Paris projects to %.0f, %.0f", x, y)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestNaturalBreaksLarge: above maxExact values the breaks come from a
// sample of order statistics, yet every value falls in a class whose
// bounds are data values, and well-separated clusters are still found.
func TestNaturalBreaksLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var xs []float64
	for _, centre := range []float64{5, 40, 120} {
		for range 12000 {
			xs = append(xs, centre+rng.Float64()*4)
		}
	}
	got := naturalBreaks(xs, 3)
	if len(got) != 3 {
		t.Fatalf("%d classes: %v", len(got), got)
	}
	for i, want := range []float64{5, 40, 120} {
		if got[i][0] < want || got[i][1] > want+4 {
			t.Errorf("class %d = %v, want inside [%g, %g]", i, got[i], want, want+4)
		}
	}
	sorted := slices.Sorted(slices.Values(xs))
	if got[0][0] != sorted[0] || got[2][1] != sorted[len(sorted)-1] {
		t.Errorf("classes %v do not span the data [%g, %g]", got, sorted[0], sorted[len(sorted)-1])
	}
	n := 0
	for _, x := range xs {
		for _, c := range got {
			if x >= c[0] && x <= c[1] {
				n++
				break
			}
		}
	}
	if n != len(xs) {
		t.Errorf("%d of %d values in a class", n, len(xs))
	}
}
