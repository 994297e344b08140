package observatory

import (
	"context"
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
	Departement    string     `json:"departement"`
	Region         string     `json:"region"`
	Lat            *float64   `json:"lat"`
	Lon            *float64   `json:"lon"`
	ROME           []string   `json:"rome"`
	Family         string     `json:"family,omitempty"`
	DurationMonths *float64   `json:"duration_months"`
	LabelledOn     *time.Time `json:"labelled_on"`
	Wave           *int       `json:"wave"`
	LabelEnd       *time.Time `json:"label_end"`
	Seats          *int       `json:"seats_per_session"`
	Sessions       *int       `json:"sessions"`
	Learners       *int       `json:"learners"`
	Women          *int       `json:"women"`
	LowQualified   *int       `json:"low_qualified"`
	QPV            *int       `json:"qpv_residents"`
	Synthetic      bool       `json:"synthetic"`
	Source         string     `json:"source"`
	SourceRow      int        `json:"source_row"`
}

// FormationFilter selects formations. Empty fields do not filter.
type FormationFilter struct {
	Region      string
	Departement string
	ROME        string
	Family      string
	Q           string // free text over title, structure and commune
	Cursor      string // opaque, from a previous page's Next
	Limit       int
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
}
