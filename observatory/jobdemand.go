package observatory

import "context"

// FAP nomenclature editions. BMO surveys up to 2023 code jobs in FAP 2009
// (M1Z80: Z in third position), from 2024 in FAP 2021 (M1X80). A few codes
// exist in both with different meanings, so a code only means something
// together with its edition, which follows from the survey year.
const (
	FAP2009 = "FAP2009"
	FAP2021 = "FAP2021"
)

// FAPEdition is the FAP edition a BMO survey of that year uses.
func FAPEdition(year int) string {
	if year <= 2023 {
		return FAP2009
	}
	return FAP2021
}

// JobDemand is one row of a France Travail BMO survey (Besoins en
// Main-d'Œuvre): hiring projects for one job (FAP code) in one bassin
// d'emploi, within one département (a bassin may span départements). The
// counts are nil where the survey keeps them secret (too few answers),
// which is not zero.
type JobDemand struct {
	Year           int
	FAPEdition     string // FAP2009 or FAP2021, from the year
	FAPCode        string
	FAPLabel       string
	BMOFamily      string // BMO's own family letter (Famille_met), not the FAP domain
	BMOFamilyLabel string
	Region         string
	Departement    string
	Bassin         string
	BassinName     string
	Projects       *int // met: hiring projects
	Difficult      *int // xmet: projects judged difficult
	Seasonal       *int // smet: seasonal projects
	Source         string
	SourceRow      int
}

// BMOExtraDepartements are the territories BMO surveys as départements that
// the reference geography does not hold: Saint-Martin (978), a collectivité
// d'outre-mer that France Travail attaches to the Guadeloupe région (01).
// Its rows are kept as the file gives them, so that région totals reconcile
// with the file; it has no outline and no population in the observatory.
var BMOExtraDepartements = map[string]Territory{
	"978": {Level: LevelDepartement, Code: "978", Name: "Saint-Martin", Parent: "01", Zone: "com"},
}

// JobDemandGroup says what aggregated job-demand rows are split by, besides
// year and territory.
type JobDemandGroup string

// The groupings of job demand.
const (
	GroupNone   JobDemandGroup = "none"   // all jobs of the territory together
	GroupFamily JobDemandGroup = "family" // one row per GEN job family (digital jobs only)
	GroupFAP    JobDemandGroup = "fap"    // one row per FAP code
	// GroupCell gives the survey's cells themselves (FAP code, bassin,
	// département): the rows behind an indicator's value.
	GroupCell JobDemandGroup = "cell"
)

// JobDemandFilter selects and groups job demand. Zero fields do not filter.
type JobDemandFilter struct {
	Year    int
	Level   Level  // region (default), departement or bassin
	Code    string // a territory code at Level
	Family  string // GEN job family: only FAP codes mapped to it for the row's edition
	FAP     string // one FAP code
	Digital bool   // only FAP codes mapped to some GEN job family
	Group   JobDemandGroup
	Cursor  string // opaque, from a previous page's Next
	Limit   int    // 0: no limit (exports); pages are capped by the store
}

// JobDemandRow is job demand added up by year, territory and group. Sums
// leave out secret cells: when SecretRows > 0, Projects is a lower bound,
// and it is nil when every row is secret. Shares are computed over the rows
// where both counts are published, so secret cells do not bias them.
type JobDemandRow struct {
	Year                int      `json:"year"`
	Level               Level    `json:"level"`
	Code                string   `json:"code"`
	Name                string   `json:"name"`
	Family              string   `json:"family,omitempty"`
	FAP                 string   `json:"fap,omitempty"`
	FAPLabel            string   `json:"fap_label,omitempty"`
	FAPEdition          string   `json:"fap_edition,omitempty"`
	Bassin              string   `json:"bassin,omitempty"`      // group cell
	Departement         string   `json:"departement,omitempty"` // group cell
	Projects            *int64   `json:"projects"`
	Difficult           *int64   `json:"difficult"`
	Seasonal            *int64   `json:"seasonal"`
	ShareDifficult      *float64 `json:"share_difficult"`
	ShareSeasonal       *float64 `json:"share_seasonal"`
	Rows                int      `json:"rows"`        // BMO rows added up
	SecretRows          int      `json:"secret_rows"` // rows whose projects are secret, left out of Projects
	SecretDifficultRows int      `json:"secret_difficult_rows"`
	SecretSeasonalRows  int      `json:"secret_seasonal_rows"`
}

// JobDemandPage is one page of aggregated job demand.
type JobDemandPage struct {
	Items     []JobDemandRow `json:"items"`
	Total     int            `json:"total"`
	Next      string         `json:"next,omitempty"`
	Synthetic bool           `json:"-"` // some BMO input of the snapshot is synthetic
}

// JobDemandService reads job demand from the current snapshot.
type JobDemandService interface {
	// JobDemand returns one page of aggregated rows.
	JobDemand(ctx context.Context, f JobDemandFilter) (*JobDemandPage, error)
	// EachJobDemand streams every aggregated row (from f.Cursor, at most
	// f.Limit when not zero), for exports.
	EachJobDemand(ctx context.Context, f JobDemandFilter, fn func(JobDemandRow) error) error
}
