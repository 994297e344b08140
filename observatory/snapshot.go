package observatory

import "time"

// Snapshot is one ingest run's complete, immutable copy of the data.
type Snapshot struct {
	ID          string    `json:"id"`
	Created     time.Time `json:"created"`
	Current     bool      `json:"current"`
	Synthetic   bool      `json:"synthetic"` // some data comes from a synthetic input
	Inputs      []Input   `json:"inputs"`
	Counts      Counts    `json:"counts"`
	Quarantined int       `json:"quarantined"`
	// Version is the observatory's version that built the snapshot.
	Version string `json:"version,omitempty"`
	// Parent is the snapshot this one was built from (its data carried
	// over); "" for the first, or one built before parents were recorded.
	Parent string `json:"parent,omitempty"`
	// ReferenceDate is the catalogue's latest labelling date (YYYY-MM-DD):
	// the date its offer is read at unless a request says otherwise.
	ReferenceDate string `json:"reference_date,omitempty"`
	// Notes and Warnings are what the run that built it reported.
	Notes    []string `json:"notes,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	// Bytes is the size of the snapshot's file.
	Bytes int64 `json:"bytes,omitempty"`
}

// Counts are row counts of the main tables of a snapshot.
type Counts struct {
	Formations int `json:"formations"`
	Structures int `json:"structures"`
	JobDemand  int `json:"job_demand"`
	// ByProgramme: formations of each programme (gen, and the others).
	ByProgramme map[string]int `json:"formations_by_programme,omitempty"`
}

// Input is one file an ingest run read, with what became of its rows.
type Input struct {
	Kind        string    `json:"kind"`                // "catalogue", "bmo", "offer"
	Programme   string    `json:"programme,omitempty"` // the programme of an offer input
	Name        string    `json:"name"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Synthetic   bool      `json:"synthetic"`
	Snapshot    string    `json:"snapshot"` // the run that read it
	Ingested    time.Time `json:"ingested"`
	RowsRead    int       `json:"rows_read"`
	Loaded      int       `json:"rows_loaded"`
	Quarantined int       `json:"rows_quarantined"`
	Repaired    int       `json:"rows_repaired"`
	// SetAside: rows of an offer input left out as not digital (read =
	// loaded + set aside + quarantined).
	SetAside int `json:"rows_set_aside,omitempty"`
}

// Reject is an input row that was not loaded, and why. Rows are 1-based
// as a spreadsheet shows them (the header counts).
type Reject struct {
	File   string `json:"file"`
	Sheet  string `json:"sheet,omitempty"`
	Row    int    `json:"row"`
	Column string `json:"column,omitempty"`
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"`
}

// Repair is a change the ingest made to a value it could fix unambiguously.
type Repair struct {
	File   string `json:"file"`
	Sheet  string `json:"sheet,omitempty"`
	Row    int    `json:"row"`
	Column string `json:"column"`
	Was    string `json:"was"`
	Now    string `json:"now"`
	Reason string `json:"reason"`
}
