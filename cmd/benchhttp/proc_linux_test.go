package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// stop ends the child and what it started (the backgrounded sleep), which
// SIGTERM to the child alone would leave running.
func TestChildStopKillsGroup(t *testing.T) {
	c, err := startChild("sh", "sh", "-c", "sleep 60 & echo $!; wait")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	pid := 0
	if _, err := fmt.Sscan(c.logTail(), &pid); err != nil || pid == 0 {
		t.Fatalf("no pid in %q", c.logTail())
	}
	c.stop(2 * time.Second)
	if alive(pid) {
		t.Errorf("the grandchild %d outlived stop", pid)
	}
	c.stop(time.Second) // again: nothing to do, no panic
}

func TestWaitHTTPChildExits(t *testing.T) {
	c, err := startChild("false", "sh", "-c", "echo boom; exit 3")
	if err != nil {
		t.Fatal(err)
	}
	defer c.stop(time.Second)
	_, err = c.waitHTTP(context.Background(), "http://127.0.0.1:1/", 10*time.Second)
	if err == nil || !strings.Contains(err.Error(), "exited before it was ready") || !strings.Contains(err.Error(), "boom") {
		t.Errorf("got %v", err)
	}
}

// alive says whether pid runs, a zombie (killed, not yet reaped by its new
// parent) counting as gone.
func alive(pid int) bool {
	for range 20 {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return false
		}
		// The state follows the command name in parentheses.
		if i := strings.LastIndexByte(string(b), ')'); i > 0 && strings.HasPrefix(string(b[i:]), ") Z") {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}
