package api

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/observatory"
)

// dcatContext maps the DCAT-AP vocabularies the catalogue uses.
var dcatContext = map[string]string{
	"dcat": "http://www.w3.org/ns/dcat#",
	"dct":  "http://purl.org/dc/terms/",
	"foaf": "http://xmlns.com/foaf/0.1/",
	"rdfs": "http://www.w3.org/2000/01/rdf-schema#",
	"xsd":  "http://www.w3.org/2001/XMLSchema#",
	"adms": "http://www.w3.org/ns/adms#",
}

type jsonld = map[string]any

func langs(fr, en string) []jsonld {
	return []jsonld{{"@value": fr, "@language": "fr"}, {"@value": en, "@language": "en"}}
}

func iri(u string) jsonld { return jsonld{"@id": u} }

// dcat renders the catalogue as DCAT-AP in JSON-LD, with absolute IRIs
// (Config.PublicURL, or the request's host) as harvesters need.
func (s *Server) dcat(c echo.Context, entries []datasetEntry, info *observatory.Snapshot) jsonld {
	base := s.baseURL(c)
	modified := jsonld{"@value": info.Created.UTC().Format("2006-01-02T15:04:05Z"), "@type": "xsd:dateTime"}
	publisher := jsonld{"@type": "foaf:Agent", "foaf:name": datasets.Publisher}
	var ds []jsonld
	for _, e := range entries {
		desc := langs(e.Description.FR, e.Description.EN)
		if e.Synthetic {
			desc = append(desc, jsonld{"@value": e.Notice, "@language": "en"})
		}
		var dists []jsonld
		for _, d := range e.Downloads {
			dist := jsonld{
				"@type":            "dcat:Distribution",
				"dct:title":        strings.ToUpper(string(d.Format)) + " — " + e.Name,
				"dcat:downloadURL": iri(base + d.URL),
				"dcat:accessURL":   iri(base + d.URL),
				"dcat:mediaType":   iri("https://www.iana.org/assignments/media-types/" + d.MediaType),
				"dct:format":       strings.ToUpper(string(d.Format)),
				"dct:license":      iri(e.Licence.Path),
				"dct:conformsTo":   iri(base + "/api/v1/datasets/" + e.Name + "#schema"),
			}
			if d.Note != "" {
				dist["dct:description"] = d.Note
			}
			dists = append(dists, dist)
		}
		if e.API != "" {
			dists = append(dists, jsonld{
				"@type":          "dcat:Distribution",
				"dct:title":      "API JSON — " + e.Name,
				"dcat:accessURL": iri(base + e.API),
				"dcat:mediaType": iri("https://www.iana.org/assignments/media-types/application/json"),
				"dct:format":     "JSON",
				"dct:license":    iri(e.Licence.Path),
			})
		}
		var sources []string
		for _, sl := range e.Sources {
			sources = append(sources, sl.Title+" — "+sl.Licence)
		}
		var files []string
		for _, in := range e.Provenance.Inputs {
			files = append(files, in.Name+" (SHA-256 "+in.SHA256+")")
		}
		ds = append(ds, jsonld{
			"@id":             base + "/api/v1/datasets/" + e.Name,
			"@type":           "dcat:Dataset",
			"dct:identifier":  e.Name,
			"dct:title":       langs(e.Title.FR, e.Title.EN),
			"dct:description": desc,
			"dcat:keyword":    e.Keywords,
			"dct:license":     iri(e.Licence.Path),
			"dct:publisher":   publisher,
			"dct:modified":    modified,
			"dct:spatial":     iri("http://publications.europa.eu/resource/authority/country/FRA"),
			"dct:provenance": jsonld{"@type": "dct:ProvenanceStatement",
				"rdfs:label": "Snapshot " + e.Provenance.Snapshot + "; sources: " + strings.Join(sources, "; ") +
					"; files: " + strings.Join(files, "; ")},
			"adms:versionNotes": "snapshot " + e.Provenance.Snapshot,
			"dcat:distribution": dists,
		})
	}
	// The job referential and the coverage layers are not tables of the
	// catalogue, but published datasets all the same (datapackage.go).
	for _, x := range dpExtras() {
		mt, _, _ := strings.Cut(mediaTypes[x.format], ";")
		desc := langs(x.fr, x.desc)
		if x.synthetic && catalogueSynthetic(info) {
			desc = append(desc, jsonld{"@value": syntheticNotice, "@language": "en"})
		}
		ds = append(ds, jsonld{
			"@id":               base + x.path,
			"@type":             "dcat:Dataset",
			"dct:identifier":    x.name,
			"dct:title":         langs(x.fr, x.en),
			"dct:description":   desc,
			"dct:license":       iri(datasets.LicenceOuverte.URL),
			"dct:publisher":     publisher,
			"dct:modified":      modified,
			"dct:spatial":       iri("http://publications.europa.eu/resource/authority/country/FRA"),
			"adms:versionNotes": "snapshot " + info.ID,
			"dcat:distribution": []jsonld{{
				"@type":            "dcat:Distribution",
				"dct:title":        strings.ToUpper(string(x.format)) + " — " + x.name,
				"dcat:downloadURL": iri(base + x.path),
				"dcat:accessURL":   iri(base + x.path),
				"dcat:mediaType":   iri("https://www.iana.org/assignments/media-types/" + mt),
				"dct:format":       strings.ToUpper(string(x.format)),
				"dct:license":      iri(datasets.LicenceOuverte.URL),
			}},
		})
	}
	return jsonld{
		"@context":        dcatContext,
		"@id":             base + "/api/v1/datasets.jsonld",
		"@type":           "dcat:Catalog",
		"dct:title":       langs("Observatoire de l'offre de formation au numérique (GEN) — données ouvertes", "GEN digital-skills training observatory — open data"),
		"dct:description": langs("Jeux de données publiés par l'observatoire, par instantané.", "Datasets the observatory publishes, per snapshot."),
		"dct:publisher":   publisher,
		"dct:license":     iri(datasets.LicenceOuverte.URL),
		"dct:modified":    modified,
		"foaf:homepage":   iri(base + "/api/v1/docs"),
		// The same datasets as a Frictionless Data Package, with each
		// file's SHA-256.
		"dct:hasPart":  iri(base + "/api/v1/datasets/datapackage.json"),
		"dcat:dataset": ds,
	}
}
