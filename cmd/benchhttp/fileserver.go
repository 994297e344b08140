package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// fileServerCommand is the hidden "serve-files" mode: the Go ceiling runs
// as a child process of its own, like the project and nginx, so it does
// not share a runtime (scheduler, GC) with a load generator in this one.
const fileServerCommand = "serve-files"

func serveFiles(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet(fileServerCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "directory of saved responses")
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	types, err := readTypes(*dir)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	// Defaults otherwise: the ceiling is what a plain Go server gives.
	srv := &http.Server{Handler: gzipStatic(*dir, types), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// readTypes reads the Content-Type of each saved file, written by capture.
func readTypes(dir string) (map[string]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, typesFile))
	if err != nil {
		return nil, err
	}
	var types map[string]string
	if err := json.Unmarshal(b, &types); err != nil {
		return nil, fmt.Errorf("%s: %w", typesFile, err)
	}
	return types, nil
}
