// Command soak is the fault and load suite (make soak, not part of make
// test): it runs the real binary, kills it with SIGKILL at several points
// of an ingest and of an upload and checks the served data after each, then
// drives the server with requests while catalogues are ingested again and
// again, counting failures and answers that mix two snapshots.
//
//	go run ./cmd/soak -bin bin/observatory [-rows 200000] [-requests 100000]
//	go run ./cmd/soak gen DIR ROWS csv|xlsx   # only write a catalogue
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) == 5 && os.Args[1] == "gen" {
		n, err := strconv.Atoi(os.Args[3])
		if err != nil || n < 0 {
			fmt.Fprintln(os.Stderr, "soak gen: ROWS must be a number of rows")
			os.Exit(2)
		}
		p, err := genCatalogue(os.Args[2], n, os.Args[4])
		if err != nil {
			fmt.Fprintln(os.Stderr, "soak gen:", err)
			os.Exit(1)
		}
		fmt.Println(p)
		return
	}
	var cfg config
	flag.StringVar(&cfg.bin, "bin", "bin/observatory", "the observatory binary to run")
	flag.IntVar(&cfg.rows, "rows", 200000, "rows of the catalogue killed mid-ingest (big enough to take seconds)")
	flag.IntVar(&cfg.requests, "requests", 100000, "requests of the hot-swap run, at least")
	flag.IntVar(&cfg.swaps, "swaps", 20, "ingests during the hot-swap run, at least")
	flag.IntVar(&cfg.workers, "workers", 8, "concurrent clients of the hot-swap run")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

type config struct {
	bin                            string
	rows, requests, swaps, workers int
}

// run does the three parts and prints their figures; any failure, lost
// data or mixed answer is an error.
func run(ctx context.Context, cfg config) error {
	dir, err := os.MkdirTemp("", "soak-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	w := &world{cfg: cfg, dir: dir}
	if err := w.prepare(ctx); err != nil {
		return err
	}
	defer w.stop()
	bad := 0
	for _, part := range []func(context.Context) (int, error){w.killIngests, w.killUploads, w.hotSwap} {
		n, err := part(ctx)
		if err != nil {
			return err
		}
		bad += n
	}
	if bad > 0 {
		return fmt.Errorf("%d checks failed", bad)
	}
	fmt.Println("soak: every check passed")
	return nil
}
