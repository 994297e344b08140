package observatory

// area groups départements whose inhabitants can reach each other's
// formations by land or a short crossing: mainland France with Corsica is
// one area, each overseas département its own, so Guyane is never measured
// against Martinique.
func area(dep string) string {
	if len(dep) == 3 {
		return dep
	}
	return "metro"
}
