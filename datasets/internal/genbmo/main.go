// Command genbmo writes the embedded CSV copy of the BMO 2024 workbook:
// one sheet, every cell as the ingest reads it from the XLSX (see
// tabular.SheetCSV). Reading 53,443 rows of XLSX costs about a minute
// under the race detector, once per test package that builds the default
// snapshot; the CSV reads in seconds. The ingest tests check that both
// files load to the same rows.
//
//	go run ./datasets/internal/genbmo -in datasets/source/Base_open_data_BMO_2024.xlsx \
//		-sheet BMO_2024_open_data -out datasets/defaults/Base_open_data_BMO_2024.csv
package main

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/gen-numerique/observatory/ingest/tabular"
)

func main() {
	in := flag.String("in", "source/Base_open_data_BMO_2024.xlsx", "the workbook")
	sheet := flag.String("sheet", "BMO_2024_open_data", "the sheet to copy")
	out := flag.String("out", "defaults/Base_open_data_BMO_2024.csv", "the CSV to write")
	flag.Parse()
	log.SetFlags(0)
	var buf bytes.Buffer
	n, err := tabular.SheetCSV(*in, *sheet, &buf)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	src, err := os.ReadFile(*in)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d rows, %d bytes, SHA-256 %x\nfrom %s, SHA-256 %x\n", *out, n, buf.Len(), sha256.Sum256(buf.Bytes()), *in, sha256.Sum256(src))
}
