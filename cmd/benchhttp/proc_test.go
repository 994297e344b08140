package main

import "testing"

func TestTail(t *testing.T) {
	tl := &tail{size: 4}
	for _, s := range []string{"ab", "cdefgh", "ijk", "l"} {
		tl.Write([]byte(s))
	}
	if got := tl.String(); got != "ijkl" {
		t.Errorf("got %q", got)
	}
}
