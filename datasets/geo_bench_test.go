package datasets

import (
	"testing"

	"github.com/gen-numerique/observatory/observatory"
)

// BenchmarkLoadGeography measures what the server pays at start: parsing
// the embedded geography into a gazetteer, without the shared cache.
func BenchmarkLoadGeography(b *testing.B) {
	for b.Loop() {
		if _, err := loadGeography(GeoFiles()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCommuneShapes measures the first use of the commune outlines:
// gunzip, parse and index.
func BenchmarkCommuneShapes(b *testing.B) {
	for b.Loop() {
		shapes, _, err := topoShapes(GeoFiles(), "communes.topojson.gz", "communes")
		if err != nil {
			b.Fatal(err)
		}
		observatory.NewCommuneShapes(shapes)
	}
}
