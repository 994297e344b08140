package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// Endpoint is one URL of the project to measure.
type Endpoint struct {
	Name string
	Path string // path and query, as a client asks it
	Gzip bool   // also measure it with Accept-Encoding: gzip (text formats)
}

// defaultEndpoints are the ones the issue names: what a map visitor and a
// downloader hit. The bassin and commune layers may not exist yet; an
// endpoint that does not answer 200 is reported as skipped.
var defaultEndpoints = []Endpoint{
	{"coverage-departement", "/api/v1/coverage/departement.geojson", true},
	{"coverage-bassin", "/api/v1/coverage/bassin.geojson", true},
	{"coverage-commune", "/api/v1/coverage/commune.geojson", true},
	{"indicator", "/api/v1/indicators/formations_per_100k?level=departement", true},
	{"formations-page", "/api/v1/formations?limit=100", true},
	{"formations-filter", "/api/v1/formations?region=84&family=developpement", true},
	{"gaps", "/api/v1/gaps?wave=1", true},
	{"profile", "/api/v1/territories/departement/23/profile", true},
	{"map-page", "/", true},
	{"map-png", "/map.png", false},
	{"formations-csv", "/api/v1/formations.csv", true},
	{"formations-xlsx", "/api/v1/formations.xlsx", false},
	{"job-demand-csv", "/api/v1/job-demand.csv?level=bassin", true},
}

func loadEndpoints(file string) ([]Endpoint, error) {
	if file == "" {
		return defaultEndpoints, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseEndpoints(f)
}

// parseEndpoints reads "name path [both|identity]" lines; # starts a
// comment. "both" (the default) measures identity and gzip.
func parseEndpoints(r io.Reader) ([]Endpoint, error) {
	var eps []Endpoint
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 2 || len(f) > 3 || !strings.HasPrefix(f[1], "/") {
			return nil, fmt.Errorf("endpoints line %d: want 'name /path [both|identity]'", n)
		}
		ep := Endpoint{Name: f[0], Path: f[1], Gzip: true}
		if len(f) == 3 {
			switch f[2] {
			case "both":
			case "identity":
				ep.Gzip = false
			default:
				return nil, fmt.Errorf("endpoints line %d: %q is neither both nor identity", n, f[2])
			}
		}
		eps = append(eps, ep)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(eps) == 0 {
		return nil, fmt.Errorf("no endpoints")
	}
	return eps, nil
}
