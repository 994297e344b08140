package api

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// TestThrottleLogsOnceABlock: the wrong tokens under the limit are logged
// one by one, the one that reaches it starts a block logged by one line,
// and the tries during the block are refused without a line each.
func TestThrottleLogsOnceABlock(t *testing.T) {
	var logs bytes.Buffer
	clk := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	th := newThrottle(5, time.Minute, clk.now, slog.New(slog.NewTextHandler(&logs, nil)))
	const addr = "192.0.2.7"
	lines := 0
	for i := 1; i <= 5; i++ {
		if _, b := th.blocked(addr); b {
			t.Fatalf("try %d: blocked before the limit", i)
		}
		if th.failed(addr, "/p") {
			lines++
		}
		if i < 5 {
			clk.advance(time.Second)
		}
	}
	if lines != 4 {
		t.Errorf("%d failures to log on their own, want 4 (the fifth is the block's summary)", lines)
	}
	if n := strings.Count(logs.String(), "too many wrong tokens"); n != 1 {
		t.Fatalf("%d block lines, want 1:\n%s", n, logs.String())
	}
	before := logs.Len()
	for i := 0; i < 12000; i++ {
		wait, b := th.blocked(addr)
		if !b {
			t.Fatalf("refusal %d: not blocked", i)
		}
		if i == 0 && retryAfter(wait) != 60 {
			t.Errorf("Retry-After %d s at the start of the block, want 60", retryAfter(wait))
		}
	}
	if logs.Len() != before {
		t.Errorf("the refusals wrote to the log: %s", logs.String()[before:])
	}
	if th.byAddr[addr].refused != 12000 {
		t.Errorf("refused %d, want 12000", th.byAddr[addr].refused)
	}
	// Another address is not concerned.
	if _, b := th.blocked("198.51.100.1"); b {
		t.Error("another address is blocked")
	}
	clk.advance(59 * time.Second)
	if wait, b := th.blocked(addr); !b || retryAfter(wait) != 1 {
		t.Errorf("one second before the end: blocked %v, Retry-After %d", b, retryAfter(wait))
	}
	clk.advance(time.Second)
	if _, b := th.blocked(addr); b {
		t.Error("still blocked after the window")
	}
	// A fresh window: failures count from zero again.
	if !th.failed(addr, "/p") {
		t.Error("the first failure of a new window is not logged")
	}
}

// TestThrottleWindowSlides: failures spread over more than a window never
// block.
func TestThrottleWindowSlides(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	th := newThrottle(3, time.Minute, clk.now, slog.New(slog.DiscardHandler))
	for i := 0; i < 10; i++ {
		th.failed("a", "/p")
		th.failed("a", "/p")
		if _, b := th.blocked("a"); b {
			t.Fatalf("round %d: two failures a window blocked the address", i)
		}
		clk.advance(time.Minute)
	}
}

// TestThrottleBounded: a flood of addresses cannot grow the table beyond
// maxThrottled.
func TestThrottleBounded(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	th := newThrottle(2, time.Minute, clk.now, slog.New(slog.DiscardHandler))
	for i := 0; i < 2*maxThrottled; i++ {
		th.failed(strings.Repeat("x", i%7)+string(rune('a'+i%26))+time.Duration(i).String(), "/p")
		if i == maxThrottled {
			clk.advance(2 * time.Minute) // the first ones expire
		}
	}
	if len(th.byAddr) > maxThrottled {
		t.Errorf("%d addresses kept, over %d", len(th.byAddr), maxThrottled)
	}
}

func TestPeerAddr(t *testing.T) {
	for in, want := range map[string]string{"192.0.2.1:5555": "192.0.2.1", "[2001:db8::1]:80": "2001:db8::1", "pipe": "pipe"} {
		if got := peerAddr(in); got != want {
			t.Errorf("peerAddr(%q) = %q, want %q", in, got, want)
		}
	}
}
