package datasets

//go:generate go run ./internal/gengeo -src ../../shared/data/raw/geo -bassins ../../shared/data/raw/bmo/bassin_emploi.csv -bmo source/Base_open_data_BMO_2024.xlsx -out geo

import (
	"compress/gzip"
	"embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/gen-numerique/observatory/observatory"
)

// GeoSource states where the embedded geography comes from and under which
// licences, for the datasets catalogue and the API's attributions.
const GeoSource = "Contours des régions et départements : IGN Admin Express COG 2018 et INSEE COG 2018, " +
	"via gregoiredavid/france-geojson (2018), Licence Ouverte ; outre-mer simplifié (Douglas–Peucker 0,005°), " +
	"coordonnées arrondies à 5 décimales. Codes, noms, codes postaux et populations légales : " +
	"@etalab/decoupage-administratif 6.0.0 (COG INSEE 2026, populations INSEE), Licence Ouverte. " +
	"Centroïdes des communes calculés depuis les contours communaux 2018 (Admin Express, Licence Ouverte). " +
	"Contours des communes : IGN ADMIN EXPRESS COG CARTO 2025 via MaelTheuliere/COGiter, Licence Ouverte 2.0, " +
	"simplifiés (Douglas–Peucker 200 m, frontières partagées, topologie conservée). Bassins d'emploi : zonage BMO " +
	"de France Travail (table communes → bassins) via dataforgoodfr/13_odis, contours obtenus par union de leurs communes."

// The files gengeo writes: régions and départements (CSV and GeoJSON), the
// communes (gzipped CSV) and their outlines (gzipped TopoJSON), the bassins
// d'emploi (CSV and gzipped TopoJSON) and the bassins that have no outline
// (CSV), metropolitan France and the five DROM.
//
//go:embed geo/*
var geoFiles embed.FS

// GeoFiles returns the embedded geography files, at the root of the FS:
// regions.csv, departements.csv, communes.csv.gz, regions.geojson,
// departements.geojson, communes.topojson.gz, bassins.csv,
// bassins.topojson.gz and bassins-missing.csv.
func GeoFiles() fs.FS {
	sub, err := fs.Sub(geoFiles, "geo")
	if err != nil {
		panic(err) // "geo" is a constant, valid path
	}
	return sub
}

// Geography parses the embedded geography (see BenchmarkLoadGeography):
// call it once and share the gazetteer, which is immutable. The commune
// outlines are parsed by the gazetteer when first needed.
func Geography() (*observatory.Gazetteer, error) { return loadGeography(GeoFiles()) }

// Reference loads the embedded geography and digital-jobs referential.
func Reference() (observatory.Reference, error) {
	geo, err := Geography()
	if err != nil {
		return observatory.Reference{}, err
	}
	ref, err := Metiers()
	if err != nil {
		return observatory.Reference{}, err
	}
	return observatory.Reference{Geo: geo, Metiers: ref}, nil
}

func loadGeography(fsys fs.FS) (*observatory.Gazetteer, error) {
	regions, err := geoTerritories(fsys, observatory.LevelRegion, "regions", "code,name,zone,population")
	if err != nil {
		return nil, err
	}
	deps, err := geoTerritories(fsys, observatory.LevelDepartement, "departements", "code,name,region,zone,population")
	if err != nil {
		return nil, err
	}
	communes, err := geoCommunes(fsys)
	if err != nil {
		return nil, err
	}
	bassins, err := geoBassins(fsys)
	if err != nil {
		return nil, err
	}
	g := observatory.NewGazetteerFrom(observatory.GazetteerData{
		Regions: regions, Departements: deps, Bassins: bassins, Communes: communes,
		CommuneShapes: func() (map[string]orb.MultiPolygon, error) {
			shapes, _, err := topoShapes(fsys, "communes.topojson.gz", "communes")
			return shapes, err
		},
	})
	for _, d := range deps {
		if _, ok := g.Region(d.Parent); !ok {
			return nil, fmt.Errorf("geography: département %s in unknown région %q", d.Code, d.Parent)
		}
	}
	for _, c := range communes {
		if _, ok := g.Departement(c.Departement); !ok {
			return nil, fmt.Errorf("geography: commune %s in unknown département %q", c.Code, c.Departement)
		}
		if _, ok := g.Bassin(c.Bassin); c.Bassin != "" && !ok {
			return nil, fmt.Errorf("geography: commune %s in unknown bassin %q", c.Code, c.Bassin)
		}
	}
	if err := checkBassins(g, bassins); err != nil {
		return nil, err
	}
	return g, nil
}

// geoTerritories reads <name>.csv and attaches the outlines of <name>.geojson.
func geoTerritories(fsys fs.FS, level observatory.Level, name, header string) ([]observatory.Territory, error) {
	rows, err := geoCSV(fsys, name+".csv", header)
	if err != nil {
		return nil, err
	}
	shapes, err := geoShapes(fsys, name+".geojson")
	if err != nil {
		return nil, err
	}
	ts := make([]observatory.Territory, 0, len(rows))
	for _, r := range rows {
		t := observatory.Territory{Level: level, Code: r[0], Name: r[1], Zone: r[len(r)-2]}
		if level == observatory.LevelDepartement {
			t.Parent = r[2]
		}
		if t.Population, err = strconv.ParseInt(r[len(r)-1], 10, 64); err != nil {
			return nil, fmt.Errorf("geography: %s.csv, %s: %w", name, t.Code, err)
		}
		mp, ok := shapes[t.Code]
		if !ok {
			return nil, fmt.Errorf("geography: %s.geojson has no outline for %s", name, t.Code)
		}
		t.Geometry = mp
		ts = append(ts, t)
	}
	if len(shapes) != len(ts) {
		return nil, fmt.Errorf("geography: %s.geojson has %d outlines for %d territories", name, len(shapes), len(ts))
	}
	return ts, nil
}

func geoCommunes(fsys fs.FS) ([]observatory.Commune, error) {
	rows, err := geoCSV(fsys, "communes.csv.gz", "code,name,departement,region,population,postcodes,lat,lon,kind,bassin")
	if err != nil {
		return nil, err
	}
	cs := make([]observatory.Commune, len(rows))
	for i, r := range rows {
		c := observatory.Commune{Code: r[0], Name: r[1], Departement: r[2], Region: r[3], Bassin: r[9]}
		var errs [3]error
		if r[4] != "" {
			c.Population, errs[0] = strconv.ParseInt(r[4], 10, 64)
		}
		if r[5] != "" {
			c.Postcodes = strings.Split(r[5], "|")
		}
		if r[6] != "" {
			c.Lat, errs[1] = strconv.ParseFloat(r[6], 64)
			c.Lon, errs[2] = strconv.ParseFloat(r[7], 64)
		}
		for _, err := range errs {
			if err != nil {
				return nil, fmt.Errorf("geography: communes.csv.gz, %s: %w", c.Code, err)
			}
		}
		// The gazetteer tells arrondissements from communes by code; make
		// sure that rule agrees with the source.
		if (r[8] == "arrondissement") != observatory.IsArrondissementMunicipal(c.Code) {
			return nil, fmt.Errorf("geography: communes.csv.gz, %s: kind %q disagrees with its code", c.Code, r[8])
		}
		cs[i] = c
	}
	return cs, nil
}

// geoCSV reads an embedded CSV, gunzipping .gz files, checks its header and
// returns the data rows.
func geoCSV(fsys fs.FS, name, header string) ([][]string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("geography: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("geography: %s: %w", name, err)
		}
		defer zr.Close()
		r = zr
	}
	cr := csv.NewReader(r)
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("geography: %s: %w", name, err)
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != header {
		return nil, fmt.Errorf("geography: %s: header is not %q", name, header)
	}
	return rows[1:], nil
}

// geoShapes reads a FeatureCollection of Polygons and MultiPolygons into
// MultiPolygons keyed by the "code" property.
func geoShapes(fsys fs.FS, name string) (map[string]orb.MultiPolygon, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("geography: %w", err)
	}
	var fc struct {
		Features []struct {
			Properties struct{ Code string }
			Geometry   struct {
				Type        string
				Coordinates json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		return nil, fmt.Errorf("geography: %s: %w", name, err)
	}
	shapes := make(map[string]orb.MultiPolygon, len(fc.Features))
	for _, f := range fc.Features {
		var polys [][][][2]float64
		switch f.Geometry.Type {
		case "Polygon":
			polys = make([][][][2]float64, 1)
			err = json.Unmarshal(f.Geometry.Coordinates, &polys[0])
		case "MultiPolygon":
			err = json.Unmarshal(f.Geometry.Coordinates, &polys)
		default:
			err = fmt.Errorf("unexpected geometry %q", f.Geometry.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("geography: %s, %s: %w", name, f.Properties.Code, err)
		}
		mp := make(orb.MultiPolygon, len(polys))
		for i, p := range polys {
			mp[i] = make(orb.Polygon, len(p))
			for j, r := range p {
				ring := make(orb.Ring, len(r))
				for k, pt := range r {
					ring[k] = orb.Point(pt)
				}
				mp[i][j] = ring
			}
		}
		shapes[f.Properties.Code] = mp
	}
	return shapes, nil
}
