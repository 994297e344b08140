package ingest

import (
	"fmt"

	"github.com/gen-numerique/observatory/observatory"
)

// columnUse lists, for every file and every concept, the column it was read
// from ("" when the file lacks it).
func columnUse(cfs []*catalogueFile) []observatory.ColumnUse {
	var out []observatory.ColumnUse
	for _, cf := range cfs {
		for _, c := range catalogueConcepts {
			out = append(out, observatory.ColumnUse{Kind: "catalogue", File: cf.in.Name, Concept: c.Key, Header: cf.cols[c.Key], Required: c.Required})
		}
	}
	return out
}

// lostConcepts warns of each concept the current catalogue has that a new
// file lacks: its figures would silently become null.
func lostConcepts(prev, now []observatory.ColumnUse) []string {
	had := map[string]observatory.ColumnUse{}
	for _, p := range prev {
		if _, ok := had[p.Concept]; !ok && p.Header != "" {
			had[p.Concept] = p
		}
	}
	var out []string
	for _, c := range now {
		p, ok := had[c.Concept]
		if c.Header != "" || !ok {
			continue
		}
		out = append(out, fmt.Sprintf("%s: %s: the current catalogue has it (column %q of %s), this file does not: %s",
			c.File, c.Concept, p.Header, p.File, conceptByKey(c.Concept).IfAbsent))
	}
	return out
}

func conceptByKey(key string) Concept {
	for _, c := range catalogueConcepts {
		if c.Key == key {
			return c
		}
	}
	return Concept{Key: key, IfAbsent: "its figures will be null"}
}
