package observatory

import (
	"context"
	"iter"
	"time"
)

// Batch is a snapshot being built by an ingest run. Nothing in it is served
// until Commit; Abort drops it and leaves the current snapshot as it was.
type Batch interface {
	// CarryOver copies the previous snapshot's data, except what this run
	// replaces: kinds ("bmo"), the GEN label's formations ("catalogue"),
	// or one other programme's (ReplaceOffer(id)).
	CarryOver(ctx context.Context, replace ...string) error
	// Record stores an input file with its quarantined and repaired rows.
	Record(ctx context.Context, in Input, rejects []Reject, repairs []Repair) error
	// RecordSetAside stores the rows of offer inputs left out as not digital.
	RecordSetAside(ctx context.Context, rows []SetAside) error
	// RecordProgramme stores a programme's description and provenance.
	RecordProgramme(ctx context.Context, p Programme) error
	AppendFormations(ctx context.Context, fs []Formation) error
	// StreamFormations streams catalogue rows into the snapshot through
	// one appender, as AppendJobDemand does; the yielded formation may be
	// reused. It returns the number of rows appended.
	StreamFormations(ctx context.Context, rows iter.Seq2[*Formation, error]) (int, error)
	// Quarantine stores quarantined and repaired rows of an input of kind
	// ahead of its Record, so that a run need not hold them all: a file of
	// two million bad rows goes to the snapshot a chunk at a time.
	Quarantine(ctx context.Context, kind string, rejects []Reject, repairs []Repair) error
	// AppendJobDemand streams BMO rows into the snapshot through one
	// appender, so memory stays flat; a non-nil error from the sequence
	// stops it. It returns the number of rows appended.
	AppendJobDemand(ctx context.Context, rows iter.Seq2[*JobDemand, error]) (int, error)
	// KeepJobDemand carries over the previous snapshot's job demand of the
	// years not in replaced, with the provenance of the files they came
	// from: a BMO run replaces only the survey years it loads.
	KeepJobDemand(ctx context.Context, replaced []int) error
	// RecordColumns stores which column of each input held each concept,
	// so that the next run can tell what a new file lacks.
	RecordColumns(ctx context.Context, cols []ColumnUse) error
	// PreviousColumns is the column use recorded for the previous
	// snapshot's inputs of kind; empty for the first snapshot.
	PreviousColumns(ctx context.Context, kind string) ([]ColumnUse, error)
	// PreviousCatalogue describes the previous snapshot's catalogue, which
	// a catalogue run replaces; zero for the first snapshot.
	PreviousCatalogue(ctx context.Context) (CatalogueState, error)
	Commit(ctx context.Context) (string, error)
	Abort()
}

// Snapshotter starts batches.
type Snapshotter interface {
	Begin(ctx context.Context) (Batch, error)
}

// Report is what an ingest run tells its caller.
type Report struct {
	Snapshot string   `json:"snapshot"`
	Inputs   []Input  `json:"inputs"`
	Rejects  []Reject `json:"rejects"`
	Repairs  []Repair `json:"repairs"`
	// SetAside: rows of offer inputs left out as not digital, with the
	// rule that decided (not errors: another trade).
	SetAside []SetAside    `json:"set_aside,omitempty"`
	Notes    []string      `json:"notes,omitempty"`    // e.g. how job families and waves were obtained
	Warnings []string      `json:"warnings,omitempty"` // what the caller should look at: columns not used, concepts lost
	Columns  []ColumnUse   `json:"columns,omitempty"`  // for each input, where each concept was read from
	Duration time.Duration `json:"duration_ns"`
}

// ColumnUse says which column of an input held one concept the observatory
// reads (learners, women, labelling date…), or that the input lacks it.
type ColumnUse struct {
	Kind      string `json:"kind"`
	Programme string `json:"programme,omitempty"` // the programme of an offer input
	File      string `json:"file"`
	Concept   string `json:"concept"`  // the concept's key, e.g. "learners"
	Header    string `json:"header"`   // the header text found; "" when the input lacks the concept
	Required  bool   `json:"required"` // the input could not be read without it
}

// CatalogueState is what a catalogue run needs to know of the catalogue it
// replaces, to refuse one that would silently shrink it.
type CatalogueState struct {
	Formations int        // all formations
	Reference  time.Time  // its latest labelling date (ReferenceDate); zero when none has one
	InForce    int        // formations in force at Reference (InForce)
	Waves      []Campaign // its waves with the span of their labelling dates, by wave
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
