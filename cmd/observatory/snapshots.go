package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"

	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// Snapshots lists the snapshots of the data directory.
func (m *Main) Snapshots(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("snapshots", flag.ContinueOnError)
	m.commonFlags(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: observatory snapshots [flags]\n\nLists the snapshots of the data directory.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := m.parse(fs, args); err != nil {
		return err
	}
	hub := duckdb.NewHub(m.dir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer hub.Close()
	if _, err := hub.Reload(ctx); err != nil {
		return err
	}
	list, err := hub.Snapshots(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCREATED\tFORMATIONS\tJOB DEMAND\tQUARANTINED\tNOTE")
	for _, s := range list {
		note := ""
		if s.Current {
			note = "current"
		}
		if s.Synthetic {
			note += " synthetic-data"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\n", s.ID, s.Created.Format("2006-01-02 15:04:05"), s.Counts.Formations, s.Counts.JobDemand, s.Quarantined, note)
	}
	return tw.Flush()
}
