package ingest

import (
	"os"
	"runtime/debug"
)

// runMemoryLimit is the soft limit of the Go heap while a run is in
// progress, unless GOMEMLIMIT sets one: the collector then works harder
// instead of letting the heap double between cycles, which on a run of
// millions of rows costs hundreds of megabytes of garbage. DuckDB's own
// memory is bounded by the builder (observatory/duckdb, builderConfig).
const runMemoryLimit = 160 << 20

// boundMemory sets the run's soft heap limit and returns what restores
// the previous one and gives the run's memory back to the system: a
// server must not keep the peak of an upload once it has answered.
func boundMemory() (release func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return debug.FreeOSMemory
	}
	prev := debug.SetMemoryLimit(runMemoryLimit)
	return func() {
		debug.SetMemoryLimit(prev)
		debug.FreeOSMemory()
	}
}
