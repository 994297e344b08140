package main

import (
	"errors"
	"flag"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// Main holds what the subcommands share and closes it at the end.
type Main struct {
	Stdout, Stderr io.Writer
	DataDir        string
	LogLevel       string
	LogFormat      string

	log     *slog.Logger
	closers []io.Closer
}

// env returns the OBSERVATORY_* variable or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv("OBSERVATORY_" + name); ok && v != "" {
		return v
	}
	return def
}

// envInt returns the OBSERVATORY_* variable as an integer, or def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(env(name, "")); err == nil {
		return n
	}
	return def
}

// commonFlags registers the flags every subcommand has.
func (m *Main) commonFlags(fs *flag.FlagSet) {
	fs.SetOutput(m.Stderr)
	fs.StringVar(&m.DataDir, "data", env("DATA", "data"), "data directory (env OBSERVATORY_DATA)")
	fs.StringVar(&m.LogLevel, "log-level", env("LOG_LEVEL", "info"), "debug, info, warn or error (env OBSERVATORY_LOG_LEVEL)")
	fs.StringVar(&m.LogFormat, "log-format", env("LOG_FORMAT", "text"), "text or json (env OBSERVATORY_LOG_FORMAT)")
}

// parse reads a subcommand's flags, wherever they stand among its
// arguments (observatory ingest catalogue FILE --data DIR), and sets up
// logging. -h prints the subcommand's help on stdout: asking for it is not
// an error.
func (m *Main) parse(fs *flag.FlagSet, args []string) error {
	usage := fs.Usage
	fs.Usage = func() {} // shown below, where it belongs
	defer func() { fs.Usage = usage }()
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(m.Stdout)
				usage()
				return errHelp
			}
			usage()
			return usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	// Parse again over the positional arguments alone, so fs.Args() gives
	// them to the subcommand.
	if err := fs.Parse(append([]string{"--"}, pos...)); err != nil {
		return usageError{err.Error()}
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(m.LogLevel)); err != nil {
		return usageError{"--log-level: " + err.Error()}
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch strings.ToLower(m.LogFormat) {
	case "json":
		m.log = slog.New(slog.NewJSONHandler(m.Stderr, opts))
	case "text":
		m.log = slog.New(slog.NewTextHandler(m.Stderr, opts))
	default:
		return usageError{"--log-format must be text or json"}
	}
	return nil
}

func (m *Main) dir() duckdb.Dir { return duckdb.Dir{Root: m.DataDir} }

// writer loads the reference data once (geography and job referential)
// and returns a snapshot writer on the data directory built against it.
func (m *Main) writer() (duckdb.Writer, error) {
	ref, err := datasets.Reference()
	if err != nil {
		return duckdb.Writer{}, err
	}
	return duckdb.Writer{Dir: m.dir(), Ref: ref, Version: version}, nil
}

// errHelp reports that help was printed: the command ends with status 0.
var errHelp = errors.New("help printed")

// Close closes what the command opened, in reverse order.
func (m *Main) Close() {
	for i := len(m.closers) - 1; i >= 0; i-- {
		m.closers[i].Close()
	}
	m.closers = nil
}
