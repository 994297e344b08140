package tabular

import (
	"bufio"
	"fmt"
	"io"
)

// maxCSVCells bounds the cells of one CSV record (Excel's column limit).
const maxCSVCells = 16384

// A quoted field that spans line breaks is taken for a runaway quote, an
// opening quote never closed, when it reaches the end of the file, when it
// spans more than maxQuotedLines line breaks or more than
// quotedBytesPerCell times the cell limit after its first line break, or
// when its closing quote is followed by text (`"abc` on one line pairs with
// the quote opening `"def";…` lines later). Legitimate multi-line cells
// (addresses, descriptions) are a few lines long and a cell over the limit
// is refused anyway, so the bounds only cut what cannot be a cell; they
// also bound the bytes kept to read the field again.
const (
	maxQuotedLines     = 200
	quotedBytesPerCell = 4
	minQuotedBytes     = 1 << 10
)

// csvSource is an RFC 4180 reader with Excel's tolerance for stray quotes,
// recovery from unterminated quotes, a cap on cell size that keeps memory
// flat, and line numbers. Hand-written because encoding/csv rejects stray
// quotes (real exports have them), reads a whole record however large its
// cells, and numbers records rather than the lines a spreadsheet user sees.
type csvSource struct {
	br      *bufio.Reader
	sep     byte
	line    int // line number of the next byte
	maxCell int
	buf     []byte
	ends    []int
	done    bool

	// replay is read before br: the bytes of a runaway quoted field, read
	// again with its quote as a plain character.
	replay []byte
	rpos   int

	// While a quoted field is open, the bytes read since its quote are
	// kept in rec so that they can be read again.
	recOn    bool
	rec      []byte
	recBreak int  // index in rec just after the field's first line break, -1 before it
	recLost  bool // the field's first line was over recCap: rec starts after its first line break
	recLines int  // line breaks inside the field
	recCap   int
}

func newCSVSource(r io.Reader, sep byte, maxCell int) *csvSource {
	return &csvSource{br: bufio.NewReaderSize(r, 64<<10), sep: sep, line: 1, maxCell: maxCell,
		recCap: max(quotedBytesPerCell*maxCell, minQuotedBytes)}
}

func (s *csvSource) close() error { return nil }

// avail returns bytes that can be read without blocking, possibly none.
func (s *csvSource) avail() []byte {
	if s.rpos < len(s.replay) {
		return s.replay[s.rpos:]
	}
	if n := s.br.Buffered(); n > 0 {
		b, _ := s.br.Peek(n)
		return b
	}
	return nil
}

// advance consumes p, a prefix of avail().
func (s *csvSource) advance(p []byte) {
	s.keep(p)
	if s.rpos < len(s.replay) {
		s.rpos += len(p)
		return
	}
	s.br.Discard(len(p))
}

func (s *csvSource) readByte() (byte, error) {
	if s.rpos < len(s.replay) {
		b := s.replay[s.rpos]
		s.rpos++
		s.keepByte(b)
		return b, nil
	}
	b, err := s.br.ReadByte()
	if err == nil {
		s.keepByte(b)
	}
	return b, err
}

func (s *csvSource) peekByte() (byte, bool) {
	if s.rpos < len(s.replay) {
		return s.replay[s.rpos], true
	}
	b, err := s.br.Peek(1)
	if err != nil {
		return 0, false
	}
	return b[0], true
}

// keep records the bytes read while a quoted field is open. The field's
// first line is dropped once over recCap (a huge one-line cell): it could
// not be read again, and need not be, being over the cell limit.
func (s *csvSource) keep(p []byte) {
	if !s.recOn || (s.recLost && s.recBreak < 0) {
		return
	}
	s.rec = append(s.rec, p...)
	if s.recBreak < 0 && len(s.rec) > s.recCap {
		s.rec, s.recLost = s.rec[:0], true
	}
}

func (s *csvSource) keepByte(b byte) {
	if !s.recOn || (s.recLost && s.recBreak < 0) {
		return
	}
	s.rec = append(s.rec, b)
	if s.recBreak < 0 && len(s.rec) > s.recCap {
		s.rec, s.recLost = s.rec[:0], true
	}
}

// overBounds reports a quoted field that spans line breaks and has gone
// past the bounds of a cell.
func (s *csvSource) overBounds() bool {
	return s.recBreak >= 0 && (s.recLines > maxQuotedLines || len(s.rec)-s.recBreak > s.recCap)
}

// pushBack makes the kept bytes of the open quoted field the next to read.
func (s *csvSource) pushBack() {
	again := s.rec
	rest := s.replay[s.rpos:]
	replay := make([]byte, 0, len(again)+len(rest))
	s.replay = append(append(replay, again...), rest...)
	s.rpos = 0
	s.recOn = false
	s.rec = s.rec[:0]
}

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
	problem, problemCell := "", 0
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
			if nb, ok := s.peekByte(); ok && nb == '\n' {
				s.readByte()
			}
		}
		s.line++
	}
	finish := func() rawRow {
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
		return rawRow{num: start, cells: cells, problem: problem, problemCell: problemCell}
	}
	// runaway handles a quoted field whose quote was never closed: the
	// quote becomes a plain character of the cell and what followed it is
	// read again, so that the next lines come out as the records they are.
	// It reports whether the record ends here (the rest of the quote's
	// line was too long to keep).
	runaway := func() (ended bool) {
		if problem == "" {
			problem = fmt.Sprintf("unterminated quote on line %d: the quote opening the cell is never closed; the line was read with it as a plain character", quoteLine)
			problemCell = len(s.ends) + 1
		}
		lost := s.recLost
		s.pushBack()
		s.buf = s.buf[:fieldStart]
		if lost {
			// The rest of the quote's line is gone (and the cell over
			// the limit): end the record there, read on after it.
			s.line = quoteLine + 1
			return true
		}
		s.line = quoteLine
		add('"')
		state = stUnquoted
		return false
	}
	for {
		// Inside a field, copy the run of ordinary bytes already buffered
		// in one go rather than byte by byte.
		if state == stQuoted || state == stUnquoted {
			if avail := s.avail(); len(avail) > 0 {
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
					s.advance(avail[:i])
					if state == stQuoted && s.overBounds() && runaway() {
						return finish(), nil
					}
					continue
				}
			}
		}
		b, err := s.readByte()
		if err != nil {
			if err != io.EOF {
				return rawRow{}, fmt.Errorf("ingest: reading CSV: %w", err)
			}
			if state == stQuoted && s.recOn {
				if runaway() {
					return finish(), nil
				}
				continue
			}
			s.done = true
			if !any {
				return rawRow{}, io.EOF
			}
			return finish(), nil
		}
		any = true
		switch state {
		case stStart:
			switch b {
			case '"':
				state, quoteLine = stQuoted, s.line
				s.recOn, s.rec, s.recBreak, s.recLost, s.recLines = true, s.rec[:0], -1, false, 0
			case s.sep:
				endField()
			case '\n', '\r':
				eol(b)
				return finish(), nil
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
				return finish(), nil
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
				s.recLines++
				if s.recBreak < 0 {
					if s.recLost {
						s.rec = s.rec[:0]
					}
					s.recBreak = len(s.rec)
				}
				if s.overBounds() && runaway() {
					return finish(), nil
				}
			default:
				add(b)
			}
		case stQuoteSeen:
			switch b {
			case '"':
				add('"')
				state = stQuoted
			case s.sep:
				s.recOn = false
				endField()
				state = stStart
			case '\n', '\r':
				s.recOn = false
				eol(b)
				return finish(), nil
			default:
				if s.recBreak >= 0 {
					// A multi-line field closed by a quote with text
					// after it: that quote opened another field.
					if runaway() {
						return finish(), nil
					}
					continue
				}
				// Text after the closing quote: kept, as Excel does.
				s.recOn = false
				add(b)
				state = stUnquoted
			}
		}
	}
}
