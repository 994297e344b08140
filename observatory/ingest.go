package observatory

import (
	"context"
	"iter"
	"time"
)

// Batch is a snapshot being built by an ingest run. Nothing in it is served
// until Commit; Abort drops it and leaves the current snapshot as it was.
type Batch interface {
	// CarryOver copies the previous snapshot's data, except the kinds
	// this run replaces.
	CarryOver(ctx context.Context, replace ...string) error
	// Record stores an input file with its quarantined and repaired rows.
	Record(ctx context.Context, in Input, rejects []Reject, repairs []Repair) error
	AppendFormations(ctx context.Context, fs []Formation) error
	// AppendJobDemand streams BMO rows into the snapshot through one
	// appender, so memory stays flat; a non-nil error from the sequence
	// stops it. It returns the number of rows appended.
	AppendJobDemand(ctx context.Context, rows iter.Seq2[*JobDemand, error]) (int, error)
	// KeepJobDemand carries over the previous snapshot's job demand of the
	// years not in replaced, with the provenance of the files they came
	// from: a BMO run replaces only the survey years it loads.
	KeepJobDemand(ctx context.Context, replaced []int) error
	Commit(ctx context.Context) (string, error)
	Abort()
}

// Snapshotter starts batches.
type Snapshotter interface {
	Begin(ctx context.Context) (Batch, error)
}

// Report is what an ingest run tells its caller.
type Report struct {
	Snapshot string        `json:"snapshot"`
	Inputs   []Input       `json:"inputs"`
	Rejects  []Reject      `json:"rejects"`
	Repairs  []Repair      `json:"repairs"`
	Notes    []string      `json:"notes,omitempty"` // e.g. columns that were not used
	Duration time.Duration `json:"duration_ns"`
}

// Totals adds up the inputs' row counts.
func (r *Report) Totals() (read, loaded, quarantined, repaired int) {
	for _, in := range r.Inputs {
		read += in.RowsRead
		loaded += in.Loaded
		quarantined += in.Quarantined
		repaired += in.Repaired
	}
	return
}
