package observatory

// SetPairShift sets the length of Access's chunks of pairs to 1<<shift
// until the returned func runs.
func SetPairShift(shift int) (restore func()) {
	old := pairShift
	pairShift = shift
	return func() { pairShift = old }
}
