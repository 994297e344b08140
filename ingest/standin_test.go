package ingest_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// standIn is the synthetic catalogue as a header and rows of cells (it has
// no quoted field), for tests that make other publishers' files from it.
type standIn struct {
	header []string
	rows   [][]string
}

func readStandIn(t testing.TB) standIn {
	t.Helper()
	b, err := os.ReadFile(syntheticCSV)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(strings.TrimPrefix(string(b), "\ufeff"), "\r\n", "\n")
	lines := strings.Split(strings.TrimSpace(text), "\n")
	s := standIn{header: strings.Split(lines[0], ";")}
	for _, l := range lines[1:] {
		s.rows = append(s.rows, strings.Split(l, ";"))
	}
	return s
}

func (s standIn) col(name string) int {
	i := slices.Index(s.header, name)
	if i < 0 {
		panic("no column " + name)
	}
	return i
}

// drop removes columns.
func (s standIn) drop(names ...string) standIn {
	out := standIn{}
	keep := func(cells []string) []string {
		var c []string
		for i, v := range cells {
			if !slices.Contains(names, s.header[i]) {
				c = append(c, v)
			}
		}
		return c
	}
	out.header = keep(s.header)
	for _, r := range s.rows {
		out.rows = append(out.rows, keep(r))
	}
	return out
}

// rename gives columns other publishers' names.
func (s standIn) rename(names map[string]string) standIn {
	out := standIn{header: slices.Clone(s.header), rows: s.rows}
	for i, h := range out.header {
		if n, ok := names[h]; ok {
			out.header[i] = n
		}
	}
	return out
}

// write saves the file as a CSV named name in a temporary directory.
func (s standIn) write(t testing.TB, name string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(strings.Join(s.header, ";") + "\n")
	for _, r := range s.rows {
		b.WriteString(strings.Join(r, ";") + "\n")
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
