package datasets

import (
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/gen-numerique/observatory/observatory"
)

// geoBassins reads bassins.csv and attaches the outlines of
// bassins.topojson.gz. Parent is the main département; Departements and
// Regions list all of them by population share.
func geoBassins(fsys fs.FS) ([]observatory.Territory, error) {
	rows, err := geoCSV(fsys, "bassins.csv", "code,name,departements,regions,zone,population,communes")
	if err != nil {
		return nil, err
	}
	shapes, _, err := topoShapes(fsys, "bassins.topojson.gz", "bassins")
	if err != nil {
		return nil, err
	}
	ts := make([]observatory.Territory, 0, len(rows))
	for _, r := range rows {
		t := observatory.Territory{
			Level: observatory.LevelBassin, Code: r[0], Name: r[1],
			Departements: strings.Split(r[2], "|"), Regions: strings.Split(r[3], "|"), Zone: r[4],
		}
		t.Parent = t.Departements[0]
		if t.Population, err = strconv.ParseInt(r[5], 10, 64); err != nil {
			return nil, fmt.Errorf("geography: bassins.csv, %s: %w", t.Code, err)
		}
		mp, ok := shapes[t.Code]
		if !ok {
			return nil, fmt.Errorf("geography: bassins.topojson.gz has no outline for %s", t.Code)
		}
		t.Geometry = mp
		ts = append(ts, t)
	}
	if len(shapes) != len(ts) {
		return nil, fmt.Errorf("geography: bassins.topojson.gz has %d outlines for %d bassins", len(shapes), len(ts))
	}
	return ts, nil
}

// checkBassins makes sure each bassin's départements and régions are
// known and its Zone theirs.
func checkBassins(g *observatory.Gazetteer, bassins []observatory.Territory) error {
	for _, b := range bassins {
		for _, d := range b.Departements {
			dep, ok := g.Departement(d)
			if !ok || dep.Zone != b.Zone || !slices.Contains(b.Regions, dep.Parent) {
				return fmt.Errorf("geography: bassin %s: département %q unknown, in another zone or in a région not listed", b.Code, d)
			}
		}
		for _, r := range b.Regions {
			if _, ok := g.Region(r); !ok {
				return fmt.Errorf("geography: bassin %s in unknown région %q", b.Code, r)
			}
		}
	}
	return nil
}

// MissingBassin is a bassin d'emploi that has no outline: one BMO uses but
// the commune table does not define, or one whose communes have none.
type MissingBassin struct {
	Code, Name, Reason string
}

// MissingBassins lists the bassins without outline (bassins-missing.csv),
// for the BMO ingest to name them in its notes.
func MissingBassins() ([]MissingBassin, error) {
	rows, err := geoCSV(GeoFiles(), "bassins-missing.csv", "code,name,reason")
	if err != nil {
		return nil, err
	}
	out := make([]MissingBassin, len(rows))
	for i, r := range rows {
		out[i] = MissingBassin{Code: r[0], Name: r[1], Reason: r[2]}
	}
	return out, nil
}
