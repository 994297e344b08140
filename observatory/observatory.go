// Package observatory holds the domain of the GEN observatory: formations,
// territories, job demand, snapshots and the errors they produce. It imports
// neither Echo nor DuckDB, so the storage and the HTTP layer can change
// without touching it.
package observatory

// Level is a territorial level.
type Level string

// The levels the observatory aggregates at.
const (
	LevelRegion      Level = "region"
	LevelDepartement Level = "departement"
	LevelBassin      Level = "bassin"
	// LevelNational is France as a whole: only the plan's targets exist
	// there, so it is not among Levels.
	LevelNational Level = "national"
	// LevelCommune holds the communes and their outlines, for maps and
	// for attaching formations by coordinates. No indicator is computed
	// there yet, so it is not among Levels either.
	LevelCommune Level = "commune"
)

// Levels lists the valid levels, in order from largest to smallest.
var Levels = []Level{LevelRegion, LevelDepartement, LevelBassin}

// Valid reports whether l is a known level.
func (l Level) Valid() bool {
	for _, v := range Levels {
		if v == l {
			return true
		}
	}
	return false
}
