package api

import (
	"slices"
	"strings"
	"testing"
)

// FuzzNegotiate: whatever the Accept header, negotiate picks one of the
// formats offered or none, never panics, and answers the same for the
// same header; an empty header takes the first offered, and an exact
// media type alone gets its format.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "*/*", "text/csv", "application/json;q=0.5, text/csv;q=0.9",
		"text/*;q=0", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", `text/csv;q="1"`,
		"text/csv;q=NaN", "text/csv;q=1e400", ";;,,", "a/b;c=\xff", strings.Repeat("*/*,", 100)} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, accept string, pick uint8) {
		n := 1 + int(pick)%len(allFormats)
		offered := allFormats[:n]
		got, ok := negotiate(accept, offered)
		if ok && !slices.Contains(offered, got) {
			t.Fatalf("Accept %q: %q, not offered (%v)", accept, got, offered)
		}
		if again, ok2 := negotiate(accept, offered); again != got || ok2 != ok {
			t.Fatalf("Accept %q: %q %v then %q %v", accept, got, ok, again, ok2)
		}
		if strings.TrimSpace(accept) == "" && (!ok || got != offered[0]) {
			t.Fatalf("empty Accept %q: %q %v, want %q", accept, got, ok, offered[0])
		}
		for _, f := range offered {
			mt, _, _ := strings.Cut(mediaTypes[f], ";")
			if g, ok := negotiate(mt, offered); !ok || g != f {
				t.Fatalf("Accept %q: %q %v, want %q", mt, g, ok, f)
			}
		}
	})
}
