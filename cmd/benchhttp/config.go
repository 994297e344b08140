package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is what the flags say.
type Config struct {
	Bin          string        // the observatory binary
	Data         string        // its data directory; empty: a fresh one
	ServerArgs   []string      // extra arguments to "serve"
	Duration     time.Duration // of one load run
	Conns        []int
	Threads      int // wrk threads; 0: min(conns, cores/2)
	Repeat       int // runs of each cell, keeping the median
	Endpoints    string
	Out          string // markdown file to write the section into
	Section      string // its name, so a later run replaces it and not others
	LoadGen      string // wrk, hey, vegeta or auto
	Nginx        string // auto, on or off
	ReadyTimeout time.Duration
	Args         []string // as given, for the "command" line of the report
}

func parseFlags(args []string, stderr io.Writer) (*Config, error) {
	c := &Config{Args: args}
	fs := flag.NewFlagSet("benchhttp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Bin, "bin", "bin/observatory", "observatory binary to run (make build)")
	fs.StringVar(&c.Data, "data", "", "data directory for the server; empty: a fresh temporary one, built from the embedded default data")
	serverArgs := fs.String("server-args", "", "extra arguments to 'observatory serve', space-separated (e.g. '--log-level warn')")
	fs.DurationVar(&c.Duration, "duration", 10*time.Second, "length of one load run")
	conns := fs.String("conns", "1,16,64", "connection counts, comma-separated")
	fs.IntVar(&c.Threads, "threads", 0, "wrk threads; 0: min(conns, cores/2), leaving the servers the other half")
	fs.IntVar(&c.Repeat, "repeat", 1, "runs of each (endpoint, encoding, conns), alternating servers; the median is kept")
	fs.StringVar(&c.Endpoints, "endpoints", "", "file of endpoints, one 'name path [both|identity]' a line; empty: the built-in list")
	fs.StringVar(&c.Out, "out", "", "markdown file to write the results into (e.g. docs/performance.md); empty: stdout only")
	fs.StringVar(&c.Section, "section", "latest", "name of the section of -out to replace or append")
	fs.StringVar(&c.LoadGen, "loadgen", "auto", "wrk, hey, vegeta (built in) or auto (the first of these found)")
	fs.StringVar(&c.Nginx, "nginx", "auto", "nginx ceiling: auto (when on PATH), on (required) or off")
	fs.DurationVar(&c.ReadyTimeout, "ready-timeout", 5*time.Minute, "how long the server may take to build its first snapshot")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if c.Conns, err = parseInts(*conns); err != nil {
		return nil, fmt.Errorf("-conns: %w", err)
	}
	c.ServerArgs = strings.Fields(*serverArgs)
	switch {
	case c.Duration < time.Second:
		return nil, fmt.Errorf("-duration must be at least 1s")
	case c.Repeat < 1:
		return nil, fmt.Errorf("-repeat must be at least 1")
	case !slices.Contains([]string{"auto", "wrk", "hey", "vegeta"}, c.LoadGen):
		return nil, fmt.Errorf("-loadgen must be wrk, hey, vegeta or auto")
	case !slices.Contains([]string{"auto", "on", "off"}, c.Nginx):
		return nil, fmt.Errorf("-nginx must be auto, on or off")
	case c.Out != "" && !validSection(c.Section):
		return nil, fmt.Errorf("-section must be letters, digits, '-' or '_'")
	}
	return c, nil
}

// threads is wrk's -t for conns connections: wrk needs one connection per
// thread at least, and on a small machine the servers need the other cores.
func (c *Config) threads(conns int) int {
	t := c.Threads
	if t <= 0 {
		t = max(1, runtime.NumCPU()/2)
	}
	return min(t, conns)
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}
