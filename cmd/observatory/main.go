// Command observatory ingests the GEN formation catalogue and job-demand
// surveys into DuckDB snapshots and serves the open-data API.
//
//	observatory serve     [--addr :8080] [--data DIR]
//	observatory ingest    KIND [--data DIR] FILE...
//	observatory snapshots [--data DIR]
//	observatory snapshots prune --keep N [--older-than D] [--data DIR]
//	observatory version
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/gen-numerique/observatory/observatory"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a subcommand and turns its error into an exit code:
// 2 for usage, 1 for everything else.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	m := &Main{Stdout: stdout, Stderr: stderr}
	var err error
	switch args[0] {
	case "serve":
		err = m.Serve(ctx, args[1:])
	case "ingest":
		err = m.Ingest(ctx, args[1:])
	case "snapshots":
		err = m.Snapshots(ctx, args[1:])
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "observatory", version)
	case "help", "-h", "--help":
		usage(stdout)
	default:
		fmt.Fprintf(stderr, "observatory: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	defer m.Close()
	if err == nil || errors.Is(err, errHelp) {
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "observatory:", err)
		return 2
	}
	fmt.Fprintln(stderr, "observatory:", userMessage(err))
	return 1
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// userMessage prints our errors without their code prefix.
func userMessage(err error) string {
	var oe *observatory.Error
	if errors.As(err, &oe) {
		return oe.Message
	}
	return err.Error()
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage: observatory <command> [flags]

Commands:
  serve       serve the API and the map page (builds a first snapshot from the
              embedded default data when the data directory is empty)
  ingest      ingest files into a new snapshot: observatory ingest catalogue FILE...
  snapshots   list the snapshots of the data directory; 'snapshots prune --keep N'
              removes old ones and the leftovers of killed runs
  version     print the version

Every command takes --data DIR (env OBSERVATORY_DATA, default ./data).
Run 'observatory <command> -h' for the flags of a command.
`)
}
