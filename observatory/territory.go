package observatory

import "github.com/paulmach/orb"

// Territory is a région, département or bassin d'emploi, with its INSEE
// code, its parent (the région of a département) and its population.
type Territory struct {
	Level      Level        `json:"level"`
	Code       string       `json:"code"`
	Name       string       `json:"name"`
	Parent     string       `json:"parent,omitempty"`
	Population int64        `json:"population"`
	Zone       string       `json:"zone"` // "metro" or "drom"
	Geometry   orb.Geometry `json:"-"`
}

// Commune is a commune of the reference geography. Lat and Lon are its
// centroid, zero when the 2018 centroid file does not know the code.
type Commune struct {
	Code        string
	Name        string
	Departement string
	Region      string
	Population  int64
	Postcodes   []string
	Lat, Lon    float64
}
