package ingest

// HeaderMeaning exposes the words a header is matched by, for tests.
func HeaderMeaning(h string) string { return headerMeaning(h).words }
