package observatory

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// KindOffer is the ingest kind of a training-offer list of a programme
// other than the GEN label (apprenticeships listed on Parcoursup, …). Its
// rows are classified into the GEN job families: the digital ones are
// loaded as formations of the programme, the others set aside.
const KindOffer = "offer"

// ProgrammeAll, as a query value, selects every programme.
const ProgrammeAll = "all"

// Programme is a training programme whose formations a snapshot holds:
// the GEN label (ProgrammeGEN, from the catalogue ingest) or another
// programme of the digital training offer (from an offer ingest).
type Programme struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"` // the ingest kind that loads it: "catalogue" (GEN) or KindOffer
	TitleFR   string `json:"title_fr"`
	TitleEN   string `json:"title_en"`
	Source    string `json:"source"` // who publishes the list, and where this copy comes from
	SourceURL string `json:"source_url,omitempty"`
	Licence   string `json:"licence"`
	// Date is the date of the list: an offer's formations count in the
	// offer at a date from this one on (they have no labelling date).
	// Nil for the GEN label, whose formations carry their own dates.
	Date       *time.Time `json:"date"`
	Synthetic  bool       `json:"synthetic"`
	Files      []string   `json:"files"`  // the inputs it was loaded from
	SHA256     []string   `json:"sha256"` // of each input, in Files' order
	Snapshot   string     `json:"snapshot"`
	Formations int        `json:"formations"`     // loaded in this snapshot
	SetAside   int        `json:"rows_set_aside"` // rows of its inputs left out as not digital
}

// Title is the programme's title in French or (lang "en") English.
func (p Programme) Title(lang string) string {
	if lang == "en" && p.TitleEN != "" {
		return p.TitleEN
	}
	if p.TitleFR != "" {
		return p.TitleFR
	}
	return p.ID
}

// GENProgramme describes the GEN label's programme; the catalogue ingest
// records it with the catalogue's files and synthetic flag.
func GENProgramme() Programme {
	return Programme{
		ID: ProgrammeGEN, Kind: "catalogue",
		TitleFR: "Formations labellisées Grande École du Numérique",
		TitleEN: "Courses labelled by the Grande École du Numérique",
		Source:  "Grande École du Numérique, catalogue of labelled formations",
		Licence: "Licence Ouverte 2.0 (Etalab)",
	}
}

var programmeID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidProgrammeID reports whether id can name a programme: lower-case
// letters, digits and single hyphens, at most 64 characters, and not a
// word queries reserve ("all").
func ValidProgrammeID(id string) bool {
	return len(id) <= 64 && programmeID.MatchString(id) && id != ProgrammeAll
}

// ReplaceOffer is what a run that ingests an offer of programme id
// replaces (Batch.CarryOver): that programme's formations, set-aside rows
// and provenance, nothing of the other programmes.
func ReplaceOffer(id string) string { return KindOffer + ":" + id }

// ReplacedProgramme is the programme a CarryOver token replaces: the GEN
// label for "catalogue", id for ReplaceOffer(id); false for other kinds.
func ReplacedProgramme(token string) (string, bool) {
	if token == "catalogue" {
		return ProgrammeGEN, true
	}
	if id, ok := strings.CutPrefix(token, KindOffer+":"); ok && id != "" {
		return id, true
	}
	return "", false
}

// ProgrammeSelection is the programmes a query reads, resolved against a
// snapshot's programmes.
type ProgrammeSelection struct {
	IDs []string // sorted; never empty once resolved
	All bool     // every programme was asked for (programme=all)
	// Synthetic: every programme selected is synthetic; Mixed: some are
	// and some are not (a view mixing the synthetic GEN stand-in with a
	// real programme).
	Synthetic, Mixed bool
}

// SelectProgrammes reads a programme= value: one id, several separated by
// commas, or ProgrammeAll; empty means the GEN label alone, so that what
// the observatory showed before other programmes existed does not move.
// An id the snapshot does not have is an error naming the known ones.
func SelectProgrammes(value string, known []Programme) (ProgrammeSelection, error) {
	var sel ProgrammeSelection
	ids := make([]string, 0, len(known))
	for _, p := range known {
		ids = append(ids, p.ID)
	}
	sort.Strings(ids)
	value = strings.TrimSpace(value)
	switch value {
	case "":
		sel.IDs = []string{ProgrammeGEN}
	case ProgrammeAll:
		sel.IDs, sel.All = ids, true
		if len(ids) == 0 {
			sel.IDs = []string{ProgrammeGEN}
		}
	default:
		for _, v := range strings.Split(value, ",") {
			v = strings.TrimSpace(v)
			if !slices.Contains(ids, v) && !(v == ProgrammeGEN && len(ids) == 0) {
				return sel, ParamError("programme", "programme %q is not one of this snapshot's: %s, or all (several: comma-separated)",
					v, strings.Join(append(ids[:len(ids):len(ids)], ProgrammeAll), ", "))
			}
			if !slices.Contains(sel.IDs, v) {
				sel.IDs = append(sel.IDs, v)
			}
		}
		sort.Strings(sel.IDs)
	}
	syn, real := 0, 0
	for _, p := range known {
		if !slices.Contains(sel.IDs, p.ID) {
			continue
		}
		if p.Synthetic {
			syn++
		} else {
			real++
		}
	}
	sel.Synthetic = syn > 0 && real == 0
	sel.Mixed = syn > 0 && real > 0
	return sel, nil
}

// IsDefault reports whether the selection is the GEN label alone, the
// default: responses then say nothing about programmes.
func (s ProgrammeSelection) IsDefault() bool {
	return !s.All && len(s.IDs) == 1 && s.IDs[0] == ProgrammeGEN
}

// Key names the selection in memo keys and file names: the ids joined by
// "+", or "all".
func (s ProgrammeSelection) Key() string {
	if s.All {
		return ProgrammeAll
	}
	return strings.Join(s.IDs, "+")
}

// Param is the selection as a programme= value ("" for the default).
func (s ProgrammeSelection) Param() string {
	switch {
	case s.IsDefault():
		return ""
	case s.All:
		return ProgrammeAll
	}
	return strings.Join(s.IDs, ",")
}

// SetAside is a row of an offer input left out because the job
// referential does not recognise a digital course in it: not an error
// (the row is fine, it is another trade), so not in quarantine, but kept
// so that every row read is accounted for.
type SetAside struct {
	Programme   string `json:"programme"`
	File        string `json:"file"`
	Sheet       string `json:"sheet,omitempty"`
	Row         int    `json:"row"`
	Title       string `json:"title"`
	Diploma     string `json:"diploma,omitempty"`
	Structure   string `json:"structure,omitempty"`
	CommuneCode string `json:"commune_code,omitempty"`
	Rule        string `json:"rule"`   // the rule that decided (OfferRules id, or RuleROMENotDigital / RuleNoDigitalTerm)
	Reason      string `json:"reason"` // the rule's reason, in English
}

// OfferProgramme describes the programme of an offer ingest from what its
// caller gives (CLI flags, upload parameters): id required (ValidProgrammeID,
// not the GEN label's), titles defaulting to the id, date YYYY-MM-DD (the
// date of the list) optional. Errors are ParamErrors naming the parameter.
func OfferProgramme(id, titleFR, titleEN, source, sourceURL, licence, date string) (Programme, error) {
	id = strings.TrimSpace(id)
	p := Programme{ID: id, Kind: KindOffer, TitleFR: strings.TrimSpace(titleFR), TitleEN: strings.TrimSpace(titleEN),
		Source: strings.TrimSpace(source), SourceURL: strings.TrimSpace(sourceURL), Licence: strings.TrimSpace(licence)}
	switch {
	case id == "":
		return p, ParamError("programme", "an offer needs its programme: a name such as parcoursup-apprentissage-2020")
	case id == ProgrammeGEN:
		return p, ParamError("programme", "programme %q is the GEN label's: its catalogue is ingested as kind catalogue", id)
	case !ValidProgrammeID(id):
		return p, ParamError("programme", "programme %q: use lower-case letters, digits and single hyphens, at most 64 characters, not %q", id, ProgrammeAll)
	}
	if p.TitleFR == "" {
		p.TitleFR = id
	}
	if p.TitleEN == "" {
		p.TitleEN = p.TitleFR
	}
	if p.Licence == "" {
		p.Licence = "not stated"
	}
	if d := strings.TrimSpace(date); d != "" {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil || t.Year() < 2000 || t.Year() > 2100 {
			return p, ParamError("date", "date %q must be the date of the list, YYYY-MM-DD between 2000 and 2100", d)
		}
		p.Date = &t
	}
	return p, nil
}
