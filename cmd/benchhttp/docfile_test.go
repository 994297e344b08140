package main

import (
	"strings"
	"testing"
)

func TestReplaceSection(t *testing.T) {
	doc := replaceSection("", "baseline", "## baseline\n\nold\n")
	if !strings.HasPrefix(doc, "# Performance\n") || !strings.Contains(doc, "old") {
		t.Fatalf("new doc:\n%s", doc)
	}
	doc = replaceSection(doc, "after", "## after\n\nfirst\n")
	doc = replaceSection(doc, "after", "## after\n\nsecond\n")
	if strings.Contains(doc, "first") || !strings.Contains(doc, "second") || !strings.Contains(doc, "old") {
		t.Fatalf("replacing one section:\n%s", doc)
	}
	if strings.Count(doc, "<!-- bench-http:after -->") != 1 || strings.Index(doc, "old") > strings.Index(doc, "second") {
		t.Fatalf("sections out of place:\n%s", doc)
	}
	// Text around the sections stays as written.
	doc = replaceSection("# Perf\n\nIntro.\n\n<!-- bench-http:x -->\nA\n<!-- /bench-http:x -->\n\nOutro.\n", "x", "B")
	if doc != "# Perf\n\nIntro.\n\n<!-- bench-http:x -->\nB\n<!-- /bench-http:x -->\n\nOutro.\n" {
		t.Fatalf("got %q", doc)
	}
	if validSection("a b") || validSection("") || !validSection("before-2026_1") {
		t.Error("validSection")
	}
}
