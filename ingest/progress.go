package ingest

import (
	"context"
	"iter"
	"slices"
	"sync"

	"github.com/gen-numerique/observatory/observatory"
)

// stepper reports a run's phase and progress to Options.Step. The phase
// only moves forward: a BMO file is read while it is appended, and its
// rows read keep counting in the appending phase.
type stepper struct {
	mu   sync.Mutex
	step func(observatory.Progress)
	cur  observatory.Progress
}

func (s *stepper) phase(p string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.Index(observatory.Phases, p) <= slices.Index(observatory.Phases, s.cur.Phase) {
		return
	}
	s.cur.Phase = p
	s.step(s.cur)
}

func (s *stepper) rows(file string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur.File, s.cur.Rows = file, n
	s.step(s.cur)
}

// newStepper reports to opt.Step, if set (else it is nil, and does
// nothing): rows from the loaders' Progress calls, which it wires into
// opt, and phases from the batch calls that begin them (wrap): the
// whole-run checks end by reading the current catalogue's columns, then
// rows are written, then the snapshot committed.
func newStepper(opt *Options) *stepper {
	if opt.Step == nil {
		return nil
	}
	s := &stepper{step: opt.Step, cur: observatory.Progress{Phase: observatory.PhaseQueued}}
	if prev := opt.Progress; prev != nil {
		opt.Progress = func(file string, n int) { prev(file, n); s.rows(file, n) }
	} else {
		opt.Progress = s.rows
	}
	return s
}

// wrap gives b the phase reports.
func (s *stepper) wrap(b observatory.Batch) observatory.Batch {
	if s == nil {
		return b
	}
	return &steppedBatch{Batch: b, s: s}
}

type steppedBatch struct {
	observatory.Batch
	s *stepper
}

func (b *steppedBatch) PreviousColumns(ctx context.Context, kind string) ([]observatory.ColumnUse, error) {
	b.s.phase(observatory.PhaseChecking)
	return b.Batch.PreviousColumns(ctx, kind)
}

func (b *steppedBatch) AppendFormations(ctx context.Context, fs []observatory.Formation) error {
	b.s.phase(observatory.PhaseAppending)
	return b.Batch.AppendFormations(ctx, fs)
}

func (b *steppedBatch) StreamFormations(ctx context.Context, rows iter.Seq2[*observatory.Formation, error]) (int, error) {
	b.s.phase(observatory.PhaseAppending)
	return b.Batch.StreamFormations(ctx, rows)
}

func (b *steppedBatch) AppendJobDemand(ctx context.Context, rows iter.Seq2[*observatory.JobDemand, error]) (int, error) {
	b.s.phase(observatory.PhaseAppending)
	return b.Batch.AppendJobDemand(ctx, rows)
}

func (b *steppedBatch) Commit(ctx context.Context) (string, error) {
	b.s.phase(observatory.PhaseCommitting)
	return b.Batch.Commit(ctx)
}

// unwrap gives the batch the run began, for the optional interfaces it
// may have (run.go).
func unwrap(b observatory.Batch) observatory.Batch {
	if sb, ok := b.(*steppedBatch); ok {
		return sb.Batch
	}
	return b
}
