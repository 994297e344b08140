package observatory

import (
	"context"
	"time"

	"github.com/paulmach/orb"
)

// Part is a numerator over its denominator, both summed over the same rows
// (those where both figures are known), so a ratio never mixes rows.
type Part struct {
	Num, Den int64
}

// Pct is Num/Den in percent, nil when Den is 0.
func (p Part) Pct() *float64 {
	if p.Den == 0 {
		return nil
	}
	v := 100 * float64(p.Num) / float64(p.Den)
	return &v
}

// OfferFacts are the catalogue's raw figures for one territory, from which
// the offer indicators are computed.
type OfferFacts struct {
	Code, Name   string
	Family       string // set when grouped by family
	Population   int64
	Formations   int
	Structures   int
	Learners     int64 // over formations that report learners
	Reporting    int   // formations that report learners
	Women        Part  // women / learners, over formations reporting both
	LowQualified Part
	QPV          Part
	EndUnknown   int   // GEN formations counted that have no label end date (other programmes have no label: they count from their list's date)
	Seats        int64 // seats per session, over formations that give them
}

// JobFacts are one digital job's (FAP code's) figures of one survey in one
// territory: the rows of the skill-needs view.
type JobFacts struct {
	Code      string // territory
	FAP       string
	Label     string
	Families  []string // GEN job families the code is mapped to, sorted
	Projects  int64    // published projects
	Published int      // cells with a published figure
	Secret    int      // cells under statistical secrecy, left out
	Difficult Part     // over cells where both figures are published
	Seasonal  Part
}

// DemandFacts are the BMO survey's raw figures for one territory and year,
// digital jobs only.
type DemandFacts struct {
	Code, Name string
	Year       int
	Projects   int64 // sum of published hiring projects
	Published  int   // rows with a published figure
	Secret     int   // rows under statistical secrecy, left out of Projects
	Difficult  Part  // difficult / projects over rows where both are published
	// Unsurveyed: the survey has no cell at all for this bassin (bassins
	// are redrawn between surveys), so its zero would be a guess.
	Unsurveyed bool
}

// FactQuery selects the rows facts are summed over. Territories come from
// the reference geography (or the survey's bassins), so a territory with no
// row still has its facts, at zero.
type FactQuery struct {
	Level Level
	// At is the date the catalogue is read at, in View: the formations in
	// force then, or all those labelled by then. Zero: every formation.
	At       time.Time
	View     string
	Year     int // BMO survey year
	Family   string
	ByFamily bool // catalogue: one row per territory and family
	// Programmes keeps the formations of these programmes (ProgrammeGEN,
	// others); none: every programme. The API always sets it (default:
	// the GEN label), so figures sum only what the request asked for.
	Programmes []string
}

// Calendar is the time a snapshot covers.
type Calendar struct {
	// Reference is the catalogue's latest labelling date: the date its
	// offer is read at unless a request says otherwise.
	Reference  time.Time
	Waves      []Wave
	LabelYears []int // years in which formations were labelled, ascending
	Surveys    []int // BMO survey years, ascending
}

// Wave is one labelling campaign: its number, the date of its last
// labelling (the offer "just after" it is read then) and its formations.
type Wave struct {
	N          int       `json:"wave"`
	Date       time.Time `json:"date"`
	Formations int       `json:"formations"`
}

// Wave returns wave n of the calendar.
func (c Calendar) Wave(n int) (Wave, bool) {
	for _, w := range c.Waves {
		if w.N == n {
			return w, true
		}
	}
	return Wave{}, false
}

// FormationPoint is where a formation is, and its seats.
type FormationPoint struct {
	Departement string
	Commune     string
	Point       orb.Point // lon, lat
	Seats       *int      // seats per session, nil when not given
}

// SupplyFacts is the supply of a selection of formations, as SupplyOf
// gives it from their points: one entry per commune (or per position,
// when the commune is not known) in the order the points come, Guessed
// formations counted at the Median seats, of Points with a position.
type SupplyFacts struct {
	Supply  []Supply
	Guessed int
	Points  int
	Median  float64
}

// FactStore is what the indicators need from a snapshot.
type FactStore interface {
	OfferFacts(ctx context.Context, q FactQuery) ([]OfferFacts, error)
	DemandFacts(ctx context.Context, q FactQuery) ([]DemandFacts, error)
	// JobFacts lists, per territory of q.Level, the digital jobs of survey
	// q.Year with their figures (territories with none are absent).
	JobFacts(ctx context.Context, q FactQuery) ([]JobFacts, error)
	FormationPoints(ctx context.Context, q FactQuery) ([]FormationPoint, error)
	// SupplyFacts is SupplyOf the formation points of q, summed in the
	// store: a million points need not cross into Go to give 35,000
	// supply points.
	SupplyFacts(ctx context.Context, q FactQuery) (SupplyFacts, error)
	// Calendar gives the reference date, the labelling waves and the
	// years the catalogue and the surveys cover.
	Calendar(ctx context.Context) (Calendar, error)
	// Families lists the job families of the referential and the catalogue.
	Families(ctx context.Context) ([]string, error)
}
