// Package hostile builds, for tests, the hostile input files too big to
// keep in the repository, beside the small ones of ingest/testdata/bad.
package hostile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Dir is a temporary copy of the directory bad (ingest/testdata/bad) with the two hostile
// files too big to keep in the repository built beside them: a CSV with a
// 10 MB cell and an XLSX archive declaring a 2 GiB worksheet (a zip bomb).
func Dir(t testing.TB, bad string) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(bad)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(bad, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	huge := "Nom de la formation,Structure\n\"" + strings.Repeat("x", 10<<20) + "\",S\n"
	if err := os.WriteFile(filepath.Join(dir, "huge-cell.csv"), []byte(huge), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "zip-bomb.xlsx"), zipBomb(t), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// zipBomb is a workbook whose worksheet entry declares 2 GiB unpacked: the
// central directory alone must get it refused, before any byte is inflated.
func zipBomb(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="xml" ContentType="application/xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>`,
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"} {
		w, err := zw.Create(name)
		if err == nil {
			_, err = w.Write([]byte(parts[name]))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	var raw bytes.Buffer
	fw, _ := flate.NewWriter(&raw, flate.BestCompression)
	fw.Write(make([]byte, 1<<20))
	fw.Close()
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: uint64(raw.Len()), UncompressedSize64: 2147483842, CRC32: 0x7d7f8bce})
	if err == nil {
		_, err = w.Write(raw.Bytes())
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
