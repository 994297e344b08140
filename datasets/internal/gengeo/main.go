// Command gengeo builds the compact reference geography embedded by package
// datasets from the raw sources in shared/data/raw/geo, the commune →
// bassin d'emploi table of shared/data/raw/bmo and the bassins of BMO 2024:
//
//	go run ./datasets/internal/gengeo -src ../shared/data/raw/geo \
//		-bassins ../shared/data/raw/bmo/bassin_emploi.csv \
//		-bmo datasets/source/Base_open_data_BMO_2024.xlsx -out datasets/geo
//
// Output is deterministic (sorted by code, fixed gzip header) so that
// regenerating from the same sources gives byte-identical files.
package main

import (
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// entry is one object of the @etalab/decoupage-administratif JSON files.
type entry struct {
	Code        string   `json:"code"`
	Nom         string   `json:"nom"`
	Zone        string   `json:"zone"`
	Region      string   `json:"region"`
	Departement string   `json:"departement"`
	Type        string   `json:"type"`
	Postcodes   []string `json:"codesPostaux"`
	Population  *int64   `json:"population"`
	// AnciensCodes are the former codes of a commune-actuelle, ChefLieu
	// the commune of a déléguée or associée, Commune the commune of an
	// arrondissement municipal.
	AnciensCodes []string `json:"anciensCodes"`
	ChefLieu     string   `json:"chefLieu"`
	Commune      string   `json:"commune"`
}

func main() {
	src := flag.String("src", "../shared/data/raw/geo", "directory of the raw geography sources")
	bassins := flag.String("bassins", "../shared/data/raw/bmo/bassin_emploi.csv", "commune → bassin d'emploi table of France Travail's BMO zoning")
	bmo := flag.String("bmo", "datasets/source/Base_open_data_BMO_2024.xlsx", "BMO 2024 survey, for the names of the bassins the table lacks")
	out := flag.String("out", "datasets/geo", "directory to write the generated files to")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("gengeo: ")
	start := time.Now()
	if err := run(*src, *bassins, *bmo, *out); err != nil {
		log.Fatal(err)
	}
	log.Printf("done in %v", time.Since(start).Round(time.Millisecond))
}

func run(src, bassinTable, bmo2024, out string) error {
	var regions, deps, communes []entry
	for name, v := range map[string]*[]entry{"regions.json": &regions, "departements.json": &deps, "communes.json": &communes} {
		if err := readJSON(filepath.Join(src, name), v); err != nil {
			return err
		}
	}
	// COM (zone "com") are not régions or départements in the observatory's
	// sense: INSEE and France Travail figures stop at the DROM.
	regions = slices.DeleteFunc(regions, func(e entry) bool { return e.Zone == "com" })
	deps = slices.DeleteFunc(deps, func(e entry) bool { return e.Zone == "com" })
	sortByCode(regions)
	sortByCode(deps)
	if len(regions) != 18 || len(deps) != 101 {
		return fmt.Errorf("got %d régions and %d départements, want 18 and 101", len(regions), len(deps))
	}
	depZone := map[string]string{}
	for _, d := range deps {
		depZone[d.Code] = d.Zone
	}

	// Keep communes and arrondissements municipaux of metro + DROM départements.
	// Only communes count towards populations: Paris, Lyon and Marseille
	// already include their arrondissements. The bassins need all entries:
	// the table still lists communes déléguées and former codes.
	all := slices.Clone(communes)
	communes = slices.DeleteFunc(communes, func(e entry) bool {
		return (e.Type != "commune-actuelle" && e.Type != "arrondissement-municipal") || depZone[e.Departement] == ""
	})
	sortByCode(communes)
	regPop, depPop := map[string]int64{}, map[string]int64{}
	for _, c := range communes {
		if c.Type == "commune-actuelle" && c.Population != nil {
			regPop[c.Region] += *c.Population
			depPop[c.Departement] += *c.Population
		}
	}

	centroids, err := readCentroids(filepath.Join(src, "communes-centroides.csv"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	bassinOf, err := buildOutlines(outlineInputs{
		contours: filepath.Join(src, "communes-contours-cog2025.geojson"), table: bassinTable, bmo2024: bmo2024,
	}, out, all, depZone)
	if err != nil {
		return err
	}

	rows := [][]string{{"code", "name", "zone", "population"}}
	for _, r := range regions {
		rows = append(rows, []string{r.Code, r.Nom, r.Zone, itoa(regPop[r.Code])})
	}
	if err := writeCSV(filepath.Join(out, "regions.csv"), rows, false); err != nil {
		return err
	}
	rows = [][]string{{"code", "name", "region", "zone", "population"}}
	for _, d := range deps {
		rows = append(rows, []string{d.Code, d.Nom, d.Region, d.Zone, itoa(depPop[d.Code])})
	}
	if err := writeCSV(filepath.Join(out, "departements.csv"), rows, false); err != nil {
		return err
	}
	rows = [][]string{{"code", "name", "departement", "region", "population", "postcodes", "lat", "lon", "kind", "bassin"}}
	missing := 0
	for _, c := range communes {
		pop, kind, bassin := "", "commune", bassinOf[c.Code]
		if c.Population != nil {
			pop = itoa(*c.Population)
		}
		if c.Type == "arrondissement-municipal" {
			// Paris, Lyon and Marseille are drawn whole: an arrondissement
			// is in its commune's bassin (as the table also says).
			kind, bassin = "arrondissement", bassinOf[c.Commune]
		}
		ll, ok := centroids[c.Code]
		if !ok {
			missing++
			ll = [2]string{"", ""}
		}
		pcs := slices.Clone(c.Postcodes)
		slices.Sort(pcs)
		rows = append(rows, []string{c.Code, c.Nom, c.Departement, c.Region, pop, strings.Join(pcs, "|"), ll[0], ll[1], kind, bassin})
	}
	if err := writeCSV(filepath.Join(out, "communes.csv.gz"), rows, true); err != nil {
		return err
	}
	log.Printf("%d régions, %d départements, %d communes and arrondissements (%d without a 2018 centroid)",
		len(regions), len(deps), len(communes), missing)

	names := func(es []entry) map[string]string {
		m := map[string]string{}
		for _, e := range es {
			m[e.Code] = e.Nom
		}
		return m
	}
	if err := buildGeoJSON(src, out, "regions", names(regions)); err != nil {
		return err
	}
	return buildGeoJSON(src, out, "departements", names(deps))
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func sortByCode(es []entry) {
	slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.Code, b.Code) })
}

// readCentroids maps 2018 commune codes to their rounded "lat","lon".
func readCentroids(path string) (map[string][2]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return nil, err
	}
	if strings.Join(head, ",") != "code_insee,nom,departement,latitude,longitude" {
		return nil, fmt.Errorf("%s: unexpected header %q", path, head)
	}
	m := map[string][2]string{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return m, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		lat, err1 := strconv.ParseFloat(rec[3], 64)
		lon, err2 := strconv.ParseFloat(rec[4], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s: bad coordinates for %s", path, rec[0])
		}
		m[rec[0]] = [2]string{ftoa(lat), ftoa(lon)}
	}
}

// writeCSV writes rows atomically enough for a generator: to a temporary
// file renamed into place, gzip-compressed with an empty header (no name,
// no time) when gz is set, so the output only depends on the input.
func writeCSV(path string, rows [][]string, gz bool) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	var w io.Writer = f
	var zw *gzip.Writer
	if gz {
		zw, _ = gzip.NewWriterLevel(f, gzip.BestCompression)
		w = zw
	}
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		f.Close()
		return err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ftoa formats a coordinate rounded to 5 decimals (about 1 m), the
// precision of every generated file.
func ftoa(v float64) string { return strconv.FormatFloat(round5(v), 'f', -1, 64) }

func round5(v float64) float64 { return math.Round(v*1e5) / 1e5 }
