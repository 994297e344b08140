package observatory

import (
	"context"
	"io"
	"time"
)

// Formation is one labelled training course of the GEN catalogue.
// Optional figures are pointers: nil means the source did not give them,
// which is not the same as zero.
type Formation struct {
	ID             string     `json:"id"`
	Title          string     `json:"title"`
	Structure      string     `json:"structure"`
	Postcode       string     `json:"postcode,omitempty"`
	CommuneCode    string     `json:"commune_code,omitempty"`
	Commune        string     `json:"commune,omitempty"`
	Bassin         string     `json:"bassin,omitempty"` // bassin d'emploi, from the commune
	Departement    string     `json:"departement"`
	Region         string     `json:"region"`
	Lat            *float64   `json:"lat"`
	Lon            *float64   `json:"lon"`
	ROME           []string   `json:"rome"`
	Family         string     `json:"family,omitempty"`
	FamilyRule     string     `json:"family_rule,omitempty"`  // how Family was attached: Rule* in metier.go
	FamilyGiven    string     `json:"family_given,omitempty"` // the source's family column, as written
	FamilyNote     string     `json:"family_note,omitempty"`  // what the ingest reported about the family
	DurationMonths *float64   `json:"duration_months"`
	LabelledOn     *time.Time `json:"labelled_on"`
	Wave           *int       `json:"wave"`
	WaveRule       string     `json:"wave_rule,omitempty"` // how Wave was obtained: Wave* in labels.go
	LabelEnd       *time.Time `json:"label_end"`
	Seats          *int       `json:"seats_per_session"`
	Sessions       *int       `json:"sessions"`
	Learners       *int       `json:"learners"`
	Women          *int       `json:"women"`
	LowQualified   *int       `json:"low_qualified"`
	QPV            *int       `json:"qpv_residents"`
	Programme      string     `json:"programme"` // ProgrammeGEN, or another programme of the digital training offer
	Synthetic      bool       `json:"synthetic"`
	Source         string     `json:"source"`
	SourceRow      int        `json:"source_row"`
	// What offer lists give (other programmes than the GEN label): the
	// establishment's identifier (UAI), the diploma type, the date of the
	// list the formation counts from (it has no labelling date), and how
	// its point was found (PointCommuneCentroid: the list gives none).
	StructureID string     `json:"structure_id,omitempty"`
	Diploma     string     `json:"diploma,omitempty"`
	ListedOn    *time.Time `json:"listed_on,omitempty"`
	PointRule   string     `json:"point_rule,omitempty"`
}

// ProgrammeGEN is the programme of the GEN label: the catalogue the
// observatory was made for. Other programmes (apprenticeships listed on
// Parcoursup, …) are ingested beside it.
const ProgrammeGEN = "gen"

// PointCommuneCentroid is the PointRule of a formation placed at its
// commune's centroid because its source gives no coordinates.
const PointCommuneCentroid = "commune-centroid"

// FormationFilter selects formations. Empty fields do not filter.
type FormationFilter struct {
	// At selects the offer at a date, in View (ViewInForce: labels in
	// force then; ViewLabelled: labelled by then). Zero: every formation.
	At          time.Time
	View        string
	Region      string
	Departement string
	Bassin      string
	Commune     string // INSEE code
	// Programmes keeps the formations of these programmes; none: every
	// programme (the API defaults to ProgrammeGEN before it gets here).
	Programmes []string
	ROME       string
	Family     string
	Q          string // free text over title, structure and commune
	Cursor     string // opaque, from a previous page's Next
	Limit      int
	Sort       []SortKey // empty: by id; fields from FormationSortFields
}

// SortKey orders a list by one field, ascending unless Desc. Missing
// values sort last either way.
type SortKey struct {
	Field string
	Desc  bool
}

// FormationSortFields are the fields a list of formations can be sorted
// by, named as in the JSON; the store maps each to a column.
var FormationSortFields = []string{
	"id", "title", "structure", "postcode", "commune_code", "commune", "departement", "region",
	"family", "duration_months", "labelled_on", "wave", "label_end", "seats_per_session",
	"sessions", "learners", "women", "low_qualified", "qpv_residents", "bassin", "programme",
}

// FormationFacets are the fields a list of formations can be faceted by
// (counts per value under the list's filters), named as in the JSON.
var FormationFacets = []string{"region", "departement", "bassin", "family", "wave", "programme", "structure"}

// FacetValue is one value of a facet and the formations that have it.
// A nil Value counts the formations without one (no family attached, no
// wave, no bassin): Label then says so, never a made-up value.
type FacetValue struct {
	Value any    `json:"value"` // string, or int for wave; nil: not given
	Label string `json:"label"`
	Count int    `json:"count"`
}

// Facet is the counts of one facet, the largest first; Distinct is how
// many values it has in all, Truncated whether some were left out.
type Facet struct {
	Values    []FacetValue
	Distinct  int
	Truncated bool
}

// FormationPage is one page of formations.
type FormationPage struct {
	Items []Formation `json:"items"`
	Total int         `json:"total"`
	Next  string      `json:"next,omitempty"`
}

// FormationService reads formations from the current snapshot.
type FormationService interface {
	Formations(ctx context.Context, f FormationFilter) (*FormationPage, error)
	Formation(ctx context.Context, id string) (*Formation, error)
	// EachFormation streams every formation matching f in order, without
	// the page cap: f.Limit (0 for no limit) and f.Cursor still apply.
	EachFormation(ctx context.Context, f FormationFilter, fn func(*Formation) error) error
	// FormationsParquet writes what EachFormation would stream to a Parquet
	// file at path, with the given JSON field names as columns (all when
	// empty) and meta as the file's key-value metadata.
	FormationsParquet(ctx context.Context, f FormationFilter, fields []string, meta map[string]string, path string) error
	// FormationLines writes what EachFormation would stream as text lines
	// (CSV records or NDJSON objects, no header) to w.
	FormationLines(ctx context.Context, f FormationFilter, l Lines, w io.Writer) error
	// FormationFacets counts the formations matching f (cursor, limit and
	// sort aside) per value of each of facets (from FormationFacets), the
	// size largest values of each; labels are left to the caller.
	FormationFacets(ctx context.Context, f FormationFilter, facets []string, size int) (map[string]Facet, error)
}
