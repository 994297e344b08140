package observatory

// The phases of an ingest run, in the order a run goes through them. A run
// may skip some: a BMO file is streamed into the snapshot as it is read, so
// it goes from reading to appending with no checking in between.
const (
	PhaseQueued     = "queued"     // accepted, not started
	PhaseReading    = "reading"    // reading and checking rows
	PhaseChecking   = "checking"   // whole-run checks: waves, the shrink guard, columns
	PhaseAppending  = "appending"  // writing rows into the snapshot being built
	PhaseCommitting = "committing" // checkpoint, fsync, rename, publish
	PhaseDone       = "done"       // published
	PhaseFailed     = "failed"     // nothing changed
)

// Phases lists the phases in order.
var Phases = []string{PhaseQueued, PhaseReading, PhaseChecking, PhaseAppending, PhaseCommitting, PhaseDone, PhaseFailed}

// Progress is where a run stands: its phase, the file being read and the
// rows read so far of that file.
type Progress struct {
	Phase string `json:"phase"`
	File  string `json:"file,omitempty"`
	Rows  int    `json:"rows_read"`
}
