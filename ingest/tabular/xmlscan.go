package tabular

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlScanner is a light tag reader over the XML parts of a workbook, not an
// XML parser: hand-written because the rows need only element names, a few
// attributes and text, and encoding/xml costs an allocation per token (13
// million for BMO 2024 through excelize's row iterator, 20k rows/s). It
// keeps nothing but the tag being read.
type xmlScanner struct {
	br  *bufio.Reader
	buf []byte // the last tag's body; valid until the next call
	err error  // the first read error; io.ErrUnexpectedEOF when the part ends inside a construct
}

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{br: bufio.NewReaderSize(r, 64<<10)}
}

// xmlTag is one element tag. name and attrs point into the scanner's buffer.
type xmlTag struct {
	name  []byte // local name, without a namespace prefix
	attrs []byte
	end   bool // </name>
	self  bool // <name/>
}

func (t xmlTag) is(name string) bool { return string(t.name) == name }

// fail records the first error; a clean end of the stream between tags is
// io.EOF, anything else an unexpected end.
func (x *xmlScanner) fail(err error, clean bool) {
	if x.err != nil {
		return
	}
	if err == io.EOF && !clean {
		err = io.ErrUnexpectedEOF
	}
	x.err = err
}

// next reads up to the next element tag, skipping text, comments,
// processing instructions, CDATA sections and declarations. ok is false at
// the end of the stream or on a read error (x.err says which).
func (x *xmlScanner) next() (t xmlTag, ok bool) {
	for {
		if !x.skipTo('<') {
			return xmlTag{}, false
		}
		c, err := x.br.ReadByte()
		if err != nil {
			x.fail(err, false)
			return xmlTag{}, false
		}
		switch c {
		case '!':
			if !x.skipSpecial() {
				return xmlTag{}, false
			}
			continue
		case '?':
			if !x.skipPast("?>") {
				return xmlTag{}, false
			}
			continue
		case '/':
			t.end = true
		default:
			x.br.UnreadByte()
		}
		body, ok := x.readTagBody()
		if !ok {
			return xmlTag{}, false
		}
		if n := len(body); n > 0 && body[n-1] == '/' {
			t.self = true
			body = body[:n-1]
		}
		name := body
		if i := bytes.IndexAny(body, " \t\r\n"); i >= 0 {
			name, t.attrs = body[:i], body[i:]
		}
		if i := bytes.LastIndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		t.name = name
		return t, true
	}
}

// skipTo discards bytes up to c, which it consumes. A clean end of the
// stream is io.EOF.
func (x *xmlScanner) skipTo(c byte) bool {
	for {
		_, err := x.br.ReadSlice(c)
		if err == nil {
			return true
		}
		if err != bufio.ErrBufferFull {
			x.fail(err, true)
			return false
		}
	}
}

// skipSpecial skips what follows "<!": a comment, a CDATA section or a
// declaration.
func (x *xmlScanner) skipSpecial() bool {
	if b, _ := x.br.Peek(2); string(b) == "--" {
		return x.skipPast("-->")
	}
	if b, _ := x.br.Peek(7); string(b) == "[CDATA[" {
		return x.skipPast("]]>")
	}
	return x.skipPast(">")
}

// readTagBody reads what is between '<' (or "</") and '>', quotes in
// attribute values respected. A tag over 64 KiB is cut: no tag a worksheet
// needs is that long.
func (x *xmlScanner) readTagBody() ([]byte, bool) {
	x.buf = x.buf[:0]
	var quote byte
	for {
		chunk, err := x.br.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			x.fail(err, false)
			return nil, false
		}
		for _, c := range chunk {
			switch {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			}
		}
		if len(x.buf) < 64<<10 {
			x.buf = append(x.buf, chunk[:min(len(chunk), 64<<10-len(x.buf))]...)
		}
		if err == nil && quote == 0 {
			return x.buf[:len(x.buf)-1], true // without the '>'
		}
	}
}

func (x *xmlScanner) skipPast(end string) bool {
	matched := 0
	for {
		c, err := x.br.ReadByte()
		if err != nil {
			x.fail(err, false)
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

// text appends to dst the character data up to the next element tag (left
// unread), entities decoded, line ends normalised as XML does, CDATA
// sections taken as they are and comments skipped. Bytes beyond max are
// read and dropped, so a huge cell costs no more memory than max; a text
// cut that way still comes out longer than max (padded with spaces), so
// that the caller sees it is over its limit.
func (x *xmlScanner) text(dst []byte, max int) ([]byte, bool) {
	first := len(dst)
	dst, cut, ok := x.rawText(dst, max)
	if cut {
		for len(dst)-first <= max {
			dst = append(dst, ' ')
		}
	}
	return dst, ok
}

func (x *xmlScanner) rawText(dst []byte, max int) (_ []byte, cut, ok bool) {
	start := len(dst)
	for {
		chunk, err := x.br.ReadSlice('<')
		if err != nil && err != bufio.ErrBufferFull {
			x.fail(err, false)
			return dst, cut, false
		}
		data := chunk
		if err == nil {
			data = chunk[:len(chunk)-1]
		}
		if room := max - (len(dst) - start) + 16; room > 0 { // +16: an entity cut at the edge
			cut = cut || len(data) > room
			dst = append(dst, data[:min(len(data), room)]...)
		} else if len(data) > 0 {
			cut = true
		}
		if err != nil {
			continue
		}
		b, _ := x.br.Peek(8)
		switch {
		case bytes.HasPrefix(b, []byte("![CDATA[")):
			x.br.Discard(8)
			dst = decodeEntities(dst, start)
			start = len(dst)
			raw, ok := x.readUntil("]]>", max)
			if !ok {
				return dst, cut, false
			}
			dst = append(dst, raw...)
			cut = cut || len(raw) > max
			start = len(dst)
		case bytes.HasPrefix(b, []byte("!--")):
			x.br.Discard(3)
			if !x.skipPast("-->") {
				return dst, cut, false
			}
		default:
			x.br.UnreadByte()
			return decodeEntities(dst, start), cut, true
		}
	}
}

// readUntil returns the bytes up to end (consumed), keeping at most
// max+len(end) of them.
func (x *xmlScanner) readUntil(end string, max int) ([]byte, bool) {
	var out []byte
	matched, total := 0, 0
	for {
		c, err := x.br.ReadByte()
		if err != nil {
			x.fail(err, false)
			return nil, false
		}
		total++
		if len(out) < max+len(end) {
			out = append(out, c)
		}
		switch {
		case c == end[matched]:
			matched++
			if matched == len(end) {
				if total == len(out) {
					out = out[:len(out)-len(end)]
				}
				return out, true
			}
		case c == end[0]:
			matched = 1
		default:
			matched = 0
		}
	}
}

// skipElement skips to the end tag of the element whose start tag was just
// read, nested elements of the same name included.
func (x *xmlScanner) skipElement(name string) bool {
	depth := 1
	for {
		t, ok := x.next()
		if !ok {
			return false
		}
		if !t.is(name) || t.self {
			continue
		}
		if t.end {
			depth--
			if depth == 0 {
				return true
			}
		} else {
			depth++
		}
	}
}

// decodeEntities decodes the XML character references and the five
// predefined entities in b[from:], in place, and turns "\r\n" and a lone
// "\r" into "\n". An unknown entity is kept as written.
func decodeEntities(b []byte, from int) []byte {
	if bytes.IndexByte(b[from:], '&') < 0 && bytes.IndexByte(b[from:], '\r') < 0 {
		return b
	}
	out := b[:from]
	src := b[from:]
	for i := 0; i < len(src); {
		c := src[i]
		switch c {
		case '\r':
			out = append(out, '\n')
			i++
			if i < len(src) && src[i] == '\n' {
				i++
			}
			continue
		case '&':
			if r, n := entity(src[i:]); n > 0 {
				out = utf8.AppendRune(out, r)
				i += n
				continue
			}
		}
		out = append(out, c)
		i++
	}
	return out
}

// entity decodes the entity at the start of s, returning its rune and
// length, or n = 0 when it is not one.
func entity(s []byte) (r rune, n int) {
	end := bytes.IndexByte(s[:min(len(s), 12)], ';')
	if end < 2 {
		return 0, 0
	}
	name := string(s[1:end])
	switch name {
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "amp":
		return '&', end + 1
	case "quot":
		return '"', end + 1
	case "apos":
		return '\'', end + 1
	}
	if name[0] != '#' || len(name) < 2 {
		return 0, 0
	}
	var v uint64
	var err error
	if name[1] == 'x' {
		v, err = strconv.ParseUint(name[2:], 16, 32)
	} else {
		v, err = strconv.ParseUint(name[1:], 10, 32)
	}
	if err != nil || !utf8.ValidRune(rune(v)) {
		return 0, 0
	}
	return rune(v), end + 1
}

// attrValue returns the value of the unprefixed attribute name in a tag's
// attribute text, entities decoded; ok is false when it is absent.
func attrValue(attrs []byte, name string) (string, bool) {
	s := attrs
	for {
		s = bytes.TrimLeft(s, " \t\r\n")
		eq := bytes.IndexByte(s, '=')
		if eq < 0 {
			return "", false
		}
		key := bytes.TrimSpace(s[:eq])
		s = bytes.TrimLeft(s[eq+1:], " \t\r\n")
		if len(s) == 0 || (s[0] != '"' && s[0] != '\'') {
			return "", false
		}
		end := bytes.IndexByte(s[1:], s[0])
		if end < 0 {
			return "", false
		}
		if string(key) == name {
			v := s[1 : 1+end]
			if bytes.IndexByte(v, '&') < 0 {
				return string(v), true
			}
			return string(decodeEntities(append([]byte(nil), v...), 0)), true
		}
		s = s[end+2:]
	}
}
