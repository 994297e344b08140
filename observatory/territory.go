package observatory

import "github.com/paulmach/orb"

// Territory is a région, département, bassin d'emploi or commune, with its
// code (INSEE, or France Travail's for a bassin), its parent in the level
// above (the région of a département, the main département of a bassin,
// the département of a commune) and its population.
type Territory struct {
	Level      Level  `json:"level"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	Parent     string `json:"parent,omitempty"`
	Population int64  `json:"population"`
	Zone       string `json:"zone"`             // "metro" or "drom"
	Bassin     string `json:"bassin,omitempty"` // a commune's bassin d'emploi
	// Departements and Regions are, for a bassin d'emploi, every
	// département and région its communes are in, by population share:
	// a bassin may cross their borders. The first département is Parent,
	// the first région the bassin's main one. Empty at other levels.
	Departements []string     `json:"departements,omitempty"`
	Regions      []string     `json:"regions,omitempty"`
	Geometry     orb.Geometry `json:"-"`
}

// Commune is a commune of the reference geography. Lat and Lon are its
// centroid, zero when the 2018 centroid file does not know the code.
// Bassin is the code of its bassin d'emploi, empty for none.
type Commune struct {
	Code        string
	Name        string
	Departement string
	Region      string
	Bassin      string
	Population  int64
	Postcodes   []string
	Lat, Lon    float64
}
