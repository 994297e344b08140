package tabular

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/internal/synth"
	"github.com/gen-numerique/observatory/observatory"
)

// TestSheetDimensionRefusedEarly: a sheet that declares more rows than the
// row limit, or than an XLSX sheet can hold, is refused at open with the
// limit named, before its rows are read.
func TestSheetDimensionRefusedEarly(t *testing.T) {
	var buf bytes.Buffer
	if err := synth.XLSX(&buf, 500); err != nil {
		t.Fatal(err)
	}
	open := func(b []byte, lim Limits) error {
		tb, err := OpenReader(context.Background(), bytes.NewReader(b), int64(len(b)), "big.xlsx", catSchema, lim)
		if err == nil {
			tb.Close()
		}
		return err
	}
	if err := open(buf.Bytes(), Limits{}); err != nil {
		t.Fatalf("500 rows under the default limits: %v", err)
	}
	for _, c := range []struct {
		data []byte
		lim  Limits
		want string
	}{
		{buf.Bytes(), Limits{MaxRows: 100}, "declares 501 rows, over the limit of 100 data rows"},
		{withDimension(t, buf.Bytes(), "A1:D2100001"), Limits{}, "declares 2,100,001 rows, beyond the 1,048,576 rows an XLSX sheet can hold"},
	} {
		err := open(c.data, c.lim)
		var oe *observatory.Error
		if !errors.As(err, &oe) || oe.Code != observatory.ETOOLARGE || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want a refusal saying %q", c.lim, err, c.want)
		}
	}
}

// withDimension rewrites the declared range of the workbook's sheet.
func withDimension(t *testing.T, xlsx []byte, ref string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if zf.Name == "xl/worksheets/sheet1.xml" {
			i := bytes.Index(b, []byte(`<dimension ref="`))
			j := i + len(`<dimension ref="`)
			k := j + bytes.IndexByte(b[j:], '"')
			b = append(append(append([]byte{}, b[:j]...), ref...), b[k:]...)
		}
		w, _ := zw.Create(zf.Name)
		w.Write(b)
	}
	zw.Close()
	return out.Bytes()
}
