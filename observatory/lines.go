package observatory

// Lines says how a store writes rows as text itself, CSV records or NDJSON
// objects, byte for byte as the API's row-by-row writers (api/export)
// would: an engine that formats its own columns streams a large export
// several times faster than scanning each row into Go values first.
type Lines struct {
	JSON bool // NDJSON objects; CSV records (CRLF) otherwise
	// CSV: the separator, ',' or ';'.
	Sep byte
	// French: CSV of the French dialect: decimal comma, dates jj/mm/aaaa,
	// French labels.
	French bool
	// Columns are written in this order, by their public names.
	Columns []LineColumn
	// Synthetic ends each NDJSON object with "synthetic":true.
	Synthetic bool
}

// LineColumn is one column of Lines.
type LineColumn struct {
	Name string
	// Decimals a number column is rounded to (half away from zero);
	// every number column has one.
	Decimals int
	// Labels are the French labels of an enumerated column's values,
	// written instead of them in French CSV.
	Labels map[string]string
}
