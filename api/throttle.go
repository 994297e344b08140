package api

import (
	"log/slog"
	"net"
	"sync"
	"time"
)

// Admin throttling: a guesser of tokens gets a few tries per window, then
// 429 for a while, and the log gets one line per blocked window instead of
// one per try (12,000 wrong tokens in 2 s used to write 12,000 lines).
const (
	// defaultAdminMaxFailures wrong tokens from one address within
	// defaultAdminFailWindow block its admin requests for a window. A
	// person mistyping a token retries a handful of times; a script tries
	// thousands.
	defaultAdminMaxFailures = 10
	defaultAdminFailWindow  = time.Minute
	// maxThrottled bounds the addresses remembered, so that a flood of
	// addresses cannot grow the table without end; expired ones go first.
	maxThrottled = 10000
)

// throttle counts wrong admin tokens per address.
type throttle struct {
	max    int
	window time.Duration
	now    func() time.Time
	log    *slog.Logger

	mu     sync.Mutex
	byAddr map[string]*strikes
}

// strikes is one address's record in its current window.
type strikes struct {
	start   time.Time // first failure of the window
	fails   int
	until   time.Time // blocked until then; zero when not blocked
	refused int       // requests answered 429 during the block
}

func newThrottle(max int, window time.Duration, now func() time.Time, log *slog.Logger) *throttle {
	if max <= 0 {
		max = defaultAdminMaxFailures
	}
	if window <= 0 {
		window = defaultAdminFailWindow
	}
	if now == nil {
		now = time.Now
	}
	return &throttle{max: max, window: window, now: now, log: log, byAddr: map[string]*strikes{}}
}

// blocked says whether addr is refused now, and for how long still. It
// is asked before the token is looked at: once blocked, even the right
// token gets 429, or the block would still tell a guesser when he is right.
func (t *throttle) blocked(addr string) (time.Duration, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.byAddr[addr]
	if s == nil || s.until.IsZero() {
		return 0, false
	}
	now := t.now()
	if !now.Before(s.until) {
		delete(t.byAddr, addr) // the block is over: a fresh window
		return 0, false
	}
	s.refused++
	return s.until.Sub(now), true
}

// failed records a wrong token from addr and reports whether the failure
// should be logged on its own line: the first max of a window are, and the
// one that starts a block is logged once as a summary instead.
func (t *throttle) failed(addr, path string) (logIt bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	s := t.byAddr[addr]
	if s == nil || now.Sub(s.start) >= t.window {
		if s == nil && len(t.byAddr) >= maxThrottled {
			t.sweep(now)
		}
		if s == nil && len(t.byAddr) >= maxThrottled {
			return true // the table is full of live blocks: count no more, but still log
		}
		s = &strikes{start: now}
		t.byAddr[addr] = s
	}
	s.fails++
	if s.fails < t.max {
		return true
	}
	s.until = now.Add(t.window)
	t.log.Warn("admin: too many wrong tokens; refusing this address's admin requests with 429",
		"remote", addr, "path", path, "wrong_tokens", s.fails, "within", now.Sub(s.start).Round(time.Millisecond),
		"until", s.until.UTC().Format(time.RFC3339))
	return false
}

// sweep forgets the addresses whose window and block are over.
func (t *throttle) sweep(now time.Time) {
	for a, s := range t.byAddr {
		if now.Sub(s.start) >= t.window && !now.Before(s.until) {
			delete(t.byAddr, a)
		}
	}
}

// peerAddr is the address of the connection itself, not X-Forwarded-For:
// a header the client writes cannot be what throttles it.
func peerAddr(remoteAddr string) string {
	if host, _, err := net.SplitHostPort(remoteAddr); err == nil {
		return host
	}
	return remoteAddr
}

// retryAfter is a Retry-After value in whole seconds, at least 1.
func retryAfter(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
}
