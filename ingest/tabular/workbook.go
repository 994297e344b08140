package tabular

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"time"
)

// workbook is what reading the cells of a sheet needs from the rest of the
// package: where the sheets are, the shared strings, the number-format
// kind of each cell style and the date system.
type workbook struct {
	sheets   []wbSheet // worksheets, in workbook order
	strings  []string  // the shared strings table
	kinds    []int     // fmtNumber, fmtDate… by cell style index
	date1904 bool

	sstPart, stylesPart *zip.File
}

type wbSheet struct {
	name string
	part *zip.File
}

const (
	relNS          = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	maxSmallPart   = 16 << 20 // workbook, relationships and styles parts
	maxSharedItems = 1 << 24
)

// readStructure finds the workbook part, its sheets and the parts holding
// shared strings and styles. Only the small parts are read; ok is false
// when there is no workbook to read.
func readStructure(zr *zip.Reader) (wb *workbook, ok bool) {
	entries := make(map[string]*zip.File, len(zr.File))
	for _, zf := range zr.File {
		entries[strings.ToLower(zf.Name)] = zf
	}
	type rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	decode := func(name string, v any) bool {
		zf := entries[strings.ToLower(name)]
		if zf == nil {
			return false
		}
		rc, err := zf.Open()
		if err != nil {
			return false
		}
		defer rc.Close()
		return xml.NewDecoder(io.LimitReader(rc, maxSmallPart)).Decode(v) == nil
	}
	resolve := func(base, target string) string {
		if strings.HasPrefix(target, "/") {
			return strings.TrimPrefix(target, "/")
		}
		return path.Join(path.Dir(base), target)
	}
	wbPath := "xl/workbook.xml"
	var root rels
	if decode("_rels/.rels", &root) {
		for _, r := range root.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") && entries[strings.ToLower(resolve("", r.Target))] != nil {
				wbPath = resolve("", r.Target)
			}
		}
	}
	var doc struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if !decode(wbPath, &doc) {
		return nil, false
	}
	wb = &workbook{date1904: doc.Pr.Date1904 == "1" || doc.Pr.Date1904 == "true"}
	var wbRels rels
	decode(path.Join(path.Dir(wbPath), "_rels", path.Base(wbPath)+".rels"), &wbRels)
	byID := map[string]*zip.File{}
	for _, r := range wbRels.Rels {
		zf := entries[strings.ToLower(resolve(wbPath, r.Target))]
		switch {
		case zf == nil:
		case strings.HasSuffix(r.Type, "/worksheet"):
			byID[r.ID] = zf
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			wb.sstPart = zf
		case strings.HasSuffix(r.Type, "/styles"):
			wb.stylesPart = zf
		}
	}
	if wb.sstPart == nil {
		wb.sstPart = entries[strings.ToLower(path.Join(path.Dir(wbPath), "sharedStrings.xml"))]
	}
	if wb.stylesPart == nil {
		wb.stylesPart = entries[strings.ToLower(path.Join(path.Dir(wbPath), "styles.xml"))]
	}
	for _, s := range doc.Sheets {
		if zf := byID[s.ID]; zf != nil { // chart and dialog sheets have no cells
			wb.sheets = append(wb.sheets, wbSheet{name: s.Name, part: zf})
		}
	}
	return wb, true
}

// readStyles reads the number format of each cell style. A style sheet
// that cannot be read leaves every cell a plain number, as stored.
func (wb *workbook) readStyles() {
	if wb.stylesPart == nil {
		return
	}
	var st struct {
		NumFmts []struct {
			ID     string `xml:"numFmtId,attr"`
			Code   string `xml:"formatCode,attr"`
			Code16 string `xml:"formatCode16,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID string `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	rc, err := wb.stylesPart.Open()
	if err != nil {
		return
	}
	defer rc.Close()
	if xml.NewDecoder(io.LimitReader(rc, maxSmallPart)).Decode(&st) != nil {
		return
	}
	custom := map[int]string{}
	for _, nf := range st.NumFmts {
		id, err := strconv.Atoi(strings.TrimSpace(nf.ID))
		if err != nil {
			continue
		}
		code := nf.Code
		if nf.Code16 != "" {
			code = nf.Code16
		}
		custom[id] = code
	}
	wb.kinds = make([]int, len(st.Xfs))
	for i, xf := range st.Xfs {
		id, _ := strconv.Atoi(strings.TrimSpace(xf.NumFmtID))
		code, isCustom := custom[id]
		wb.kinds[i] = classifyNumFmt(id, code, isCustom)
	}
}

// readSharedStrings reads the shared strings table: each item's text, rich
// text runs joined, phonetic runs left out, _xHHHH_ escapes decoded. Items
// are cut past maxCell bytes (and then longer than maxCell), as cells are.
func (wb *workbook) readSharedStrings(maxCell int) error {
	if wb.sstPart == nil {
		return nil
	}
	rc, err := wb.sstPart.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	x := newXMLScanner(rc)
	var item []byte
	inItem := false
	for {
		t, ok := x.next()
		if !ok {
			if x.err == io.EOF {
				return nil
			}
			return x.err
		}
		switch {
		case t.is("si") && t.self:
			wb.strings = append(wb.strings, "")
		case t.is("si") && !t.end:
			inItem, item = true, item[:0]
		case t.is("si") && t.end:
			if inItem {
				if len(wb.strings) >= maxSharedItems {
					return errTooManyStrings
				}
				wb.strings = append(wb.strings, bstrDecode(string(item)))
			}
			inItem = false
		case !inItem || t.end || t.self:
		case t.is("t"):
			if item, ok = x.text(item, maxCell); !ok {
				return x.err
			}
		case t.is("rPh"):
			if !x.skipElement("rPh") {
				return x.err
			}
		}
	}
}

var errTooManyStrings = errors.New("the shared strings table has more than 16,777,216 items")

// bstrDecode decodes the _xHHHH_ escapes of OOXML strings (ECMA-376
// 22.9.2.19), which stand for characters XML 1.0 cannot hold; _x005F_ is an
// escaped underscore.
func bstrDecode(s string) string {
	i := strings.Index(s, "_x")
	if i < 0 {
		return s
	}
	var b strings.Builder
	for i >= 0 {
		b.WriteString(s[:i])
		s = s[i:]
		if len(s) >= 7 && s[6] == '_' {
			if v, err := strconv.ParseUint(s[2:6], 16, 16); err == nil {
				b.WriteRune(rune(v))
				s = s[7:]
				i = strings.Index(s, "_x")
				continue
			}
		}
		b.WriteString("_x")
		s = s[2:]
		i = strings.Index(s, "_x")
	}
	b.WriteString(s)
	return b.String()
}

// number gives a numeric cell's stored value as text: as stored for a
// number ("101.0" and "1.01E2" read "101"; more than 15 significant
// digits are rounded to 15, as a spreadsheet keeps them), in ISO form for a
// date, time or date-time format. A value that is not a number is returned
// as it is.
func (wb *workbook) number(v string, style int) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || strings.Contains(v, "_") || math.IsInf(f, 0) || math.IsNaN(f) {
		return v
	}
	kind := fmtNumber
	if style > 0 && style < len(wb.kinds) {
		kind = wb.kinds[style]
	}
	if kind != fmtNumber {
		if s, ok := excelTime(f, kind, wb.date1904); ok {
			return s
		}
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if digits := len(s) - strings.Count(s, "."); digits > 15 && !wholeWithin15(v) {
		return strconv.FormatFloat(f, 'G', 15, 64)
	}
	return s
}

// wholeWithin15 tells an integer written with at most 15 significant
// digits followed by zeros (1234500000000000000), which keeps its form.
func wholeWithin15(v string) bool {
	if strings.ContainsAny(v, ".Ee") {
		return false
	}
	v = strings.TrimLeft(v, "+-0")
	return len(strings.TrimRight(v, "0")) <= 15
}

var (
	epoch1900 = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	epoch1904 = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
)

// excelTime formats a date serial in ISO form. In the 1900 system, serials
// below 60 are one day later than the epoch suggests: Excel counts a 29
// February 1900 that did not exist. Serials outside years 1900–9999 are
// left as numbers.
func excelTime(f float64, kind int, date1904 bool) (string, bool) {
	if f < 0 || f >= 2958466 {
		return "", false
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	base := epoch1904
	if !date1904 {
		base = epoch1900
		if days < 60 {
			days++
		}
	}
	t := base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	switch kind {
	case fmtDate:
		return t.Format("2006-01-02"), true
	case fmtTime:
		return t.Format("15:04:05"), true
	default:
		return t.Format("2006-01-02 15:04:05"), true
	}
}
