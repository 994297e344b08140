package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Main runs the benchmark (or, as a child, the file server) and returns
// the exit code: 2 for bad flags, 1 for a failed run.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == fileServerCommand {
		if err := serveFiles(ctx, args[1:], stderr); err != nil {
			fmt.Fprintln(stderr, "benchhttp serve-files:", err)
			return 1
		}
		return 0
	}
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "benchhttp:", err)
		return 2
	}
	if err := run(ctx, cfg, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "benchhttp:", err)
		return 1
	}
	return 0
}

func run(ctx context.Context, cfg *Config, stdout, stderr io.Writer) error {
	start := time.Now().UTC()
	eps, err := loadEndpoints(cfg.Endpoints)
	if err != nil {
		return err
	}
	lg, err := chooseLoadGen(cfg.LoadGen, cfg.threads)
	if err != nil {
		return err
	}
	nginx := ""
	if cfg.Nginx != "off" {
		if nginx = nginxVersion(); nginx == "" && cfg.Nginx == "on" {
			return fmt.Errorf("-nginx on, but nginx is not on PATH (apt-get install nginx)")
		}
	}
	work, err := os.MkdirTemp("", "benchhttp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	files := filepath.Join(work, "files")
	// Readable by all: nginx started as root serves as nobody.
	if err := os.Chmod(work, 0o755); err != nil {
		return err
	}
	if err := os.Mkdir(files, 0o755); err != nil {
		return err
	}
	data := cfg.Data
	if data == "" {
		data = filepath.Join(work, "data")
	}

	progress(stderr, "starting %s (a fresh data directory builds its snapshot first)", cfg.Bin)
	proj, base, snapshot, err := startProject(ctx, cfg.Bin, append([]string{"--data", data}, cfg.ServerArgs...), cfg.ReadyTimeout)
	defer proj.stop(25 * time.Second)
	if err != nil {
		return err
	}
	progress(stderr, "serving snapshot %s at %s; saving the responses", snapshot, base)
	targets, err := capture(ctx, base, eps, files)
	if err != nil {
		return err
	}
	probe := ""
	for _, t := range targets {
		if t.Skip == "" {
			probe = "/" + t.File // a ceiling that serves it is ready
			break
		}
	}
	if probe == "" {
		return fmt.Errorf("no endpoint answered 200: nothing to measure")
	}
	servers := []server{{name: "project", base: base}}
	fsrv, fsBase, err := startFileServer(ctx, files, probe)
	defer fsrv.stop(5 * time.Second)
	if err != nil {
		return err
	}
	servers = append(servers, server{name: "FileServer", base: fsBase, ceiling: true})
	if nginx != "" {
		ng, ngBase, err := startNginxCeiling(ctx, work, files, probe)
		defer ng.stop(5 * time.Second)
		if err != nil {
			return err
		}
		servers = append(servers, server{name: "nginx", base: ngBase, ceiling: true})
	}

	loadStart := loadAverage()
	progress(stderr, "load generator: %s; servers: %d; load average %s", lg.Name(), len(servers), loadStart)
	cells, runErr := runMatrix(ctx, lg, servers, targets, cfg, stderr)
	rep := reportInfo{cfg: cfg, machine: machineInfo(cfg.Bin), loadGen: lg.Name(), nginx: nginx,
		snapshot: snapshot, date: start, loadStart: loadStart, servers: servers, targets: targets, cells: cells}
	fmt.Fprint(stdout, rep.markdown())
	if runErr != nil {
		return runErr // an interrupted matrix is shown, not written into -out
	}
	if cfg.Out != "" {
		if err := writeSection(cfg.Out, cfg.Section, rep.markdown()); err != nil {
			return err
		}
		progress(stderr, "wrote section %q of %s", cfg.Section, cfg.Out)
	}
	return nil
}

// startFileServer runs this program's serve-files mode as a child.
func startFileServer(ctx context.Context, files, probe string) (*child, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, "", err
	}
	c, err := startChild("file server", self, fileServerCommand, "-dir", files, "-addr", addr)
	if err != nil {
		return nil, "", err
	}
	base := "http://" + addr
	_, err = c.waitHTTP(ctx, base+probe, 10*time.Second)
	return c, base, err
}

// startNginxCeiling writes the config for the saved files and runs nginx.
func startNginxCeiling(ctx context.Context, work, files, probe string) (*child, string, error) {
	types, err := readTypes(files)
	if err != nil {
		return nil, "", err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, "", err
	}
	conf, err := writeNginxConf(work, files, addr, types)
	if err != nil {
		return nil, "", err
	}
	c, err := startNginx(conf, work)
	if err != nil {
		return nil, "", err
	}
	base := "http://" + addr
	_, err = c.waitHTTP(ctx, base+probe, 10*time.Second)
	return c, base, err
}

func progress(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "benchhttp: "+format+"\n", args...)
}
