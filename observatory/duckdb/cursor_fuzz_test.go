package duckdb

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/gen-numerique/observatory/observatory"
)

// FuzzFormationCursor: any cursor a client sends is either refused with a
// 400 naming the parameter, or decodes to a key that goes to DuckDB as a
// bound value (valid UTF-8) or an offset that is not negative; and every
// cursor the API gives decodes back to the id it was made from.
func FuzzFormationCursor(f *testing.F) {
	f.Add(encodeCursor(cursorTag+"GEN-0001"), false, "GEN-0001")
	f.Add(encodeCursor(offsetCursorTag+"100"), true, "x")
	f.Add(encodeCursor(offsetCursorTag+"-1"), true, "")
	f.Add("not base64!", false, "é")
	f.Add("", false, "\xff")
	f.Fuzz(func(t *testing.T, cursor string, sorted bool, id string) {
		var sort []observatory.SortKey
		if sorted {
			sort = []observatory.SortKey{{Field: "title"}}
		}
		_, args, offset, err := formationQuery("id", observatory.FormationFilter{Cursor: cursor, Sort: sort, Limit: 10})
		if err != nil {
			var oe *observatory.Error
			if !errors.As(err, &oe) || oe.Code != observatory.EINVALID || oe.Param != "cursor" {
				t.Fatalf("cursor %q: %v, want a 400 naming cursor", cursor, err)
			}
		} else if offset < 0 {
			t.Fatalf("cursor %q: offset %d", cursor, offset)
		}
		for _, a := range args {
			if s, ok := a.(string); ok && !utf8.ValidString(s) {
				t.Fatalf("cursor %q: invalid UTF-8 bound %q", cursor, s)
			}
		}
		// Round trip of the cursors the API gives (ids are valid UTF-8).
		if id == "" || !utf8.ValidString(id) {
			return
		}
		_, args, _, err = formationQuery("id", observatory.FormationFilter{Cursor: encodeCursor(cursorTag + id), Limit: 10})
		if err != nil || !slices.Contains(args, any(id)) {
			t.Fatalf("cursor of id %q: %v, args %v", id, err, args)
		}
	})
}

// FuzzJobDemandCursor: the same for job-demand cursors, which carry a JSON
// key: refused with a 400, or a key with a year; and the cursors the API
// gives decode to their key.
func FuzzJobDemandCursor(f *testing.F) {
	mk := func(k jdKey) string {
		b, _ := json.Marshal(k)
		return base64.RawURLEncoding.EncodeToString(append([]byte(jdCursorTag), b...))
	}
	f.Add(mk(jdKey{Year: 2024, Code: "84", G: "M1X80"}), 2024, "84", "M1X80")
	f.Add(mk(jdKey{Year: 2023, Code: "2A", G: ""}), 0, "", "")
	f.Add(base64.RawURLEncoding.EncodeToString([]byte(jdCursorTag+`{"y":1e400}`)), -1, "\xff", "a|b|c")
	f.Add("j1:{}", 1, "x", "y")
	f.Fuzz(func(t *testing.T, cursor string, year int, code, g string) {
		k, err := decodeJDCursor(cursor)
		if err != nil {
			var oe *observatory.Error
			if !errors.As(err, &oe) || oe.Code != observatory.EINVALID || oe.Param != "cursor" {
				t.Fatalf("cursor %q: %v, want a 400 naming cursor", cursor, err)
			}
		} else if k.Year == 0 || !utf8.ValidString(k.Code) || !utf8.ValidString(k.G) {
			t.Fatalf("cursor %q: key %+v", cursor, k)
		}
		if year == 0 || !utf8.ValidString(code) || !utf8.ValidString(g) {
			return
		}
		want := jdKey{Year: year, Code: code, G: g}
		if got, err := decodeJDCursor(mk(want)); err != nil || got != want {
			t.Fatalf("cursor of %+v: %+v, %v", want, got, err)
		}
	})
}
