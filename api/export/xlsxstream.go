package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/flate"
)

// excelize builds the whole package in memory before its first byte
// (File.WriteTo copies a bytes.Buffer), so a large workbook would leave
// only once its last row is read. WriteXLSX therefore has excelize build
// every part around a data sheet holding its header alone, then writes
// that package again as a zip straight into w, with the data sheet's rows
// encoded here as they are read (xlsxcell.go), and the two parts that
// name the last row (the sheet's autoFilter, the workbook's filter
// range) rewritten once it is known. xlsx_test.go holds the result to
// what excelize's StreamWriter writes, cell for cell.

// xlsxParts is a package excelize wrote with a header-only data sheet.
type xlsxParts struct {
	zr *zip.Reader
	// sheet and workbook are the data sheet's and the workbook's parts.
	sheet, workbook *zip.File
	// lastCol is the data's last column ("AE"): the filter range ends
	// at $<lastCol>$<last row>.
	lastCol string
}

func readParts(pkg []byte, sheetPath, lastCol string) (*xlsxParts, error) {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		return nil, err
	}
	p := &xlsxParts{zr: zr, lastCol: lastCol}
	for _, f := range zr.File {
		switch f.Name {
		case sheetPath:
			p.sheet = f
		case "xl/workbook.xml":
			p.workbook = f
		}
	}
	if p.sheet == nil || p.workbook == nil {
		return nil, fmt.Errorf("xlsx: excelize wrote no %s or workbook part", sheetPath)
	}
	return p, nil
}

// write writes the package into w: its other parts as excelize
// compressed them, then the data sheet with rows' output in its
// sheetData, then the workbook. rows returns the number of the last row
// written (1 for the header alone); it may call flush to send what it has
// written so far.
func (p *xlsxParts) write(w io.Writer, rows func(w io.Writer, flush func() error) (int, error)) error {
	sheet, err := readPart(p.sheet)
	if err != nil {
		return err
	}
	book, err := readPart(p.workbook)
	if err != nil {
		return err
	}
	end := bytes.LastIndex(sheet, []byte("</sheetData>"))
	if end < 0 {
		return fmt.Errorf("xlsx: no sheetData in %s", p.sheet.Name)
	}
	zw := zip.NewWriter(w)
	// klauspost's deflate at level 5: on 100,000 rows (BenchmarkXLSX)
	// 285 ms and 3.5 MB, where level 1 writes 4.4 MB in 216 ms and
	// excelize alone (archive/zip) 3.3 MB in 980 ms.
	var deflater *flate.Writer // the sheet's, the last part created
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		fw, err := flate.NewWriter(w, 5)
		deflater = fw
		return fw, err
	})
	for _, f := range p.zr.File {
		if f != p.sheet && f != p.workbook {
			if err := zw.Copy(f); err != nil {
				return err
			}
		}
	}
	sw, err := zw.CreateHeader(&zip.FileHeader{Name: p.sheet.Name, Method: zip.Deflate,
		ModifiedTime: p.sheet.ModifiedTime, ModifiedDate: p.sheet.ModifiedDate})
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(sw, 64<<10)
	if _, err := bw.Write(sheet[:end]); err != nil {
		return err
	}
	// flush sends what the rows have made so far: the sheet's deflate
	// stream takes a sync flush (still one valid stream), then the zip's
	// buffer and w's go.
	flush := func() error {
		if err := bw.Flush(); err != nil {
			return err
		}
		if err := deflater.Flush(); err != nil {
			return err
		}
		if err := zw.Flush(); err != nil {
			return err
		}
		if f, ok := w.(flusher); ok {
			f.Flush()
		}
		return nil
	}
	last, err := rows(bw, flush)
	if err != nil {
		return err
	}
	from, to := p.filterRange(1), p.filterRange(last)
	tail := bytes.Replace(sheet[end:], []byte(`<autoFilter ref="`+from+`"`), []byte(`<autoFilter ref="`+to+`"`), 1)
	if _, err := bw.Write(tail); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	bk, err := zw.CreateHeader(&zip.FileHeader{Name: p.workbook.Name, Method: zip.Deflate,
		ModifiedTime: p.workbook.ModifiedTime, ModifiedDate: p.workbook.ModifiedDate})
	if err != nil {
		return err
	}
	// The filter range is the definedName's text, after the sheet's name.
	book = []byte(strings.Replace(string(book), "!"+from+"</definedName>", "!"+to+"</definedName>", 1))
	if _, err := bk.Write(book); err != nil {
		return err
	}
	return zw.Close()
}

// filterRange is the autofilter's range down to row last: $A$1:$AE$540.
func (p *xlsxParts) filterRange(last int) string {
	return fmt.Sprintf("$A$1:$%s$%d", p.lastCol, last)
}

func readPart(f *zip.File) ([]byte, error) {
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// flusher is a writer that can send what it has buffered now: a
// download's body.
type flusher interface{ Flush() }

// streamAfter is the number of rows past which a download sends what it
// has (flusher): before, a response is held back up to a megabyte so that
// a small one goes with its Content-Length; a long one's first byte then
// waited for its first megabyte (30,000 rows of XLSX). It is under the
// store's first query of a long export (2,000 rows, observatory/duckdb's
// headRows), so the flush comes while those rows are written rather than
// after the query of the rest.
const streamAfter = 1_000
