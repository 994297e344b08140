package api_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/gen-numerique/observatory/api"
	"github.com/gen-numerique/observatory/api/export"
	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// hostileTexts are cells that each take a branch of the CSV quoting, the
// formula guard or the JSON escaping.
var hostileTexts = []string{
	"", "plain", "=SUM(A1)", "+33 1 23", "-x", "@cmd", "\tlead tab", "\rlead cr", `a"b`, "a;b", "a,b",
	"a\nb", "a\r\nb", "a\rb", " lead space", "\u00a0nbsp", "\u3000ideographic", "\u2028ls\u2029ps",
	"<b>&amp;</b>", "\x01ctl\x1f\x7f", "\b\f", `back\slash`, `\.`, `\.x`, "é à ç", "=\u0301", "🙂 emoji", "'quote",
}

// hostileNumbers round in every way 5 decimals and 1 decimal can.
var hostileNumbers = []float64{0, 0.000001, -0.000004, 0.00001, -0.000005, 48.123456789, 45.5, -1.234565,
	2.675, 0.05, 0.15, 2.25, -2.25, 1e-9, 123456789.123456, 7}

// withHostileFormations is a data directory with the embedded defaults
// and n more formations whose texts, numbers, lists, dates and missing
// values are drawn from the cases above (seeded, so a failure replays),
// written into the snapshot's table directly: the ingest would repair or
// refuse many of them, and the writers must still be right.
func withHostileFormations(t *testing.T, n int) *duckdb.Hub {
	t.Helper()
	dir := duckdb.Dir{Root: t.TempDir()}
	datasetstest.CopyTree(t, defaultSnapshot(t), dir.Root)
	id, err := dir.Current()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", dir.Path(id))
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(19, 2026))
	text := func() any {
		if r.IntN(8) == 0 {
			return nil
		}
		var b strings.Builder
		for range 1 + r.IntN(2) {
			b.WriteString(hostileTexts[r.IntN(len(hostileTexts))])
		}
		return b.String()
	}
	num := func() any {
		if r.IntN(6) == 0 {
			return nil
		}
		return hostileNumbers[r.IntN(len(hostileNumbers))] * float64(1+r.IntN(3))
	}
	integer := func() any {
		if r.IntN(4) == 0 {
			return nil
		}
		return r.IntN(200) - 20
	}
	date := func() any {
		if r.IntN(4) == 0 {
			return nil
		}
		return fmt.Sprintf("20%02d-%02d-%02d", 15+r.IntN(12), 1+r.IntN(12), 1+r.IntN(28))
	}
	rules := []any{nil, "commune-centroid", "=other", ""}
	for i := range n {
		title := text()
		if title == nil {
			title = ""
		}
		rome := []string{}
		for range r.IntN(3) {
			rome = append(rome, hostileTexts[r.IntN(len(hostileTexts))])
		}
		_, err := db.Exec(`INSERT INTO formations SELECT * REPLACE (
			? AS id, ? AS title, coalesce(?, '') AS structure, ? AS postcode, ? AS commune, ? AS family, ? AS bassin,
			? AS lat, ? AS lon, ?::VARCHAR[] AS rome, ? AS duration_months, ?::DATE AS labelled_on, ?::DATE AS label_end,
			?::DATE AS listed_on, ? AS wave, ? AS seats, ? AS learners, ? AS women, ? AS qpv, ? AS synthetic,
			? AS structure_id, ? AS diploma, ? AS point_rule)
			FROM formations WHERE id = (SELECT min(id) FROM formations)`,
			fmt.Sprintf("~hostile-%04d", i), title, text(), text(), text(), text(), text(),
			num(), num(), rome, num(), date(), date(), date(), integer(), integer(), integer(), integer(), integer(),
			r.IntN(2) == 0, text(), text(), rules[r.IntN(len(rules))])
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	hub := duckdb.NewHub(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, err := hub.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hub.Close() })
	return hub
}

// The store's own CSV and NDJSON lines (DB.FormationLines, the fast path
// of every formations download) are byte for byte what the row-by-row
// writers make of the same rows, in both CSV dialects and NDJSON, for
// every column and for a selection, on the embedded catalogue and on
// 400 formations made of the hostile cases.
func TestStoreLinesAreTheWritersLines(t *testing.T) {
	t.Parallel()
	hub := withHostileFormations(t, 400)
	st, release, err := hub.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ctx := context.Background()
	filters := map[string]observatory.FormationFilter{
		"all":    {},
		"region": {Region: "84", Sort: []observatory.SortKey{{Field: "title", Desc: true}}},
	}
	selections := map[string][]string{
		"every column": nil,
		"a selection":  {"point_rule", "id", "title", "lat", "rome", "labelled_on", "synthetic", "wave", "duration_months"},
	}
	formats := []struct {
		name  string
		write func(io.Writer, export.Table) error
	}{
		{"csv", func(w io.Writer, t export.Table) error { return export.WriteCSV(w, t, export.RFC4180) }},
		{"csv-fr", func(w io.Writer, t export.Table) error { return export.WriteCSV(w, t, export.French) }},
		{"ndjson", func(w io.Writer, t export.Table) error { return export.WriteNDJSON(w, t, export.Meta{}) }},
		{"ndjson-synthetic", func(w io.Writer, t export.Table) error {
			return export.WriteNDJSON(w, t, export.Meta{Synthetic: true})
		}},
	}
	for fname, f := range filters {
		for sname, fields := range selections {
			for _, fm := range formats {
				t.Run(fname+"/"+sname+"/"+fm.name, func(t *testing.T) {
					tab := api.FormationTable(ctx, st, f, false).Select(fields)
					var fast, slow bytes.Buffer
					if err := fm.write(&fast, tab); err != nil {
						t.Fatal(err)
					}
					tab.Lines = nil
					if err := fm.write(&slow, tab); err != nil {
						t.Fatal(err)
					}
					if fname == "all" && !bytes.Contains(slow.Bytes(), []byte("~hostile-0399")) {
						t.Fatal("the hostile rows are not in the export")
					}
					if !bytes.Equal(fast.Bytes(), slow.Bytes()) {
						a, b := strings.SplitAfter(fast.String(), "\n"), strings.SplitAfter(slow.String(), "\n")
						for i := range min(len(a), len(b)) {
							if a[i] != b[i] {
								t.Fatalf("line %d differs:\nstore: %q\nGo:    %q", i, a[i], b[i])
							}
						}
						t.Fatalf("%d lines from the store, %d from Go", len(a), len(b))
					}
				})
			}
		}
	}
}
