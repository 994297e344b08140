package tabular

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"html"
	"io"
	"path"
	"strconv"
	"strings"
)

// FormulaCell is a cell holding a formula but no computed (cached) value,
// as written by programs that do not calculate: it comes out as "" in
// Values, and the record lists it here so that the caller can quarantine
// the row or note it.
type FormulaCell struct {
	Column  string // header text of the column, or "column F" where it has none
	Key     string // the schema key of the column, "" when the schema does not map it
	Formula string // as written, without "=", cut to 200 bytes; "" for the other cells of a shared formula
}

// rawFormula is a formula cell without a value, by 0-based cell index.
type rawFormula struct {
	col     int
	formula string
}

const maxFormulaText = 200

// formulaSniffer is fed a worksheet part as it is inflated and tells
// whether it may hold a formula element (<f> or <x:f>): most workbooks
// hold none, and their sheets need no second look.
type formulaSniffer struct {
	tail  [2]byte
	ntail int
	found bool
}

func (s *formulaSniffer) Write(p []byte) (int, error) {
	if s.found || len(p) == 0 {
		return len(p), nil
	}
	// The two bytes before p, then p's first two: a tag cut between writes.
	var joint [4]byte
	n := copy(joint[:], s.tail[:s.ntail])
	n += copy(joint[n:], p[:min(2, len(p))])
	s.found = mayHoldFormula(joint[:n]) || mayHoldFormula(p)
	if len(p) >= 2 {
		s.tail, s.ntail = [2]byte{p[len(p)-2], p[len(p)-1]}, 2
	} else {
		s.tail, s.ntail = [2]byte{s.tail[1], p[0]}, min(s.ntail+1, 2)
	}
	return len(p), nil
}

// mayHoldFormula looks for "<f" or ":f" followed by '>', '/' or a space.
// It looks for the 'f' first: rare in worksheet XML (cell references and
// most names are in capitals), it makes the search run at memchr speed,
// where searching for '<' would stop every few bytes.
func mayHoldFormula(p []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(p[i:], 'f')
		if j < 0 {
			return false
		}
		k := i + j
		if k > 0 && k+1 < len(p) && (p[k-1] == '<' || p[k-1] == ':') {
			switch p[k+1] {
			case '>', '/', ' ', '\t', '\r', '\n':
				return true
			}
		}
		i = k + 1
	}
}

// sheetParts maps the sheet names of a workbook to their ZIP entries, from
// xl/workbook.xml and its relationships. Sheets it cannot place are left
// out: their formulas go unreported, nothing worse.
func sheetParts(zr *zip.Reader) map[string]*zip.File {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"id,attr"` // r:id
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	entries := map[string]*zip.File{}
	for _, zf := range zr.File {
		entries[strings.ToLower(zf.Name)] = zf
	}
	decode := func(name string, v any) bool {
		zf := entries[name]
		if zf == nil {
			return false
		}
		rc, err := zf.Open()
		if err != nil {
			return false
		}
		defer rc.Close()
		return xml.NewDecoder(io.LimitReader(rc, 16<<20)).Decode(v) == nil
	}
	if !decode("xl/workbook.xml", &wb) || !decode("xl/_rels/workbook.xml.rels", &rels) {
		return nil
	}
	target := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		target[r.ID] = strings.ToLower(t)
	}
	out := map[string]*zip.File{}
	for _, s := range wb.Sheets {
		if zf := entries[target[s.ID]]; zf != nil {
			out[s.Name] = zf
		}
	}
	return out
}

// formulaScanner reads a worksheet part beside excelize's row iterator,
// row for row, and finds the cells with a formula (<f>) and no value (no
// <v> nor inline string). excelize's streaming API gives such a cell as ""
// without saying it holds a formula, and its other APIs load the whole
// sheet in memory. The scanner is a light tag reader, not an XML parser:
// it needs only element names, the r attributes of rows and cells and the
// formula text, and keeps nothing but the row being read.
type formulaScanner struct {
	rc      io.ReadCloser
	br      *bufio.Reader
	lastRow int // number of the last row read
	pending *scannedRow
	done    bool
}

type scannedRow struct {
	num   int
	cells []rawFormula
}

func newFormulaScanner(zf *zip.File) (*formulaScanner, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	return &formulaScanner{rc: rc, br: bufio.NewReaderSize(rc, 64<<10)}, nil
}

func (fs *formulaScanner) close() error { return fs.rc.Close() }

// row returns the formula cells without a value of row n. Rows are asked
// for in increasing order, as excelize yields them.
func (fs *formulaScanner) row(n int) []rawFormula {
	for {
		if fs.pending == nil {
			if fs.done {
				return nil
			}
			fs.pending = fs.readRow()
			if fs.pending == nil {
				fs.done = true
				return nil
			}
		}
		switch p := fs.pending; {
		case p.num < n:
			fs.pending = nil // a row excelize skipped or gave earlier
		case p.num == n:
			fs.pending = nil
			return p.cells
		default:
			return nil // row n has no element: it is blank
		}
	}
}

// tag is one element tag.
type tag struct {
	name  string // local name, without a namespace prefix
	end   bool   // </name>
	self  bool   // <name/>
	attrs []byte
}

// nextTag reads up to the next element tag, skipping text, comments,
// processing instructions and CDATA sections. ok is false at the end of
// the stream or on a read error.
func (fs *formulaScanner) nextTag() (t tag, ok bool) {
	for {
		if _, err := fs.skipText(); err != nil {
			return tag{}, false
		}
		c, err := fs.br.ReadByte()
		if err != nil {
			return tag{}, false
		}
		switch c {
		case '!':
			if b, _ := fs.br.Peek(2); string(b) == "--" {
				if !fs.skipPast("-->") {
					return tag{}, false
				}
			} else if b, _ := fs.br.Peek(7); string(b) == "[CDATA[" {
				if !fs.skipPast("]]>") {
					return tag{}, false
				}
			} else if !fs.skipPast(">") {
				return tag{}, false
			}
			continue
		case '?':
			if !fs.skipPast("?>") {
				return tag{}, false
			}
			continue
		case '/':
			t.end = true
		default:
			fs.br.UnreadByte()
		}
		body, ok := fs.readTagBody()
		if !ok {
			return tag{}, false
		}
		name := body
		if i := bytes.IndexAny(body, " \t\r\n/"); i >= 0 {
			name, t.attrs = body[:i], body[i:]
		}
		if i := bytes.LastIndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		t.name = string(name)
		t.self = len(body) > 0 && body[len(body)-1] == '/'
		return t, true
	}
}

// skipText discards bytes up to the next '<', which it consumes.
func (fs *formulaScanner) skipText() (int, error) {
	n := 0
	for {
		b, err := fs.br.ReadSlice('<')
		n += len(b)
		if err == bufio.ErrBufferFull {
			continue
		}
		return n, err
	}
}

// readText returns the text up to the next '<' (left unread), cut to
// maxFormulaText bytes, entities decoded.
func (fs *formulaScanner) readText() (string, bool) {
	var b []byte
	for {
		c, err := fs.br.ReadByte()
		if err != nil {
			return "", false
		}
		if c == '<' {
			fs.br.UnreadByte()
			break
		}
		if len(b) < 4*maxFormulaText {
			b = append(b, c)
		}
	}
	s := html.UnescapeString(string(b))
	if len(s) > maxFormulaText {
		s = strings.ToValidUTF8(s[:maxFormulaText], "") + "…"
	}
	return s, true
}

// readTagBody reads what is between '<' (or "</") and '>', quotes in
// attribute values respected. A tag over 64 KiB is not something to keep.
func (fs *formulaScanner) readTagBody() ([]byte, bool) {
	var body []byte
	quote := byte(0)
	for {
		c, err := fs.br.ReadByte()
		if err != nil {
			return nil, false
		}
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return body, true
		}
		if len(body) < 64<<10 {
			body = append(body, c)
		}
	}
}

func (fs *formulaScanner) skipPast(end string) bool {
	matched := 0
	for {
		c, err := fs.br.ReadByte()
		if err != nil {
			return false
		}
		switch {
		case c == end[matched]:
			matched++
			if matched == len(end) {
				return true
			}
		case c == end[0]:
			matched = 1
		default:
			matched = 0
		}
	}
}

// readRow reads the next <row> element; nil at the end of the sheet data.
func (fs *formulaScanner) readRow() *scannedRow {
	var row *scannedRow
	for row == nil {
		t, ok := fs.nextTag()
		if !ok || (t.end && t.name == "sheetData") {
			return nil
		}
		if t.name != "row" || t.end {
			continue
		}
		num := fs.lastRow + 1
		if n, err := strconv.Atoi(attr(t.attrs, "r")); err == nil && n > 0 {
			num = n
		}
		fs.lastRow = num
		row = &scannedRow{num: num}
		if t.self {
			return row
		}
	}
	col := -1
	for {
		t, ok := fs.nextTag()
		if !ok {
			return row
		}
		switch {
		case t.end && t.name == "row":
			return row
		case t.name == "c" && !t.end:
			col++
			if c, ok := cellColumn(attr(t.attrs, "r")); ok {
				col = c
			}
			if t.self {
				continue
			}
			if f, ok := fs.readCell(); ok {
				row.cells = append(row.cells, rawFormula{col: col, formula: f})
			}
		}
	}
}

// readCell reads the content of a <c> element up to its end tag and
// returns its formula if it has one and no value.
func (fs *formulaScanner) readCell() (string, bool) {
	hasF, hasV := false, false
	formula := ""
	for {
		t, ok := fs.nextTag()
		if !ok {
			return "", false
		}
		switch {
		case t.end && t.name == "c":
			return formula, hasF && !hasV
		case t.end:
		case t.name == "f":
			hasF = true
			if !t.self {
				if formula, ok = fs.readText(); !ok {
					return "", false
				}
			}
		case t.name == "v", t.name == "is":
			hasV = true
		}
	}
}

// attr returns the value of the unprefixed attribute name in a tag's
// attribute text.
func attr(attrs []byte, name string) string {
	s := string(attrs)
	for {
		s = strings.TrimLeft(s, " \t\r\n/")
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			return ""
		}
		key := strings.TrimSpace(s[:eq])
		s = strings.TrimLeft(s[eq+1:], " \t\r\n")
		if s == "" || (s[0] != '"' && s[0] != '\'') {
			return ""
		}
		end := strings.IndexByte(s[1:], s[0])
		if end < 0 {
			return ""
		}
		if key == name {
			return html.UnescapeString(s[1 : 1+end])
		}
		s = s[end+2:]
	}
}

// cellColumn returns the 0-based column of a cell reference ("C12" -> 2).
func cellColumn(ref string) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref) && i < 3; i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
	}
	if i == 0 || col > maxCSVCells || (i < len(ref) && ref[i]|0x20 >= 'a' && ref[i]|0x20 <= 'z') {
		return 0, false
	}
	return col - 1, true
}
