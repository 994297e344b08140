// Package synth writes big synthetic catalogues, CSV or XLSX, of any number
// of rows, for the memory benchmarks and the soak tool (cmd/soak): files of
// millions of rows are made when needed, never kept in the repository.
//
// Every row is valid and distinct, so that a run loads them all: a real
// commune code, a title of its own, one of 500 structures and a labelling
// date on one of seven campaigns (the ingest derives the waves from them).
// The callers name the files "…synthetique…", which flags them as
// synthetic data. Rows are short (31 bytes of CSV), so that two million of
// them stay under the default file limit (64 MiB): the row limit is what
// is to be reached.
package synth

import "strconv"

// Header is the catalogue's header row.
var Header = []string{"Nom de la formation", "Structure porteuse", "Code commune INSEE", "Date de labellisation"}

// communes are real commune codes, so that rows are placed without repair.
var communes = []string{"75056", "69123", "13055", "31555", "06088", "44109", "67482", "34172", "33063", "59350",
	"35238", "51454", "42218", "76351", "83137", "38185", "21231", "49007", "30189", "63113"}

// campaigns are seven labelling dates, as GEN's calls gave.
var campaigns = []string{"2016-02-03", "2016-09-23", "2017-03-15", "2017-11-20", "2018-06-01", "2019-01-15", "2019-09-10"}

// campaignSerials are the same dates as spreadsheet serial numbers.
var campaignSerials = []int{42403, 42636, 42809, 43059, 43252, 43480, 43718}

// structures is the number of distinct structures.
const structures = 500

// Row is the cells of data row i (0-based).
func Row(i int) []string {
	c := i % len(campaigns)
	return []string{Title(i), structure(i), communes[i%len(communes)], campaigns[c]}
}

// Spread places rows over a list of communes (the scale benchmarks give
// every commune of the gazetteer), so that the figures per territory,
// the distances and the gaps have the whole country to work on. Row i
// goes to commune i×Stride mod len: consecutive rows land far apart, and
// the first len rows cover every commune once.
type Spread struct {
	Communes []string
	stride   int
}

// NewSpread spreads rows over communes; it panics on an empty list.
func NewSpread(communes []string) *Spread {
	n := len(communes)
	if n == 0 {
		panic("synth: no commune to spread rows over")
	}
	// A stride near n/φ, coprime with n, visits every commune in n rows.
	st := int(float64(n)*0.618) | 1
	for gcd(st, n) != 1 {
		st += 2
	}
	return &Spread{Communes: communes, stride: st}
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Row is the cells of data row i: Row's title, structure and campaign, in
// the commune the spread gives it.
func (s *Spread) Row(i int) []string {
	r := Row(i)
	r[2] = s.Communes[(i*s.stride)%len(s.Communes)]
	return r
}

// Title is row i's title, unique to it.
func Title(i int) string { return "F" + strconv.Itoa(i) }

func structure(i int) string { return "S" + strconv.Itoa(i%structures) }
