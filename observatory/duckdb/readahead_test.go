package duckdb

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"iter"
	"testing"
)

// rowsOf yields n rows {i, "r<i>"} in one reused slice, then err if any;
// produced counts the rows it made.
func rowsOf(n int, err error, produced *int) iter.Seq2[[]driver.Value, error] {
	return func(yield func([]driver.Value, error) bool) {
		vals := make([]driver.Value, 2)
		for i := range n {
			*produced++
			vals[0], vals[1] = int64(i), fmt.Sprint("r", i)
			if !yield(vals, nil) {
				return
			}
		}
		if err != nil {
			yield(nil, err)
		}
	}
}

// TestReadAhead: the rows come in order and intact although their producer
// reuses its slice, across batches; an error comes after the rows before
// it; a consumer that stops early stops the producer, whose goroutine has
// ended when the sequence does; a panic arrives as an error.
func TestReadAhead(t *testing.T) {
	boom := errors.New("bad row")
	for _, n := range []int{0, 1, readAheadRows, 3*readAheadRows + 7} {
		for _, fail := range []error{nil, boom} {
			var produced int
			got, gotErr := 0, error(nil)
			for row, err := range readAhead(rowsOf(n, fail, &produced)) {
				if err != nil {
					gotErr = err
					break
				}
				if row[0] != int64(got) || row[1] != fmt.Sprint("r", got) {
					t.Fatalf("%d rows: row %d is %v", n, got, row)
				}
				got++
			}
			if got != n || gotErr != fail {
				t.Errorf("%d rows, error %v: %d rows, error %v", n, fail, got, gotErr)
			}
		}
	}
	var produced int
	returned := false
	seq := rowsOf(10*readAheadRows, nil, &produced)
	seen := 0
	for range readAhead(func(yield func([]driver.Value, error) bool) {
		defer func() { returned = true }()
		seq(yield)
	}) {
		if seen++; seen == 5 {
			break
		}
	}
	// The producer may have read ahead of the consumer, by its batches in
	// flight, but not to the end, and it has returned (the race detector
	// would see these reads race with its writes otherwise).
	if produced >= 10*readAheadRows || produced < 5 || !returned {
		t.Errorf("stopped after 5 rows: %d produced, producer returned %v", produced, returned)
	}
	var err error
	for _, e := range readAhead(func(yield func([]driver.Value, error) bool) { panic("reader bug") }) {
		err = e
	}
	if err == nil {
		t.Error("a panic in the producer gave no error")
	}
}
