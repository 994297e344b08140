package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// writeTables writes one Markdown table per endpoint: every connection
// count and encoding, each server's req/s, p50 and p99, and the project's
// rate as a fraction of each ceiling's.
func writeTables(w io.Writer, servers []server, targets []Target, cells []Cell) {
	for _, group := range byEndpoint(targets) {
		ep := group[0].Endpoint
		fmt.Fprintf(w, "#### %s: `GET %s`\n\n", ep.Name, ep.Path)
		var rows []Cell
		for _, c := range cells {
			if c.Target.Endpoint == ep {
				rows = append(rows, c)
			}
		}
		if len(rows) > 0 {
			writeTable(w, servers, rows)
			fmt.Fprintln(w)
		}
		var notes []string
		for _, t := range group {
			if t.Skip != "" {
				notes = append(notes, fmt.Sprintf("- %s: %s", t.encoding(), t.Skip))
			}
		}
		for _, c := range rows {
			for i, r := range c.Results {
				if r.Errors > 0 {
					notes = append(notes, fmt.Sprintf("- %d conns, %s, %s: %d errors of %d requests",
						c.Conns, c.Target.encoding(), servers[i].name, r.Errors, r.Requests))
				}
			}
		}
		if len(notes) > 0 {
			fmt.Fprintf(w, "%s\n\n", strings.Join(notes, "\n"))
		}
	}
}

func writeTable(w io.Writer, servers []server, rows []Cell) {
	head := []string{"conns", "encoding", "size"}
	align := []string{"---:", "---", "---:"}
	for _, s := range servers {
		head = append(head, s.name+" req/s", "p50", "p99")
		align = append(align, "---:", "---:", "---:")
	}
	for _, s := range servers[1:] {
		head = append(head, "project/"+s.name)
		align = append(align, "---:")
	}
	fmt.Fprintf(w, "| %s |\n|%s|\n", strings.Join(head, " | "), strings.Join(align, "|"))
	for _, c := range rows {
		row := []string{fmt.Sprint(c.Conns), c.Target.encoding(), fmtSize(c.Target.Size)}
		for _, r := range c.Results {
			row = append(row, fmtRate(r.ReqPerSec), fmtDur(r.P50), fmtDur(r.P99))
		}
		for _, r := range c.Results[1:] {
			row = append(row, ratio(c.Results[0].ReqPerSec, r.ReqPerSec))
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
	}
}

// writeSummary writes one line per endpoint at conns connections (16 in
// the default matrix), gzip when measured, since browsers ask for it.
func writeSummary(w io.Writer, servers []server, cells []Cell, conns int) {
	var picked []Cell
	for _, c := range cells {
		if c.Conns != conns {
			continue
		}
		if n := len(picked); n > 0 && picked[n-1].Target.Endpoint == c.Target.Endpoint {
			if c.Target.Gzip {
				picked[n-1] = c
			}
			continue
		}
		picked = append(picked, c)
	}
	for _, c := range picked {
		p := c.Results[0]
		fmt.Fprintf(w, "- **%s** (%s, %d conns, %s): project %s req/s, p99 %s",
			c.Target.Endpoint.Name, c.Target.encoding(), conns, fmtSize(c.Target.Size), fmtRate(p.ReqPerSec), fmtDur(p.P99))
		for i, r := range c.Results[1:] {
			fmt.Fprintf(w, "; %s× %s (%s req/s, p99 %s)", ratio(p.ReqPerSec, r.ReqPerSec), servers[i+1].name, fmtRate(r.ReqPerSec), fmtDur(r.P99))
		}
		fmt.Fprintln(w)
	}
}

// summaryConns is 16 when measured, else the middle connection count.
func summaryConns(conns []int) int {
	for _, c := range conns {
		if c == 16 {
			return 16
		}
	}
	return conns[len(conns)/2]
}

func ratio(a, b float64) string {
	if b == 0 {
		return "n/a"
	}
	if a/b < 0.1 {
		return fmt.Sprintf("%.3f", a/b)
	}
	return fmt.Sprintf("%.2f", a/b)
}

func fmtRate(r float64) string {
	if r < 100 {
		return fmt.Sprintf("%.1f", r)
	}
	return fmt.Sprintf("%.0f", r)
}

func fmtDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/1e6)
	case d < 10*time.Second:
		return fmt.Sprintf("%.0fms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

func fmtSize(n int) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
