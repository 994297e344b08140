package api_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/observatory/observatorytest"
)

// pandasPython finds a Python with pandas and openpyxl: Debian's first,
// since the python3 on PATH may be another installation without them.
func pandasPython(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if err := exec.Command(py, "-c", "import pandas, openpyxl").Run(); err == nil {
			return py
		}
	}
	observatorytest.Missing(t, "a python3 with pandas and openpyxl", "python3-pandas python3-openpyxl")
	return ""
}

// download saves a response body in dir.
func (e *env) download(t *testing.T, dir, path, name string) string {
	t.Helper()
	res, body := e.fetch(t, path)
	if res.StatusCode != 200 {
		t.Fatalf("%s: %d %s", path, res.StatusCode, body)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, body, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const pandasCheck = `
import sys, pandas as pd
path, kind, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
if kind == "csv":
    df = pd.read_csv(path, encoding="utf-8", dtype={"postcode": str, "commune_code": str, "departement": str, "region": str})
elif kind == "csv-fr":
    # French headers (the Table Schema's titles); renamed to the machine names to compare.
    df = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype={"Code postal": str, "Code commune INSEE": str, "Département": str, "Région": str})
    assert df.columns[0] == "Identifiant" and "Date de labellisation" in df.columns, list(df.columns)
    df.columns = sys.argv[4].split(",")
else:
    df = pd.read_excel(path, sheet_name=0, dtype={"postcode": str, "commune_code": str, "departement": str, "region": str})
    meta = pd.read_excel(path, sheet_name=1, header=None)
    assert meta.shape[0] > 10, meta.shape
assert len(df) == want, (len(df), want)
assert df.columns[0] == "id", list(df.columns)
for c in ["lat", "lon"]:
    assert str(df[c].dtype) == "float64", (c, df[c].dtype)
for c in ["duration_months", "learners", "women", "sessions"]:
    assert df[c].dtype.kind in "if", (c, df[c].dtype)
assert str(df["synthetic"].dtype) == "bool", df["synthetic"].dtype
assert df["lat"].between(-30, 60).all() or df["lat"].isna().any()
labelled = df["labelled_on"]
if kind == "xlsx":
    assert str(labelled.dtype).startswith("datetime64"), labelled.dtype
elif kind == "csv-fr":
    labelled = pd.to_datetime(labelled, format="%d/%m/%Y")
else:
    labelled = pd.to_datetime(labelled, format="%Y-%m-%d")
assert labelled.dt.year.min() >= 2015, labelled.min()
assert df["departement"].str.len().isin([2, 3]).all()
print("ok", kind, len(df), df["lat"].dtype, df["learners"].dtype, labelled.dtype)
`

// TestPandasReadsDownloads has pandas read each CSV dialect and the XLSX
// with the dtypes an analyst expects and the row count of the JSON total.
func TestPandasReadsDownloads(t *testing.T) {
	t.Parallel()
	py := pandasPython(t)
	e := sharedEnv(t)
	dir := t.TempDir()
	total := strconv.Itoa(e.total(t, ""))
	_, head := e.fetch(t, "/api/v1/formations.csv?limit=1")
	names, _, _ := strings.Cut(string(head), "\r\n") // the machine names, in the French file's order
	for _, c := range []struct{ path, name, kind string }{
		{"/api/v1/formations.csv", "f.csv", "csv"},
		{"/api/v1/formations.csv?dialect=fr", "f-fr.csv", "csv-fr"},
		{"/api/v1/formations.xlsx", "f.xlsx", "xlsx"},
	} {
		p := e.download(t, dir, c.path, c.name)
		out, err := exec.Command(py, "-c", pandasCheck, p, c.kind, total, names).CombinedOutput()
		if err != nil {
			t.Errorf("%s: pandas: %v\n%s", c.path, err, out)
		} else {
			t.Logf("%s: %s", c.path, strings.TrimSpace(string(out)))
		}
	}
}

// TestOGRReadsGeoJSON has GDAL's ogrinfo open the GeoJSON download, and
// every other GeoJSON the API serves, with the feature count its JSON
// form gives.
func TestOGRReadsGeoJSON(t *testing.T) {
	t.Parallel()
	ogr := observatorytest.Program(t, "gdal-bin", "ogrinfo")
	e := sharedEnv(t)
	dir := t.TempDir()
	for _, q := range []string{"", "?region=84&fields=id,title,learners"} {
		p := e.download(t, dir, "/api/v1/formations.geojson"+q, "f.geojson")
		out, err := exec.Command(ogr, "-ro", "-so", "-al", p).CombinedOutput()
		text := string(out)
		want := "Feature Count: " + strconv.Itoa(e.total(t, strings.TrimPrefix(strings.Split(q, "&fields")[0], "?")))
		if err != nil || !strings.Contains(text, "Geometry: Point") || !strings.Contains(text, want) {
			t.Errorf("ogrinfo %s: %v, want %q\n%s", q, err, want, text)
		}
	}
	count := func(path string) int {
		var l struct{ Total int }
		e.get(t, path, &l)
		return l.Total
	}
	gaps := count("/api/v1/gaps?limit=1")
	for _, c := range []struct {
		path, geometry string // geometry: "" for outlines
		features       int
	}{
		{"/api/v1/coverage/region.geojson", "", count("/api/v1/territories/region")},
		{"/api/v1/coverage/departement.geojson?indicator=formations_per_100k", "", count("/api/v1/territories/departement")},
		{"/api/v1/coverage/bassin.geojson", "", count("/api/v1/territories/bassin")},
		{"/api/v1/coverage/commune.geojson", "", count("/api/v1/territories/commune")},
		{"/api/v1/territories/region.geojson", "", count("/api/v1/territories/region")},
		{"/api/v1/gaps.geojson", "", gaps},
		{"/api/v1/datasets/formations-parcoursup-apprentissage-2020.geojson", "Point", count("/api/v1/formations?limit=1&programme=parcoursup-apprentissage-2020")},
	} {
		p := e.download(t, dir, c.path, "layer.geojson")
		out, err := exec.Command(ogr, "-ro", "-so", "-al", p).CombinedOutput()
		text := string(out)
		if want := "Feature Count: " + strconv.Itoa(c.features); err != nil || c.features == 0 || !strings.Contains(text, want) ||
			!strings.Contains(text, "Geometry: "+c.geometry) { // outlines mix Polygon and MultiPolygon: "Unknown (any)"
			t.Errorf("ogrinfo %s: %v, want %q and %s\n%.600s", c.path, err, want, c.geometry, text)
		}
	}
}

// TestLibreOfficeConvertsXLSX has LibreOffice, headless, convert the XLSX
// downloads to CSV without error and with every row.
func TestLibreOfficeConvertsXLSX(t *testing.T) {
	t.Parallel()
	lo := observatorytest.Program(t, "libreoffice-calc-nogui", "libreoffice", "soffice")
	e := sharedEnv(t)
	dir := t.TempDir()
	for _, c := range []struct{ path, name string }{
		{"/api/v1/formations.xlsx", "formations.xlsx"},
		{"/api/v1/datasets/quarantine.xlsx", "quarantine.xlsx"},
	} {
		p := e.download(t, dir, c.path, c.name)
		out := filepath.Join(dir, "out")
		cmd := exec.Command(lo, "--headless", "--norestore", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
			"--convert-to", "csv", "--outdir", out, p)
		msg, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.path, err, msg)
		}
		csvBody, err := os.ReadFile(filepath.Join(out, strings.TrimSuffix(c.name, ".xlsx")+".csv"))
		if err != nil {
			t.Fatalf("%s: no CSV written: %v\n%s", c.path, err, msg)
		}
		lines := strings.Count(strings.TrimRight(string(csvBody), "\n"), "\n")
		if c.name == "formations.xlsx" && lines != e.total(t, "") {
			t.Errorf("%s: LibreOffice sees %d rows, want %d", c.path, lines, e.total(t, ""))
		}
		if !strings.HasPrefix(string(csvBody), "id,") && !strings.HasPrefix(string(csvBody), "file,") {
			t.Errorf("%s: converted CSV starts %q", c.path, string(csvBody[:min(40, len(csvBody))]))
		}
	}
}
