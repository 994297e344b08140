package observatory

import (
	"context"

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
	Women        Part  // women / learners, over formations reporting both
	LowQualified Part
	QPV          Part
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
}

// FactQuery selects the rows facts are summed over. Territories come from
// the reference geography (or the survey's bassins), so a territory with no
// row still has its facts, at zero.
type FactQuery struct {
	Level    Level
	Year     int // label year (catalogue), survey year (BMO); 0: all (catalogue)
	Wave     int // catalogue: waves 1..Wave; 0: all
	Family   string
	ByFamily bool // catalogue: one row per territory and family
}

// FormationPoint is where a formation is.
type FormationPoint struct {
	Departement string
	Point       orb.Point // lon, lat
}

// FactStore is what the indicators need from a snapshot.
type FactStore interface {
	OfferFacts(ctx context.Context, q FactQuery) ([]OfferFacts, error)
	DemandFacts(ctx context.Context, q FactQuery) ([]DemandFacts, error)
	FormationPoints(ctx context.Context, q FactQuery) ([]FormationPoint, error)
	// Years lists the label years of the catalogue and the survey years of
	// BMO, each ascending.
	Years(ctx context.Context) (label, survey []int, err error)
	// Waves lists the catalogue's labelling waves, ascending.
	Waves(ctx context.Context) ([]int, error)
	// Families lists the job families of the referential and the catalogue.
	Families(ctx context.Context) ([]string, error)
}
