package tabular

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/gen-numerique/observatory/observatory"
)

const (
	maxZipEntries = 10000
	// An entry over ratioMinBytes uncompressed whose compression ratio is
	// over maxZipRatio is taken for a zip bomb. Real worksheets compress
	// 5 to 30 times; deflate cannot exceed about 1,030.
	maxZipRatio   = 250
	ratioMinBytes = 16 << 20
	// Parts bigger than this are unzipped by excelize to a temporary file
	// instead of memory.
	xmlInMemory = 16 << 20
)

func notReadable(name, why string) error {
	return observatory.Errorf(observatory.EINVALID, "%s: not a readable XLSX file: %s", name, why)
}

// checkZip inspects the central directory before any byte is inflated.
func checkZip(name string, zr *zip.Reader, lim Limits) error {
	if len(zr.File) > maxZipEntries {
		return observatory.Errorf(observatory.ETOOLARGE, "%s: the XLSX archive has %d entries, over the %d limit", name, len(zr.File), maxZipEntries)
	}
	limit := uint64(lim.MaxUnzipBytes)
	var total uint64
	hasTypes, hasWorkbook := false, false
	var other string
	for _, zf := range zr.File {
		u, c := zf.UncompressedSize64, zf.CompressedSize64
		if u > limit || total+u > limit {
			return &observatory.Error{Code: observatory.ETOOLARGE, Message: fmt.Sprintf(
				"%s: the XLSX archive declares more than %s once unpacked (entry %q alone: %s); refusing a possible zip bomb",
				name, byteSize(lim.MaxUnzipBytes), zf.Name, byteSize(int64(min(u, 1<<62))))}
		}
		total += u
		if u > ratioMinBytes && (c == 0 || u/c > maxZipRatio) {
			return &observatory.Error{Code: observatory.ETOOLARGE, Message: fmt.Sprintf(
				"%s: XLSX entry %q expands %d times (%s from %s); refusing a possible zip bomb",
				name, zf.Name, u/max(c, 1), byteSize(int64(u)), byteSize(int64(c)))}
		}
		switch strings.ToLower(zf.Name) {
		case "[content_types].xml":
			hasTypes = true
		case "xl/workbook.xml":
			hasWorkbook = true
		case "word/document.xml":
			other = "a Word document"
		case "ppt/presentation.xml":
			other = "a PowerPoint presentation"
		case "mimetype":
			if u < 200 {
				if rc, err := zf.Open(); err == nil {
					b, _ := io.ReadAll(io.LimitReader(rc, 200))
					rc.Close()
					if strings.Contains(string(b), "opendocument.spreadsheet") {
						return observatory.Errorf(observatory.EINVALID, "%s: an OpenDocument spreadsheet (.ods), which is not supported; save it as .xlsx or CSV", name)
					}
					if strings.Contains(string(b), "opendocument") {
						other = "an OpenDocument file"
					}
				}
			}
		}
	}
	if !hasWorkbook && other != "" {
		return observatory.Errorf(observatory.EINVALID, "%s: %s, not a spreadsheet", name, other)
	}
	if !hasTypes {
		return notReadable(name, "a ZIP archive that is not an Office document")
	}
	return nil
}

// verifyZip inflates every entry once, checking its CRC. excelize ignores
// read errors inside entries, so a damaged entry would otherwise come out
// silently cut short. archive/zip also refuses an entry that inflates beyond
// its declared size, so checkZip's bounds hold. On the way, it notes the
// worksheet parts that may hold formulas, the only ones worth a look for
// formula cells without a value.
func verifyZip(ctx context.Context, name string, zr *zip.Reader) (formulaParts map[*zip.File]bool, err error) {
	buf := make([]byte, 32<<10)
	for _, zf := range zr.File {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if zf.FileInfo().IsDir() {
			continue
		}
		var w io.Writer = io.Discard
		var sniff *formulaSniffer
		if lower := strings.ToLower(zf.Name); strings.HasPrefix(lower, "xl/worksheets/") && strings.HasSuffix(lower, ".xml") {
			sniff = &formulaSniffer{}
			w = sniff
		}
		rc, err := zf.Open()
		if err == nil {
			_, err = io.CopyBuffer(w, rc, buf)
			rc.Close()
		}
		if err != nil {
			return nil, notReadable(name, fmt.Sprintf("entry %q is damaged", zf.Name))
		}
		if sniff != nil && sniff.found {
			if formulaParts == nil {
				formulaParts = map[*zip.File]bool{}
			}
			formulaParts[zf] = true
		}
	}
	return formulaParts, nil
}

// protect turns a panic inside excelize into an EINVALID error: a hostile
// file must never bring the process down.
func protect(name string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = notReadable(name, "its content is malformed")
		}
	}()
	return fn()
}

func openXLSX(ctx context.Context, r io.ReaderAt, size int64, path, name string, c *compiled, lim Limits) (*table, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, notReadable(name, "the ZIP structure is damaged or truncated")
	}
	if err := checkZip(name, zr, lim); err != nil {
		return nil, err
	}
	if err := checkDimensions(name, zr, lim); err != nil {
		return nil, err
	}
	formulaParts, err := verifyZip(ctx, name, zr)
	if err != nil {
		return nil, err
	}
	var parts map[string]*zip.File
	if len(formulaParts) > 0 {
		parts = sheetParts(zr)
	}
	opts := excelize.Options{
		UnzipSizeLimit:    lim.MaxUnzipBytes,
		UnzipXMLSizeLimit: min(xmlInMemory, lim.MaxUnzipBytes),
	}
	var f *excelize.File
	err = protect(name, func() error {
		var err error
		if path != "" {
			f, err = excelize.OpenFile(path, opts)
		} else {
			f, err = excelize.OpenReader(io.NewSectionReader(r, 0, size), opts)
		}
		if err != nil {
			return err
		}
		return neutraliseNumFmts(f)
	})
	if err != nil {
		if f != nil {
			f.Close()
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		if _, ok := err.(*observatory.Error); ok {
			return nil, err
		}
		return nil, notReadable(name, "the workbook structure is damaged")
	}
	var (
		sheets  []string
		results []*scanResult
	)
	fail := func(err error) (*table, error) {
		for _, r := range results {
			r.src.close()
		}
		f.Close()
		return nil, err
	}
	for _, sheet := range f.GetSheetList() {
		var rows *excelize.Rows
		if err := protect(name, func() (err error) { rows, err = f.Rows(sheet); return err }); err != nil {
			continue // a chart sheet or a dangling reference: nothing to read
		}
		sheets = append(sheets, sheet)
		src := &xlsxSource{rows: rows, name: name, sheet: sheet}
		if zf := parts[sheet]; formulaParts[zf] {
			if src.formulas, err = newFormulaScanner(zf); err != nil {
				src.close()
				return fail(notReadable(name, fmt.Sprintf("entry %q is damaged", zf.Name)))
			}
		}
		res, err := scanSource(ctx, c, sheet, src, lim.HeaderScanRows)
		if err != nil {
			src.close()
			return fail(err)
		}
		results = append(results, res)
	}
	if len(results) == 0 {
		return fail(notReadable(name, "no worksheet could be read"))
	}
	t, err := newTable(ctx, c, name, "XLSX", results, sheets, "row", xlsxColName, lim)
	if err != nil {
		f.Close()
		return nil, err
	}
	t.closers = append(t.closers, f.Close)
	return t, nil
}

// xlsxSource streams the rows of one sheet.
type xlsxSource struct {
	rows     *excelize.Rows
	formulas *formulaScanner // nil when the sheet has no formula
	name     string
	sheet    string
	n        int
}

func (s *xlsxSource) close() error {
	if s.formulas != nil {
		s.formulas.close()
	}
	return s.rows.Close()
}

func (s *xlsxSource) next() (r rawRow, err error) {
	err = protect(s.name, func() error {
		if !s.rows.Next() {
			if e := s.rows.Error(); e != nil {
				return observatory.Errorf(observatory.EINVALID, "%s: sheet %q after row %d: %v", s.name, s.sheet, s.n, e)
			}
			return io.EOF
		}
		s.n++
		cells, e := s.rows.Columns()
		if e != nil && s.n >= maxXLSXRows {
			return observatory.Errorf(observatory.ETOOLARGE, "%s: sheet %q has rows beyond row %s, the most an XLSX sheet can hold; split it or export it as CSV",
				s.name, s.sheet, thousands(maxXLSXRows))
		}
		if e != nil {
			return observatory.Errorf(observatory.EINVALID, "%s: sheet %q row %d: unreadable cell: %v", s.name, s.sheet, s.n, e)
		}
		r = rawRow{num: s.n, cells: cells}
		if s.formulas != nil {
			r.formulas = s.formulas.row(s.n)
		}
		return nil
	})
	return r, err
}

// Number-format kinds.
const (
	fmtNumber = iota
	fmtDate
	fmtTime
	fmtDateTime
)

// neutraliseNumFmts rewrites the workbook's cell formats, in memory, so that
// excelize's formatted values are what an ingest wants: numbers exactly as
// stored (no rounding by "0.00", no thousands separators, no percent) and
// dates, times and date-times in ISO form. Number formats are pointed at an
// id that is neither built in nor custom, for which excelize returns the
// stored value; date formats are pointed at custom ISO formats.
//
// This relies on excelize reading File.Styles lazily and consulting the
// cellXfs of the style sheet for every formatted value (true of v2.11);
// the XLSX tests pin it down.
func neutraliseNumFmts(f *excelize.File) error {
	st := f.Styles
	if st == nil || st.CellXfs == nil || len(st.CellXfs.Xf) == 0 {
		return nil
	}
	custom := map[int]string{}
	if st.NumFmts != nil {
		for _, nf := range st.NumFmts.NumFmt {
			code := nf.FormatCode
			if nf.FormatCode16 != "" {
				code = nf.FormatCode16
			}
			custom[nf.NumFmtID] = code
		}
	}
	n := len(st.CellXfs.Xf)
	kinds := make([]int, n)
	need := map[int]bool{}
	for i, xf := range st.CellXfs.Xf {
		id := 0
		if xf.NumFmtID != nil {
			id = *xf.NumFmtID
		}
		code, isCustom := custom[id]
		kinds[i] = classifyNumFmt(id, code, isCustom)
		need[kinds[i]] = true
	}
	isoCode := map[int]string{fmtDate: "yyyy-mm-dd", fmtTime: "hh:mm:ss", fmtDateTime: "yyyy-mm-dd hh:mm:ss"}
	isoID := map[int]int{}
	for _, k := range []int{fmtDate, fmtTime, fmtDateTime} {
		if !need[k] {
			continue
		}
		code := isoCode[k]
		sid, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			return err
		}
		p := f.Styles.CellXfs.Xf[sid].NumFmtID
		if p == nil {
			return fmt.Errorf("ingest: excelize gave no number format for %q", code)
		}
		isoID[k] = *p
	}
	// An id excelize knows neither as built in nor as custom: the value is
	// returned as stored.
	rawID := 1 << 20
	for {
		if _, taken := custom[rawID]; !taken {
			break
		}
		rawID++
	}
	xfs := f.Styles.CellXfs.Xf
	for i := 0; i < n; i++ {
		id := rawID
		if k := kinds[i]; k != fmtNumber {
			id = isoID[k]
		}
		xfs[i].NumFmtID = &id
	}
	return nil
}

// classifyNumFmt tells dates and times from numbers. Built-in ids follow
// ECMA-376 and excelize's locale table; custom codes are inspected.
func classifyNumFmt(id int, code string, isCustom bool) int {
	if !isCustom {
		switch {
		case id >= 14 && id <= 17, id >= 27 && id <= 31, id == 36, id >= 50 && id <= 58:
			return fmtDate
		case id == 22:
			return fmtDateTime
		case id >= 18 && id <= 21, id >= 32 && id <= 35, id == 45, id == 47:
			return fmtTime
		}
		return fmtNumber
	}
	return classifyCode(code)
}

// classifyCode inspects a custom number format code: only its first section,
// without literals ("…", \x), padding (_x), fills (*x) and bracketed parts
// ([Red], [$-40C]); elapsed times ([h]:mm) stay numbers.
func classifyCode(code string) int {
	var b strings.Builder
	inQuote := false
	for i := 0; i < len(code); i++ {
		ch := code[i]
		switch {
		case inQuote:
			if ch == '"' {
				inQuote = false
			}
		case ch == '"':
			inQuote = true
		case ch == '\\' || ch == '_' || ch == '*':
			i++
		case ch == '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				i = len(code)
				continue
			}
			inner := strings.ToLower(code[i+1 : i+j])
			if strings.Trim(inner, "hms") == "" && inner != "" {
				return fmtNumber // elapsed duration
			}
			i += j
		case ch == ';':
			i = len(code)
		default:
			b.WriteByte(ch)
		}
	}
	s := strings.ToLower(b.String())
	s = strings.ReplaceAll(s, "general", "")
	s = strings.ReplaceAll(s, "am/pm", "")
	s = strings.ReplaceAll(s, "a/p", "")
	hasDate := strings.ContainsAny(s, "yd")
	hasTime := strings.ContainsAny(s, "hs")
	if !hasDate && !hasTime && strings.Contains(s, "m") {
		hasDate = true // "mmm" or "mm": a month
	}
	switch {
	case hasDate && hasTime:
		return fmtDateTime
	case hasDate:
		return fmtDate
	case hasTime:
		return fmtTime
	}
	return fmtNumber
}
