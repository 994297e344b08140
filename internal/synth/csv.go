package synth

import (
	"bufio"
	"io"
	"strings"
)

// CSV writes a catalogue of n data rows, ';'-separated UTF-8.
func CSV(w io.Writer, n int) error { return writeCSV(w, n, Row) }

// CSV writes a catalogue of n data rows spread over the communes.
func (s *Spread) CSV(w io.Writer, n int) error { return writeCSV(w, n, s.Row) }

func writeCSV(w io.Writer, n int, row func(int) []string) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString(strings.Join(Header, ";") + "\n")
	for i := 0; i < n; i++ {
		for j, cell := range row(i) {
			if j > 0 {
				bw.WriteByte(';')
			}
			bw.WriteString(cell)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
