package duckdb

import (
	"context"
	"database/sql/driver"

	"github.com/gen-numerique/observatory/observatory"
)

// loadGeography writes the reference territories and communes into the
// snapshot, so SQL can join on them and exports carry names.
func loadGeography(ctx context.Context, b *Builder, geo *observatory.Gazetteer) error {
	regs := geo.Regions()
	err := b.Append(ctx, "regions", len(regs), func(i int) []driver.Value {
		t := regs[i]
		return []driver.Value{t.Code, t.Name, t.Zone, t.Population}
	})
	if err != nil {
		return err
	}
	deps := geo.Departements()
	err = b.Append(ctx, "departements", len(deps), func(i int) []driver.Value {
		t := deps[i]
		return []driver.Value{t.Code, t.Name, t.Parent, t.Zone, t.Population}
	})
	if err != nil {
		return err
	}
	bassins := geo.Bassins()
	err = b.Append(ctx, "bassins", len(bassins), func(i int) []driver.Value {
		t := bassins[i]
		deps := t.Departements
		if deps == nil {
			deps = []string{}
		}
		region := ""
		if len(t.Regions) > 0 {
			region = t.Regions[0]
		}
		return []driver.Value{t.Code, t.Name, t.Parent, deps, region, t.Zone, t.Population}
	})
	if err != nil {
		return err
	}
	// The communes table holds arrondissements too (found by code and
	// postcode); they carry their commune's bassin.
	coms := geo.AllCommunes()
	return b.Append(ctx, "communes", len(coms), func(i int) []driver.Value {
		c := coms[i]
		var lat, lon driver.Value
		if c.Lat != 0 || c.Lon != 0 {
			lat, lon = c.Lat, c.Lon
		}
		return []driver.Value{c.Code, c.Name, c.Departement, c.Region, c.Population, c.Postcodes, lat, lon, nullString(c.Bassin)}
	})
}
