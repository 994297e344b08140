package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
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
	watch := fs.Duration("watch", 5*time.Second, "how often to look for a new current snapshot")
	grace := fs.Duration("grace", 20*time.Second, "how long requests in flight may run on shutdown")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	start := time.Now()
	w, err := m.writer()
	if err != nil {
		return err
	}
	if err := m.bootstrap(ctx, w); err != nil {
		return err
	}
	hub := duckdb.NewHub(w.Dir, m.log)
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
		rep, err := ingest.Run(ctx, w, kind, files, ingest.Options{Ref: w.Ref, AllowShrink: opt.AllowShrink, Programme: opt.Programme})
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
