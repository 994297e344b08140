package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gen-numerique/observatory/api"
	"github.com/gen-numerique/observatory/ingest"
	"github.com/gen-numerique/observatory/observatory"
	"github.com/gen-numerique/observatory/observatory/duckdb"
)

// Serve runs the API until SIGINT or SIGTERM, then drains requests.
func (m *Main) Serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	m.commonFlags(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: observatory serve [flags]\n\nServes the API and the map page; on an empty data directory, builds a first snapshot from the embedded data.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	cfg := api.Config{Version: version}
	fs.StringVar(&cfg.Addr, "addr", env("ADDR", ":8080"), "listen address (env OBSERVATORY_ADDR)")
	fs.StringVar(&cfg.AdminToken, "admin-token", env("ADMIN_TOKEN", ""), "bearer token for admin routes; empty disables them (env OBSERVATORY_ADMIN_TOKEN)")
	fs.DurationVar(&cfg.RequestTimeout, "request-timeout", 30*time.Second, "time limit of one request")
	fs.DurationVar(&cfg.RunTimeout, "run-timeout", 30*time.Minute, "time limit of an uploaded file's ingest, which runs after the upload is answered")
	watch := fs.Duration("watch", 5*time.Second, "how often to look for a new current snapshot")
	grace := fs.Duration("grace", 20*time.Second, "how long requests in flight may run on shutdown")
	keep := fs.Int("keep", envInt("KEEP", 0), "after each new snapshot, remove all but the current one and the newest N (0: keep every snapshot; env OBSERVATORY_KEEP)")
	maxOpen := fs.Int("max-open", duckdb.DefaultMaxPast, "past snapshots kept open for ?snapshot= replay, least recently used out first")
	// Off by default: a warm-up holds the snapshot it warms for its
	// duration, so the pruning of -keep skips that snapshot until the next
	// switch (prune does not yet retry when a snapshot is released).
	warm := fs.Bool("warm", false, "at start and after each new snapshot, compute in the background what the slowest first requests need (access indicators, the map, one profile per level); delays -keep's pruning of the snapshot being warmed")
	pprofAddr := fs.String("pprof", "", "serve net/http/pprof on this address, e.g. 127.0.0.1:6060 (off when empty; never on the API's listener)")
	fs.StringVar(&cfg.TempDir, "temp-dir", env("TEMP_DIR", ""), "folder for uploads and Parquet files being written (default DATA/tmp; env OBSERVATORY_TEMP_DIR)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if *keep < 0 || *maxOpen < 1 {
		return usageError{"--keep must be 0 or more and --max-open 1 or more"}
	}
	start := time.Now()
	w, err := m.writer()
	if err != nil {
		return err
	}
	if cfg.TempDir == "" {
		cfg.TempDir = w.Dir.Temp()
	}
	if err := os.MkdirAll(cfg.TempDir, 0o755); err != nil {
		return err
	}
	m.cleanLeftovers(w.Dir, cfg.TempDir)
	if err := m.bootstrap(ctx, w); err != nil {
		return err
	}
	var hub *duckdb.Hub
	var served atomic.Pointer[api.Server] // set once the server exists; switches before that have nothing to warm
	hub = duckdb.NewHubWith(w.Dir, m.log, duckdb.HubOptions{MaxPast: *maxOpen, OnSwitch: func(ctx context.Context, id string) {
		if *keep > 0 {
			m.pruneAfterSwitch(hub, *keep)
		}
		if srv := served.Load(); srv != nil && *warm {
			go srv.Warm(ctx)
		}
	}})
	m.closers = append(m.closers, hub)
	if _, err := hub.Reload(ctx); err != nil {
		return err
	}
	go hub.Watch(ctx, *watch)
	go m.reloadOnHangup(ctx, hub)

	cfg.Ingest = uploadIngester(w, hub, m.log)
	srv, err := api.New(cfg, hub, w.Ref, m.log)
	if err != nil {
		return err
	}
	served.Store(srv)
	if *warm {
		go srv.Warm(ctx)
	}
	if *pprofAddr != "" {
		if _, err := servePprof(ctx, *pprofAddr, m.log); err != nil {
			return err
		}
	}
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	m.log.Info("serving", "addr", l.Addr().String(), "snapshot", hub.Current(), "data", m.DataDir,
		"version", version, "startup", time.Since(start).Round(time.Millisecond))
	return srv.Serve(ctx, l, *grace)
}

// uploadIngester runs an admin upload like the ingest command, then
// switches the server to the new snapshot at once rather than at the next
// watch tick.
func uploadIngester(w duckdb.Writer, hub *duckdb.Hub, log *slog.Logger) api.IngestFunc {
	return func(ctx context.Context, kind string, uploads []api.Upload, opt api.IngestOptions) (*observatory.Report, error) {
		files := make([]ingest.File, len(uploads))
		for i, u := range uploads {
			files[i] = ingest.File{Name: u.Name, Data: u.Data, Size: u.Size}
		}
		rep, err := ingest.Run(ctx, w, kind, files, ingest.Options{Ref: w.Ref, AllowShrink: opt.AllowShrink, Programme: opt.Programme, Step: opt.Progress})
		if err != nil {
			return nil, err
		}
		// The snapshot is published; if the switch fails the watcher
		// retries it, so the run still succeeded.
		if _, err := hub.Reload(context.WithoutCancel(ctx)); err != nil {
			log.Error("reload after admin ingest", "snapshot", rep.Snapshot, "err", err)
		}
		return rep, nil
	}
}

// bootstrap builds a first snapshot from the embedded inputs when the data
// directory has none, so a fresh install serves data at once.
func (m *Main) bootstrap(ctx context.Context, w duckdb.Writer) error {
	if err := w.Dir.Init(); err != nil {
		return err
	}
	cur, err := w.Dir.Current()
	if err != nil {
		return err
	}
	if cur != "" {
		// A snapshot built by an older version lacks columns this one
		// reads: serve a copy in today's schema (the old one is kept).
		id, applied, err := w.Upgrade(ctx)
		if id != "" {
			m.log.Info("snapshot upgraded to this version's schema", "from", cur, "snapshot", id, "migrations", applied)
		}
		return err
	}
	m.log.Info("no snapshot yet: building one from the embedded default data", "data", m.DataDir)
	rep, err := ingest.Defaults(ctx, w, ingest.Options{Ref: w.Ref})
	if err != nil {
		return err
	}
	read, loaded, quarantined, _ := rep.Totals()
	m.log.Info("default snapshot built", "snapshot", rep.Snapshot, "rows_read", read, "loaded", loaded,
		"set_aside", len(rep.SetAside), "quarantined", quarantined, "duration", rep.Duration.Round(time.Millisecond))
	return nil
}

// cleanLeftovers removes what killed runs left in the data directory and
// the temporary folder, and says so. A run under way in another process
// holds the lock: its files are left alone, and the next start cleans.
func (m *Main) cleanLeftovers(dir duckdb.Dir, temp string) {
	left, err := dir.Clean(temp)
	for _, l := range left {
		m.log.Info("removed a leftover of a killed run", "path", l.Path, "bytes", l.Bytes, "what", l.What)
	}
	if err != nil {
		m.log.Warn("leftovers not cleaned", "err", err)
	}
}

// pruneAfterSwitch applies serve --keep once a new snapshot is served.
func (m *Main) pruneAfterSwitch(hub *duckdb.Hub, keep int) {
	res, err := hub.Prune(duckdb.PruneOptions{Keep: keep})
	for _, p := range res.Removed {
		m.log.Info("snapshot pruned", "snapshot", p.ID, "bytes", p.Bytes)
	}
	for _, id := range res.InUse {
		m.log.Info("snapshot kept: in use", "snapshot", id)
	}
	if err != nil {
		m.log.Warn("prune after a new snapshot", "err", err)
		return
	}
	if len(res.Removed) > 0 {
		m.log.Info("pruned", "removed", len(res.Removed), "bytes_freed", res.Freed, "kept", len(res.Kept))
	}
}

// reloadOnHangup switches snapshots at once on SIGHUP.
func (m *Main) reloadOnHangup(ctx context.Context, hub *duckdb.Hub) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if _, err := hub.Reload(ctx); err != nil {
				m.log.Error("reload", "err", err)
			}
		}
	}
}
