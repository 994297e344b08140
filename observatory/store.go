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
	// JobDemandYears lists the BMO survey years and the files each came
	// from, for diffs between snapshots.
	JobDemandYears(ctx context.Context) ([]JobDemandYear, error)
	// Programmes lists the programmes whose formations the snapshot holds.
	Programmes(ctx context.Context) ([]Programme, error)
	// SetAside lists the rows of offer inputs left out as not digital.
	SetAside(ctx context.Context) ([]SetAside, error)
	FormationService
	FactStore
	JobDemandService
	MetierService
	Exporter
}

// Exporter writes tables as Parquet files, which the store does faster
// than Go (DuckDB's COPY): the API's downloads use it for every table.
type Exporter interface {
	// TableParquet writes rows (values in names' order, Table Schema
	// types) to a Parquet file at path with meta as key-value metadata.
	TableParquet(ctx context.Context, names, types []string, rows func(yield func([]any) error) error,
		meta map[string]string, path string) error
	// QuarantineParquet writes the snapshot's quarantine, with the given
	// columns (all when empty).
	QuarantineParquet(ctx context.Context, fields []string, meta map[string]string, path string) error
}
