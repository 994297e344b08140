// Package tabular reads the CSV and XLSX files the observatory ingests:
// format sniffing, encodings, the CSV tokenizer, XLSX streaming with
// zip-bomb checks, header detection, French numbers and dates, limits.
//
// # Tabular layer
//
// Every source (GEN catalogue, France Travail BMO, nomenclatures) arrives as a
// CSV or XLSX file laid out for humans: title rows above the header, notes
// below the data, columns renamed or reordered from one year to the next. The
// tabular layer turns such a file into a stream of records keyed by the
// caller's own column keys:
//
//	s := tabular.Schema{Name: "catalogue", Columns: []tabular.Column{
//		{Key: "title", Names: []string{"Nom de la formation", "Intitulé"}, Required: true},
//		{Key: "postcode", Names: []string{"Code postal", "CP"}},
//		{Key: "bassin", Patterns: []*regexp.Regexp{regexp.MustCompile(`^be\d{2}$`)}},
//	}}
//	t, err := tabular.Open(ctx, path, filepath.Base(path), s, tabular.Limits{})
//	if err != nil { ... }            // *observatory.Error: EINVALID, ETOOLARGE, ...
//	defer t.Close()
//	for {
//		rec, err := t.Next()
//		if err == io.EOF { break }
//		var re *tabular.RowError
//		if errors.As(err, &re) { quarantine(rec, re); continue } // one bad row
//		if err != nil { return err }                               // fatal
//		use(rec.Values["title"], rec.Row) // rec.Formulas: XLSX formulas without a value
//	}
//	notes := t.Skipped()             // footnotes and repeated headers, to report
//	enc := t.EncodingNote()          // CSV: why this encoding, "" when there was no choice
//
// Open and OpenReader choose the format by content, not by name: a file that
// starts like a ZIP archive is read as XLSX, anything else as text (CSV). One
// exception: a file whose name ends in .xlsx/.xlsm but which is not a ZIP
// archive is refused ("not a readable XLSX file") rather than guessed at.
// Legacy .xls and password-protected workbooks (OLE2 containers) and
// OpenDocument spreadsheets are refused with a message saying so.
//
// Header detection: the first Limits.HeaderScanRows rows of every sheet (or
// lines of the CSV, for each candidate separator) are scored by the number of
// distinct schema columns they name, required columns first. The best row
// wins; ties go to the first sheet, then the first row. Header cells are
// compared after Normalize (case, accents, spacing and punctuation folded), to
// Column.Names exactly, then to Column.Patterns and Column.Match. The chosen row must name every
// required column, otherwise the EINVALID error names the file, the sheets
// examined, the best candidate row and the missing columns with the names
// they may take. Two header cells mapping to the same key are an EINVALID
// error naming both. Header cells that match nothing are listed by Unmapped.
//
// Rows after the header:
//   - Fully blank rows are skipped silently.
//   - Footnote rows are skipped and reported by Skipped: a row whose only
//     non-blank cell lies in the first column (the column of the first header
//     cell, or left of it) and starts like a note ("*", "(", "[", "Source",
//     "Note", "Champ", "Lecture", "NB", "Remarque", "Avertissement",
//     "Méthodologie", "Définition", "http"…). Once a note has been seen, the
//     following single-cell rows are taken as its continuation until a row
//     with more cells appears. A data row reduced to one cell of this shape
//     would be reported there too, never silently dropped.
//   - A copy of the header row among the data (exports pasted one after the
//     other) is skipped and reported by Skipped as "repeated header".
//   - Ragged rows are tolerated: a short row gives "" for the missing cells; a
//     non-blank cell in a column with no header (beyond the header's width, or
//     under a blank header cell) is kept in Record.Extra and the record is
//     returned normally: the caller decides whether that is worth quarantine.
//   - A row-level problem (a cell over Limits.MaxCellBytes, an unterminated
//     quote, more than 16,384 cells) makes Next return the record with
//     a *RowError. The offending cell's value is "" in Values. The error is not
//     fatal: call Next again to go on. Every other error from Next is fatal and
//     returned again by later calls; io.EOF marks the end.
//
// Values are trimmed of white space (including U+00A0, U+202F and zero-width
// spaces). A column the schema declares but the file lacks is absent from
// Record.Values; a column present with an empty cell maps to "".
//
// CSV specifics: the encoding is UTF-8 (with or without BOM), UTF-16 with a
// BOM (Excel's "Unicode text"), or, when the bytes are not valid UTF-8
// (checked over the whole file, not just its start), one of Windows-1252,
// ISO-8859-15 and Mac Roman chosen by what the text looks like. The whole
// file is decoded each way and each decoding scored on its non-ASCII
// characters in context: a French accented letter whose case fits its word
// counts for it ("Développeur", "ÉCOLE"); a character French text does not
// have (ƒ † ‡ ‰ ˆ ¤, control characters and undefined bytes, mathematical
// signs, box drawing, "Ã©"-style UTF-8 mojibake), a letter whose case does
// not fit ("ACADƒMIE", "DÈveloppeur", "CÏur") or a symbol inside a word
// ("C½ur") counts three times against it. The best score wins; on a tie,
// Windows-1252, then ISO-8859-15, then Mac Roman (a tie means the file has
// none of the bytes on which they differ). Format names the encoding
// (`CSV (Mac Roman, ";" separated)`) and EncodingNote gives the counts
// behind the choice, for the caller's report. A file that is mostly valid
// UTF-8 with a few invalid bytes (exports pasted together) is read as UTF-8
// with each invalid byte taken as Windows-1252; Format and EncodingNote say
// so.
//
// The separator (',' ';' or tab) is sniffed from the first lines, counting
// outside quotes, and confirmed by the header: the three are tried and the
// one giving the best header wins (the sniffed one on a tie). Quoting follows
// RFC 4180 (doubled quotes, separators and line breaks inside quoted fields,
// CRLF, LF or lone CR line ends). Stray quotes are read the way Excel reads
// them rather than rejected, because real exports contain them: a quote
// inside an unquoted field is a literal character (`Ecran 15"`), and text
// after the closing quote of a quoted field is appended to it (`"abc"def`
// gives abcdef).
//
// A quote that opens a field and is never closed is read the way a person
// would fix it: as a plain character. A quoted field is taken for such a
// runaway when it spans line breaks and reaches the end of the file, spans
// more than 200 line breaks or four times MaxCellBytes, or ends with a
// quote followed by text (the runaway quote pairing with one that opens a
// field lines later). Its bytes are then read again with the quote as a
// plain character, so the record ends with the quote's line and is
// returned with a *RowError naming the column ("unterminated quote on line
// N…", the cell "" in Values), and every following line comes out as the
// record it is. Multi-line cells within those bounds are kept as they are.
//
// Cells are cut while reading once over MaxCellBytes, so a 10 MB cell costs
// no more memory than a 32 KiB one. Record.Row is the line on which the
// record starts. A file with NUL bytes or more than 5 % control characters
// in its first KiB is refused as "not a text file"; an HTML page saved as
// .xls is refused as such.
//
// XLSX specifics: before a cell is read, the ZIP central directory is
// checked: the total declared uncompressed size must stay under
// Limits.MaxUnzipBytes and no large entry may have an absurd compression ratio
// (zip bomb), else ETOOLARGE; then every entry is inflated once to check its
// CRC, so that a damaged entry is refused up front rather than read cut
// short. Sheets are then streamed straight from their ZIP entries by the
// package's own tag reader (sheet.go; excelize's row iterator decoded each
// row through encoding/xml, four times slower), so memory stays flat
// whatever the row count: only the shared strings are held. Numbers come
// out as stored, not as displayed ("48.76897", "101", "2024", never
// "101.0" or "1.01E+02" or a value rounded by a "0.00" format; beyond 15
// significant digits, rounded to 15 as a spreadsheet keeps them); cells
// with a date or time number format come out in ISO form ("2016-02-03",
// "2016-02-03 14:30:00", "14:30:00"). Formulas give their cached value;
// booleans TRUE/FALSE; errors as written (#N/A). A formula cell without a
// cached value (a workbook written by a program that does not calculate,
// never opened and saved in a spreadsheet) comes out as "" in Values and is
// listed in Record.Formulas with its column, schema key and formula text;
// its row is returned even if no other cell is filled, and without a
// RowError: a derived column the caller does not read is no reason to lose
// the row, so the caller decides (the catalogue ingest quarantines the row
// when the column is one it reads). In merged ranges the value is in the
// top-left cell only. Hidden sheets are examined like the others; chart
// sheets have no cells.
// Record.Row is the spreadsheet row number.
//
// A Table is not safe for concurrent use. The context given to Open is
// checked every 256 rows for the whole life of the Table.
package tabular

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/gen-numerique/observatory/observatory"
)

// Column describes one logical column a schema wants.
type Column struct {
	Key      string           // stable key used by the caller, e.g. "title"
	Names    []string         // accepted header names, compared after Normalize
	Patterns []*regexp.Regexp // matched against the normalised header, e.g. `^be\d{2}$`
	// Match, when set, decides alone whether a header cell (its text as
	// found, trimmed) is this column, after the exact Names of the other
	// columns; its own Names are then only listed in messages. Callers
	// that match by meaning rather than by name (the catalogue) use it:
	// Normalize would fold "Femmes (%)" into the name "femmes".
	Match    func(header string) bool
	Required bool
}

// Schema is the set of columns a caller wants from a file.
type Schema struct {
	Name    string
	Columns []Column
}

// Record is one data row.
type Record struct {
	File   string            // display name of the file
	Sheet  string            // "" for CSV
	Row    int               // 1-based row (XLSX) or line (CSV) as a spreadsheet or editor shows it
	Values map[string]string // by Column.Key, trimmed; missing optional columns absent
	Cols   map[string]string // Column.Key -> header text found; shared by all records, do not modify
	Extra  []ExtraCell       // non-blank cells in columns without a header (ragged rows); usually nil
	// Formulas lists the cells with a formula but no computed value (XLSX
	// written by a program that does not calculate); usually nil.
	Formulas []FormulaCell
}

// ExtraCell is a non-blank cell found in a column that has no header.
type ExtraCell struct {
	Column string // "column F" (XLSX) or "column 6" (CSV)
	Value  string
}

// SkippedRow is a non-blank row that Next did not return: a footnote, or a
// copy of the header row among the data.
type SkippedRow struct {
	File   string
	Sheet  string
	Row    int
	Reason string // "footnote" or "repeated header"
	Text   string // the row's text, cut to 200 bytes
}

// Limits bound what a file may cost. Zero fields take the defaults.
type Limits struct {
	MaxFileBytes   int64 // default 64 MiB
	MaxCellBytes   int   // default 32 KiB
	MaxRows        int   // data rows after the header; default 2,000,000
	MaxUnzipBytes  int64 // XLSX: total declared uncompressed size; default 512 MiB
	HeaderScanRows int   // rows scanned to find the header; default 30
}

// Default limits.
const (
	DefaultMaxFileBytes   = 64 << 20
	DefaultMaxCellBytes   = 32 << 10
	DefaultMaxRows        = 2_000_000
	DefaultMaxUnzipBytes  = 512 << 20
	DefaultHeaderScanRows = 30
)

func (l Limits) withDefaults() Limits {
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = DefaultMaxFileBytes
	}
	if l.MaxCellBytes <= 0 {
		l.MaxCellBytes = DefaultMaxCellBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultMaxRows
	}
	if l.MaxUnzipBytes <= 0 {
		l.MaxUnzipBytes = DefaultMaxUnzipBytes
	}
	if l.HeaderScanRows <= 0 {
		l.HeaderScanRows = DefaultHeaderScanRows
	}
	return l
}

// Table streams the records of one sheet (or one CSV file) after the header.
type Table interface {
	File() string
	Sheet() string              // "" for CSV
	Format() string             // e.g. `CSV (UTF-8 with BOM, ";" separated)` or "XLSX"
	EncodingNote() string       // why a CSV's encoding was chosen, for the report; "" when there was no choice
	HeaderRow() int             // 1-based
	Columns() map[string]string // key -> header found
	Unmapped() []string         // header cells that matched no column (reported, not fatal)
	Next() (Record, error)      // io.EOF at the end; *RowError for one bad row
	Skipped() []SkippedRow      // rows skipped so far: footnotes, repeated headers (the first 10,000)
	SkippedCount() int          // rows skipped so far, all of them
	Close() error
}

// RowError reports a problem confined to one row. Next returns it together
// with the record; reading can go on.
type RowError struct {
	File   string
	Sheet  string
	Row    int
	Column string // header text of the offending column, "" for the whole row
	Reason string
}

func (e *RowError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Sheet != "" {
		fmt.Fprintf(&b, ": sheet %q row %d", e.Sheet, e.Row)
	} else {
		fmt.Fprintf(&b, ": line %d", e.Row)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, ": column %q", e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

// Open opens path (CSV or XLSX, chosen by content), finds the sheet and header
// row that best match the schema, and returns a Table positioned on the first
// record. name is the display name used in messages (usually the base name).
// Errors about the file are *observatory.Error (EINVALID, ETOOLARGE,
// ENOTFOUND); a schema without columns or keys is a programming error returned
// as a plain error.
func Open(ctx context.Context, path, name string, s Schema, lim Limits) (Table, error) {
	if name == "" {
		name = path
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, observatory.Errorf(observatory.ENOTFOUND, "%s: file not found", name)
		}
		return nil, fmt.Errorf("ingest: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("ingest: %w", err)
	}
	if st.IsDir() {
		f.Close()
		return nil, observatory.Errorf(observatory.EINVALID, "%s: is a directory, not a file", name)
	}
	t, err := open(ctx, f, st.Size(), path, name, s, lim)
	if err != nil {
		f.Close()
		return nil, err
	}
	t.closers = append(t.closers, f.Close)
	return t, nil
}

// OpenReader is Open for data that is not a named file (an upload). r must
// stay readable until the Table is closed.
func OpenReader(ctx context.Context, r io.ReaderAt, size int64, name string, s Schema, lim Limits) (Table, error) {
	t, err := open(ctx, r, size, "", name, s, lim)
	if err != nil {
		return nil, err
	}
	return t, nil
}

var (
	zipMagic      = []byte("PK\x03\x04")
	zipEmptyMagic = []byte("PK\x05\x06")
	oleMagic      = []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
)

func open(ctx context.Context, r io.ReaderAt, size int64, path, name string, s Schema, lim Limits) (*table, error) {
	c, err := compileSchema(s)
	if err != nil {
		return nil, err
	}
	lim = lim.withDefaults()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if size > lim.MaxFileBytes {
		return nil, &observatory.Error{Code: observatory.ETOOLARGE,
			Message: fmt.Sprintf("%s: file is %s, over the %s limit", name, byteSize(size), byteSize(lim.MaxFileBytes))}
	}
	if size <= 0 {
		return nil, observatory.Errorf(observatory.EINVALID, "%s: empty file", name)
	}
	head := make([]byte, min(size, 8<<10))
	if n, err := r.ReadAt(head, 0); n < len(head) {
		return nil, fmt.Errorf("ingest: reading %s: %w", name, err)
	}
	lower := strings.ToLower(name)
	switch {
	case hasPrefix(head, zipMagic) || hasPrefix(head, zipEmptyMagic):
		return openXLSX(ctx, r, size, name, c, lim)
	case hasPrefix(head, oleMagic):
		return nil, observatory.Errorf(observatory.EINVALID,
			"%s: a password-protected workbook or a legacy Excel 97-2003 (.xls) file, which cannot be read; save it as .xlsx without a password, or as CSV", name)
	case strings.HasSuffix(lower, ".xlsx") || strings.HasSuffix(lower, ".xlsm"):
		return nil, observatory.Errorf(observatory.EINVALID,
			"%s: not a readable XLSX file: it is not a ZIP archive (is it a CSV or another file renamed?)", name)
	}
	return openCSV(ctx, r, size, name, c, lim, head)
}

func hasPrefix(b, p []byte) bool { return len(b) >= len(p) && string(b[:len(p)]) == string(p) }

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// rawRow is one physical row as a source produces it.
type rawRow struct {
	num     int      // 1-based row or line number
	cells   []string // untrimmed; cells over the limit are longer than MaxCellBytes
	problem string   // row-level problem reported as a RowError
	// problemCell is the 1-based index of the cell the problem is in, 0
	// when it is the whole row's.
	problemCell int
	formulas    []rawFormula // XLSX: cells with a formula and no value
}

// rowSource produces the raw rows of one sheet or one CSV file.
type rowSource interface {
	next() (rawRow, error) // io.EOF at the end
	close() error
}

// scanResult is what header detection learnt from one source.
type scanResult struct {
	sheet    string
	src      rowSource
	rows     []rawRow // the rows scanned
	best     int      // index in rows of the best header candidate, -1 if none
	sc       score
	nonBlank bool // some scanned row has a non-blank cell
}

// scanSource reads up to n rows and scores each as a header.
func scanSource(ctx context.Context, c *compiled, sheet string, src rowSource, n int) (*scanResult, error) {
	res := &scanResult{sheet: sheet, src: src, best: -1}
	for len(res.rows) < n {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		res.rows = append(res.rows, r)
		blank := true
		for _, cell := range r.cells {
			if trimCell(cell) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		res.nonBlank = true
		if sc := c.score(r.cells); sc.total > 0 && sc.better(res.sc) {
			res.best, res.sc = len(res.rows)-1, sc
		}
	}
	return res, nil
}

func (r *scanResult) candidate() candidate {
	if r.best < 0 {
		return candidate{sheet: r.sheet}
	}
	return candidate{sheet: r.sheet, row: r.rows[r.best].num, cells: r.rows[r.best].cells, sc: r.sc}
}

// table implements Table over a rowSource.
type table struct {
	ctx          context.Context
	file         string
	sheet        string
	format       string
	encodingNote string
	headerRow    int
	lim          Limits
	h            *header
	colName      func(int) string
	pending      []rawRow
	src          rowSource
	closers      []func() error
	skipped      []SkippedRow
	nSkipped     int
	inNotes      bool
	seen         int
	err          error
	closed       bool
}

const maxSkippedKept = 10000

// newTable builds the table from the chosen scan result, or the error saying
// why there is none. results are all the scans, in sheet (or separator)
// order; sheets names the sheets examined for messages (nil for CSV).
func newTable(ctx context.Context, c *compiled, name, format string, results []*scanResult, sheets []string, unit string, colName func(int) string, lim Limits) (*table, error) {
	var best *scanResult
	nonBlank := false
	for _, r := range results {
		nonBlank = nonBlank || r.nonBlank
		if r.best >= 0 && (best == nil || r.sc.better(best.sc)) {
			best = r
		}
	}
	closeAll := func(keep *scanResult) {
		for _, r := range results {
			if r != keep {
				r.src.close()
			}
		}
	}
	if !nonBlank {
		closeAll(nil)
		return nil, observatory.Errorf(observatory.EINVALID, "%s: empty file: no non-blank %s", name, unit)
	}
	if best == nil || best.sc.req < len(c.required) {
		closeAll(nil)
		if len(c.required) == 0 {
			return nil, c.noHeaderError(name, sheets, unit, lim.HeaderScanRows)
		}
		var cand candidate
		if best != nil {
			cand = best.candidate()
		}
		err := c.missingError(name, sheets, cand, unit, lim.HeaderScanRows)
		if best != nil {
			// Say so too when the best candidate repeats a column.
			_, dup := c.buildHeader(best.rows[best.best].cells, colName)
			if dup != nil {
				err.Message += "; also, " + dup.detail
			}
		}
		return nil, err
	}
	hr := best.rows[best.best]
	loc := fmt.Sprintf("%s %d", unit, hr.num)
	if best.sheet != "" {
		loc = fmt.Sprintf("sheet %q %s", best.sheet, loc)
	}
	h, dup := c.buildHeader(hr.cells, colName)
	if dup != nil {
		closeAll(nil)
		return nil, &observatory.Error{Code: observatory.EINVALID, Param: dup.key,
			Message: fmt.Sprintf("%s: %s: %s; keep only one of them", name, loc, dup.detail)}
	}
	closeAll(best)
	return &table{
		ctx:       ctx,
		file:      name,
		sheet:     best.sheet,
		format:    format,
		headerRow: hr.num,
		lim:       lim,
		h:         h,
		colName:   colName,
		pending:   best.rows[best.best+1:],
		src:       best.src,
	}, nil
}

func (t *table) File() string               { return t.file }
func (t *table) Sheet() string              { return t.sheet }
func (t *table) Format() string             { return t.format }
func (t *table) EncodingNote() string       { return t.encodingNote }
func (t *table) HeaderRow() int             { return t.headerRow }
func (t *table) Columns() map[string]string { return t.h.cols }
func (t *table) Unmapped() []string         { return t.h.unmapped }
func (t *table) Skipped() []SkippedRow      { return t.skipped }
func (t *table) SkippedCount() int          { return t.nSkipped }

func (t *table) Close() error {
	if t.closed {
		return nil
	}
	t.closed = true
	if t.err == nil {
		t.err = errors.New("ingest: table closed")
	}
	var first error
	if t.src != nil {
		first = t.src.close()
	}
	for _, f := range t.closers {
		if err := f(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (t *table) Next() (Record, error) {
	for {
		if t.err != nil {
			return Record{}, t.err
		}
		var r rawRow
		if len(t.pending) > 0 {
			r, t.pending = t.pending[0], t.pending[1:]
		} else {
			var err error
			if r, err = t.src.next(); err != nil {
				t.err = err
				return Record{}, err
			}
		}
		t.seen++
		if t.seen%256 == 0 {
			if err := t.ctx.Err(); err != nil {
				t.err = err
				return Record{}, err
			}
		}
		if r.num-t.headerRow > t.lim.MaxRows {
			t.err = observatory.Errorf(observatory.ETOOLARGE, "%s: more than %d rows after the header", t.where(), t.lim.MaxRows)
			return Record{}, t.err
		}
		rec, rowErr, keep := t.convert(r)
		if keep {
			if rowErr != nil {
				return rec, rowErr
			}
			return rec, nil
		}
	}
}

func (t *table) where() string {
	if t.sheet != "" {
		return fmt.Sprintf("%s: sheet %q", t.file, t.sheet)
	}
	return t.file
}

// convert turns a raw row into a record. keep is false for blank and
// footnote rows.
func (t *table) convert(r rawRow) (rec Record, rowErr *RowError, keep bool) {
	nonBlank, only := 0, -1
	var over []int
	for j, cell := range r.cells {
		if len(cell) > t.lim.MaxCellBytes {
			over = append(over, j)
			nonBlank++
			only = j
			continue
		}
		if trimCell(cell) != "" {
			nonBlank++
			only = j
		}
	}
	// A formula without a value is not a blank cell: the value is missing.
	if r.problem == "" && len(over) == 0 && len(r.formulas) == 0 {
		if nonBlank == 0 {
			return Record{}, nil, false
		}
		if nonBlank == 1 && only <= max(t.h.firstCol, 0) {
			text := trimCell(r.cells[only])
			if t.inNotes || isFootnote(text) {
				t.inNotes = true
				t.skip(r.num, text, "footnote")
				return Record{}, nil, false
			}
		}
	}
	t.inNotes = false
	if r.problem == "" && len(over) == 0 && t.repeatsHeader(r.cells) {
		t.skip(r.num, strings.Join(r.cells, " | "), "repeated header")
		return Record{}, nil, false
	}
	rec = Record{File: t.file, Sheet: t.sheet, Row: r.num, Values: make(map[string]string, len(t.h.cols)), Cols: t.h.cols}
	bad := r.problemCell - 1 // the offending cell, -1 if none
	for j, key := range t.h.keyAt {
		if key == "" {
			continue
		}
		v := ""
		if j < len(r.cells) && len(r.cells[j]) <= t.lim.MaxCellBytes && j != bad {
			v = trimCell(r.cells[j])
		}
		rec.Values[key] = v
	}
	for j, cell := range r.cells {
		if (j < len(t.h.named) && t.h.named[j]) || j == bad {
			continue
		}
		v := cell
		if len(v) > t.lim.MaxCellBytes {
			continue // reported below
		}
		if v = trimCell(v); v != "" {
			rec.Extra = append(rec.Extra, ExtraCell{Column: t.colName(j), Value: v})
		}
	}
	for _, f := range r.formulas {
		fc := FormulaCell{Column: t.colName(f.col), Formula: f.formula}
		if f.col < len(t.h.named) && t.h.named[f.col] {
			fc.Column, fc.Key = t.h.text(f.col), t.h.keyAt[f.col]
		}
		rec.Formulas = append(rec.Formulas, fc)
	}
	switch {
	case r.problem != "":
		col := ""
		if bad >= 0 {
			col = t.colName(bad)
			if bad < len(t.h.named) && t.h.named[bad] {
				col = t.h.text(bad)
			}
		}
		rowErr = &RowError{File: t.file, Sheet: t.sheet, Row: r.num, Column: col, Reason: r.problem}
	case len(over) > 0:
		j := over[0]
		col := t.colName(j)
		if j < len(t.h.named) && t.h.named[j] {
			col = t.h.text(j)
		}
		reason := fmt.Sprintf("cell is larger than the %d-byte limit", t.lim.MaxCellBytes)
		if len(over) > 1 {
			reason += fmt.Sprintf(" (and %d other cells)", len(over)-1)
		}
		rowErr = &RowError{File: t.file, Sheet: t.sheet, Row: r.num, Column: col, Reason: reason}
	}
	return rec, rowErr, true
}

func (t *table) skip(row int, text, reason string) {
	t.nSkipped++
	if len(t.skipped) < maxSkippedKept {
		text = cut(text, 200)
		t.skipped = append(t.skipped, SkippedRow{File: t.file, Sheet: t.sheet, Row: row, Reason: reason, Text: text})
	}
}

// repeatsHeader spots a copy of the header row among the data, as left by
// exports pasted one after another: every mapped cell equal to its header.
func (t *table) repeatsHeader(cells []string) bool {
	n := 0
	for j, key := range t.h.keyAt {
		if key == "" {
			continue
		}
		if j >= len(cells) || !strings.EqualFold(trimCell(cells[j]), t.h.texts[j]) {
			return false
		}
		n++
	}
	return n > 0
}

// footnoteWords start a note row, compared on the normalised text.
var footnoteWords = []string{
	"source", "sources", "note", "notes", "nb", "n b", "champ", "lecture",
	"remarque", "remarques", "avertissement", "methodologie", "methode",
	"definition", "definitions", "precision", "precisions", "attention",
	"legende", "donnees provisoires", "mise a jour", "pour en savoir plus",
	"pour plus d information", "pour plus d informations", "voir aussi",
	"copyright", "traitement", "realisation",
}

// isFootnote reports whether the text of a single-cell row reads like a note.
func isFootnote(text string) bool {
	if text == "" {
		return false
	}
	switch text[0] {
	case '*', '(', '[', '#':
		return true
	}
	for _, p := range []string{"©", "†", "‡", "¹", "²", "³", "http://", "https://", "www."} {
		if strings.HasPrefix(text, p) {
			return true
		}
	}
	n := Normalize(text)
	for _, w := range footnoteWords {
		if n == w || strings.HasPrefix(n, w+" ") {
			return true
		}
	}
	return false
}
