// Package datasets embeds the data the observatory ships with: reference
// geography, the default inputs that make `make run` serve real data with
// no download, and the catalogue of open datasets.
package datasets

import (
	"embed"
	"io/fs"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

//go:embed defaults
var defaults embed.FS

// The embedded BMO 2024 is a CSV copy of one sheet of the workbook the
// producer published, which stays in the repository (datasets/source) but
// not in the binary: reading the XLSX costs a minute under the race
// detector, once per test package that builds the default snapshot.
//go:generate go run ./internal/genbmo -in source/Base_open_data_BMO_2024.xlsx -sheet BMO_2024_open_data -out defaults/Base_open_data_BMO_2024.csv

// BMO2024XLSXSHA256 is the SHA-256 of datasets/source/Base_open_data_BMO_2024.xlsx,
// the producer's file the embedded CSV was made from.
const BMO2024XLSXSHA256 = "12983d7415493635e4e04bb1504f464ddbc3521c5e605d99010af1011e570ff1"

// Default is one embedded input of the default snapshot.
type Default struct {
	Kind      string // ingest kind
	Path      string // inside Defaults()
	Synthetic bool
	Source    string // provenance, as SOURCES.md gives it
	SHA256    string // of the embedded file, checked by the tests
	// Programme: for kind offer, the programme the list belongs to.
	Programme observatory.Programme
}

// ProgrammeParcoursup2020 is the programme of the embedded Parcoursup list.
const ProgrammeParcoursup2020 = "parcoursup-apprentissage-2020"

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
		Kind:   "bmo",
		Path:   "defaults/Base_open_data_BMO_2024.csv",
		SHA256: "aea8994fac18af13c697623a263b179ec4958338daf0ed9a0d33306a37bf6919",
		Source: "France Travail, enquête Besoins en Main-d'Œuvre (BMO) 2024, open-data base (real data): sheet " +
			"BMO_2024_open_data of Base_open_data_BMO_2024.xlsx (SHA-256 " + BMO2024XLSXSHA256 + "), a byte-for-byte copy of " +
			"data/emploi/Donnees_consolidees_2024/Base_open_data_BMO_2024.xlsx in the GitHub repository dataforgoodfr/13_odis, " +
			"commit 29398333782c91b3a87f42a5891779c5e574fed8, created by the producer on 2024-04-25, kept in the repository as " +
			"datasets/source/Base_open_data_BMO_2024.xlsx and copied cell for cell to this CSV by go generate ./datasets " +
			"(datasets/internal/genbmo); the tests check that both load to the same rows. The file states no licence; the " +
			"data.gouv.fr dataset \"Enquête Besoins en Main-d'Œuvre (BMO)\" is reported as Licence Ouverte (not verified).",
	},
	{
		Kind:   observatory.KindOffer,
		Path:   "defaults/listeFormationApprentissagePsup.csv",
		SHA256: "92a92b1211c8c8fca7a9369c33865ac14691ef3e827b3bb16b400901e5fb19df",
		Source: parcoursupSource,
		Programme: observatory.Programme{
			ID:        ProgrammeParcoursup2020,
			TitleFR:   "Formations en apprentissage proposées sur Parcoursup (2020)",
			TitleEN:   "Apprenticeship courses offered on Parcoursup (2020)",
			Source:    parcoursupSource,
			SourceURL: "https://github.com/mission-apprentissage/catalogue",
			Licence: "Parcoursup open data are published under the Licence Ouverte (not verified for this file, which states none; " +
				"the repository it was copied from is MIT)",
			Date: &parcoursupDate,
		},
	},
}

// parcoursupSource is the provenance of the embedded Parcoursup list.
const parcoursupSource = "Parcoursup (Ministère de l'Enseignement supérieur), apprenticeship formations of 2020 (real data, every trade), " +
	"as loaded by the \"mission apprentissage\" catalogue: byte-for-byte copy of " +
	"jobs/features/psup/src/assets/listeFormationApprentissagePsup.csv in the GitHub repository mission-apprentissage/catalogue, " +
	"commit 966c4c5971616290b1d5dc0bd28adde90f25b8fd (2020-05-13, \"Psup à charger\"), Mac Roman, 4,357 rows."

// parcoursupDate is the date of the Parcoursup list: the commit that
// added it, the earliest date it is known to have existed.
var parcoursupDate = time.Date(2020, 5, 13, 0, 0, 0, 0, time.UTC)

// Defaults is the file system holding the default inputs.
func Defaults() fs.FS { return defaults }
