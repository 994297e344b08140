package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/gen-numerique/observatory/ingest"
	"github.com/gen-numerique/observatory/observatory"
)

// Ingest reads files of one kind into a new snapshot and makes it current.
func (m *Main) Ingest(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	m.commonFlags(fs)
	synthetic := fs.Bool("synthetic", false, "flag the inputs as synthetic data, whatever their names say")
	quiet := fs.Bool("quiet", false, "no progress, column, note, repair or quarantine listing (warnings are still printed)")
	allowShrink := fs.Bool("allow-shrink", false, fmt.Sprintf("let a catalogue replace the current one even with over %.0f %% fewer formations in force, or over %.0f %% of a file's data rows quarantined",
		100*ingest.DefaultMaxShrink, 100*ingest.DefaultMaxQuarantine))
	programme := fs.String("programme", "", "offer: the programme the files are a list of, e.g. parcoursup-apprentissage-2020")
	title := fs.String("title", "", "offer: the programme's title in French (default: its name)")
	titleEN := fs.String("title-en", "", "offer: the programme's title in English (default: the French one)")
	source := fs.String("source", "", "offer: who publishes the list, and where this copy comes from")
	sourceURL := fs.String("source-url", "", "offer: the address of the source")
	licence := fs.String("licence", "", "offer: the licence the publisher gives the list")
	date := fs.String("date", "", "offer: the date of the list, YYYY-MM-DD: its formations count in the offer from then")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: observatory ingest KIND [flags] FILE...\n       observatory ingest offer --programme NAME [--title …] [--licence …] [--source-url …] [--date YYYY-MM-DD] FILE...\n\nKinds: %v\n\nFlags:\n", ingest.Kinds())
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
	opt := ingest.Options{Ref: w.Ref, AllowShrink: *allowShrink}
	if kind == observatory.KindOffer {
		if opt.Programme, err = observatory.OfferProgramme(*programme, *title, *titleEN, *source, *sourceURL, *licence, *date); err != nil {
			return usageError{"ingest offer: " + err.Error() + " (--programme, --date)"}
		}
	} else if *programme != "" || *title != "" || *titleEN != "" || *source != "" || *sourceURL != "" || *licence != "" || *date != "" {
		return usageError{"--programme, --title, --title-en, --source, --source-url, --licence and --date describe an offer: ingest offer --programme NAME FILE..."}
	}
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
	printWarnings(m.Stderr, rep)
	return nil
}

// printWarnings prints what the run's caller should look at, on stderr so
// that it shows even when the report is piped away, and even with --quiet.
func printWarnings(w io.Writer, rep *observatory.Report) {
	for _, s := range rep.Warnings {
		fmt.Fprintf(w, "warning: %s\n", s)
	}
}

// printReport prints the run's summary, then where each concept was read,
// the notes, each repair and each quarantined row.
func printReport(w io.Writer, rep *observatory.Report, quiet bool) {
	read, loaded, quarantined, repaired := rep.Totals()
	for _, in := range rep.Inputs {
		flag := ""
		if in.Synthetic {
			flag = "  [SYNTHETIC]"
		}
		if in.Kind == observatory.KindOffer {
			fmt.Fprintf(w, "%s: programme %s: %d rows read, %d loaded (%d repaired), %d set aside (not digital), %d quarantined%s\n",
				in.Name, in.Programme, in.RowsRead, in.Loaded, in.Repaired, in.SetAside, in.Quarantined, flag)
			continue
		}
		fmt.Fprintf(w, "%s: %d rows read, %d loaded (%d repaired), %d quarantined%s\n",
			in.Name, in.RowsRead, in.Loaded, in.Repaired, in.Quarantined, flag)
	}
	setAside := len(rep.SetAside)
	if setAside > 0 {
		fmt.Fprintf(w, "snapshot %s: %d rows read, %d loaded, %d set aside, %d quarantined, %d repaired in %s\n",
			rep.Snapshot, read, loaded, setAside, quarantined, repaired, rep.Duration.Round(time.Millisecond))
	} else {
		fmt.Fprintf(w, "snapshot %s: %d rows read, %d loaded, %d quarantined, %d repaired in %s\n",
			rep.Snapshot, read, loaded, quarantined, repaired, rep.Duration.Round(time.Millisecond))
	}
	if quiet {
		return
	}
	printColumns(w, rep.Columns)
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	for _, r := range rep.Repairs {
		fmt.Fprintf(w, "  repaired: %s: %q -> %q: %s\n", where(r.File, r.Sheet, r.Row, r.Column), r.Was, r.Now, r.Reason)
	}
	for _, r := range rep.Rejects {
		fmt.Fprintf(w, "  quarantined: %s: %s\n", where(r.File, r.Sheet, r.Row, r.Column), r.Reason)
	}
	// Rows set aside are many (every other trade of a national list): a
	// count by rule, then the first few; all are in the snapshot
	// (/api/v1/snapshots/current/set-aside).
	for i, r := range rep.SetAside {
		if i == maxSetAsidePrinted {
			fmt.Fprintf(w, "  set aside: %d more rows, listed at /api/v1/snapshots/current/set-aside\n", len(rep.SetAside)-i)
			break
		}
		fmt.Fprintf(w, "  set aside: %s: %q (%s): %s\n", where(r.File, r.Sheet, r.Row, ""), r.Title, r.Rule, r.Reason)
	}
}

// maxSetAsidePrinted caps the rows set aside listed by the ingest command.
const maxSetAsidePrinted = 20

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

// printColumns prints, for each file, the column each concept was read
// from, then the concepts it lacks.
func printColumns(w io.Writer, cols []observatory.ColumnUse) {
	for i := 0; i < len(cols); {
		file := cols[i].File
		var used, absent []string
		for ; i < len(cols) && cols[i].File == file; i++ {
			if c := cols[i]; c.Header != "" {
				used = append(used, fmt.Sprintf("%s %q", c.Concept, c.Header))
			} else {
				absent = append(absent, c.Concept)
			}
		}
		fmt.Fprintf(w, "  columns of %s: %s\n", file, strings.Join(used, ", "))
		if len(absent) > 0 {
			fmt.Fprintf(w, "  absent from %s: %s\n", file, strings.Join(absent, ", "))
		}
	}
}
