package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// Snapshots lists the snapshots of the data directory, or prunes them
// (observatory snapshots prune).
func (m *Main) Snapshots(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "prune" {
		return m.Prune(ctx, args[1:])
	}
	if len(args) > 0 && args[0] == "list" {
		args = args[1:]
	}
	fs := flag.NewFlagSet("snapshots", flag.ContinueOnError)
	m.commonFlags(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: observatory snapshots [list] [flags]\n       observatory snapshots prune --keep N [--older-than D] [--dry-run] [flags]\n\nLists the snapshots of the data directory; prune removes old ones (see snapshots prune -h).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{fmt.Sprintf("snapshots: unknown argument %q; did you mean snapshots prune?", fs.Arg(0))}
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
	fmt.Fprintln(tw, "ID\tCREATED\tFORMATIONS\tJOB DEMAND\tQUARANTINED\tSIZE\tNOTE")
	var total int64
	for _, s := range list {
		note := ""
		if s.Current {
			note = "current"
		}
		if s.Synthetic {
			note += " synthetic-data"
		}
		total += s.Bytes
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\n", s.ID, s.Created.Format("2006-01-02 15:04:05"), s.Counts.Formations, s.Counts.JobDemand,
			s.Quarantined, bytesText(s.Bytes), strings.TrimSpace(note))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(list) > 1 {
		fmt.Fprintf(m.Stderr, "%d snapshots, %s\n", len(list), bytesText(total))
	}
	return nil
}

// Prune removes old snapshots: all but the current one, the newest N and
// (with --older-than) those younger than D, never one a server has open;
// then the leftovers of killed runs. It says what it removed and freed.
func (m *Main) Prune(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("snapshots prune", flag.ContinueOnError)
	m.commonFlags(fs)
	keep := fs.Int("keep", -1, "keep the newest N snapshots (the current one is always kept)")
	olderThan := fs.String("older-than", "", "keep the snapshots younger than this too: 90d, 2w, 36h")
	dry := fs.Bool("dry-run", false, "say what would be removed, remove nothing")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: observatory snapshots prune --keep N [--older-than D] [--dry-run] [flags]

Removes the snapshots of the data directory that are not kept: the current
one, the newest N and, with --older-than, those younger than D are kept, and
so is any snapshot a running server has open. Then removes what killed runs
left behind. Prints what it removed and the bytes freed.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{fmt.Sprintf("snapshots prune: unexpected argument %q", fs.Arg(0))}
	}
	age, err := parseAge(*olderThan)
	if err != nil {
		return usageError{"--older-than: " + err.Error()}
	}
	if *keep < 0 && age == 0 {
		fs.Usage()
		return usageError{"snapshots prune needs --keep N (and/or --older-than D): it will not guess how many to keep"}
	}
	dir := m.dir()
	res, err := dir.Prune(duckdb.PruneOptions{Keep: max(*keep, 0), OlderThan: age, DryRun: *dry})
	if err != nil {
		return err
	}
	verb := "removed"
	if *dry {
		verb = "would remove"
	}
	for _, p := range res.Removed {
		fmt.Fprintf(m.Stdout, "%s %s (made %s, %s)\n", verb, p.ID, p.Created.Format("2006-01-02 15:04:05"), bytesText(p.Bytes))
	}
	for _, id := range res.InUse {
		fmt.Fprintf(m.Stdout, "kept %s: a running server has it open\n", id)
	}
	freed := res.Freed
	if !*dry {
		left, err := dir.Clean()
		for _, l := range left {
			fmt.Fprintf(m.Stdout, "removed %s (%s): %s\n", l.Path, bytesText(l.Bytes), l.What)
			freed += l.Bytes
		}
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(m.Stdout, "%s %d snapshots, %s freed; %d kept\n", verb, len(res.Removed), bytesText(freed), len(res.Kept))
	return nil
}

// parseAge reads a duration with days and weeks too: 90d, 2w, 36h, 1h30m.
func parseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.ParseFloat(n, 64)
			if err != nil || v <= 0 {
				return 0, fmt.Errorf("%q is not a duration (e.g. 90d, 2w, 36h)", s)
			}
			return time.Duration(v * float64(unit)), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a duration (e.g. 90d, 2w, 36h)", s)
	}
	return d, nil
}

// bytesText writes a size for people: 613 MB, 13.2 MB, 840 kB.
func bytesText(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.0f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}
