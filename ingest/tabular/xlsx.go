package tabular

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/gen-numerique/observatory/observatory"
)

const (
	maxZipEntries = 10000
	// An entry over ratioMinBytes uncompressed whose compression ratio is
	// over maxZipRatio is taken for a zip bomb. Real worksheets compress
	// 5 to 30 times; deflate cannot exceed about 1,030.
	maxZipRatio   = 250
	ratioMinBytes = 16 << 20
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

// verifyZip inflates every entry once, checking its CRC: a damaged entry is
// refused before any row is read, rather than coming out cut short half-way
// through an ingest. archive/zip also refuses an entry that inflates beyond
// its declared size, so checkZip's bounds hold.
func verifyZip(ctx context.Context, name string, zr *zip.Reader) error {
	buf := make([]byte, 32<<10)
	for _, zf := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if zf.FileInfo().IsDir() {
			continue
		}
		rc, err := zf.Open()
		if err == nil {
			_, err = io.CopyBuffer(io.Discard, rc, buf)
			rc.Close()
		}
		if err != nil {
			return notReadable(name, fmt.Sprintf("entry %q is damaged", zf.Name))
		}
	}
	return nil
}

func openXLSX(ctx context.Context, r io.ReaderAt, size int64, name string, c *compiled, lim Limits) (*table, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, notReadable(name, "the ZIP structure is damaged or truncated")
	}
	if err := checkZip(name, zr, lim); err != nil {
		return nil, err
	}
	wb, ok := readStructure(zr)
	if !ok {
		return nil, notReadable(name, "the workbook structure is damaged")
	}
	if err := checkDimensions(name, wb.sheets, lim); err != nil {
		return nil, err
	}
	if err := verifyZip(ctx, name, zr); err != nil {
		return nil, err
	}
	wb.readStyles()
	if err := wb.readSharedStrings(lim.MaxCellBytes); err != nil {
		if err == errTooManyStrings {
			return nil, observatory.Errorf(observatory.ETOOLARGE, "%s: %v", name, err)
		}
		return nil, notReadable(name, "its shared strings part is damaged")
	}
	var (
		sheets  []string
		results []*scanResult
	)
	fail := func(err error) (*table, error) {
		for _, r := range results {
			r.src.close()
		}
		return nil, err
	}
	for _, sh := range wb.sheets {
		src, err := newSheetReader(wb, sh, name, lim.MaxCellBytes)
		if err != nil {
			return fail(notReadable(name, fmt.Sprintf("entry %q is damaged", sh.part.Name)))
		}
		sheets = append(sheets, sh.name)
		res, err := scanSource(ctx, c, sh.name, src, lim.HeaderScanRows)
		if err != nil {
			src.close()
			return fail(err)
		}
		results = append(results, res)
	}
	if len(results) == 0 {
		return fail(notReadable(name, "no worksheet could be read"))
	}
	return newTable(ctx, c, name, "XLSX", results, sheets, "row", xlsxColName, lim)
}

// Number-format kinds.
const (
	fmtNumber = iota
	fmtDate
	fmtTime
	fmtDateTime
)

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
