package tabular

import (
	"testing"

	"github.com/gen-numerique/observatory/ingest/internal/hostile"
)

// Test inputs that live in the repository: the synthetic catalogue and BMO
// 2024 as the project embeds them, the catalogue's XLSX form and the
// hostile files under ingest/testdata.
const (
	syntheticCSV  = "../../datasets/defaults/gen-formations-synthetique.csv"
	syntheticXLSX = "../testdata/gen-formations-synthetique.xlsx"
	bmo2024XLSX   = "../../datasets/source/Base_open_data_BMO_2024.xlsx"
	// bmo2024Extract is that workbook with its data sheet cut after row
	// 2,000 (every other part byte for byte, dimension adjusted): the tests
	// that need its layout but not its 53,443 rows read it, as reading the
	// whole workbook costs a minute under -race.
	bmo2024Extract = "testdata/bmo2024-extract.xlsx"
)

// hostileDir holds every hostile file, small and built.
func hostileDir(t testing.TB) string { return hostile.Dir(t, "../testdata/bad") }
