package datasets

import (
	"testing"

	"github.com/paulmach/orb"
)

// A topology written by another tool: spaces, keys in another order,
// unknown members, an escaped id, a bbox of numbers before a brace.
func TestDecodeTopology(t *testing.T) {
	text := `{ "arcs" : [ [ [0,0], [10, 0], [0,10], [-10,0], [0,-10] ], [[100,100],[1,1]] ],
		"objects": { "other": {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [1.5, -2e3]}]},
			"communes": { "geometries": [
				{ "arcs": [[0]], "properties": {"nom": "Saint-\u00c9tienne \"bis\""}, "type": "Polygon", "id": "42218" },
				{ "type": "MultiPolygon", "id": "x", "arcs": [[[-1]]], "bbox": [0, 1] } ],
				"type": "GeometryCollection" } },
		"transform": { "translate": [4.5, 45.25], "scale": [0.00001, 1e-5] },
		"type": "Topology", "bbox": [4.5, 45.25, 4.5001, 45.2501] }`
	shapes, props, err := decodeTopology([]byte(text), "communes")
	if err != nil {
		t.Fatal(err)
	}
	want := orb.Ring{{4.5, 45.25}, {4.5001, 45.25}, {4.5001, 45.2501}, {4.5, 45.2501}, {4.5, 45.25}}
	if got := shapes["42218"]; len(got) != 1 || !got[0][0].Equal(want) {
		t.Errorf("42218 = %v, want %v", got, want)
	}
	if got := shapes["x"][0][0]; got[0] != want[0] || got[1] != want[3] {
		t.Errorf("reversed arc gives %v", got)
	}
	if p := props["42218"]["nom"]; p != `Saint-Étienne "bis"` {
		t.Errorf("nom = %q", p)
	}
	for _, bad := range []string{
		`{"type":"Topology","transform":{"scale":[0.3,1],"translate":[0,0]},"objects":{"communes":{"geometries":[]}},"arcs":[]}`,
		`{"type":"Topology","transform":{"scale":[1e-5,1e-5],"translate":[0,0]},"objects":{"communes":{"geometries":[{"type":"Polygon","id":"a","arcs":[[1]]}]}},"arcs":[[[0,0],[1,0]]]}`,
		`{"type":"Topology","transform":{"scale":[1e-5,1e-5],"translate":[0,0]},"objects":{"communes":{"geometries":[{"type":"Polygon","id":"a","arcs":[[0]]}]}},"arcs":[[[0,0],[1,0]]]}`,
		`{"type":"Topology","transform":{"scale":[1e-5,1e-5],"translate":[0,0]},"objects":{},"arcs":[]}`,
		`{"type":"Topology","arcs":[[[0,0],[1,0]]`,
	} {
		if _, _, err := decodeTopology([]byte(bad), "communes"); err == nil {
			t.Errorf("no error for %s", bad)
		}
	}
}
