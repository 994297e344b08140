package export

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// flushCount is a download's body that counts its flushes and the bytes
// it held at the first.
type flushCount struct {
	bytes.Buffer
	flushes, at int
}

func (f *flushCount) Flush() {
	if f.flushes++; f.flushes == 1 {
		f.at = f.Len()
	}
}

// TestXLSXFlushesPastItsHead: an XLSX download of more than streamAfter
// rows flushes once, after them, so its first byte does not wait for the
// response's first megabyte, and the file still reads back whole (the
// sheet's deflate stream with a sync flush inside); a shorter one never
// flushes, and goes with its Content-Length.
func TestXLSXFlushesPastItsHead(t *testing.T) {
	day := time.Date(2016, 2, 3, 0, 0, 0, 0, time.UTC)
	for _, n := range []int{streamAfter - 1, streamAfter, streamAfter + 500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			tab := Table{
				Name:    "t",
				Columns: []Column{{Name: "id", Type: "string"}, {Name: "n", Type: "integer"}, {Name: "day", Type: "date"}},
				Each: func(yield func([]any) error) error {
					for i := range n {
						if err := yield([]any{fmt.Sprintf("id-%05d", i), int64(i), day.AddDate(0, 0, i%900)}); err != nil {
							return err
						}
					}
					return nil
				},
			}
			meta := Meta{Snapshot: "s", Date: day}
			meta.Dataset.Name = "t"
			var w flushCount
			if err := WriteXLSX(&w, tab, meta, RFC4180); err != nil {
				t.Fatal(err)
			}
			want := 0
			if n > streamAfter {
				want = 1
			}
			if w.flushes != want || want == 1 && (w.at == 0 || w.at >= w.Len()) {
				t.Errorf("%d rows: %d flushes (the first at byte %d of %d), want %d", n, w.flushes, w.at, w.Len(), want)
			}
			f, err := excelize.OpenReader(bytes.NewReader(w.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows(f.GetSheetName(0))
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != n+1 || rows[n][0] != fmt.Sprintf("id-%05d", n-1) {
				t.Errorf("%d rows read back, want %d and the header", len(rows)-1, n)
			}
		})
	}
}
