package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// child is a server this run started: the project, the file server or
// nginx. Each runs in a process group of its own (see procAttr), so that
// stop reaches whatever it started too, and a Ctrl-C at the terminal
// reaches only us: we stop the children in order rather than racing them.
type child struct {
	name string
	cmd  *exec.Cmd
	out  *tail
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done is closed
}

// startChild runs bin with args. Its output goes through a pipe, like a
// server's logs to journald or a container runtime, and only the end is
// kept: the project logs a line a request, hundreds of MB in a full run.
func startChild(name, bin string, args ...string) (*child, error) {
	out := &tail{size: 16 << 10}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &child{name: name, cmd: cmd, out: out, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// tail keeps the last size bytes written to it.
type tail struct {
	mu   sync.Mutex
	buf  []byte
	size int
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*t.size {
		t.buf = t.buf[:copy(t.buf, t.buf[len(t.buf)-t.size:])]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf[max(0, len(t.buf)-t.size):])
}

// stop asks the group to terminate, then kills it after grace. Safe to
// call more than once and after the process exited by itself. The last
// SIGKILL is for members that outlived the leader (nginx workers whose
// master crashed); the kernel hands out pids in a cycle, so the group's
// id is not someone else's a moment after the leader exits.
func (c *child) stop(grace time.Duration) {
	if c == nil {
		return
	}
	select {
	case <-c.done:
		signalGroup(c.cmd.Process, syscall.SIGKILL) // anything it left behind
		return
	default:
	}
	signalGroup(c.cmd.Process, syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(grace):
		signalGroup(c.cmd.Process, syscall.SIGKILL)
		<-c.done
	}
	signalGroup(c.cmd.Process, syscall.SIGKILL)
}

// logTail is the end of the child's output, for an error message.
func (c *child) logTail() string {
	lines := strings.Split(strings.TrimSpace(c.out.String()), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n")
}

// waitHTTP polls url until it answers 200, the child exits or ctx or the
// timeout ends. It returns the body of the 200.
func (c *child) waitHTTP(ctx context.Context, url string, timeout time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := client.Do(req); err == nil {
			body, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && rerr == nil {
				return body, nil
			}
		}
		select {
		case <-c.done:
			return nil, fmt.Errorf("%s exited before it was ready (%v):\n%s", c.name, c.err, c.logTail())
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return nil, fmt.Errorf("%s not ready at %s after %s:\n%s", c.name, url, timeout, c.logTail())
			}
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// freeAddr picks a free loopback port. Another process could take it
// before the child listens; on a benchmark machine that is unlikely and
// would show as a failed start, not a wrong result.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
