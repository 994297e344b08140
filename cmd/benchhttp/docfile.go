package main

import (
	"errors"
	"io/fs"
	"os"
	"regexp"
	"strings"
)

// A section of the results file sits between these two comments, so a
// later run with the same -section replaces it and leaves the others (the
// "before" baseline, say) as they were.
func sectionMarkers(name string) (begin, end string) {
	return "<!-- bench-http:" + name + " -->", "<!-- /bench-http:" + name + " -->"
}

var sectionName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func validSection(name string) bool { return sectionName.MatchString(name) }

// replaceSection puts body in doc's section name, or appends the section.
func replaceSection(doc, name, body string) string {
	begin, end := sectionMarkers(name)
	section := begin + "\n" + strings.TrimSpace(body) + "\n" + end + "\n"
	if i := strings.Index(doc, begin); i >= 0 {
		if j := strings.Index(doc[i:], end); j >= 0 {
			rest := strings.TrimPrefix(doc[i+j+len(end):], "\n")
			return doc[:i] + section + rest
		}
	}
	if doc == "" {
		return "# Performance\n\n" + section
	}
	return strings.TrimRight(doc, "\n") + "\n\n" + section
}

func writeSection(file, name, body string) error {
	old, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.WriteFile(file, []byte(replaceSection(string(old), name, body)), 0o644)
}
