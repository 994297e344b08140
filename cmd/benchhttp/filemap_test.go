package main

import "testing"

func TestFileName(t *testing.T) {
	a := fileName("/api/v1/formations?limit=100", "application/json")
	if a != fileName("/api/v1/formations?limit=100", "application/json") {
		t.Fatal("not deterministic")
	}
	b := fileName("/api/v1/formations?region=84&family=developpement", "application/json")
	if a == b {
		t.Fatalf("two queries of one path share %q", a)
	}
	for _, tc := range []struct{ path, ct, want string }{
		{"/api/v1/coverage/departement.geojson", "application/geo+json", "api-v1-coverage-departement-geojson-"},
		{"/", "text/html; charset=UTF-8", "root-"},
		{"/map.png", "image/png", "map-png-"},
	} {
		got := fileName(tc.path, tc.ct)
		if len(got) < len(tc.want) || got[:len(tc.want)] != tc.want {
			t.Errorf("fileName(%q) = %q, want prefix %q", tc.path, got, tc.want)
		}
	}
	for ct, ext := range map[string]string{
		"application/geo+json":     ".geojson",
		"application/json":         ".json",
		"text/csv; charset=utf-8":  ".csv",
		"text/html; charset=UTF-8": ".html",
		"image/png":                ".png",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
		"application/x-unknown": ".bin",
	} {
		if got := extension(ct); got != ext {
			t.Errorf("extension(%q) = %q, want %q", ct, got, ext)
		}
	}
	// Whatever the path, the name is one nginx.conf and a URL can hold.
	for _, p := range []string{"/a b/é?x=\"y\";{}", "/" + string(make([]byte, 300))} {
		if n := fileName(p, "text/csv"); !safeName.MatchString(n) || len(n) > 80 {
			t.Errorf("fileName(%q) = %q", p, n)
		}
	}
}
