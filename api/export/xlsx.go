package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/gen-numerique/observatory/datasets"
)

// metaSheet is the name of the XLSX sheet that describes the data. Excel
// forbids "/" in sheet names, hence the dash.
const metaSheet = "Métadonnées – Metadata"

// WriteXLSX writes t as a workbook a journalist can open and sort at once:
// typed cells (numbers, dates with a date format, booleans), a bold filled
// header frozen above the rows, an autofilter over the whole range, column
// widths by type, and a second sheet with the dataset's metadata. The
// rows are written into w as they are read (xlsxstream.go): the first
// bytes leave before the last row is read, and a large table is never
// held in memory.
//
// In the French dialect the header row holds the columns' French titles and
// enumerated values their French labels, as in the French CSV; dates show
// as jj/mm/aaaa; cells stay typed (a number is a number, whatever the
// locale that opens it).
func WriteXLSX(w io.Writer, t Table, m Meta, d Dialect) error {
	cols := t.Cols()
	pkg, st, err := xlsxPackage(t, m, d)
	if err != nil {
		return err
	}
	parts, err := readParts(pkg, "xl/worksheets/sheet1.xml", columnName(max(len(cols), 1)))
	if err != nil {
		return err
	}
	enc := newSheetRows(len(cols), st.date)
	return parts.write(w, func(w io.Writer, flush func() error) (int, error) {
		return eachCells(t, d, st, func(r int, cells []any) error {
			if r == streamAfter+2 { // more rows than streamAfter (the header is row 1)
				if err := flush(); err != nil {
					return err
				}
			}
			_, err := w.Write(enc.row(r, cells))
			return err
		})
	})
}

// eachCells calls cell with each row's number (2 on) and its cells, as
// xlsxStyles.value makes them, and returns the last row's number (1 for
// the header alone).
func eachCells(t Table, d Dialect, st xlsxStyles, cell func(r int, cells []any) error) (int, error) {
	cols := t.Cols()
	rowN := 1
	out := make([]any, len(cols))
	var buf []any
	err := t.Each(func(row []any) error {
		rowN++
		buf = t.Pick(row, buf)
		for i, v := range buf {
			if d == French {
				v = frenchLabels(v, cols[i])
			}
			out[i] = st.value(v)
		}
		return cell(rowN, out)
	})
	return rowN, err
}

// xlsxPackage has excelize write the whole workbook but the data rows
// (workbook), for WriteXLSX to write again with them.
func xlsxPackage(t Table, m Meta, d Dialect) ([]byte, xlsxStyles, error) {
	f, st, err := workbook(t, m, d, func(*excelize.StreamWriter, xlsxStyles) (int, error) { return 1, nil })
	if err != nil {
		return nil, st, err
	}
	defer f.Close()
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, st, err
	}
	return buf.Bytes(), st, nil
}

// workbook builds the workbook in excelize: the data sheet with its
// column widths, frozen header, the rows rows writes (it returns the last
// row's number) and an autofilter down to them, then the metadata sheet
// and the document's properties. The caller closes the file.
func workbook(t Table, m Meta, d Dialect, rows func(*excelize.StreamWriter, xlsxStyles) (int, error)) (*excelize.File, xlsxStyles, error) {
	f := excelize.NewFile()
	fail := func(err error) (*excelize.File, xlsxStyles, error) {
		f.Close()
		return nil, xlsxStyles{}, err
	}
	sheet := sheetName(m.Dataset.Name)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fail(err)
	}
	st, err := newXLSXStyles(f, d)
	if err != nil {
		return fail(err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fail(err)
	}
	cols := t.Cols()
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, colWidth(c)); err != nil {
			return fail(err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return fail(err)
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	if d == French {
		names = FrenchTitles(cols)
	}
	head := make([]any, len(cols))
	for i, n := range names {
		head[i] = excelize.Cell{StyleID: st.header, Value: n}
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{Height: 20}); err != nil {
		return fail(err)
	}
	last, err := rows(sw, st)
	if err != nil {
		return fail(err)
	}
	// The autofilter must be set before Flush, while the stream writer
	// still holds the worksheet it will write out.
	if err := f.AutoFilter(sheet, "A1:"+columnName(max(len(cols), 1))+strconv.Itoa(last), nil); err != nil {
		return fail(err)
	}
	if err := sw.Flush(); err != nil {
		return fail(err)
	}
	if err := writeMetaSheet(f, st, m); err != nil {
		return fail(err)
	}
	// Dated by the snapshot, not the clock: the same request gives the
	// same bytes, as its strong ETag promises.
	stamp := m.Date.Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: datasets.Publisher, Title: m.Dataset.TitleFR,
		Description: m.Dataset.TitleEN + "; snapshot " + m.Snapshot + "; " + m.Dataset.Licence.Name,
		Created:     stamp, Modified: stamp, Language: "fr-FR"}); err != nil {
		return fail(err)
	}
	return f, st, nil
}

type xlsxStyles struct{ header, date, key, wrap int }

func newXLSXStyles(f *excelize.File, d Dialect) (xlsxStyles, error) {
	var st xlsxStyles
	var err error
	if st.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F4E79"}},
		Alignment: &excelize.Alignment{Vertical: "center"},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
	}); err != nil {
		return st, err
	}
	dateFmt := "yyyy-mm-dd"
	if d == French {
		dateFmt = "dd/mm/yyyy"
	}
	if st.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return st, err
	}
	if st.key, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{Vertical: "top"}}); err != nil {
		return st, err
	}
	st.wrap, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	return st, err
}

// value turns a value into what a typed XLSX cell holds (sheetRows
// encodes it). Text is written as text and neutralised like CSV, so a
// cell can never become a formula, even when someone edits it and
// presses Enter.
func (xlsxStyles) value(v any) any {
	switch x := Norm(v).(type) {
	case string:
		return Neutralise(x)
	case []string:
		return Neutralise(strings.Join(x, "|"))
	default:
		return x // nil, int64, float64, bool, time.Time
	}
}

func colWidth(c Column) float64 {
	w := float64(utf8.RuneCountInString(c.Name)) + 4
	switch c.Type {
	case "date":
		w = max(w, 12)
	case "string":
		w = max(w, 16)
	}
	return min(w, 60)
}

// sheetName makes a valid sheet name: at most 31 characters, none of \ / ? * [ ] :.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`\/?*[]:`, r) {
			return '-'
		}
		return r
	}, s)
	if s == "" {
		s = "data"
	}
	if utf8.RuneCountInString(s) > 31 {
		s = string([]rune(s)[:31])
	}
	return s
}

// writeMetaSheet writes the dataset's description: titles, licence,
// provenance with SHA-256, snapshot, synthetic notice, then the columns.
func writeMetaSheet(f *excelize.File, st xlsxStyles, m Meta) error {
	if _, err := f.NewSheet(metaSheet); err != nil {
		return err
	}
	d := m.Dataset
	rows := [][2]string{}
	if m.Synthetic {
		rows = append(rows, [2]string{"AVERTISSEMENT / WARNING", m.Notice})
	}
	rows = append(rows,
		[2]string{"Jeu de données / Dataset", d.Name},
		[2]string{"Titre", d.TitleFR},
		[2]string{"Title", d.TitleEN},
		[2]string{"Description (fr)", d.DescriptionFR},
		[2]string{"Description (en)", d.DescriptionEN},
		[2]string{"Licence", d.Licence.Name + " — " + d.Licence.URL},
		[2]string{"Producteur / Publisher", datasets.Publisher},
	)
	for _, sl := range d.Sources {
		rows = append(rows, [2]string{"Source", sl.Name + " — " + sl.Licence})
	}
	rows = append(rows,
		[2]string{"Instantané / Snapshot", m.Snapshot},
		[2]string{"Date de l'instantané / Snapshot date", m.Date.Format(time.RFC3339)},
		[2]string{"Données synthétiques / Synthetic", fmt.Sprint(m.Synthetic)},
		[2]string{"Permalien / Permalink", m.URL},
	)
	for _, in := range m.Inputs {
		rows = append(rows, [2]string{"Fichier source / Source file",
			fmt.Sprintf("%s (%d octets/bytes, SHA-256 %s, lignes chargées/rows loaded %d, en quarantaine/quarantined %d, synthétique/synthetic %t)",
				in.Name, in.Size, in.SHA256, in.Loaded, in.Quarantined, in.Synthetic)})
	}
	r := 1
	for _, kv := range rows {
		if err := setMetaRow(f, st, r, kv[0], kv[1]); err != nil {
			return err
		}
		r++
	}
	r++
	if err := f.SetSheetRow(metaSheet, fmt.Sprintf("A%d", r), &[]any{"Colonne / Column", "Type", "Description"}); err != nil {
		return err
	}
	if err := f.SetCellStyle(metaSheet, fmt.Sprintf("A%d", r), fmt.Sprintf("C%d", r), st.header); err != nil {
		return err
	}
	for _, c := range m.Columns {
		r++
		desc := c.Title
		if c.Description != "" {
			desc = strings.TrimPrefix(desc+" — "+c.Description, " — ")
		}
		if err := f.SetSheetRow(metaSheet, fmt.Sprintf("A%d", r), &[]any{Neutralise(c.Name), c.Type, Neutralise(desc)}); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(metaSheet, "A", "A", 38); err != nil {
		return err
	}
	if err := f.SetColWidth(metaSheet, "B", "B", 100); err != nil {
		return err
	}
	return f.SetColStyle(metaSheet, "B", st.wrap)
}

func setMetaRow(f *excelize.File, st xlsxStyles, r int, k, v string) error {
	a, b := fmt.Sprintf("A%d", r), fmt.Sprintf("B%d", r)
	if err := f.SetCellStr(metaSheet, a, Neutralise(k)); err != nil {
		return err
	}
	if err := f.SetCellStyle(metaSheet, a, a, st.key); err != nil {
		return err
	}
	return f.SetCellStr(metaSheet, b, Neutralise(v))
}
