package tabular

import (
	"fmt"
	"strings"
	"testing"
)

// quoteSchema is two columns, a and b.
var quoteSchema = Schema{Columns: []Column{{Key: "a", Names: []string{"a"}, Required: true}, {Key: "b", Names: []string{"b"}}}}

// lineRecord is what a test expects of one record: its line, its values,
// and for a RowError the line the unterminated quote is on.
type lineRecord struct {
	row       int
	a, b      string
	quoteLine int // 0 for a good record
	column    string
}

func checkRecords(t *testing.T, content string, lim Limits, want []lineRecord) {
	t.Helper()
	tb, err := openString(t, "q.csv", content, quoteSchema, lim)
	if err != nil {
		t.Fatal(err)
	}
	var got []lineRecord
	for {
		rec, err := tb.Next()
		if err != nil && rec.Values == nil {
			break
		}
		lr := lineRecord{row: rec.Row, a: rec.Values["a"], b: rec.Values["b"]}
		if re, ok := err.(*RowError); ok {
			if _, err := fmt.Sscanf(re.Reason, "unterminated quote on line %d", &lr.quoteLine); err != nil {
				t.Fatalf("line %d: reason %q", rec.Row, re.Reason)
			}
			lr.column = re.Column
		}
		got = append(got, lr)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("records:\n got %v\nwant %v", got, want)
	}
}

func TestCSVUnterminatedQuoteRecovery(t *testing.T) {
	t.Run("at the end of the file", func(t *testing.T) {
		checkRecords(t, "a;b\n1;x\n\"2;y\n3;z\n4;w\n", Limits{}, []lineRecord{
			{2, "1", "x", 0, ""}, {3, "", "y", 3, "a"}, {4, "3", "z", 0, ""}, {5, "4", "w", 0, ""},
		})
	})
	t.Run("in the second column, CRLF", func(t *testing.T) {
		checkRecords(t, "a;b\r\n1;\"x\r\n2;y\r\n", Limits{}, []lineRecord{
			{2, "1", "", 2, "b"}, {3, "2", "y", 0, ""},
		})
	})
	t.Run("lone CR line ends", func(t *testing.T) {
		checkRecords(t, "a;b\r1;\"x\r2;y\r3;z", Limits{}, []lineRecord{
			{2, "1", "", 2, "b"}, {3, "2", "y", 0, ""}, {4, "3", "z", 0, ""},
		})
	})
	// The bad quote pairs with the quote opening a field lines later: the
	// text after that "closing" quote gives it away.
	t.Run("paired with a later opening quote", func(t *testing.T) {
		checkRecords(t, "a;b\n\"open;x\n2;y\n\"q\";z\n5;w\n", Limits{}, []lineRecord{
			{2, "", "x", 2, "a"}, {3, "2", "y", 0, ""}, {4, "q", "z", 0, ""}, {5, "5", "w", 0, ""},
		})
	})
	// Two bad quotes in a row: each is its own RowError.
	t.Run("two in a row", func(t *testing.T) {
		checkRecords(t, "a;b\nx;\"a\ny;\"b\nz;c\n", Limits{}, []lineRecord{
			{2, "x", "", 2, "b"}, {3, "y", "", 3, "b"}, {4, "z", "c", 0, ""},
		})
	})
	// Quoted fields may hold line breaks: legitimate ones are kept, before
	// and after a bad one, and in the bad record itself.
	t.Run("legitimate multi-line cells around", func(t *testing.T) {
		checkRecords(t, "a;b\n\"one\ntwo\";x\n\"multi\nline\";\"bad\nnext;\"three\r\nfour\"\n", Limits{}, []lineRecord{
			{2, "one\ntwo", "x", 0, ""}, {4, "multi\nline", "", 5, "b"}, {6, "next", "three\nfour", 0, ""},
		})
	})
	// Over maxQuotedLines line breaks, the field is cut before the end of
	// the file; the lines are read again all the same.
	t.Run("over the line bound", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("a;b\n1;\"x\n")
		want := []lineRecord{{2, "1", "", 2, "b"}}
		for i := 3; i < maxQuotedLines+10; i++ {
			fmt.Fprintf(&b, "%d;v\n", i)
			want = append(want, lineRecord{i, fmt.Sprint(i), "v", 0, ""})
		}
		b.WriteString("\"last\";\"z\"\n")
		want = append(want, lineRecord{maxQuotedLines + 10, "last", "z", 0, ""})
		checkRecords(t, b.String(), Limits{}, want)
	})
	// Over the byte bound (four times the cell limit after the first line
	// break) likewise.
	t.Run("over the byte bound", func(t *testing.T) {
		long := strings.Repeat("y", 100)
		var b strings.Builder
		b.WriteString("a;b\n\"x;1\n")
		want := []lineRecord{{2, "", "1", 2, "a"}}
		for i := 3; i < 40; i++ {
			fmt.Fprintf(&b, "%d;%s\n", i, long)
			want = append(want, lineRecord{i, fmt.Sprint(i), long, 0, ""})
		}
		checkRecords(t, b.String(), Limits{MaxCellBytes: 256}, want)
	})
	// The rest of the quote's line is too long to keep: the line is lost
	// after the quote (the cell is over the limit anyway), the next lines
	// are read.
	t.Run("huge first line", func(t *testing.T) {
		content := "a;b\nkept;\"" + strings.Repeat("z", 5000) + ";lost\n2;y\n3;z\n"
		checkRecords(t, content, Limits{MaxCellBytes: 100}, []lineRecord{
			{2, "kept", "", 2, "b"}, {3, "2", "y", 0, ""}, {4, "3", "z", 0, ""},
		})
	})
	// Stray quotes that are not unterminated fields stay as they were.
	t.Run("not runaways", func(t *testing.T) {
		checkRecords(t, "a;b\nEcran 15\";x\n\"abc\"def;y\n\"doubled \"\"q\"\"\";z\n\"last\"", Limits{}, []lineRecord{
			{2, "Ecran 15\"", "x", 0, ""}, {3, "abcdef", "y", 0, ""}, {4, "doubled \"q\"", "z", 0, ""}, {5, "last", "", 0, ""},
		})
	})
}

// TestCSVManyUnterminatedQuotes: a file where every other line opens a
// quote it never closes is read line by line, each bad line a RowError.
func TestCSVManyUnterminatedQuotes(t *testing.T) {
	var b strings.Builder
	b.WriteString("a;b\n")
	var want []lineRecord
	for i := 2; i < 2000; i++ {
		if i%2 == 0 {
			fmt.Fprintf(&b, "\"%d;v\n", i)
			want = append(want, lineRecord{i, "", "v", i, "a"})
		} else {
			fmt.Fprintf(&b, "%d;w\n", i)
			want = append(want, lineRecord{i, fmt.Sprint(i), "w", 0, ""})
		}
	}
	checkRecords(t, b.String(), Limits{}, want)
}
