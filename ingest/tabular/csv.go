package tabular

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/gen-numerique/observatory/observatory"
)

var (
	bomUTF8    = []byte{0xef, 0xbb, 0xbf}
	bomUTF16LE = []byte{0xff, 0xfe}
	bomUTF16BE = []byte{0xfe, 0xff}
)

// csvInput knows how to produce the decoded (UTF-8) text of the file from
// the start, as many times as needed.
type csvInput struct {
	r        io.ReaderAt
	size     int64
	encoding string
	note     string // why the encoding was chosen, when there was a choice
	skip     int64  // bytes of BOM to skip (UTF-8 only)
	decode   func(io.Reader) io.Reader
}

func (in *csvInput) open() io.Reader {
	var r io.Reader = io.NewSectionReader(in.r, in.skip, in.size-in.skip)
	if in.decode != nil {
		r = in.decode(r)
	}
	return r
}

func openCSV(ctx context.Context, r io.ReaderAt, size int64, name string, c *compiled, lim Limits, head []byte) (*table, error) {
	in := &csvInput{r: r, size: size, encoding: "UTF-8"}
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		in.encoding, in.skip = "UTF-8 with BOM", 3
	case bytes.HasPrefix(head, bomUTF16LE), bytes.HasPrefix(head, bomUTF16BE):
		in.encoding = "UTF-16"
		in.decode = func(r io.Reader) io.Reader {
			return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Reader(r)
		}
	}
	if in.decode == nil {
		if looksBinary(head[in.skip:]) {
			return nil, observatory.Errorf(observatory.EINVALID, "%s: not a text file (binary content); expected CSV or XLSX", name)
		}
		if looksMarkup(head[in.skip:]) {
			return nil, observatory.Errorf(observatory.EINVALID, "%s: an HTML or XML document, not a CSV or XLSX file", name)
		}
		st, err := scanUTF8(io.NewSectionReader(r, in.skip, size-in.skip))
		if err != nil {
			return nil, fmt.Errorf("ingest: reading %s: %w", name, err)
		}
		switch {
		case st.invalid == 0:
		case in.skip > 0 || st.multi > st.invalid:
			// Mostly UTF-8 with a few stray bytes, as when exports are
			// pasted together: each stray byte is read as Windows-1252.
			in.encoding += ", with some Windows-1252 bytes"
			in.note = fmt.Sprintf("encoding detected: UTF-8 (%s valid multi-byte characters), with %s not UTF-8, read as Windows-1252",
				thousands(st.multi), plural(st.invalid, "byte"))
			in.decode = func(r io.Reader) io.Reader { return transform.NewReader(r, mixedDecoder{}) }
		default:
			e, note, err := detectLegacy(io.NewSectionReader(r, 0, size), size)
			if err != nil {
				return nil, fmt.Errorf("ingest: reading %s: %w", name, err)
			}
			cm := legacyEncodings[e].cm
			in.encoding, in.note = legacyEncodings[e].name, note
			in.decode = func(r io.Reader) io.Reader { return cm.NewDecoder().Reader(r) }
		}
	}

	prefix, err := io.ReadAll(io.LimitReader(in.open(), 64<<10))
	if err != nil {
		return nil, fmt.Errorf("ingest: reading %s: %w", name, err)
	}
	seps := sniffSeparators(prefix)

	var results []*scanResult
	for i, sep := range seps {
		src := newCSVSource(in.open(), sep, lim.MaxCellBytes)
		res, err := scanSource(ctx, c, "", src, lim.HeaderScanRows)
		if err != nil {
			for _, r := range results {
				r.src.close()
			}
			return nil, err
		}
		results = append(results, res)
		// The sniffed separator naming every column cannot be beaten.
		if i == 0 && res.sc.total == len(c.s.Columns) {
			break
		}
	}
	// Blank lines split with the wrong separator are not blank (";;" read
	// with ','): judge emptiness with the sniffed one.
	if !results[0].nonBlank {
		for _, r := range results {
			r.nonBlank = false
		}
	}
	// newTable keeps the first of equal candidates: order by the sniffing.
	best := results[0]
	for _, r := range results[1:] {
		if r.best >= 0 && (best.best < 0 || r.sc.better(best.sc)) {
			best = r
		}
	}
	ordered := []*scanResult{best}
	for _, r := range results {
		if r != best {
			ordered = append(ordered, r)
		}
	}
	sep := best.src.(*csvSource).sep
	format := fmt.Sprintf("CSV (%s, %s separated)", in.encoding, sepName(sep))
	t, err := newTable(ctx, c, name, format, ordered, nil, "line", csvColName, lim)
	if err != nil {
		return nil, err
	}
	t.encodingNote = in.note
	return t, nil
}

func sepName(b byte) string {
	if b == '\t' {
		return "tab"
	}
	return fmt.Sprintf("%q", string(b))
}

// looksBinary reports NUL bytes or more than 5 % control characters in the
// first KiB.
func looksBinary(b []byte) bool {
	n := min(len(b), 1024)
	ctrl := 0
	for _, c := range b[:n] {
		if c == 0 {
			return true
		}
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f {
			ctrl++
		}
	}
	return ctrl*20 > n
}

// looksMarkup spots HTML or XML saved under a spreadsheet name.
func looksMarkup(b []byte) bool {
	t := bytes.TrimSpace(b[:min(len(b), 1024)])
	if len(t) == 0 || t[0] != '<' {
		return false
	}
	l := strings.ToLower(string(t))
	for _, p := range []string{"<!doctype", "<html", "<?xml", "<table", "<head", "<body"} {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// utf8Stats counts, over a whole stream, the valid multi-byte UTF-8
// sequences and the bytes that are not valid UTF-8.
type utf8Stats struct{ multi, invalid int }

// scanUTF8 reads the stream 64 KiB at a time.
func scanUTF8(r io.Reader) (utf8Stats, error) {
	var st utf8Stats
	buf := make([]byte, 64<<10)
	carry := 0
	count := func(b []byte) {
		if utf8.Valid(b) {
			for _, c := range b {
				if c >= 0xc0 {
					st.multi++
				}
			}
			return
		}
		for i := 0; i < len(b); {
			r, size := utf8.DecodeRune(b[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				st.invalid++
			case size > 1:
				st.multi++
			}
			i += size
		}
	}
	for {
		n, err := r.Read(buf[carry:])
		data := buf[:carry+n]
		if err == io.EOF {
			count(data)
			return st, nil
		}
		if err != nil {
			return st, err
		}
		cut := completePrefix(data)
		count(data[:cut])
		carry = copy(buf, data[cut:])
	}
}

// mixedDecoder passes valid UTF-8 through and reads every byte that is not
// valid UTF-8 as Windows-1252.
type mixedDecoder struct{ transform.NopResetter }

func (mixedDecoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		c := src[nSrc]
		if c < utf8.RuneSelf {
			if nDst >= len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			dst[nDst] = c
			nDst++
			nSrc++
			continue
		}
		r, size := utf8.DecodeRune(src[nSrc:])
		if r == utf8.RuneError && size == 1 {
			if !atEOF && !utf8.FullRune(src[nSrc:]) {
				return nDst, nSrc, transform.ErrShortSrc
			}
			r = charmap.Windows1252.DecodeByte(c)
		}
		if nDst+utf8.RuneLen(r) > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += utf8.EncodeRune(dst[nDst:], r)
		nSrc += size
	}
	return nDst, nSrc, nil
}

// completePrefix returns the length of b without a trailing incomplete rune.
func completePrefix(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if utf8.FullRune(b[i:]) {
				return len(b)
			}
			return i
		}
	}
	return len(b)
}

// sniffSeparators orders the candidate separators, most likely first. For
// each, it counts occurrences outside quotes on the first 20 lines; the best
// is the one whose most frequent non-zero count is shared by most lines
// (then the one with the higher count). Comma comes first when nothing is
// found.
func sniffSeparators(p []byte) []byte {
	cands := []byte{';', ',', '\t'}
	counts := make([][]int, len(cands))
	line := make([]int, len(cands))
	inQuote := false
	lines := 0
	flush := func() {
		for i := range cands {
			counts[i] = append(counts[i], line[i])
			line[i] = 0
		}
		lines++
	}
	for i := 0; i < len(p) && lines < 20; i++ {
		b := p[i]
		switch {
		case b == '"':
			inQuote = !inQuote
		case inQuote:
		case b == '\n' || b == '\r':
			if b == '\r' && i+1 < len(p) && p[i+1] == '\n' {
				i++
			}
			flush()
		default:
			for k, c := range cands {
				if b == c {
					line[k]++
				}
			}
		}
	}
	if lines < 20 && (line[0]+line[1]+line[2] > 0) {
		flush()
	}
	type rank struct {
		sep         byte
		agree, mode int
	}
	var ranks []rank
	for k, c := range cands {
		freq := map[int]int{}
		for _, n := range counts[k] {
			if n > 0 {
				freq[n]++
			}
		}
		r := rank{sep: c}
		for n, f := range freq {
			if f > r.agree || (f == r.agree && n > r.mode) {
				r.agree, r.mode = f, n
			}
		}
		ranks = append(ranks, r)
	}
	// Stable selection sort on (agree, mode), comma preferred on a full tie.
	out := make([]byte, 0, 3)
	used := make([]bool, len(ranks))
	for range ranks {
		bi := -1
		for i, r := range ranks {
			if used[i] {
				continue
			}
			if bi < 0 {
				bi = i
				continue
			}
			b := ranks[bi]
			if r.agree > b.agree || (r.agree == b.agree && r.mode > b.mode) ||
				(r.agree == b.agree && r.mode == b.mode && r.sep == ',') {
				bi = i
			}
		}
		used[bi] = true
		out = append(out, ranks[bi].sep)
	}
	return out
}
