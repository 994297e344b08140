package duckdb

import (
	"database/sql/driver"
	"fmt"
	"iter"
)

// readAheadRows is how many rows readAhead hands over at a time.
const readAheadRows = 1024

// readAhead runs seq in a goroutine of its own, a batch of rows ahead of
// its consumer: a load reads and checks its input (the producer) about as
// long as it appends it (BenchmarkIngestBMO: 236 and 350 ms of a BMO
// file), and on two cores the two overlap. The rows are copied, since seq
// may reuse its values slice; its errors arrive in their place. When the
// consumer stops early, seq's yield returns false and the goroutine ends;
// it has always ended when the returned sequence does, so that what seq
// changed (a loader's counts, its quarantine) is safe to read after. A
// panic in seq arrives as an error.
func readAhead(seq iter.Seq2[[]driver.Value, error]) iter.Seq2[[]driver.Value, error] {
	return func(yield func([]driver.Value, error) bool) {
		type batch struct {
			rows [][]driver.Value
			err  error
		}
		batches := make(chan batch, 2)
		stop := make(chan struct{})
		finished := make(chan struct{})
		go func() {
			defer close(finished)
			defer close(batches)
			var b batch
			send := func() bool {
				select {
				case batches <- b:
					b = batch{}
					return true
				case <-stop:
					return false
				}
			}
			defer func() {
				if p := recover(); p != nil {
					b.err = fmt.Errorf("reading the rows: %v", p)
					send()
				}
			}()
			var slab []driver.Value
			for row, err := range seq {
				if err != nil {
					b.err = err
					break
				}
				if len(slab)+len(row) > cap(slab) {
					slab = make([]driver.Value, 0, readAheadRows*len(row))
				}
				slab = append(slab, row...)
				b.rows = append(b.rows, slab[len(slab)-len(row):len(slab):len(slab)])
				if len(b.rows) == readAheadRows && !send() {
					return
				}
			}
			if len(b.rows) > 0 || b.err != nil {
				send()
			}
		}()
		defer func() {
			close(stop)
			<-finished
		}()
		for b := range batches {
			for _, row := range b.rows {
				if !yield(row, nil) {
					return
				}
			}
			if b.err != nil {
				yield(nil, b.err)
				return
			}
		}
	}
}
