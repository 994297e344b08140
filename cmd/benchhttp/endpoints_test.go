package main

import (
	"strings"
	"testing"
)

func TestDefaultEndpoints(t *testing.T) {
	names, paths := map[string]bool{}, map[string]bool{}
	for _, ep := range defaultEndpoints {
		if names[ep.Name] || paths[ep.Path] || !strings.HasPrefix(ep.Path, "/") {
			t.Errorf("duplicate or bad endpoint %+v", ep)
		}
		names[ep.Name], paths[ep.Path] = true, true
	}
}

func TestParseEndpoints(t *testing.T) {
	eps, err := parseEndpoints(strings.NewReader(`# comment
page /api/v1/formations?limit=100
png  /map.png identity   # no gzip for PNG

both /x both
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Endpoint{{"page", "/api/v1/formations?limit=100", true}, {"png", "/map.png", false}, {"both", "/x", true}}
	if len(eps) != len(want) {
		t.Fatalf("got %+v", eps)
	}
	for i := range want {
		if eps[i] != want[i] {
			t.Errorf("line %d: got %+v, want %+v", i, eps[i], want[i])
		}
	}
	for _, bad := range []string{"", "# only a comment\n", "name\n", "name relative/path\n", "a /x gzip\n", "a /x both extra\n"} {
		if _, err := parseEndpoints(strings.NewReader(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
