package duckdb

// SetSupplyInStore sets the number of points from which SupplyFacts
// groups them in the store, until the returned func runs.
func SetSupplyInStore(n int) (restore func()) {
	old := supplyInStore
	supplyInStore = n
	return func() { supplyInStore = old }
}
