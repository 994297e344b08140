package tabular

import (
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gen-numerique/observatory/observatory"
)

// sheetReader streams the rows of one worksheet part, one pass, with the
// cells' values as a spreadsheet stores them (see the package comment) and
// the formula cells that have no value. Rows come in order, one per row
// number from 1: a row the part leaves out comes as a row without cells.
type sheetReader struct {
	x       *xmlScanner
	rc      io.ReadCloser
	wb      *workbook
	name    string // file name, for messages
	sheet   string
	maxCell int

	last    int     // number of the last row returned
	pending *rawRow // a row read ahead of a gap
	inData  bool    // inside <sheetData>
	done    bool
	text    []byte // scratch for cell text
}

const reasonNotUTF8 = "cell is not valid UTF-8 text (its invalid bytes read as U+FFFD)"

func newSheetReader(wb *workbook, s wbSheet, name string, maxCell int) (*sheetReader, error) {
	rc, err := s.part.Open()
	if err != nil {
		return nil, err
	}
	return &sheetReader{x: newXMLScanner(rc), rc: rc, wb: wb, name: name, sheet: s.name, maxCell: maxCell}, nil
}

func (r *sheetReader) close() error { return r.rc.Close() }

func (r *sheetReader) next() (rawRow, error) {
	if r.pending == nil && !r.done {
		row, err := r.readRow()
		if err != nil {
			r.done = true
			return rawRow{}, err
		}
		r.pending = row
	}
	if r.pending == nil {
		return rawRow{}, io.EOF
	}
	r.last++
	if r.pending.num > r.last {
		return rawRow{num: r.last}, nil // a row the part leaves out
	}
	row := *r.pending
	r.pending = nil
	return row, nil
}

func (r *sheetReader) errorf(code, format string, args ...any) error {
	return observatory.Errorf(code, "%s: sheet %q "+format, append([]any{r.name, r.sheet}, args...)...)
}

// readRow reads the next <row> element; nil at the end of the sheet data.
func (r *sheetReader) readRow() (*rawRow, error) {
	var row *rawRow
	for row == nil {
		t, ok := r.x.next()
		if !ok {
			return nil, r.endError()
		}
		switch {
		case t.is("sheetData"):
			r.inData = !t.end && !t.self
			if t.end {
				return nil, nil
			}
		case !r.inData || !t.is("row") || t.end:
		default:
			num := r.last + 1
			if v, ok := attrValue(t.attrs, "r"); ok {
				n, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil || n < 1 {
					return nil, r.errorf(observatory.EINVALID, "after row %d: unreadable row number %q", r.last, cut(v, 20))
				}
				num = max(n, num) // a number going back is read as the next row
			}
			if num > maxXLSXRows {
				return nil, r.errorf(observatory.ETOOLARGE, "has rows beyond row %s, the most an XLSX sheet can hold; split it or export it as CSV", thousands(maxXLSXRows))
			}
			row = &rawRow{num: num}
			if t.self {
				return row, nil
			}
		}
	}
	col := 0 // 1-based column of the last cell read
	for {
		t, ok := r.x.next()
		if !ok {
			return nil, r.endError()
		}
		switch {
		case t.end && t.is("row"):
			return row, nil
		case t.end || !t.is("c"):
		default:
			col++
			if ref, ok := attrValue(t.attrs, "r"); ok {
				c, ok := cellColumn(ref)
				if !ok {
					return nil, r.errorf(observatory.EINVALID, "row %d: unreadable cell reference %q", row.num, cut(ref, 20))
				}
				col = c + 1
			}
			if col > maxCSVCells {
				return nil, r.errorf(observatory.EINVALID, "row %d: a cell beyond column XFD, the last an XLSX sheet has", row.num)
			}
			if t.self {
				continue
			}
			val, formula, hasF, hasV, err := r.readCell(t)
			if err != nil {
				return nil, err
			}
			if hasF && !hasV {
				row.formulas = append(row.formulas, rawFormula{col: col - 1, formula: formula})
			}
			if val == "" && !hasF {
				continue
			}
			if !utf8.ValidString(val) {
				// Not well-formed XML; a reader that stops there would lose
				// the rest of the sheet. The row is kept, with its problem.
				val = strings.ToValidUTF8(val, "\uFFFD")
				if row.problem == "" {
					row.problem, row.problemCell = reasonNotUTF8, col
				}
			}
			for len(row.cells) < col-1 {
				row.cells = append(row.cells, "")
			}
			if len(row.cells) == col-1 {
				row.cells = append(row.cells, val)
			} else {
				row.cells[col-1] = val // a column given twice: the last wins
			}
		}
	}
}

// endError is the error for a part that ends before its sheet data does.
func (r *sheetReader) endError() error {
	if r.x.err == io.EOF && !r.inData {
		return nil // no sheet data at all: an empty sheet
	}
	if r.x.err == io.EOF || r.x.err == io.ErrUnexpectedEOF {
		return r.errorf(observatory.EINVALID, "after row %d: the worksheet ends in the middle of its data", r.last)
	}
	return r.errorf(observatory.EINVALID, "after row %d: %v", r.last, r.x.err)
}

// readCell reads a <c> element's content up to its end tag and gives its
// value, its formula text, and whether it has a formula and a value.
func (r *sheetReader) readCell(c xmlTag) (val, formula string, hasF, hasV bool, err error) {
	typ, _ := attrValue(c.attrs, "t")
	style := 0
	if s, ok := attrValue(c.attrs, "s"); ok {
		style, _ = strconv.Atoi(strings.TrimSpace(s))
	}
	var v string
	inline := false
	for {
		t, ok := r.x.next()
		if !ok {
			return "", "", false, false, r.endError()
		}
		switch {
		case t.end && t.is("c"):
			if inline {
				return bstrDecode(v), formula, hasF, hasV, nil
			}
			return r.value(typ, v, style), formula, hasF, hasV, nil
		case t.end:
		case t.is("v"):
			hasV = true
			if t.self {
				continue
			}
			r.text, ok = r.x.text(r.text[:0], r.maxCell)
			if !ok {
				return "", "", false, false, r.endError()
			}
			v = string(r.text)
		case t.is("is"):
			hasV, inline = true, true
			if t.self {
				continue
			}
			if v, ok = r.inlineString(); !ok {
				return "", "", false, false, r.endError()
			}
		case t.is("f"):
			hasF = true
			if t.self {
				continue
			}
			r.text, ok = r.x.text(r.text[:0], 4*maxFormulaText)
			if !ok {
				return "", "", false, false, r.endError()
			}
			formula = cut(strings.ToValidUTF8(string(r.text), "\uFFFD"), maxFormulaText)
		}
	}
}

// inlineString reads an <is> element: its text, rich text runs joined,
// phonetic runs left out.
func (r *sheetReader) inlineString() (string, bool) {
	r.text = r.text[:0]
	for {
		t, ok := r.x.next()
		if !ok {
			return "", false
		}
		switch {
		case t.end && t.is("is"):
			return string(r.text), true
		case t.end || t.self:
		case t.is("t"):
			if r.text, ok = r.x.text(r.text, r.maxCell); !ok {
				return "", false
			}
		case t.is("rPh"):
			if !r.x.skipElement("rPh") {
				return "", false
			}
		}
	}
}

// value gives a cell's text from its type and stored value.
func (r *sheetReader) value(typ, v string, style int) string {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(r.wb.strings) {
			return "" // no such shared string: nothing to read
		}
		return r.wb.strings[i]
	case "str", "e":
		return v // a formula's text result, an error such as #N/A
	case "b":
		switch strings.TrimSpace(v) {
		case "1":
			return "TRUE"
		case "0":
			return "FALSE"
		}
		return v
	case "d":
		return isoDateCell(v)
	}
	return r.wb.number(v, style)
}

// isoDateCell gives a cell of type d (an ISO 8601 date stored as text) as
// a date, or a date and time when it has one.
func isoDateCell(v string) string {
	v = strings.TrimSpace(v)
	if d, rest, ok := strings.Cut(v, "T"); ok {
		rest = strings.TrimSuffix(rest, "Z")
		if rest == "00:00:00" || rest == "00:00" || rest == "00:00:00.000" {
			return d
		}
		if i := strings.IndexByte(rest, '.'); i >= 0 {
			rest = rest[:i]
		}
		return d + " " + rest
	}
	return v
}

// cut shortens s to n bytes and an ellipsis, on a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
