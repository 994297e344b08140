// Package datasets embeds the data the observatory ships with: reference
// geography, the default inputs that make `make run` serve real data with
// no download, and the catalogue of open datasets.
package datasets

import (
	"embed"
	"io/fs"
)

//go:embed defaults
var defaults embed.FS

// Default is one embedded input of the default snapshot.
type Default struct {
	Kind      string // ingest kind
	Path      string // inside Defaults()
	Synthetic bool
	Source    string // provenance, as SOURCES.md gives it
}

// DefaultInputs are ingested, in order, when the server starts on an empty
// data directory.
var DefaultInputs = []Default{
	{
		Kind:      "catalogue",
		Path:      "defaults/gen-formations-synthetique.csv",
		Synthetic: true,
		Source: "SYNTHETIC stand-in for the GEN labelled-formations catalogue (no real export is available offline): " +
			"invented names and figures, real communes, postcodes and coordinates.",
	},
}

// Defaults is the file system holding the default inputs.
func Defaults() fs.FS { return defaults }
