// Command soak is the fault and load suite (make soak, not part of make
// test): it runs the real binary, kills it with SIGKILL at several points
// of an ingest and of an upload and checks the served data after each, then
// drives the server with requests while catalogues are ingested again and
// again, counting failures and answers that mix two snapshots.
//
//	go run ./cmd/soak -bin bin/observatory [-rows 200000] [-requests 100000]
//	go run ./cmd/soak gen DIR ROWS csv|xlsx   # only write a catalogue
//	go run ./cmd/soak mem [-bin B] [-sizes 10000,100000,1000000,2000000] [-ext csv|xlsx] [-dir D]
//	                                          # peak memory of an ingest by row count
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
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
	if len(os.Args) > 1 && os.Args[1] == "mem" {
		os.Exit(memMain(os.Args[2:]))
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

// memMain runs `soak mem`.
func memMain(args []string) int {
	fs := flag.NewFlagSet("soak mem", flag.ExitOnError)
	var cfg config
	fs.StringVar(&cfg.bin, "bin", "bin/observatory", "the observatory binary to run")
	sizes := fs.String("sizes", "10000,100000,1000000,2000000", "row counts, comma separated")
	ext := fs.String("ext", "csv", "the catalogues' format: csv or xlsx")
	keep := fs.String("dir", "", "where to write (and keep) the catalogues; default a temporary directory")
	fs.Parse(args)
	var ns []int
	for _, f := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "soak mem: -sizes: %q is not a row count\n", f)
			return 2
		}
		ns = append(ns, n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()
	if err := memCurve(ctx, cfg, ns, *ext, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "soak mem:", err)
		return 1
	}
	return 0
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
