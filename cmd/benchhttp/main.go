// Command benchhttp measures the running observatory server against a
// ceiling: the same response bytes served as static files by Go's
// http.FileServer and, when installed, nginx. See docs/performance.md.
//
//	go run ./cmd/benchhttp [-duration 10s] [-conns 1,16,64] [-out docs/performance.md]
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// Ctrl-C cancels the context; Main then stops its children (server,
	// file server, nginx) before returning, so none is left behind.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
