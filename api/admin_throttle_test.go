package api_test

import (
	"bytes"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gen-numerique/observatory/api"
	"github.com/gen-numerique/observatory/observatory"
)

// TestAdminThrottled: after AdminMaxFailures wrong tokens from one address,
// its admin requests get 429 with Retry-After, the right token included,
// until the window has passed; then the right token works again.
func TestAdminThrottled(t *testing.T) {
	var now atomic.Int64 // the test's clock, in ns
	now.Store(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	e := newAdminEnv(t, api.Config{AdminToken: adminToken, TempDir: t.TempDir(),
		AdminMaxFailures: 3, AdminFailWindow: time.Minute, Clock: clock}, nil)
	post := func(token string) (*http.Response, []byte) {
		// An unknown kind: past the token, the handler refuses it with
		// a 400 without reading a body.
		return e.upload(t, "?kind=nope", token, bytes.NewReader(nil), "text/plain")
	}
	for i := 0; i < 3; i++ {
		res, b := post("wrong")
		adminProblem(t, res, b, http.StatusUnauthorized, observatory.EUNAUTHORIZED)
	}
	for _, tok := range []string{"wrong", adminToken} {
		res, b := post(tok)
		adminProblem(t, res, b, http.StatusTooManyRequests, observatory.ETOOMANY)
		if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || ra != 60 {
			t.Errorf("token %q: Retry-After %q, want 60", tok, res.Header.Get("Retry-After"))
		}
		validResponse(t, "?kind=nope", res)
	}
	now.Add(int64(30 * time.Second))
	res, b := post(adminToken)
	adminProblem(t, res, b, http.StatusTooManyRequests, observatory.ETOOMANY)
	if ra := res.Header.Get("Retry-After"); ra != "30" {
		t.Errorf("half-way: Retry-After %q, want 30", ra)
	}
	now.Add(int64(30 * time.Second))
	res, b = post(adminToken)
	adminProblem(t, res, b, http.StatusBadRequest, observatory.EINVALID)
}
