package observatory

// Reference is the reference data every snapshot is built and read
// against: the geography and the digital-jobs referential. The command
// loads it once and hands it to the ingest, the store and the server;
// nothing reaches for it through a global.
type Reference struct {
	Geo     *Gazetteer
	Metiers *Referential
}
