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
	bmo2024XLSX   = "../../datasets/defaults/Base_open_data_BMO_2024.xlsx"
)

// hostileDir holds every hostile file, small and built.
func hostileDir(t testing.TB) string { return hostile.Dir(t, "../testdata/bad") }
