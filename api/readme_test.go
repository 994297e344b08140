package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/observatory/observatorytest"
)

// readmeBlock is a code block of the README's "Use it from" section,
// marked <!-- client: lang -->.
type readmeBlock struct{ lang, code string }

var clientBlock = regexp.MustCompile("(?s)<!-- client: (\\w+) -->\n```\\w+\n(.*?)```")

func readmeClients(t *testing.T) []readmeBlock {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	start := strings.Index(s, "## Use it from")
	if start < 0 {
		t.Fatal(`README.md has no "## Use it from" section`)
	}
	s = s[start:]
	if end := strings.Index(s[3:], "\n## "); end >= 0 {
		s = s[:end+3]
	}
	var out []readmeBlock
	for _, m := range clientBlock.FindAllStringSubmatch(s, -1) {
		out = append(out, readmeBlock{m[1], m[2]})
	}
	return out
}

// TestReadmeClients runs the README's client snippets, as written, against
// a test server: curl, pandas (CSV in both dialects and NDJSON), R's
// read.csv2 on the French CSV, LibreOffice on the XLSX and GDAL on a
// coverage layer, and checks what each prints against the API's own
// figures, read here from the English CSV.
func TestReadmeClients(t *testing.T) {
	t.Parallel()
	blocks := readmeClients(t)
	if len(blocks) != 5 {
		t.Fatalf("%d client blocks in the README, want 5 (curl, pandas, R, LibreOffice, GDAL)", len(blocks))
	}
	runner := map[string][]string{
		"sh":     {observatorytest.Program(t, "bash", "bash"), "-euo", "pipefail", "-c"},
		"python": {pandasPython(t), "-c"},
		"r":      {observatorytest.Program(t, "r-base-core", "Rscript"), "-e"},
	}
	observatorytest.Program(t, "curl", "curl")
	observatorytest.Program(t, "libreoffice-calc-nogui", "soffice")
	observatorytest.Program(t, "gdal-bin", "ogrinfo")

	e := sharedEnv(t)
	total, learners, months, postcode := formationSums(t, e)
	dir := t.TempDir()
	want := []func(out string) error{
		func(out string) error { // curl: facets, then a French file
			b, err := os.ReadFile(filepath.Join(dir, "formations-fr.csv"))
			if err != nil || !strings.Contains(out, `"facets"`) || !bytes.HasPrefix(b, []byte("\ufeffIdentifiant;")) {
				return fmt.Errorf("no facets, or formations-fr.csv not French (%v): %.80q", err, b)
			}
			return nil
		},
		func(out string) error { // pandas
			return fields(out, total, total, total, learners, months, postcode)
		},
		func(out string) error { // R
			return fields(out, total, learners, months, postcode)
		},
		func(out string) error { // LibreOffice
			if !strings.HasPrefix(out, "id,title,") {
				return fmt.Errorf("converted CSV starts %q", out)
			}
			return nil
		},
		func(out string) error { // GDAL
			if !strings.Contains(out, "Feature Count: 101") {
				return fmt.Errorf("want the 101 départements")
			}
			return nil
		},
	}
	for i, b := range blocks {
		args := append(runner[b.lang], strings.ReplaceAll(b.code, "http://localhost:8080", e.srv.URL))
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		// R reads UTF-8 column names only in a UTF-8 locale; LibreOffice
		// wants a profile of its own.
		cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "HOME="+dir)
		out, err := cmd.Output()
		text := strings.TrimSpace(string(out))
		if err != nil {
			msg := ""
			if ee, ok := err.(*exec.ExitError); ok {
				msg = string(ee.Stderr)
			}
			t.Errorf("block %d (%s): %v\n%s\n%s", i+1, b.lang, err, text, msg)
			continue
		}
		if err := want[i](text); err != nil {
			t.Errorf("block %d (%s) printed %.300q: %v", i+1, b.lang, text, err)
		} else {
			t.Logf("block %d (%s): %.120s", i+1, b.lang, text)
		}
	}
}

// formationSums reads the English CSV: rows, learners, duration in months
// (the French file rounds each to its stated 1 decimal), first postcode.
func formationSums(t *testing.T, e *env) (rows int, learners int, months float64, postcode string) {
	t.Helper()
	_, body := e.fetch(t, "/api/v1/formations.csv")
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("formations.csv: %v, %d records", err, len(recs))
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, r := range recs[1:] {
		if n, err := strconv.Atoi(r[col["learners"]]); err == nil {
			learners += n
		}
		if m, err := strconv.ParseFloat(r[col["duration_months"]], 64); err == nil {
			months += math.Round(m*10) / 10
		}
	}
	return len(recs) - 1, learners, math.Round(months*10) / 10, recs[1][col["postcode"]]
}

// fields checks the space-separated values a snippet printed.
func fields(out string, want ...any) error {
	got := strings.Fields(out)
	if len(got) != len(want) {
		return fmt.Errorf("%d values, want %d: %v", len(got), len(want), want)
	}
	for i, w := range want {
		ok := false
		switch w := w.(type) {
		case int: // 36195 from R, 36195 or 36195.0 from pandas
			g, err := strconv.ParseFloat(got[i], 64)
			ok = err == nil && g == float64(w)
		case float64:
			g, err := strconv.ParseFloat(got[i], 64)
			ok = err == nil && math.Abs(g-w) < 0.05
		case string:
			ok = got[i] == w
		}
		if !ok {
			return fmt.Errorf("value %d is %s, want %v (all: %v)", i+1, got[i], w, want)
		}
	}
	return nil
}
