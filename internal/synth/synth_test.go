package synth

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// The first len(communes) rows of a spread visit every commune once, and
// the same rows come out each time.
func TestSpreadCoversEveryCommune(t *testing.T) {
	for _, n := range []int{1, 2, 20, 34_935, 35_000} {
		cs := make([]string, n)
		for i := range cs {
			cs[i] = strconv.Itoa(10000 + i)
		}
		s := NewSpread(cs)
		seen := map[string]bool{}
		for i := range n {
			seen[s.Row(i)[2]] = true
		}
		if len(seen) != n {
			t.Errorf("%d communes: %d rows visit %d of them", n, n, len(seen))
		}
	}
	var a, b bytes.Buffer
	s := NewSpread([]string{"75056", "69123", "13055"})
	if err := s.CSV(&a, 100); err != nil {
		t.Fatal(err)
	}
	s.CSV(&b, 100)
	if a.String() != b.String() || strings.Count(a.String(), "\n") != 101 {
		t.Errorf("spread CSV not deterministic or not 100 rows:\n%.200s", a.String())
	}
}
