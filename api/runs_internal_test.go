package api

import (
	"fmt"
	"testing"

	"github.com/gen-numerique/observatory/observatory"
)

// A run's report stays small whatever the quarantine: the first rows
// inline, every row counted by reason (the rarest reasons summed), and a
// link to the whole quarantine.
func TestBoundReport(t *testing.T) {
	rep := &observatory.Report{Snapshot: "20260101T000000Z-abcdef"}
	const n = 1_000_000
	rep.Rejects = make([]observatory.Reject, n)
	for i := range rep.Rejects {
		reason := "missing title"
		switch {
		case i%10 == 0:
			reason = "bad date"
		case i%1000 == 1:
			reason = fmt.Sprintf("unknown commune %05d", i) // 1,000 distinct reasons
		}
		rep.Rejects[i] = observatory.Reject{Row: i + 2, Reason: reason}
	}
	r := boundReport(rep)
	if len(r.Rejects) != reportRows || r.RejectsTotal != n || r.Rejects[0].Row != 2 || len(r.Repairs) != 0 {
		t.Fatalf("%d rows inline of %d", len(r.Rejects), r.RejectsTotal)
	}
	if len(r.RejectsByReason) != reportReasons+1 || r.RejectsByReason[0] != (reasonCount{"missing title", 899_000}) ||
		r.RejectsByReason[1] != (reasonCount{"bad date", 100_000}) || r.RejectsByReason[reportReasons].Reason != "(other reasons)" {
		t.Fatalf("by reason: %d %v", len(r.RejectsByReason), r.RejectsByReason[:3])
	}
	sum := 0
	for _, c := range r.RejectsByReason {
		sum += c.Rows
	}
	if sum != n || r.Quarantine != "/api/v1/snapshots/20260101T000000Z-abcdef/quarantine.csv" {
		t.Fatalf("counted %d of %d; %s", sum, n, r.Quarantine)
	}
}
