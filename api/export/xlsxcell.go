package export

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// sheetRows encodes data rows of a worksheet as excelize's StreamWriter
// does (excelize v2.11: stream.go writeCell, cell.go setCellValFunc):
// inline strings, numbers with at most 15 significant digits, booleans,
// dates as serial numbers with the date style. excelize has no exported
// encoder of a row, hence this copy; xlsx_test.go compares the two.
type sheetRows struct {
	cols []string // column letters: A, B, … AE
	date int      // style of date cells
	b    []byte
}

func newSheetRows(n, dateStyle int) *sheetRows {
	cols := make([]string, n)
	for i := range cols {
		cols[i] = columnName(i + 1)
	}
	return &sheetRows{cols: cols, date: dateStyle}
}

// columnName is a column's letters: 1 → A, 27 → AA.
func columnName(n int) string {
	var s []byte
	for ; n > 0; n = (n - 1) / 26 {
		s = append([]byte{byte('A' + (n-1)%26)}, s...)
	}
	return string(s)
}

// row encodes row number r; cells are what xlsxStyles.cell returns (nil
// for no cell).
func (x *sheetRows) row(r int, cells []any) []byte {
	n := strconv.Itoa(r)
	b := append(x.b[:0], `<row r="`...)
	b = append(b, n...)
	b = append(b, `">`...)
	for i, v := range cells {
		if v == nil {
			continue
		}
		b = append(b, `<c r="`...)
		b = append(b, x.cols[i]...)
		b = append(b, n...)
		b = append(b, '"')
		b = x.value(b, v)
	}
	x.b = append(b, `</row>`...)
	return x.b
}

// value ends the <c element begun in b with v's type, style and value.
func (x *sheetRows) value(b []byte, v any) []byte {
	switch v := v.(type) {
	case string:
		return inlineString(b, v)
	case int64:
		b = append(b, `><v>`...)
		b = strconv.AppendInt(b, v, 10)
		return append(b, `</v></c>`...)
	case int:
		return x.value(b, int64(v))
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return inlineString(b, fmt.Sprint(v))
		}
		b = append(b, `><v>`...)
		b = append(b, formatCellFloat(v)...)
		return append(b, `</v></c>`...)
	case bool:
		if v {
			return append(b, ` t="b"><v>1</v></c>`...)
		}
		return append(b, ` t="b"><v>0</v></c>`...)
	case time.Time:
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(x.date), 10)
		b = append(b, '"')
		serial, ok := excelSerial(v)
		if !ok {
			return inlineString(b, v.Format(time.RFC3339Nano)) // styled all the same, as excelize does
		}
		b = append(b, `><v>`...)
		b = strconv.AppendFloat(b, serial, 'f', -1, 64)
		return append(b, `</v></c>`...)
	}
	return inlineString(b, fmt.Sprint(v))
}

// maxCellChars is Excel's limit on a cell's text, in UTF-16 units.
const maxCellChars = 32767

// inlineString writes s as an inline string: cut to Excel's limit,
// xml:space="preserve" when it starts or ends with white space, text
// escaped as encoding/xml escapes it (newlines kept as they are), and
// _xHHHH_ sequences escaped so Excel does not read them as characters.
func inlineString(b []byte, s string) []byte {
	if len(s) > maxCellChars/3 && utf16Len(s) > maxCellChars {
		s = truncateUTF16(s, maxCellChars)
	}
	b = append(b, ` t="inlineStr"><is><t`...)
	if s != "" && (isXMLSpace(s[0]) || isXMLSpace(s[len(s)-1])) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	if strings.Contains(s, "_x") {
		s = bstrMarshal(s)
	}
	b = appendXMLText(b, s)
	return append(b, `</t></is></c>`...)
}

func isXMLSpace(c byte) bool { return c == '\t' || c == '\n' || c == '\r' || c == ' ' }

// appendXMLText is xml.EscapeText followed by excelize's turning &#xA;
// back into a newline: markup characters as entities, characters XML
// cannot hold as U+FFFD.
func appendXMLText(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				b = append(b, "&#34;"...)
			case '\'':
				b = append(b, "&#39;"...)
			case '&':
				b = append(b, "&amp;"...)
			case '<':
				b = append(b, "&lt;"...)
			case '>':
				b = append(b, "&gt;"...)
			case '\t':
				b = append(b, "&#x9;"...)
			case '\r':
				b = append(b, "&#xD;"...)
			case '\n':
				b = append(b, '\n')
			default:
				if c < 0x20 {
					b = append(b, "\uFFFD"...)
				} else {
					b = append(b, c)
				}
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || !inXMLRange(r) {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return b
}

// inXMLRange is XML 1.0's Char production above ASCII.
func inXMLRange(r rune) bool {
	return r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func truncateUTF16(s string, max int) string {
	n := 0
	for i, r := range s {
		if n += utf16.RuneLen(r); n > max {
			return s[:i]
		}
	}
	return s
}

var (
	bstrExp       = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	bstrEscapeExp = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// bstrMarshal is excelize's (lib.go): a literal _xHHHH_ in a text is
// written _x005F_xHHHH_, which Excel reads back as the literal.
func bstrMarshal(s string) (result string) {
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	for _, match := range matches {
		result += s[cursor:match[0]]
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			if match[1]+6 <= l && bstrEscapeExp.MatchString(s[match[1]:match[1]+6]) {
				_, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`)
				if err == nil {
					result += subStr + "x005F" + subStr
					continue
				}
			}
			result += subStr + "x005F_"
			continue
		}
		if bstrExp.MatchString(subStr) {
			cursor = match[1]
			if _, err := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`); err == nil {
				result += "_x005F" + subStr
				continue
			}
		}
	}
	if cursor < l {
		result += s[cursor:]
	}
	return result
}

// formatCellFloat is excelize's for automatic precision: the shortest
// decimal form, cut to Excel's 15 significant digits.
func formatCellFloat(v float64) string {
	str := strconv.FormatFloat(v, 'f', -1, 64)
	if math.Abs(v) == math.MaxFloat64 {
		return str
	}
	const maxPrec = 15
	decimal := strings.IndexByte(str, '.')
	significant := 0
	for idx := range str {
		if str[idx] < '0' || str[idx] > '9' || significant == 0 && str[idx] == '0' {
			continue
		}
		significant++
		if significant <= maxPrec {
			continue
		}
		if decimal >= 0 && idx > decimal {
			return strings.TrimSuffix(str[:idx], ".")
		}
		if decimal < 0 {
			decimal = len(str)
		}
		truncated := []byte(str[:decimal])
		for ; idx < len(truncated); idx++ {
			truncated[idx] = '0'
		}
		return string(truncated)
	}
	return str
}

var (
	excelEpoch     = time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)
	excelMin       = time.Date(1899, time.December, 31, 0, 0, 0, 0, time.UTC)
	excelLeapStart = time.Date(1900, time.March, 1, 0, 0, 0, 0, time.UTC)
)

// excelSerial is t's wall clock as an Excel 1900 serial number (days
// since 1899-12-30, counting Lotus's 29 February 1900 from March 1900 on,
// as Excel and excelize do). Before 1899-12-31 there is none: excelize
// writes the date as text.
func excelSerial(t time.Time) (float64, bool) {
	_, off := t.Zone()
	t = t.Add(time.Duration(off) * time.Second).UTC()
	if t.Before(excelMin) {
		return 0, false
	}
	from := excelEpoch
	if t.Before(excelLeapStart) {
		from = excelMin
	}
	secs := t.Unix() - from.Unix()
	days := secs / 86400
	rem := time.Duration(secs%86400)*time.Second + time.Duration(t.Nanosecond())
	serial := float64(days) + float64(rem)/float64(24*time.Hour)
	return serial, serial > 0
}
