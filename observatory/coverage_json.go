package observatory

import (
	"bytes"
	"encoding/json"
	"sync"

	"github.com/paulmach/orb/geojson"
)

// CoverageJSON encodes the RFC 7946 FeatureCollection of a coverage map of
// level l: one feature per territory of g.Territories(l), in that order,
// with the territory's code as feature id, the properties props returns for
// its code (props may be nil) plus "code" and "name", which win over props'
// keys of that name. Geometries go through CleanGeometry; a territory
// without outline gets a null geometry.
//
// The outlines never change for a gazetteer, so each is cleaned and encoded
// once, on the first map of its level, and reused: the 34,875 commune
// outlines are 21 MB of JSON, seconds to clean and encode, where each
// map's properties take a tenth of that. The bytes are those json.Marshal
// gives for the same collection built with orb's geojson types (tested).
func (g *Gazetteer) CoverageJSON(l Level, props func(code string) map[string]any) ([]byte, error) {
	ts := g.Territories(l)
	geoms, err := g.outlines.of(l, ts)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(`{"features":[`)
	for i, t := range ts {
		pr := map[string]any{}
		if props != nil {
			for k, v := range props(t.Code) {
				pr[k] = v
			}
		}
		pr["code"], pr["name"] = t.Code, t.Name
		id, err := json.Marshal(t.Code)
		if err != nil {
			return nil, err
		}
		p, err := json.Marshal(pr)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":`)
		b.Write(id)
		b.WriteString(`,"type":"Feature","geometry":`)
		b.Write(geoms[i])
		b.WriteString(`,"properties":`)
		b.Write(p)
		b.WriteByte('}')
	}
	b.WriteString(`],"type":"FeatureCollection"}`) // orb's order
	return b.Bytes(), nil
}

// outlineCache holds each level's cleaned outlines as GeoJSON geometries,
// in the order of the level's territories.
type outlineCache struct {
	mu sync.Mutex
	by map[Level][]json.RawMessage
}

func (c *outlineCache) of(l Level, ts []Territory) ([]json.RawMessage, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gs, ok := c.by[l]; ok && len(gs) == len(ts) {
		return gs, nil
	}
	gs := make([]json.RawMessage, len(ts))
	for i, t := range ts {
		clean := CleanGeometry(t.Geometry)
		if clean == nil {
			gs[i] = json.RawMessage("null")
			continue
		}
		b, err := json.Marshal(geojson.NewGeometry(clean))
		if err != nil {
			return nil, err
		}
		gs[i] = b
	}
	if c.by == nil {
		c.by = map[Level][]json.RawMessage{}
	}
	c.by[l] = gs
	return gs, nil
}
