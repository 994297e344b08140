package main

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// reportInfo is everything the written report says: how it was measured,
// then the summary and the tables.
type reportInfo struct {
	cfg      *Config
	machine  Machine
	loadGen  string
	nginx    string
	snapshot string
	date     time.Time
	// Other work on the machine skews every figure: the load average
	// before and after says how much there was.
	loadStart string
	servers   []server
	targets   []Target
	cells     []Cell
}

func (r reportInfo) markdown() string {
	var b strings.Builder
	m := r.machine
	fmt.Fprintf(&b, "## bench-http: %s, %s\n\n", r.cfg.Section, r.date.Format("2006-01-02"))
	fmt.Fprintf(&b, "- Date: %s\n", r.date.Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "- Machine: %s\n", m)
	fmt.Fprintf(&b, "- Go: %s for this tool and the FileServer ceiling; the server was built with %s\n", m.Go, orUnknown(m.ServerGo))
	fmt.Fprintf(&b, "- Server: `%s serve` (%s), its default flags%s, snapshot `%s`\n",
		r.cfg.Bin, orUnknown(m.Server), serverArgsNote(r.cfg.ServerArgs), r.snapshot)
	threads := ""
	if strings.HasPrefix(r.loadGen, "wrk") {
		threads = fmt.Sprintf(", `-t` min(conns, %d)", r.cfg.threads(1<<20))
	}
	fmt.Fprintf(&b, "- Load generator: %s%s, closed loop, %s a run, %d run(s) a cell (median), servers interleaved in each cell\n",
		r.loadGen, threads, r.cfg.Duration, r.cfg.Repeat)
	ceilings := "Go `net/http.FileServer` with a gzip_static wrapper (`cmd/benchhttp` serve-files, a child process)"
	if r.nginx != "" {
		ceilings += fmt.Sprintf("; %s (`worker_processes auto`, `gzip_static on`, `access_log off`, `sendfile on`)", r.nginx)
	} else {
		ceilings += "; nginx not installed or -nginx off"
	}
	fmt.Fprintf(&b, "- Ceilings: %s, serving the project's own response bytes\n", ceilings)
	fmt.Fprintf(&b, "- Command: `%s`\n", command(r.cfg.Args))
	fmt.Fprintf(&b, "- Load average (1, 5, 15 min) at the start: %s; at the end: %s\n", r.loadStart, loadAverage())
	fmt.Fprintf(&b, "- The load generator and the servers share the machine's %d cores, so these are figures for one box doing both, not a server's capacity; compare rows with each other, not with another machine.\n\n", m.CPUs)
	conns := summaryConns(r.cfg.Conns)
	fmt.Fprintf(&b, "### Summary at %d connections\n\n", conns)
	writeSummary(&b, r.servers, r.cells, conns)
	fmt.Fprintf(&b, "\n### Per endpoint\n\n")
	writeTables(&b, r.servers, r.targets, r.cells)
	return b.String()
}

func serverArgsNote(args []string) string {
	if len(args) == 0 {
		return " (access log at info)"
	}
	return " plus `" + strings.Join(args, " ") + "`"
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// command is how to run it again: go run, with the arguments quoted for
// a POSIX shell.
func command(args []string) string {
	parts := []string{"go run ./cmd/benchhttp"}
	for _, a := range args {
		if a == "" || !shellSafe.MatchString(a) {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./:=,@%+-]+$`)
