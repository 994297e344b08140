package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gen-numerique/observatory/ingest"
	"github.com/gen-numerique/observatory/observatory"
)

// Ingest reads files of one kind into a new snapshot and makes it current.
func (m *Main) Ingest(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	m.commonFlags(fs)
	synthetic := fs.Bool("synthetic", false, "flag the inputs as synthetic data, whatever their names say")
	quiet := fs.Bool("quiet", false, "no progress or quarantine listing")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: observatory ingest KIND [flags] FILE...\n\nKinds: %v\n\nFlags:\n", ingest.Kinds())
		fs.PrintDefaults()
	}
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		fs.SetOutput(m.Stdout)
		fs.Usage()
		return errHelp
	}
	if len(args) == 0 || args[0] == "" || args[0][0] == '-' {
		fs.Usage()
		return usageError{"ingest needs a kind, e.g. observatory ingest catalogue FILE..."}
	}
	kind := args[0]
	if err := m.parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"ingest " + kind + " needs at least one file"}
	}
	var files []ingest.File
	for _, p := range fs.Args() {
		f, c, err := ingest.OpenFile(p)
		if err != nil {
			return err
		}
		m.closers = append(m.closers, c)
		f.Synthetic = *synthetic
		files = append(files, f)
	}
	w, err := m.writer()
	if err != nil {
		return err
	}
	opt := ingest.Options{Ref: w.Ref}
	if !*quiet && isTerminal(m.Stderr) {
		opt.Progress = func(file string, rows int) { fmt.Fprintf(m.Stderr, "\r%s: %d rows read", file, rows) }
	}
	rep, err := ingest.Run(ctx, w, kind, files, opt)
	if opt.Progress != nil {
		fmt.Fprint(m.Stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	printReport(m.Stdout, rep, *quiet)
	return nil
}

// printReport prints the run's summary, then each quarantined row.
func printReport(w io.Writer, rep *observatory.Report, quiet bool) {
	read, loaded, quarantined, repaired := rep.Totals()
	for _, in := range rep.Inputs {
		flag := ""
		if in.Synthetic {
			flag = "  [SYNTHETIC]"
		}
		fmt.Fprintf(w, "%s: %d rows read, %d loaded (%d repaired), %d quarantined%s\n",
			in.Name, in.RowsRead, in.Loaded, in.Repaired, in.Quarantined, flag)
	}
	fmt.Fprintf(w, "snapshot %s: %d rows read, %d loaded, %d quarantined, %d repaired in %s\n",
		rep.Snapshot, read, loaded, quarantined, repaired, rep.Duration.Round(time.Millisecond))
	if quiet {
		return
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	for _, r := range rep.Repairs {
		fmt.Fprintf(w, "  repaired: %s: %q -> %q: %s\n", where(r.File, r.Sheet, r.Row, r.Column), r.Was, r.Now, r.Reason)
	}
	for _, r := range rep.Rejects {
		fmt.Fprintf(w, "  quarantined: %s: %s\n", where(r.File, r.Sheet, r.Row, r.Column), r.Reason)
	}
}

func where(file, sheet string, row int, column string) string {
	s := file
	if sheet != "" {
		s += ", sheet " + sheet
	}
	s += fmt.Sprintf(", row %d", row)
	if column != "" {
		s += ", column " + column
	}
	return s
}

// isTerminal reports whether w is a character device, where progress
// lines with carriage returns make sense.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
