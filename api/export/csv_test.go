package export_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/api/export"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test ./api/export -run %s -update rewrites it):\n%s\nwant:\n%s", name, t.Name(), got, want)
	}
}

func sample() export.Table {
	f := 1.1906856959536738
	return export.Table{
		Name: "sample",
		Columns: []export.Column{
			{Name: "code", Type: "string", Title: "Code", TitleEN: "Code"},
			{Name: "value", Type: "number", Title: "Valeur", TitleEN: "Value", Decimals: export.Dec(2)},
			{Name: "share", Type: "number", Title: "Part (%)", TitleEN: "Share (%)", Decimals: export.Dec(1)},
			{Name: "count", Type: "integer", Title: "Formations", TitleEN: "Formations"},
			{Name: "class", Type: "string", Title: "Classe de couverture", TitleEN: "Coverage class",
				LabelsFR: map[string]string{"none": "aucune", "adequate": "suffisante"}},
			{Name: "flags", Type: "string", Title: "Signalements", TitleEN: "Flags", LabelsFR: map[string]string{"low_n": "effectif faible"}},
			{Name: "on", Type: "date", Title: "Date", TitleEN: "Date"},
			{Name: "name", Type: "string", Title: "Nom", TitleEN: "Name"},
		},
		Each: func(yield func([]any) error) error {
			day := time.Date(2016, 2, 3, 0, 0, 0, 0, time.UTC)
			if err := yield([]any{"01", &f, 34.5678, 12, "adequate", []string{"low_n", "synthetic"}, day, "=HYPERLINK(\"x\")"}); err != nil {
				return err
			}
			return yield([]any{"2A", nil, nil, 0, "none", []string{}, nil, "Ajaccio"})
		},
	}
}

// TestCSVDialects: the French file has French titles, labels, dates and
// decimal commas; both round to the columns' precision and neutralise
// formulas; the RFC 4180 file keeps machine names.
func TestCSVDialects(t *testing.T) {
	for _, d := range []export.Dialect{export.French, export.RFC4180} {
		var b bytes.Buffer
		if err := export.WriteCSV(&b, sample(), d); err != nil {
			t.Fatal(err)
		}
		golden(t, "sample-"+string(d)+".csv", b.Bytes())
	}
	var b bytes.Buffer
	if err := export.WriteCSV(&b, sample().Select([]string{"class", "value"}), export.French); err != nil {
		t.Fatal(err)
	}
	golden(t, "sample-fr-selected.csv", b.Bytes())
}
