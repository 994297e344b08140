package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/gen-numerique/observatory/observatory"
)

// The kinds of an exported column, which say how DuckDB formats it.
const (
	kindText = iota
	kindList // VARCHAR[]: joined with | in CSV, an array in JSON
	kindNumber
	kindInt
	kindDate
	kindBool
)

// formationKinds are the kinds of formationExportCols, by public name.
var formationKinds = map[string]int{
	"lat": kindNumber, "lon": kindNumber, "duration_months": kindNumber,
	"rome":        kindList,
	"labelled_on": kindDate, "label_end": kindDate, "listed_on": kindDate,
	"wave": kindInt, "seats_per_session": kindInt, "sessions": kindInt, "learners": kindInt,
	"women": kindInt, "low_qualified": kindInt, "qpv_residents": kindInt, "source_row": kindInt,
	"synthetic": kindBool,
}

// FormationLines writes the formations matching f as CSV records or NDJSON
// objects that DuckDB formats itself, in EachFormation's order: what
// api/export writes row by row, at several times its speed. Only the
// select list is built here, from fixed fragments; values go through
// placeholders.
func (d *DB) FormationLines(ctx context.Context, f observatory.FormationFilter, l observatory.Lines, w io.Writer) error {
	line, err := lineExpr(formationExportCols, formationKinds, l)
	if err != nil {
		return err
	}
	var headDone func()
	if fl, ok := w.(flusher); ok {
		headDone = fl.Flush
	}
	return d.eachRange(ctx, line+` AS line`, f, func(rows *sql.Rows) error {
		var b sql.RawBytes
		for rows.Next() {
			if err := rows.Scan(&b); err != nil {
				return err
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	}, headDone)
}

// lineExpr is the SQL expression of one line of l. A line whose texts
// hold nothing to quote, neutralise or escape (one regular expression
// over all of them tells) is the plain concatenation of its cells; the
// others take the full treatment, cell by cell. Testing each cell alone
// cost more than formatting the rest of the line. The expression holds
// no value from a client: column names come from cols, the separator is
// checked, the labels are the code's.
func lineExpr(cols []struct{ name, expr string }, kinds map[string]int, l observatory.Lines) (string, error) {
	if len(l.Columns) == 0 {
		return "", observatory.Errorf(observatory.EINVALID, "a line needs a column")
	}
	if !l.JSON && l.Sep != ',' && l.Sep != ';' {
		return "", observatory.Errorf(observatory.EINVALID, "separator %q is not , or ;", l.Sep)
	}
	var fast, slow, texts []string
	for i, c := range l.Columns {
		j := slices.IndexFunc(cols, func(x struct{ name, expr string }) bool { return x.name == c.Name })
		if j < 0 {
			return "", observatory.ParamError("fields", "unknown field %q", c.Name)
		}
		e, err := cellExpr(cols[j].expr, kinds[c.Name], c, l)
		if err != nil {
			return "", err
		}
		var sep string
		switch {
		case l.JSON && i == 0:
			sep = `{` + strconv.Quote(c.Name) + `:`
		case l.JSON:
			sep = `,` + strconv.Quote(c.Name) + `:`
		case i > 0:
			sep = string(l.Sep)
		}
		if sep != "" {
			fast, slow = append(fast, quoteLiteral(sep)), append(slow, quoteLiteral(sep))
		}
		fast, slow = append(fast, e.fast), append(slow, e.slow)
		if e.text != "" {
			texts = append(texts, e.text)
		}
	}
	end := "\r\n"
	if l.JSON {
		end = "}\n"
		if l.Synthetic {
			end = `,"synthetic":true}` + "\n"
		}
	}
	fast, slow = append(fast, quoteLiteral(end)), append(slow, quoteLiteral(end))
	plain := `concat(` + strings.Join(fast, `, `) + `)`
	if len(texts) == 0 {
		return plain, nil
	}
	check := `concat_ws(chr(0), ` + strings.Join(texts, `, `) + `)`
	pattern := csvWork(l.Sep)
	if l.JSON {
		check, pattern = `concat(`+strings.Join(texts, `, `)+`)`, jsonWork
	}
	return `CASE WHEN regexp_matches(` + check + `, '` + pattern + `') THEN concat(` + strings.Join(slow, `, `) +
		`) ELSE ` + plain + ` END`, nil
}

// cell is one column of a line: its plain form, its full form (quoted,
// neutralised, escaped: the same for cells that have no text) and the
// text that tells which one a line needs ("" for none).
type cell struct{ fast, slow, text string }

// cellExpr formats column expression v of kind k as its text in a line.
func cellExpr(v string, k int, c observatory.LineColumn, l observatory.Lines) (cell, error) {
	if len(c.Labels) > 0 && (k != kindText || l.JSON || !l.French) {
		return cell{}, observatory.Errorf(observatory.EINVALID, "labels are written for text columns of French CSV only (%s)", c.Name)
	}
	same := func(e string) (cell, error) { return cell{fast: e, slow: e}, nil }
	switch k {
	case kindText:
		s := `coalesce(` + v + `, '')`
		if l.JSON {
			return cell{fast: `'"' || ` + s + ` || '"'`, slow: `'"' || ` + jsonReplace(s) + ` || '"'`, text: s}, nil
		}
		if len(c.Labels) > 0 {
			s = labelled(s, c.Labels)
		}
		return cell{fast: s, slow: csvText(s, l.Sep), text: s}, nil
	case kindList:
		if l.JSON {
			// NULL elements drop out, as Go's list of strings drops them.
			list := func(q string) string {
				return `CASE WHEN ` + v + ` IS NULL THEN '[]' ELSE '[' || coalesce(array_to_string(list_transform(` + v +
					`, lambda x: '"' || ` + q + ` || '"'), ','), '') || ']' END`
			}
			return cell{fast: list(`x`), slow: list(jsonReplace(`x`)), text: `coalesce(array_to_string(` + v + `, ''), '')`}, nil
		}
		s := `coalesce(array_to_string(` + v + `, '|'), '')`
		return cell{fast: s, slow: csvText(s, l.Sep), text: s}, nil
	case kindNumber:
		n := decimalText(v, c.Decimals)
		if l.JSON {
			return same(`CASE WHEN ` + v + ` IS NULL OR isnan(` + v + `) OR isinf(` + v + `) THEN 'null' ELSE ` + n + ` END`)
		}
		if l.French {
			n = `replace(` + n + `, '.', ',')`
		}
		return same(`CASE WHEN ` + v + ` IS NULL THEN '' WHEN isnan(` + v + `) THEN 'NaN' WHEN isinf(` + v + `) THEN ` +
			`CASE WHEN ` + v + ` > 0 THEN '+Inf' ELSE '-Inf' END ELSE ` + n + ` END`)
	case kindInt:
		return same(`coalesce(CAST(` + v + ` AS VARCHAR), ` + nullText(l) + `)`)
	case kindDate:
		switch {
		case l.JSON:
			return same(`coalesce('"' || strftime(` + v + `, '%Y-%m-%d') || '"', 'null')`)
		case l.French:
			return same(`coalesce(strftime(` + v + `, '%d/%m/%Y'), '')`)
		}
		return same(`coalesce(strftime(` + v + `, '%Y-%m-%d'), '')`)
	case kindBool:
		return same(`CASE WHEN ` + v + ` IS NULL THEN ` + nullText(l) + ` WHEN ` + v + ` THEN 'true' ELSE 'false' END`)
	}
	return cell{}, fmt.Errorf("column %s: unknown kind %d", c.Name, k)
}

func nullText(l observatory.Lines) string {
	if l.JSON {
		return `'null'`
	}
	return `''`
}

// decimalText writes a double rounded to n decimals as Go's
// strconv.FormatFloat(x, 'f', -1, 64) writes it. DuckDB's round is Go's
// Round (half away from zero on x·10^n, keeping x when that overflows).
// Between 1e-4 and 1e15 DuckDB's own cast is the shortest form too, with
// ".0" after an integer and no exponent: the common case, 7× cheaper than
// printf. Elsewhere (zero, signed zero, tiny or huge values) printf gives
// the n decimals of the rounded value, and the shortest form of a value
// rounded to n decimals is those decimals without their trailing zeros
// (for any value below 2^53/10^n).
func decimalText(v string, n int) string {
	r := `round(` + v + `, ` + strconv.Itoa(n) + `)`
	p := `printf('%.` + strconv.Itoa(n) + `f', ` + r + `)`
	if n > 0 {
		p = `rtrim(rtrim(` + p + `, '0'), '.')`
	}
	return `CASE WHEN abs(` + r + `) >= 1e-4 AND abs(` + r + `) < 1e15 THEN CASE WHEN ` + r + ` = trunc(` + r + `) ` +
		`THEN CAST(CAST(` + r + ` AS BIGINT) AS VARCHAR) ELSE CAST(` + r + ` AS VARCHAR) END ELSE ` + p + ` END`
}

// labelled replaces the values of s that have a French label by it. The
// labels are the code's own tables (observatory's *LabelsFR), never a
// client's text, and the expression repeats inside the quoting, so they
// are literals rather than placeholders.
func labelled(s string, labels map[string]string) string {
	var b strings.Builder
	b.WriteString(`CASE ` + s)
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		b.WriteString(` WHEN ` + quoteLiteral(k) + ` THEN ` + quoteLiteral(labels[k]))
	}
	b.WriteString(` ELSE ` + s + ` END`)
	return b.String()
}

// neutralise is export.Neutralise in SQL: a quote before text a
// spreadsheet would run as a formula (= + - @, tab, CR first). Not
// "left(s, 1) IN (...)": DuckDB plans an IN list of more than a few
// values as a join over the whole table.
func neutralise(s string) string {
	return `CASE WHEN ` + s + ` <> '' AND contains(E'=+-@\t\r', left(` + s + `, 1)) THEN '''' || ` + s + ` ELSE ` + s + ` END`
}

// csvText is the field encoding/csv's Writer (UseCRLF) writes for text s,
// neutralised: quoted when it holds the separator, a quote, CR or LF,
// starts with a Unicode space or is \. ; inside, quotes double, CR is
// dropped and LF becomes CRLF. The test runs on s itself, which
// neutralising changes only by a quote before a leading tab or CR: a tab
// is then no longer first, and a CR quotes anyway.
func csvText(s string, sep byte) string {
	n := neutralise(s)
	return `CASE WHEN ` + s + ` <> '' AND (` + s + ` = '\.' OR regexp_matches(` + s + `, '` + needsQuote(sep) + `')) ` +
		`THEN '"' || replace(replace(replace(` + n + `, '"', '""'), chr(13), ''), chr(10), chr(13) || chr(10)) || '"' ` +
		`ELSE ` + n + ` END`
}

// needsQuote is the RE2 pattern of a text csvText quotes; the first-rune
// test is unicode.IsSpace's list, less the tab that neutralise moves.
func needsQuote(sep byte) string {
	return `[\r\n"` + string(sep) + `]|^[\n\v\f\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]`
}

// jsonWork matches text that json.Marshal escapes (HTML-safe).
const jsonWork = `[\x00-\x1f"\\<>&\x{2028}\x{2029}]`

// jsonReplace replaces each character json.Marshal escapes, the
// backslash first.
func jsonReplace(s string) string {
	pairs := [][2]string{{`'\'`, `'\\'`}, {`'"'`, `'\"'`}, {`chr(10)`, `'\n'`}, {`chr(13)`, `'\r'`}, {`chr(9)`, `'\t'`},
		{`chr(8)`, `'\b'`}, {`chr(12)`, `'\f'`}, {`'<'`, `'\u003c'`}, {`'>'`, `'\u003e'`}, {`'&'`, `'\u0026'`},
		{`chr(8232)`, `'\u2028'`}, {`chr(8233)`, `'\u2029'`}}
	for c := 0; c < 0x20; c++ {
		switch c {
		case 8, 9, 10, 12, 13:
			continue
		}
		pairs = append(pairs, [2]string{`chr(` + strconv.Itoa(c) + `)`, fmt.Sprintf(`'\u%04x'`, c)})
	}
	for _, p := range pairs {
		s = `replace(` + s + `, ` + p[0] + `, ` + p[1] + `)`
	}
	return s
}

// csvWork matches a line's texts, joined by NUL, when one of them needs
// neutralising or quoting: a formula's first character, a first Unicode
// space, \. alone, the separator, a quote, CR or LF anywhere. A NUL
// inside a text can only make it match more, which costs time, not
// truth.
func csvWork(sep byte) string {
	return `(?:^|\x00)(?:[=+\-@\t\n\v\f\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]|\\\.(?:\x00|$))|[\r\n"` + string(sep) + `]`
}
