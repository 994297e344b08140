package export

import (
	"regexp"
	"strings"
	"time"

	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/observatory"
)

// Meta is what a file says about itself: dataset, licence, provenance.
type Meta struct {
	Dataset   datasets.Dataset
	Snapshot  string
	Date      time.Time // the snapshot's creation
	Inputs    []observatory.Input
	Synthetic bool
	Notice    string
	URL       string   // its permalink: where the same bytes are served again (snapshot=ID set)
	Columns   []Column // the columns written
}

var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

// FileName is <dataset>[-<part>...]-<snapshot date>.<ext>: the parts name
// the filters and the dialect, so two downloads of different data never
// get the same name (formations-region-84-2026-12-01.csv). Parts are
// folded to lower-case ASCII letters, digits and dashes.
func FileName(dataset string, date time.Time, ext string, parts ...string) string {
	name := []string{dataset}
	for _, p := range parts {
		if p = strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(observatory.NormalizeName(p)), "-"), "-"); p != "" {
			name = append(name, p)
		}
	}
	return strings.Join(append(name, date.Format(time.DateOnly)), "-") + "." + ext
}
