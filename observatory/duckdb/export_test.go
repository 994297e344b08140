package duckdb

// SetSupplyInStore sets the number of points from which SupplyFacts
// groups them in the store, until the returned func runs.
func SetSupplyInStore(n int) (restore func()) {
	old := supplyInStore
	supplyInStore = n
	return func() { supplyInStore = old }
}

// SetHeadRows sets the number of rows of a full export's head query,
// until the returned func runs.
func SetHeadRows(n int) (restore func()) {
	old := headRows
	headRows = n
	return func() { headRows = old }
}
