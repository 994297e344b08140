package api

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// Admin ingests run in the background: POST /api/v1/admin/ingest answers
// 202 with the run's id once the upload is spooled, and the run's status
// (phase, file, rows read, then its report or its error) is at
// /api/v1/admin/runs/{id}. The server keeps the last maxRuns runs.

const (
	maxRuns = 20
	// reportRows is how many quarantined and repaired rows a run's report
	// gives inline; the rest are in the snapshot's quarantine download.
	reportRows = 100
	// reportReasons bounds the counts by reason (reasons quote values, so
	// a million bad rows could have as many).
	reportReasons = 50
)

// runStatus is a run as GET /api/v1/admin/runs/{id} shows it.
type runStatus struct {
	ID          string               `json:"id"`
	Kind        string               `json:"kind"`
	Status      string               `json:"status"` // observatory.Phase*
	Files       []runFile            `json:"files"`
	AllowShrink bool                 `json:"allow_shrink"`
	Created     time.Time            `json:"created"`
	Finished    *time.Time           `json:"finished,omitempty"`
	Progress    observatory.Progress `json:"progress"`
	Phases      []phaseStamp         `json:"phases"`
	Report      *runReport           `json:"report,omitempty"`
	Error       *Problem             `json:"error,omitempty"`
	Links       map[string]string    `json:"links"`
}

type runFile struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
}

type phaseStamp struct {
	Phase string    `json:"phase"`
	At    time.Time `json:"at"`
}

// runReport is observatory.Report with its rows bounded.
type runReport struct {
	Snapshot        string                  `json:"snapshot"`
	Inputs          []observatory.Input     `json:"inputs"`
	Rejects         []observatory.Reject    `json:"rejects"` // the first reportRows
	RejectsTotal    int                     `json:"rejects_total"`
	RejectsByReason []reasonCount           `json:"rejects_by_reason"`
	Repairs         []observatory.Repair    `json:"repairs"` // the first reportRows
	RepairsTotal    int                     `json:"repairs_total"`
	RepairsByReason []reasonCount           `json:"repairs_by_reason"`
	Notes           []string                `json:"notes,omitempty"`
	Warnings        []string                `json:"warnings,omitempty"`
	Columns         []observatory.ColumnUse `json:"columns,omitempty"`
	Duration        time.Duration           `json:"duration_ns"`
	Quarantine      string                  `json:"quarantine"` // every quarantined row of the snapshot, as CSV
}

type reasonCount struct {
	Reason string `json:"reason"` // "(other reasons)" for the rest
	Rows   int    `json:"rows"`
}

// boundReport keeps the first rows of a report and counts the others by
// reason, so a status stays small whatever the input.
func boundReport(rep *observatory.Report) *runReport {
	r := &runReport{Snapshot: rep.Snapshot, Inputs: rep.Inputs, Notes: rep.Notes, Warnings: rep.Warnings,
		Columns: rep.Columns, Duration: rep.Duration, RejectsTotal: len(rep.Rejects), RepairsTotal: len(rep.Repairs),
		Rejects:    slices.Clone(rep.Rejects[:min(len(rep.Rejects), reportRows)]),
		Repairs:    slices.Clone(rep.Repairs[:min(len(rep.Repairs), reportRows)]),
		Quarantine: "/api/v1/snapshots/" + rep.Snapshot + "/quarantine.csv"}
	r.RejectsByReason = byReason(len(rep.Rejects), func(i int) string { return rep.Rejects[i].Reason })
	r.RepairsByReason = byReason(len(rep.Repairs), func(i int) string { return rep.Repairs[i].Reason })
	if r.Rejects == nil {
		r.Rejects = []observatory.Reject{}
	}
	if r.Repairs == nil {
		r.Repairs = []observatory.Repair{}
	}
	return r
}

func byReason(n int, reason func(i int) string) []reasonCount {
	counts := map[string]int{}
	for i := 0; i < n; i++ {
		counts[reason(i)]++
	}
	out := make([]reasonCount, 0, len(counts))
	for r, c := range counts {
		out = append(out, reasonCount{r, c})
	}
	slices.SortFunc(out, func(a, b reasonCount) int {
		return cmp.Or(cmp.Compare(b.Rows, a.Rows), cmp.Compare(a.Reason, b.Reason))
	})
	if len(out) > reportReasons {
		rest := 0
		for _, c := range out[reportReasons:] {
			rest += c.Rows
		}
		out = append(out[:reportReasons], reasonCount{"(other reasons)", rest})
	}
	return out
}

// runRegistry holds the recent runs.
type runRegistry struct {
	mu   sync.Mutex
	list []*runStatus // oldest first
	wg   sync.WaitGroup
}

var runIDRe = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$`)

func newRunID(now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// start registers a queued run.
func (rr *runRegistry) start(kind string, files []Upload, opt IngestOptions) *runStatus {
	now := time.Now().UTC()
	r := &runStatus{ID: newRunID(now), Kind: kind, Status: observatory.PhaseQueued, AllowShrink: opt.AllowShrink, Created: now,
		Progress: observatory.Progress{Phase: observatory.PhaseQueued}, Phases: []phaseStamp{{observatory.PhaseQueued, now}}}
	for _, u := range files {
		r.Files = append(r.Files, runFile{u.Name, u.Size})
	}
	r.Links = map[string]string{"self": adminPrefix + "runs/" + r.ID}
	rr.mu.Lock()
	defer rr.mu.Unlock()
	rr.list = append(rr.list, r)
	if len(rr.list) > maxRuns {
		rr.list = slices.Delete(rr.list, 0, len(rr.list)-maxRuns)
	}
	return r
}

// update applies f to r under the registry's lock.
func (rr *runRegistry) update(r *runStatus, f func(r *runStatus)) {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	f(r)
}

// progress records what the ingest reports; a new phase is stamped.
func (rr *runRegistry) progress(r *runStatus, p observatory.Progress) {
	rr.update(r, func(r *runStatus) {
		r.Progress.File, r.Progress.Rows = p.File, p.Rows
		if p.Phase != "" && p.Phase != r.Status {
			r.Status, r.Progress.Phase = p.Phase, p.Phase
			r.Phases = append(r.Phases, phaseStamp{p.Phase, time.Now().UTC()})
		}
	})
}

// finish ends r with its report or its error.
func (rr *runRegistry) finish(r *runStatus, rep *observatory.Report, err error) {
	rr.update(r, func(r *runStatus) {
		now := time.Now().UTC()
		r.Finished = &now
		r.Status = observatory.PhaseDone
		if err != nil {
			r.Status = observatory.PhaseFailed
			p := problemOf(err)
			r.Error = &p
		} else {
			r.Report = boundReport(rep)
			r.Links["snapshot"] = "/api/v1/snapshots/" + rep.Snapshot
			r.Links["changes"] = "/api/v1/changes?to=" + rep.Snapshot
		}
		r.Progress.Phase = r.Status
		r.Phases = append(r.Phases, phaseStamp{r.Status, now})
	})
}

// get copies run id's status; false when the registry does not know it.
func (rr *runRegistry) get(id string) (runStatus, bool) {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	for _, r := range rr.list {
		if r.ID == id {
			return copyRun(r), true
		}
	}
	return runStatus{}, false
}

// all copies the runs, newest first.
func (rr *runRegistry) all() []runStatus {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	out := make([]runStatus, 0, len(rr.list))
	for i := len(rr.list) - 1; i >= 0; i-- {
		out = append(out, copyRun(rr.list[i]))
	}
	return out
}

func copyRun(r *runStatus) runStatus {
	c := *r
	c.Phases = slices.Clone(r.Phases)
	c.Links = make(map[string]string, len(r.Links))
	for k, v := range r.Links {
		c.Links[k] = v
	}
	return c
}

// wait waits for the runs under way, or for ctx to end.
func (rr *runRegistry) wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { rr.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// problemOf is the problem a failed run reports, as errorHandler would
// have answered it.
func problemOf(err error) Problem {
	p := Problem{Type: "about:blank", Code: observatory.ErrorCode(err), Detail: observatory.ErrorMessage(err)}
	var oe *observatory.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		p.Code, p.Detail = observatory.EUNAVAILABLE, "the run took longer than its time limit, or the server stopped; nothing changed"
	case errors.As(err, &oe):
		p.Param = oe.Param
	}
	p.Status = statusOf[p.Code]
	if p.Status == 0 {
		p.Status = http.StatusInternalServerError
	}
	if p.Code == observatory.EINTERNAL {
		p.Detail = "internal error; the server's log has the details"
	}
	p.Title = http.StatusText(p.Status)
	return p
}

// adminRun serves GET /api/v1/admin/runs/{id}.
func (s *Server) adminRun(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	id := c.Param("id")
	r, ok := s.runs.get(id)
	if !runIDRe.MatchString(id) || !ok {
		return &observatory.Error{Code: observatory.ENOTFOUND, Param: "id",
			Message: "no run " + quoteID(id) + " on this server (it keeps its last " + strconv.Itoa(maxRuns) + " runs); see " + adminPrefix + "runs"}
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, r)
}

// adminRuns serves GET /api/v1/admin/runs: the recent runs, newest first.
func (s *Server) adminRuns(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	items := s.runs.all()
	return c.JSON(http.StatusOK, map[string]any{"total": len(items), "items": items})
}
