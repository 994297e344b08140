package tabular

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/encoding/charmap"
)

// legacyEncoding is a single-byte encoding a file that is not UTF-8 may be
// written in.
type legacyEncoding struct {
	name string
	cm   *charmap.Charmap
}

// legacyEncodings are the candidates for a file that is not UTF-8, in
// tie-break order: Windows-1252 first, by far the most common (Excel's
// "CSV" on Windows); then ISO-8859-15 (older Unix exports, with € and œ);
// then Mac Roman (Excel for Mac before 2016, as in the Parcoursup file).
// Where two decodings score the same, the earlier one is chosen: when the
// file has none of the bytes on which they differ, they are the same text.
var legacyEncodings = [...]legacyEncoding{
	{"Windows-1252", charmap.Windows1252},
	{"ISO-8859-15", charmap.ISO8859_15},
	{"Mac Roman", charmap.Macintosh},
}

// Character classes of a decoded byte, as the detector sees them.
const (
	clsLower    = 1 << iota // a lower-case letter
	clsUpper                // an upper-case letter
	clsFrench               // an accented letter of French: é è à ç ê ô û î ù ë ï â ü ÿ œ æ
	clsBad                  // implausible anywhere in French text: ƒ † ‡ ‰, controls, math, box drawing…
	clsInWord               // punctuation that may stand between two letters: ’ ‘ · – — NBSP
	clsMojiLead             // Ã or Â: with a UTF-8 continuation byte after it, UTF-8 read as a legacy encoding

	clsLetter = clsLower | clsUpper
)

// implausibleRunes are characters that French text practically never
// contains, but that a wrong decoding of French accented letters gives:
// Windows-1252 reads Mac Roman's É as ƒ, à as ˆ, ô as ™, è as an undefined
// byte; ISO-8859-15 reads Windows-1252 punctuation as C1 controls;
// Windows-1252 reads ISO-8859-15's € as ¤ and œ as ½; Mac Roman reads
// Windows-1252's à as ‡ and ç as Á.
const implausibleRunes = "ƒ†‡‰ˆ˜¤¦¨´¸¯¬¢¥¿¡¶√∫∑∏π∂∆◊≈≠≤≥∞Ωﬁﬂıˇ˘˙˚˝˛⁄‹›„‚\uf8ff\ufffd"

// frenchLetters are the accented letters of French, in both cases.
const frenchLetters = "éèêëàâçîïôûùüÿœæÉÈÊËÀÂÇÎÏÔÛÙÜŸŒÆ"

// inWordRunes may stand between two letters without looking wrong:
// apostrophes ("l’école"), the middle dot of inclusive writing
// ("formateur·rice"), dashes, no-break spaces.
const inWordRunes = "’‘·–—\u00a0"

// classOf classifies a decoded rune.
func classOf(r rune) uint8 {
	var c uint8
	switch {
	case strings.ContainsRune(implausibleRunes, r),
		r < 0x20 && r != '\t' && r != '\n' && r != '\r',
		r >= 0x7f && r <= 0x9f,     // DEL and C1 controls
		r >= 0x0370 && r <= 0x03ff, // Greek (Mac Roman's π, Ω)
		r >= 0x2200 && r <= 0x22ff, // mathematical operators
		r >= 0x2500 && r <= 0x25ff: // box drawing, blocks, geometric shapes
		return clsBad
	case unicode.IsLower(r):
		c = clsLower
	case unicode.IsUpper(r):
		c = clsUpper
	case strings.ContainsRune(inWordRunes, r):
		c = clsInWord
	}
	if strings.ContainsRune(frenchLetters, r) {
		c |= clsFrench
	}
	if r == 'Ã' || r == 'Â' {
		c |= clsMojiLead
	}
	return c
}

// classTables holds, per candidate encoding, the class of every byte.
var classTables = func() (t [len(legacyEncodings)][256]uint8) {
	for e, enc := range legacyEncodings {
		for b := 0; b < 256; b++ {
			t[e][b] = classOf(enc.cm.DecodeByte(byte(b)))
		}
	}
	return t
}()

// encodingScore is what one decoding of the whole file looks like.
type encodingScore struct {
	french      int          // French accented letters where a word has them
	implausible int          // characters no French text has where they are
	examples    map[rune]int // the implausible characters, counted
}

// value weighs one implausible character as three good letters: a right
// decoding has next to none, a wrong one has them by hundreds.
func (s encodingScore) value() int { return s.french - 3*s.implausible }

// encodingDetector scores every candidate decoding of a byte stream. Only
// the bytes over 0x7F differ between candidates, and each is judged with
// its two neighbours: a letter's case must fit the word around it
// ("DÈveloppeur", "ACADƒMIE" and "CÏur" do not), a symbol must not sit
// inside a word ("C½ur").
type encodingDetector struct {
	scores     [len(legacyEncodings)]encodingScore
	prev, cur  byte // the two last bytes; cur is judged once the next is known
	n          int  // bytes fed
	highBytes  int
	sampleSize int64
}

func (d *encodingDetector) feed(p []byte) {
	for _, b := range p {
		if d.n > 0 && d.cur >= 0x80 {
			d.judge(d.prev, d.cur, b, true)
		}
		d.prev, d.cur = d.cur, b
		d.n++
	}
}

// finish judges the last byte.
func (d *encodingDetector) finish() {
	if d.n > 0 && d.cur >= 0x80 {
		d.judge(d.prev, d.cur, 0, false)
	}
}

func (d *encodingDetector) judge(prev, cur, next byte, hasNext bool) {
	d.highBytes++
	if d.n < 2 {
		prev = ' ' // nothing before the first byte
	}
	if !hasNext {
		next = ' '
	}
	for e := range legacyEncodings {
		t := &classTables[e]
		p, c, n := t[prev], t[cur], t[next]
		s := &d.scores[e]
		bad := false
		switch {
		case p&clsMojiLead != 0 && cur <= 0xbf:
			bad = true // "Ã©": UTF-8 é read as a single-byte encoding
		case c&clsBad != 0:
			bad = true
		case c&clsLetter != 0:
			if !caseFits(p, c, n) {
				bad = true
			} else if c&clsFrench != 0 {
				s.french++
			}
		case p&clsLetter != 0 && n&clsLetter != 0 && c&clsInWord == 0:
			bad = true // a symbol inside a word
		}
		if bad {
			s.implausible++
			if s.examples == nil {
				s.examples = map[rune]int{}
			}
			s.examples[legacyEncodings[e].cm.DecodeByte(cur)]++
		}
	}
}

// caseFits reports whether a letter's case fits its neighbours: a
// lower-case letter is not alone inside a word in capitals ("ACADƒMIE"),
// and a capital neither follows a lower-case letter nor stands second in a
// word that goes on in lower case ("DÈveloppeur", "CÏur").
func caseFits(prev, c, next uint8) bool {
	if c&clsLower != 0 {
		return prev&clsUpper == 0 || next&clsUpper == 0
	}
	return prev&clsLower == 0 && (prev&clsLetter == 0 || next&clsLower == 0)
}

// best returns the index of the best-scoring candidate, the first on a tie.
func (d *encodingDetector) best() int {
	bi := 0
	for e := 1; e < len(legacyEncodings); e++ {
		if d.scores[e].value() > d.scores[bi].value() {
			bi = e
		}
	}
	return bi
}

// note says which encoding was chosen and why, for the caller's report.
func (d *encodingDetector) note(chosen int) string {
	s := d.scores[chosen]
	var b strings.Builder
	fmt.Fprintf(&b, "encoding detected: %s (whole file read, %s: %s French accented letters and %s implausible characters among %s non-ASCII bytes%s",
		legacyEncodings[chosen].name, byteSize(d.sampleSize), thousands(s.french), thousands(s.implausible),
		thousands(d.highBytes), examples(s.examples))
	for e := range legacyEncodings {
		if e == chosen {
			continue
		}
		o := d.scores[e]
		fmt.Fprintf(&b, "; %s would give %s and %s%s", legacyEncodings[e].name, thousands(o.french), thousands(o.implausible), examples(o.examples))
	}
	b.WriteString(")")
	return b.String()
}

// examples names the three most frequent implausible characters.
func examples(m map[rune]int) string {
	if len(m) == 0 {
		return ""
	}
	rs := make([]rune, 0, len(m))
	for r := range m {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool {
		if m[rs[i]] != m[rs[j]] {
			return m[rs[i]] > m[rs[j]]
		}
		return rs[i] < rs[j]
	})
	var q []string
	for _, r := range rs[:min(3, len(rs))] {
		switch {
		case r == unicode.ReplacementChar:
			q = append(q, "undefined bytes")
		case unicode.IsControl(r):
			q = append(q, fmt.Sprintf("%U", r))
		default:
			q = append(q, strconv.Quote(string(r)))
		}
	}
	return ", e.g. " + strings.Join(q, " ")
}

// thousands formats n with comma grouping, as the messages are in English.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// plural writes "1 byte", "2 bytes", "1,234 bytes".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return thousands(n) + " " + word + "s"
}

// detectLegacy reads the whole stream and returns the best candidate
// encoding with the note explaining the choice. The whole file is read,
// not a sample: the UTF-8 check has just read it all anyway (it is at most
// Limits.MaxFileBytes), the pass costs a table look-up per byte, and
// accented letters can be few and far between (a header and one column of
// titles), or different in one part of the file than in another.
func detectLegacy(r io.Reader, size int64) (int, string, error) {
	d := &encodingDetector{sampleSize: size}
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		d.feed(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, "", err
		}
	}
	d.finish()
	best := d.best()
	return best, d.note(best), nil
}
