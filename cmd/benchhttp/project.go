package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// startProject runs "bin serve --addr ADDR args..." on a free loopback
// port and waits up to timeout for /readyz: with a fresh data directory
// the server first builds its snapshot from the embedded data. It returns
// the base URL and the id of the snapshot served.
func startProject(ctx context.Context, bin string, args []string, timeout time.Duration) (*child, string, string, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, "", "", fmt.Errorf("%w (make build makes it)", err)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, "", "", err
	}
	args = append([]string{"serve", "--addr", addr}, args...)
	// Its access log stays on (one line a request, as in production): the
	// cost of logging is part of what is measured.
	c, err := startChild("observatory", bin, args...)
	if err != nil {
		return nil, "", "", err
	}
	base := "http://" + addr
	body, err := c.waitHTTP(ctx, base+"/readyz", timeout)
	if err != nil {
		return c, "", "", err
	}
	var ready struct{ Snapshot string }
	if err := json.Unmarshal(body, &ready); err != nil || ready.Snapshot == "" {
		return c, "", "", fmt.Errorf("/readyz: no snapshot in %q", body)
	}
	return c, base, ready.Snapshot, nil
}
