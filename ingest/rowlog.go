package ingest

import (
	"context"
	"fmt"

	"github.com/gen-numerique/observatory/observatory"
)

const (
	// maxReportedRows caps the quarantined and the repaired rows of one
	// file that the report (the CLI's listing, the upload's answer) holds;
	// the snapshot's quarantine and repairs tables keep every one. A file
	// of two million bad rows would otherwise cost gigabytes in memory
	// and in the answer.
	maxReportedRows = 10000
	// rowLogChunk rows are held before they go to the snapshot.
	rowLogChunk = 4096
)

// rowLog collects the quarantined and repaired rows of one file: every
// row goes to the snapshot a chunk at a time, the first maxReportedRows of
// each kind to the report. Rows quarantined must still be counted by the
// caller as read: rowLog only stores them.
type rowLog struct {
	ctx  context.Context
	b    observatory.Batch // nil: a dry run that stores nothing (first rejects for a message)
	kind string

	rejects []observatory.Reject // not yet stored
	repairs []observatory.Repair

	reportRejects []observatory.Reject
	reportRepairs []observatory.Repair
	nRejects      int
	nRepairs      int
}

func newRowLog(ctx context.Context, b observatory.Batch, kind string) *rowLog {
	return &rowLog{ctx: ctx, b: b, kind: kind, reportRejects: []observatory.Reject{}, reportRepairs: []observatory.Repair{}}
}

func (l *rowLog) reject(r observatory.Reject) error {
	l.nRejects++
	if len(l.reportRejects) < maxReportedRows {
		l.reportRejects = append(l.reportRejects, r)
	}
	if l.b == nil {
		return nil
	}
	l.rejects = append(l.rejects, r)
	if len(l.rejects) >= rowLogChunk {
		return l.flush()
	}
	return nil
}

func (l *rowLog) repair(rs ...observatory.Repair) error {
	for _, r := range rs {
		l.nRepairs++
		if len(l.reportRepairs) < maxReportedRows {
			l.reportRepairs = append(l.reportRepairs, r)
		}
		if l.b != nil {
			l.repairs = append(l.repairs, r)
		}
	}
	if len(l.repairs) >= rowLogChunk {
		return l.flush()
	}
	return nil
}

// flush stores the rows held so far.
func (l *rowLog) flush() error {
	if l.b == nil || len(l.rejects)+len(l.repairs) == 0 {
		return nil
	}
	if err := l.b.Quarantine(l.ctx, l.kind, l.rejects, l.repairs); err != nil {
		return err
	}
	l.rejects, l.repairs = l.rejects[:0], l.repairs[:0]
	return nil
}

// record stores the input with the rows still held.
func (l *rowLog) record(in observatory.Input) error {
	if err := l.b.Record(l.ctx, in, l.rejects, l.repairs); err != nil {
		return err
	}
	l.rejects, l.repairs = nil, nil
	return nil
}

// notes say how many rows the report leaves out, and where they are.
func (l *rowLog) notes(file string) []string {
	var out []string
	if n := l.nRejects - len(l.reportRejects); n > 0 {
		out = append(out, fmt.Sprintf("%s: %d quarantined rows, the first %d listed here; all are in the snapshot (GET /api/v1/snapshots/current/quarantine)",
			file, l.nRejects, len(l.reportRejects)))
	}
	if n := l.nRepairs - len(l.reportRepairs); n > 0 {
		out = append(out, fmt.Sprintf("%s: %d repairs, the first %d listed here; all are in the snapshot's repairs table", file, l.nRepairs, len(l.reportRepairs)))
	}
	return out
}
