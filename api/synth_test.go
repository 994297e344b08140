package api_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gen-numerique/observatory/datasets/datasetstest"
	"github.com/gen-numerique/observatory/ingest"
)

// withSynthetic gives a data directory with the embedded defaults whose
// catalogue is replaced by a synthetic one of rows formations, written by
// write (internal/synth) into a file named "…synthetique…", which flags
// it as synthetic. The BMO and the geography stay the embedded ones.
func withSynthetic(tb testing.TB, rows int, write func(io.Writer, int) error) *env {
	tb.Helper()
	data := newEnv(tb)
	path := filepath.Join(tb.TempDir(), "catalogue-synthetique-"+strconv.Itoa(rows)+".csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := write(f, rows); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	file, closer, err := ingest.OpenFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer closer.Close()
	rep, err := ingest.Run(context.Background(), data.w, "catalogue", []ingest.File{file},
		ingest.Options{Ref: datasetstest.Reference(tb), AllowShrink: true})
	if err != nil {
		tb.Fatal(err)
	}
	if _, loaded, _, _ := rep.Totals(); loaded != rows {
		tb.Fatalf("%d formations loaded of %d", loaded, rows)
	}
	return data
}
