package carto

import (
	"math"
	"slices"

	"github.com/gen-numerique/observatory/observatory"
)

// A map class: the colour of the territories whose value falls in it, and
// what the legend says of it.
type Class struct {
	Key      string  // "c0".."c6", a coverage class, or "na"
	Fill     string  // colour, or "url(#na)" for the hatch
	Min, Max float64 // bounds of the values in the class (numeric classes)
	Label    string  // filled in by the page, in its language
	Count    int     // territories in the class
}

// Classing assigns each territory of a map to a class.
type Classing struct {
	Classes []Class           // in legend order; "na" last when present
	Of      map[string]string // territory code -> class key
}

// maxClasses is the number of classes of a numeric indicator: five tell
// levels apart at a glance and stay distinct for colour-blind readers.
const maxClasses = 5

// naFill is the "not available" fill: a grey hatch, so a missing value can
// never be read as a low one, even in greyscale print.
const naFill = "url(#na)"

// ylGnBu are ColorBrewer's YlGnBu sequential palettes (Cynthia Brewer,
// Penn State, Apache 2.0), which stay ordered for the three common forms of
// colour blindness and in greyscale; index = number of classes.
var ylGnBu = [][]string{
	1: {"#41b6c4"},
	2: {"#a1dab4", "#2c7fb8"},
	3: {"#edf8b1", "#7fcdbb", "#2c7fb8"},
	4: {"#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"},
	5: {"#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"},
}

// coverageFill are fixed colours for the coverage classes, from
// ColorBrewer's PuOr and RdBu: orange against blue is the contrast every form
// of colour blindness keeps, and "none" is the strongest, as it is the one to
// act on.
var coverageFill = map[string]string{
	observatory.ClassNone:     "#e66101",
	observatory.ClassLow:      "#fdb863",
	observatory.ClassAdequate: "#4393c3",
}

var coverageOrder = []string{observatory.ClassNone, observatory.ClassLow, observatory.ClassAdequate}

// Classify builds the classes of one indicator's values: the coverage
// classes for the coverage indicator, natural breaks otherwise.
func Classify(ind string, vals []observatory.Value) Classing {
	cl := Classing{Of: make(map[string]string, len(vals))}
	if ind == observatory.IndCoverage {
		count := map[string]int{}
		for _, v := range vals {
			if _, ok := coverageFill[v.Class]; ok {
				cl.Of[v.Code] = v.Class
				count[v.Class]++
			}
		}
		for _, k := range coverageOrder {
			cl.Classes = append(cl.Classes, Class{Key: k, Fill: coverageFill[k], Count: count[k]})
		}
	} else {
		var xs []float64
		for _, v := range vals {
			if v.Value != nil && !math.IsNaN(*v.Value) && !math.IsInf(*v.Value, 0) {
				xs = append(xs, *v.Value)
			}
		}
		groups := breaksWithZero(xs, maxClasses)
		pal := ylGnBu[max(len(groups), 1)]
		for i, g := range groups {
			cl.Classes = append(cl.Classes, Class{Key: classKey(i), Fill: pal[i], Min: g[0], Max: g[1]})
		}
		for _, v := range vals {
			if v.Value == nil {
				continue
			}
			for i, g := range groups {
				if *v.Value <= g[1] || i == len(groups)-1 {
					cl.Of[v.Code] = classKey(i)
					cl.Classes[i].Count++
					break
				}
			}
		}
	}
	na := 0
	for _, v := range vals {
		if _, ok := cl.Of[v.Code]; !ok {
			cl.Of[v.Code] = "na"
			na++
		}
	}
	if na > 0 {
		cl.Classes = append(cl.Classes, Class{Key: "na", Fill: naFill, Count: na})
	}
	return cl
}

func classKey(i int) string { return "c" + string(rune('0'+i)) }

// fill returns the colour of a territory; territories the values do not
// name are not available.
func (cl Classing) Fill(code string) (key, fill string) {
	key, ok := cl.Of[code]
	if !ok {
		return "na", naFill
	}
	for _, c := range cl.Classes {
		if c.Key == key {
			return key, c.Fill
		}
	}
	return "na", naFill
}

// breaksWithZero keeps zero in a class of its own when the values start
// at zero: "no formation" is what the map is for, and natural breaks would
// merge it with the first few.
func breaksWithZero(xs []float64, k int) [][2]float64 {
	var pos []float64
	zero := false
	for _, x := range xs {
		switch {
		case x == 0:
			zero = true
		case x > 0:
			pos = append(pos, x)
		default:
			return naturalBreaks(xs, k)
		}
	}
	if !zero || len(pos) == 0 || k < 2 {
		return naturalBreaks(xs, k)
	}
	return append([][2]float64{{0, 0}}, naturalBreaks(pos, k-1)...)
}

// naturalBreaks splits xs into at most k classes of contiguous values that
// minimise the sum of squared deviations within classes (Fisher's exact
// algorithm, the optimum that Jenks' iterative method approximates). It
// returns each class's [min, max]. Fewer distinct values than k give one
// class per value. With n ≤ a few hundred territories, the O(k·n²) dynamic
// programme costs well under a millisecond; above maxExact values (the
// communes: 34,875) it runs on maxExact evenly spaced order statistics,
// as QGIS does on a sample, and the classes are then filled from every
// value, so the bounds are still the data's own.
// Hand-written: the Go libraries found offer Jenks' approximation, not the
// exact optimum, and this is 60 lines.
func naturalBreaks(xs []float64, k int) [][2]float64 {
	if len(xs) == 0 {
		return nil
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	distinct := slices.Compact(slices.Clone(xs))
	if len(distinct) <= k {
		out := make([][2]float64, len(distinct))
		for i, d := range distinct {
			out[i] = [2]float64{d, d}
		}
		return out
	}
	if len(xs) > maxExact {
		return fillClasses(xs, exactBreaks(orderSample(xs, maxExact), k))
	}
	return exactBreaks(xs, k)
}

// maxExact bounds the exact algorithm's input: 2,000 values cost about
// 20 ms, 34,875 would cost 6 s.
const maxExact = 2000

// orderSample picks m evenly spaced values of sorted xs, its ends included.
func orderSample(xs []float64, m int) []float64 {
	out := make([]float64, m)
	for i := range out {
		out[i] = xs[i*(len(xs)-1)/(m-1)]
	}
	return out
}

// fillClasses fills the classes cls of a sample with sorted xs, cutting
// halfway between one class's top and the next one's bottom (the values
// the sample skipped fall with the nearer class), and gives each its
// smallest and largest value.
func fillClasses(xs []float64, cls [][2]float64) [][2]float64 {
	out := make([][2]float64, 0, len(cls))
	i := 0
	for c, cl := range cls {
		j := len(xs)
		if c < len(cls)-1 {
			j, _ = slices.BinarySearch(xs, math.Nextafter((cl[1]+cls[c+1][0])/2, math.Inf(1)))
		}
		if j > i {
			out = append(out, [2]float64{xs[i], xs[j-1]})
		}
		i = j
	}
	return out
}

// exactBreaks is Fisher's algorithm on sorted xs with more than k
// distinct values.
func exactBreaks(xs []float64, k int) [][2]float64 {
	if len(slices.Compact(slices.Clone(xs))) <= k {
		return naturalBreaks(xs, k)
	}
	n := len(xs)
	// Prefix sums give the squared deviation of any run xs[i:j] in O(1).
	s1, s2 := make([]float64, n+1), make([]float64, n+1)
	for i, x := range xs {
		s1[i+1], s2[i+1] = s1[i]+x, s2[i]+x*x
	}
	ssd := func(i, j int) float64 { // xs[i:j], j > i
		s, m := s1[j]-s1[i], float64(j-i)
		return s2[j] - s2[i] - s*s/m
	}
	// cost[c][j]: best cost of splitting xs[:j] into c+1 classes; from[c][j]
	// where the last of them starts.
	cost := make([][]float64, k)
	from := make([][]int, k)
	for c := range k {
		cost[c], from[c] = make([]float64, n+1), make([]int, n+1)
		for j := range cost[c] {
			cost[c][j] = math.Inf(1)
		}
	}
	for j := 1; j <= n; j++ {
		cost[0][j] = ssd(0, j)
	}
	for c := 1; c < k; c++ {
		for j := c + 1; j <= n; j++ {
			for i := c; i < j; i++ {
				// A class must not split equal values: the legend's bounds
				// would overlap.
				if xs[i] == xs[i-1] {
					continue
				}
				if v := cost[c-1][i] + ssd(i, j); v < cost[c][j] {
					cost[c][j], from[c][j] = v, i
				}
			}
		}
	}
	out := make([][2]float64, k)
	j := n
	for c := k - 1; c >= 0; c-- {
		i := from[c][j]
		if c == 0 {
			i = 0
		}
		out[c] = [2]float64{xs[i], xs[j-1]}
		j = i
	}
	return out
}
