package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	if code, _, stderr := runCmd(t); code != 2 || !strings.Contains(stderr, "Usage") {
		t.Fatalf("no args: %d %q", code, stderr)
	}
	if code, _, stderr := runCmd(t, "frobnicate"); code != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Fatalf("unknown: %d %q", code, stderr)
	}
	if code, out, _ := runCmd(t, "version"); code != 0 || !strings.HasPrefix(out, "observatory ") {
		t.Fatalf("version: %d %q", code, out)
	}
	if code, _, stderr := runCmd(t, "ingest", "catalogue", "--data", t.TempDir()); code != 2 || !strings.Contains(stderr, "at least one file") {
		t.Fatalf("ingest without files: %d %q", code, stderr)
	}
	if code, _, stderr := runCmd(t, "ingest", "nonsense", "--data", t.TempDir(), "x.csv"); code != 1 || !strings.Contains(stderr, "x.csv") {
		t.Fatalf("missing file: %d %q", code, stderr)
	}
}

// Help is asked for, not a mistake: it goes to stdout with status 0, for
// the command and each subcommand.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"help"}, {"--help"}, {"serve", "-h"}, {"ingest", "-h"}, {"ingest", "catalogue", "-h"},
		{"snapshots", "--help"}} {
		code, out, stderr := runCmd(t, args...)
		if code != 0 || !strings.Contains(out, "Usage") || stderr != "" || strings.Contains(out, "help requested") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, stderr)
		}
	}
}

// Flags may come after the file names.
func TestFlagsAfterFiles(t *testing.T) {
	data := t.TempDir()
	code, out, stderr := runCmd(t, "ingest", "catalogue", "../../ingest/testdata/bad/catalogue-cp1252.csv", "--data", data, "--quiet")
	if code != 0 || !strings.Contains(out, "catalogue-cp1252.csv: 2 rows read") || strings.Contains(out, "note:") {
		t.Fatalf("ingest FILE --data DIR --quiet: %d %q %q", code, out, stderr)
	}
	if code, out, _ := runCmd(t, "snapshots", "--data", data); code != 0 || strings.Count(out, "\n") != 2 {
		t.Fatalf("the snapshot is not in --data: %d %q", code, out)
	}
}

func TestIngestThenList(t *testing.T) {
	data := t.TempDir()
	code, out, stderr := runCmd(t, "ingest", "catalogue", "--data", data, "../../ingest/testdata/bad/catalogue-cp1252.csv")
	if code != 0 || !strings.Contains(out, "catalogue-cp1252.csv: 2 rows read, 2 loaded (0 repaired), 0 quarantined") {
		t.Fatalf("ingest: %d %q %q", code, out, stderr)
	}
	code, out, _ = runCmd(t, "snapshots", "--data", data)
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(out, "current") {
		t.Fatalf("snapshots: %d %q", code, out)
	}
	code, _, stderr = runCmd(t, "ingest", "catalogue", "--data", data, "../../ingest/testdata/bad/empty.csv")
	if code != 1 || stderr != "observatory: empty.csv: empty file\n" {
		t.Fatalf("empty file: %d %q", code, stderr)
	}
}

// TestServeBootstrapAndShutdown starts the server on an empty data
// directory: it builds the default snapshot, serves it, and stops cleanly
// when its context ends (as on SIGTERM).
func TestServeBootstrapAndShutdown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var errb bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--data", t.TempDir(), "--log-level", "warn"}, &bytes.Buffer{}, &errb)
	}()
	// A guard against a hang, not a speed check: building the default
	// snapshot (53,000 BMO rows) takes tens of seconds under -race.
	deadline := time.Now().Add(5 * time.Minute)
	for {
		res, err := http.Get("http://" + addr + "/api/v1/formations?region=84&limit=1")
		if err == nil {
			res.Body.Close()
			if res.StatusCode != 200 || res.Header.Get("X-Observatory-Snapshot") == "" {
				t.Fatalf("status %d", res.StatusCode)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not up: %v; %s", err, errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no graceful shutdown")
	}
}

// A catalogue that would shrink the current one is refused, with the way
// to override; with --allow-shrink it goes through, and what it lacks is
// printed as warnings on stderr, even with --quiet.
func TestIngestShrinkAndWarnings(t *testing.T) {
	data := t.TempDir()
	if code, out, stderr := runCmd(t, "ingest", "catalogue", "--data", data, "../../datasets/defaults/gen-formations-synthetique.csv"); code != 0 ||
		!strings.Contains(out, `learners "Apprenants formés"`) || stderr != "" {
		t.Fatalf("stand-in: %d %q %q", code, out, stderr)
	}
	one := filepath.Join(t.TempDir(), "une.csv")
	csv := "Nom de la formation;Structure porteuse;Code postal;Date de labellisation;Fin de labellisation\nDéveloppeur web;Fabrique;69003;2024-03-01;2027-03-01\n"
	if err := os.WriteFile(one, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCmd(t, "ingest", "catalogue", "--data", data, one)
	if code != 1 || out != "" || !strings.Contains(stderr, "une.csv: refused: the catalogue would go from 80 formations in force") || !strings.Contains(stderr, "--allow-shrink") {
		t.Fatalf("shrink: %d %q %q", code, out, stderr)
	}
	if _, out, _ := runCmd(t, "snapshots", "--data", data); strings.Count(out, "\n") != 2 {
		t.Fatalf("a refused run made a snapshot: %q", out)
	}
	code, out, stderr = runCmd(t, "ingest", "catalogue", "--data", data, "--allow-shrink", "--quiet", one)
	if code != 0 || !strings.Contains(out, "une.csv: 1 rows read, 1 loaded") || strings.Contains(out, "note:") || strings.Contains(out, "warning") ||
		!strings.Contains(stderr, `warning: une.csv: learners: the current catalogue has it (column "Apprenants formés" of gen-formations-synthetique.csv), this file does not: learner figures will be null`) {
		t.Fatalf("allowed: %d %q %q", code, out, stderr)
	}
}
