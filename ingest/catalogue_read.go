package ingest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gen-numerique/observatory/ingest/tabular"
	"github.com/gen-numerique/observatory/observatory"
)

// catRow is one data row of a catalogue file as read and checked, before
// the run's duplicates and waves are decided.
type catRow struct {
	reject  *observatory.Reject // quarantined while reading or checking; form is then empty
	form    observatory.Formation
	repairs []observatory.Repair
	key     [16]byte // the whole row's hash, to find exact duplicates
}

// catReader reads one catalogue file row by row. Both passes of a run read
// the file through it, so they see the same rows with the same checks.
type catReader struct {
	f   File
	t   tabular.Table
	opt Options
}

func openCatalogue(ctx context.Context, f File, opt Options) (*catReader, error) {
	t, err := tabular.OpenReader(ctx, f.Data, f.Size, f.Name, catalogueSchema, opt.Limits)
	if err != nil {
		return nil, err
	}
	if !hasAny(t.Columns(), locationKeys) {
		t.Close()
		return nil, observatory.Errorf(observatory.EINVALID,
			"%s: no column locates the formations; expected one of: code commune INSEE, code postal, département, commune", f.Name)
	}
	return &catReader{f: f, t: t, opt: opt}, nil
}

func (r *catReader) close() { r.t.Close() }

// next reads the next data row; io.EOF at the end.
func (r *catReader) next() (catRow, error) {
	rec, err := r.t.Next()
	if err == io.EOF {
		return catRow{}, io.EOF
	}
	var rowErr *tabular.RowError
	if errors.As(err, &rowErr) {
		return catRow{reject: &observatory.Reject{File: rowErr.File, Sheet: rowErr.Sheet, Row: rowErr.Row, Column: rowErr.Column, Reason: rowErr.Reason}}, nil
	}
	if err != nil {
		return catRow{}, err
	}
	if fc := formulaInUse(rec); fc != nil {
		return catRow{reject: &observatory.Reject{File: rec.File, Sheet: rec.Sheet, Row: rec.Row, Column: fc.Column, Value: formulaValue(fc),
			Reason: fmt.Sprintf("formula without a computed value in column %q: open and save the file in a spreadsheet, or export it as CSV", fc.Column)}}, nil
	}
	c := &rowCheck{rec: rec, geo: r.opt.Ref.Geo, metiers: r.opt.Ref.Metiers}
	if len(rec.Extra) > 0 {
		x := rec.Extra[0]
		c.fail("", x.Value, "%d cell(s) beyond the last header column (%s); the row is probably shifted", len(rec.Extra), x.Column)
	}
	fm := c.formation()
	if c.reject != nil {
		return catRow{reject: c.reject}, nil
	}
	return catRow{form: fm, repairs: c.repairs, key: rowKey(rec.Values)}, nil
}

// notData lists the rows read that are no data (footnotes, repeated
// headers) as quarantined, so that rows read = loaded + quarantined holds
// for every file; call it once the table is read.
func (r *catReader) notData(log *rowLog) error {
	for _, sk := range r.t.Skipped() {
		reason := "not a data row: note or footnote below the table"
		if sk.Reason != "footnote" {
			reason = "not a data row: " + sk.Reason
		}
		if err := log.reject(observatory.Reject{File: sk.File, Sheet: sk.Sheet, Row: sk.Row, Value: sk.Text, Reason: reason}); err != nil {
			return err
		}
	}
	return nil
}

// rowKey is the hash of a row's values in the schema's order: 16 bytes
// per row, whatever its width, is all duplicate detection keeps.
func rowKey(v map[string]string) [16]byte {
	h := sha256.New()
	for _, col := range catalogueSchema.Columns {
		h.Write([]byte(v[col.Key]))
		h.Write([]byte{0})
	}
	var k [16]byte
	copy(k[:], h.Sum(nil))
	return k
}

func idKey(id string) [16]byte {
	s := sha256.Sum256([]byte(id))
	var k [16]byte
	copy(k[:], s[:])
	return k
}

// isSyntheticStructure: a structure name that says it is made up.
func isSyntheticStructure(name string) bool {
	n := tabular.Normalize(name)
	return strings.Contains(n, "synthetique") || strings.Contains(n, "synthetic")
}
