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
	{
		Kind: "bmo",
		Path: "defaults/Base_open_data_BMO_2024.xlsx",
		Source: "France Travail, enquête Besoins en Main-d'Œuvre (BMO) 2024, open-data base (real data), " +
			"byte-for-byte copy of data/emploi/Donnees_consolidees_2024/Base_open_data_BMO_2024.xlsx in the GitHub " +
			"repository dataforgoodfr/13_odis, commit 29398333782c91b3a87f42a5891779c5e574fed8; " +
			"created by the producer on 2024-04-25. The file states no licence; the data.gouv.fr dataset " +
			"\"Enquête Besoins en Main-d'Œuvre (BMO)\" is reported as Licence Ouverte (not verified).",
	},
}

// Defaults is the file system holding the default inputs.
func Defaults() fs.FS { return defaults }
