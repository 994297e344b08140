package observatory

import "context"

// Store is what the API reads: one snapshot, held for the whole of a
// request so every figure in a response comes from the same data.
type Store interface {
	// Snapshot is the id of the snapshot this store reads.
	Snapshot() string
	// Info describes the snapshot: inputs, counts, quarantine size.
	Info(ctx context.Context) (*Snapshot, error)
	// Quarantine lists the rows of this snapshot's inputs that were not loaded.
	Quarantine(ctx context.Context) ([]Reject, error)
	FormationService
	FactStore
	JobDemandService
	MetierService
}
