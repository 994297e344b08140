package tabular

import (
	"bufio"
	"fmt"
	"io"
)

// maxCSVCells bounds the cells of one CSV record (Excel's column limit).
const maxCSVCells = 16384

// csvSource is an RFC 4180 reader with Excel's tolerance for stray quotes,
// a cap on cell size that keeps memory flat, and line numbers.
// Hand-written because encoding/csv rejects stray quotes (real exports have
// them), reads a whole record however large its cells, and numbers records
// rather than the lines a spreadsheet user sees.
type csvSource struct {
	br      *bufio.Reader
	sep     byte
	line    int // line number of the next byte
	maxCell int
	buf     []byte
	ends    []int
	done    bool
}

func newCSVSource(r io.Reader, sep byte, maxCell int) *csvSource {
	return &csvSource{br: bufio.NewReaderSize(r, 64<<10), sep: sep, line: 1, maxCell: maxCell}
}

func (s *csvSource) close() error { return nil }

const (
	stStart     = iota // at the start of a field
	stUnquoted         // inside an unquoted field (or after a closing quote)
	stQuoted           // inside a quoted field
	stQuoteSeen        // a quote inside a quoted field: closing or doubled
)

func (s *csvSource) next() (rawRow, error) {
	if s.done {
		return rawRow{}, io.EOF
	}
	s.buf, s.ends = s.buf[:0], s.ends[:0]
	start := s.line
	state := stStart
	fieldStart := 0
	quoteLine := 0
	tooMany := false
	any := false
	endField := func() {
		if len(s.ends) >= maxCSVCells {
			tooMany = true
			s.buf = s.buf[:fieldStart]
			return
		}
		s.ends = append(s.ends, len(s.buf))
		fieldStart = len(s.buf)
	}
	// Bytes past maxCell+1 are dropped: the cell is known to be too large.
	add := func(b byte) {
		if len(s.buf)-fieldStart <= s.maxCell {
			s.buf = append(s.buf, b)
		}
	}
	eol := func(b byte) {
		if b == '\r' {
			if nb, err := s.br.Peek(1); err == nil && nb[0] == '\n' {
				s.br.ReadByte()
			}
		}
		s.line++
	}
	finish := func(problem string) rawRow {
		endField()
		if tooMany && problem == "" {
			problem = fmt.Sprintf("more than %d cells", maxCSVCells)
		}
		all := string(s.buf)
		cells := make([]string, len(s.ends))
		prev := 0
		for i, e := range s.ends {
			cells[i] = all[prev:e]
			prev = e
		}
		return rawRow{num: start, cells: cells, problem: problem}
	}
	for {
		// Inside a field, copy the run of ordinary bytes already buffered
		// in one go rather than byte by byte.
		if state == stQuoted || state == stUnquoted {
			if n := s.br.Buffered(); n > 0 {
				avail, _ := s.br.Peek(n)
				i := 0
				if state == stQuoted {
					for i < len(avail) && avail[i] != '"' && avail[i] != '\n' && avail[i] != '\r' {
						i++
					}
				} else {
					for i < len(avail) && avail[i] != s.sep && avail[i] != '\n' && avail[i] != '\r' {
						i++
					}
				}
				if i > 0 {
					if room := s.maxCell + 1 - (len(s.buf) - fieldStart); room > 0 {
						s.buf = append(s.buf, avail[:min(i, room)]...)
					}
					s.br.Discard(i)
					continue
				}
			}
		}
		b, err := s.br.ReadByte()
		if err != nil {
			if err != io.EOF {
				return rawRow{}, fmt.Errorf("ingest: reading CSV: %w", err)
			}
			s.done = true
			if !any {
				return rawRow{}, io.EOF
			}
			problem := ""
			if state == stQuoted {
				problem = fmt.Sprintf("unterminated quoted field (the quote opens on line %d)", quoteLine)
			}
			return finish(problem), nil
		}
		any = true
		switch state {
		case stStart:
			switch b {
			case '"':
				state, quoteLine = stQuoted, s.line
			case s.sep:
				endField()
			case '\n', '\r':
				eol(b)
				return finish(""), nil
			default:
				add(b)
				state = stUnquoted
			}
		case stUnquoted:
			switch b {
			case s.sep:
				endField()
				state = stStart
			case '\n', '\r':
				eol(b)
				return finish(""), nil
			default:
				add(b)
			}
		case stQuoted:
			switch b {
			case '"':
				state = stQuoteSeen
			case '\n', '\r':
				eol(b)
				add('\n')
			default:
				add(b)
			}
		case stQuoteSeen:
			switch b {
			case '"':
				add('"')
				state = stQuoted
			case s.sep:
				endField()
				state = stStart
			case '\n', '\r':
				eol(b)
				return finish(""), nil
			default:
				// Text after the closing quote: kept, as Excel does.
				add(b)
				state = stUnquoted
			}
		}
	}
}
