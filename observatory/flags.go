package observatory

import "slices"

// Why a value is null. A null always carries one of these, and a sentence
// in French and English; zero is only ever a counted zero.
const (
	ReasonSecret        = "secret"         // the BMO cells behind it are under statistical secrecy
	ReasonNotMapped     = "not_mapped"     // the job family has no code in the source's nomenclature
	ReasonNoSource      = "no_source"      // the snapshot has no input that gives it
	ReasonNotApplicable = "not_applicable" // the figure does not exist here (a share of nothing, a distance with no formation)
	ReasonSuppressed    = "suppressed"     // withheld: its denominator is too small to mean anything
)

// Reasons lists the null reasons, for documentation and schemas.
var Reasons = []string{ReasonSecret, ReasonNotMapped, ReasonNoSource, ReasonNotApplicable, ReasonSuppressed}

// What a reader must know about a value.
const (
	FlagLowN            = "low_n"             // numerator or denominator below the indicator's threshold
	FlagSuppressed      = "suppressed"        // withheld (the value is null)
	FlagSecretRows      = "secret_rows"       // BMO cells under secrecy are left out (SecretRows says how many)
	FlagSynthetic       = "synthetic"         // computed from synthetic data: not real
	FlagBreakInSeries   = "break_in_series"   // the source's nomenclature changed since the previous value of the series
	FlagLabelEndUnknown = "label_end_unknown" // some formations counted have no label end date, so count as in force
	FlagOverSea         = "over_sea"          // some inhabitants' nearest formation is across the sea (no formation on their island)
	// FlagMixedSynthetic: the value adds up the synthetic GEN stand-in and
	// real programmes (programme=all…): neither real nor wholly invented.
	FlagMixedSynthetic = "mixed_synthetic"
)

// Flags lists the flags, for documentation and schemas.
var Flags = []string{FlagLowN, FlagSuppressed, FlagSecretRows, FlagSynthetic, FlagBreakInSeries, FlagLabelEndUnknown, FlagOverSea,
	FlagMixedSynthetic}

// Thresholds are an indicator's quality rules: a value resting on fewer
// than LowN units (in Unit) is flagged low_n; a ratio whose denominator is
// under Suppress is withheld.
type Thresholds struct {
	LowN     int    `json:"low_n,omitempty"`
	Suppress int    `json:"suppress,omitempty"`
	Unit     string `json:"unit"` // what is counted: formations, learners, hiring projects
}

// The thresholds, in one place (docs/indicators.md explains them).
const (
	// Shares of learners over fewer than 30 learners swing by several
	// points with one person.
	MinLearners = 30
	// A rate per inhabitant or a coverage index on one or two formations
	// moves by half with one formation labelled or expired.
	MinFormations = 3
	// A family's share of fewer than 5 formations is 0, 20, 40 … %.
	MinFormationsShare = 5
	// A share of hiring projects or a supply/demand ratio over fewer than
	// 50 projects is fragile, and meaningless under 10 (a 100 % difficult
	// share on 6 projects).
	MinProjects      = 50
	SuppressProjects = 10
)

func (v *Value) flag(f string) {
	if !slices.Contains(v.Flags, f) {
		v.Flags = append(v.Flags, f)
	}
}

// null makes v null for reason, with the sentence in both languages.
func (v *Value) null(reason, en, fr string) {
	v.Value, v.Reason = nil, reason
	v.Note, v.NoteFR = en, fr
	if reason == ReasonSuppressed {
		v.flag(FlagSuppressed)
	}
}
