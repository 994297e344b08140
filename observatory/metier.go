package observatory

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Code schemes of the digital-jobs referential. A code means nothing
// without its scheme: a few FAP codes exist in both editions with
// different meanings (FAP 2009 M2Z91 is not FAP 2021 M2X91's job).
const (
	SchemeROME4   = "ROME4"
	SchemeROME3   = "ROME3"
	SchemeFAP2009 = "FAP2009"
	SchemeFAP2021 = "FAP2021"
)

// Scope of a code in its family.
const (
	ScopeCore    = "core"    // the code names digital jobs of the family
	ScopePartial = "partial" // the code also covers jobs outside the digital field
)

// How a formation was attached to its family (formations.family_rule).
const (
	RuleROME     = "rome"            // from its ROME codes (the source's family, if any, agrees)
	RuleTitle    = "title"           // from its title (no mapped ROME code; the source agrees, if it gives one)
	RuleSource   = "source"          // the source's family column alone: neither codes nor title say anything
	RuleDisputed = "source-disputed" // the source's family, kept, although codes or title point elsewhere
)

// Metier is one GEN job family of the digital-jobs referential, with the
// codes of each nomenclature that belong to it.
type Metier struct {
	Family        string       `json:"family"`
	Rank          int          `json:"rank"`
	LabelFR       string       `json:"label_fr"`
	LabelEN       string       `json:"label_en"`
	DescriptionFR string       `json:"description_fr"`
	DescriptionEN string       `json:"description_en"`
	ROME          []MetierCode `json:"rome"`
	FAP2009       []MetierCode `json:"fap2009"`
	FAP2021       []MetierCode `json:"fap2021"`
	Sources       []string     `json:"sources"` // ids of MetierSource, every one its codes cite
	Aliases       []string     `json:"aliases"` // names a source may give the family (compared after NormalizeName)
}

// MetierCode is one code of a family, with the evidence for it.
type MetierCode struct {
	Scheme string   `json:"scheme"`
	Code   string   `json:"code"`
	Label  string   `json:"label"`
	Scope  string   `json:"scope"`
	Source []string `json:"source"` // ids of MetierSource
	Note   string   `json:"note,omitempty"`
}

// MetierSource is a document the referential is built from.
type MetierSource struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Producer string `json:"producer"`
	File     string `json:"file"`
	Licence  string `json:"licence"`
	Note     string `json:"note,omitempty"`
}

// TitleRule attaches a formation to Family when its title contains one of
// Keywords. Rules are tried in Rank order and the first match wins, so the
// specific families come before the broad ones.
//
// A keyword is one or more words of a normalised title (lower case, no
// accents, punctuation as spaces, inclusive endings such as "·se" removed);
// a word ending in "*" matches any word it starts ("integrat*" matches
// "integrateur"), other words must match whole ("ia" does not match "social").
type TitleRule struct {
	Rank     int      `json:"rank"`
	Family   string   `json:"family"`
	Keywords []string `json:"keywords"`
	Note     string   `json:"note,omitempty"`
}

// Attachment is how a formation was attached to a family, and what to
// report about it.
type Attachment struct {
	Family string // "" when nothing attaches the formation
	Rule   string // RuleROME, RuleTitle, RuleSource, RuleDisputed, "" when unattached
	// Evidence is the family the ROME codes or the title give, whatever
	// the source says; EvidenceRule is RuleROME or RuleTitle.
	Evidence, EvidenceRule string
	// Note says what is worth reporting: the formation is unattached, the
	// source disagrees, the source's value is unknown, or its ROME codes
	// point to several families. "" when there is nothing to say.
	Note string
}

// Referential is the digital-jobs referential, ready to classify formations.
type Referential struct {
	metiers []Metier
	sources []MetierSource
	rules   []TitleRule
	byCode  map[[2]string]string // (scheme, code) -> family
	names   map[string]string    // normalised id, label or alias -> family
	matches []titleMatcher
}

type titleMatcher struct {
	family string
	res    []*regexp.Regexp
}

// NewReferential checks the referential and indexes it. Every code belongs
// to exactly one family, so a sum over families never counts a code twice.
func NewReferential(ms []Metier, sources []MetierSource, rules []TitleRule) (*Referential, error) {
	r := &Referential{
		metiers: slices.Clone(ms),
		sources: slices.Clone(sources),
		rules:   slices.Clone(rules),
		byCode:  map[[2]string]string{},
		names:   map[string]string{},
	}
	slices.SortStableFunc(r.metiers, func(a, b Metier) int { return a.Rank - b.Rank })
	for i := range r.metiers {
		m := &r.metiers[i] // empty lists, not nil: JSON shows [] for "no FAP code"
		m.ROME, m.FAP2009, m.FAP2021 = nonNil(m.ROME), nonNil(m.FAP2009), nonNil(m.FAP2021)
		m.Sources, m.Aliases = nonNil(slices.Clone(m.Sources)), nonNil(m.Aliases)
		slices.Sort(m.Sources)
	}
	slices.SortStableFunc(r.rules, func(a, b TitleRule) int { return a.Rank - b.Rank })
	srcOK := map[string]bool{}
	for _, s := range sources {
		srcOK[s.ID] = true
	}
	fams := map[string]bool{}
	for _, m := range r.metiers {
		if m.Family == "" || fams[m.Family] {
			return nil, fmt.Errorf("metiers: family %q is empty or given twice", m.Family)
		}
		if m.LabelFR == "" || m.LabelEN == "" {
			return nil, fmt.Errorf("metiers: family %s lacks a French or English label", m.Family)
		}
		fams[m.Family] = true
	}
	name := func(s, fam string) error {
		n := NormalizeName(s)
		if prev, ok := r.names[n]; ok && prev != fam {
			return fmt.Errorf("metiers: name %q would mean both %s and %s", s, prev, fam)
		}
		r.names[n] = fam
		return nil
	}
	for _, m := range r.metiers {
		for _, s := range append([]string{m.Family, m.LabelFR, m.LabelEN}, m.Aliases...) {
			if err := name(s, m.Family); err != nil {
				return nil, err
			}
		}
		for _, list := range [][]MetierCode{m.ROME, m.FAP2009, m.FAP2021} {
			for _, c := range list {
				k := [2]string{c.Scheme, c.Code}
				if prev, ok := r.byCode[k]; ok {
					return nil, fmt.Errorf("metiers: %s %s belongs to both %s and %s", c.Scheme, c.Code, prev, m.Family)
				}
				if c.Scope != ScopeCore && c.Scope != ScopePartial {
					return nil, fmt.Errorf("metiers: %s %s: scope %q is neither %s nor %s", c.Scheme, c.Code, c.Scope, ScopeCore, ScopePartial)
				}
				if len(c.Source) == 0 {
					return nil, fmt.Errorf("metiers: %s %s has no source", c.Scheme, c.Code)
				}
				for _, s := range c.Source {
					if !srcOK[s] {
						return nil, fmt.Errorf("metiers: %s %s cites unknown source %q", c.Scheme, c.Code, s)
					}
				}
				r.byCode[k] = m.Family
			}
		}
	}
	for _, rule := range r.rules {
		if !fams[rule.Family] {
			return nil, fmt.Errorf("metiers: title rule %d names unknown family %q", rule.Rank, rule.Family)
		}
		tm := titleMatcher{family: rule.Family}
		for _, kw := range rule.Keywords {
			re, err := keywordRegexp(kw)
			if err != nil {
				return nil, fmt.Errorf("metiers: title rule %d: %w", rule.Rank, err)
			}
			tm.res = append(tm.res, re)
		}
		r.matches = append(r.matches, tm)
	}
	return r, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// keywordRegexp compiles a keyword to a regexp over a normalised title
// padded with spaces.
func keywordRegexp(kw string) (*regexp.Regexp, error) {
	words := strings.Fields(kw)
	if len(words) == 0 {
		return nil, fmt.Errorf("empty keyword")
	}
	var b strings.Builder
	b.WriteString(" ")
	for i, w := range words {
		if i > 0 {
			b.WriteString(" ")
		}
		stem, prefix := strings.CutSuffix(w, "*")
		if stem == "" || NormalizeName(stem) != stem {
			return nil, fmt.Errorf("keyword %q is not normalised (lower case, no accents, words and spaces)", kw)
		}
		b.WriteString(regexp.QuoteMeta(stem))
		if prefix {
			b.WriteString(`[a-z0-9]*`)
		}
	}
	b.WriteString(" ")
	return regexp.Compile(b.String())
}

// Metiers returns the families in rank order.
func (r *Referential) Metiers() []Metier { return slices.Clone(r.metiers) }

// Sources returns the documents the referential cites.
func (r *Referential) Sources() []MetierSource { return slices.Clone(r.sources) }

// TitleRules returns the title rules in the order they are tried.
func (r *Referential) TitleRules() []TitleRule { return slices.Clone(r.rules) }

// Families returns the family ids in rank order.
func (r *Referential) Families() []string {
	out := make([]string, len(r.metiers))
	for i, m := range r.metiers {
		out[i] = m.Family
	}
	return out
}

// Label is a family's label in French or (lang "en") English; the id for
// a family the referential does not know.
func (r *Referential) Label(family, lang string) string {
	for _, m := range r.metiers {
		if m.Family == family {
			if lang == "en" {
				return m.LabelEN
			}
			return m.LabelFR
		}
	}
	return family
}

// HasCodes reports whether a family has codes of the scheme (FAP2009,
// FAP2021, ROME4): integration, for one, has no FAP code.
func (r *Referential) HasCodes(family, scheme string) bool {
	for _, m := range r.metiers {
		if m.Family != family {
			continue
		}
		switch scheme {
		case SchemeFAP2009:
			return len(m.FAP2009) > 0
		case SchemeFAP2021:
			return len(m.FAP2021) > 0
		default:
			return slices.ContainsFunc(m.ROME, func(c MetierCode) bool { return c.Scheme == scheme })
		}
	}
	return false
}

// FamilyOf returns the family a code belongs to.
func (r *Referential) FamilyOf(scheme, code string) (string, bool) {
	f, ok := r.byCode[[2]string{scheme, strings.ToUpper(strings.TrimSpace(code))}]
	return f, ok
}

// NormalizeFamily reads a family as a source may write it: the id
// ("gestion-de-projet"), the French or English label, or a known alias
// ("Data", "Cybersécurité"), compared after NormalizeName. Only exact
// matches count; anything else is unknown.
func (r *Referential) NormalizeFamily(s string) (string, bool) {
	f, ok := r.names[NormalizeName(s)]
	return f, ok
}

// inclusiveEnding matches French inclusive-writing endings ("·se",
// "·rice", "(e)", "(ne)") so that "Chef·fe de projet" reads "Chef de projet".
var inclusiveEnding = regexp.MustCompile(`[·•⋅‧]\pL+|\(\pL{1,5}\)`)

// NormalizeTitle folds a formation title for the title rules.
func NormalizeTitle(title string) string {
	return NormalizeName(inclusiveEnding.ReplaceAllString(title, ""))
}

// TitleFamily applies the title rules: the family of the first rule with
// a matching keyword.
func (r *Referential) TitleFamily(title string) (string, bool) {
	t := " " + NormalizeTitle(title) + " "
	if strings.TrimSpace(t) == "" {
		return "", false
	}
	for _, m := range r.matches {
		for _, re := range m.res {
			if re.MatchString(t) {
				return m.family, true
			}
		}
	}
	return "", false
}

// Classify attaches a formation to a family from its title, its ROME codes
// and the family its source gives (any of them may be empty).
//
//  1. ROME codes first. Each code belongs to at most one family; codes
//     the referential does not map are ignored. When the codes point to
//     several families, the title's family wins if it is one of them, then
//     the source's, then the family of the first code listed (publishers
//     list the main code first), and the choice is noted.
//  2. Otherwise the title rules.
//  3. A family given by the source is normalised and kept. If the
//     evidence of 1–2 agrees, the rule is that evidence's (rome or title);
//     if it disagrees, the rule is source-disputed and a note says so; if
//     there is no evidence, the rule is source. An unknown value is noted
//     and ignored.
//  4. Nothing attaches the formation: family "", rule "", and a note.
func (r *Referential) Classify(title string, rome []string, given string) Attachment {
	var a Attachment
	var notes []string
	givenFam, givenOK := "", false
	if g := strings.TrimSpace(given); g != "" {
		if givenFam, givenOK = r.NormalizeFamily(g); !givenOK {
			notes = append(notes, fmt.Sprintf("the source's family %q is not a known job family; ignored", g))
		}
	}
	titleFam, titleOK := r.TitleFamily(title)

	var cands []string
	codesOf := map[string][]string{}
	for _, c := range rome {
		if f, ok := r.FamilyOf(SchemeROME4, c); ok {
			if len(codesOf[f]) == 0 {
				cands = append(cands, f)
			}
			codesOf[f] = append(codesOf[f], strings.ToUpper(strings.TrimSpace(c)))
		}
	}
	switch {
	case len(cands) == 1:
		a.Evidence, a.EvidenceRule = cands[0], RuleROME
	case len(cands) > 1:
		a.EvidenceRule = RuleROME
		switch {
		case titleOK && slices.Contains(cands, titleFam):
			a.Evidence = titleFam
		case givenOK && slices.Contains(cands, givenFam):
			a.Evidence = givenFam
		default:
			a.Evidence = cands[0]
			parts := make([]string, len(cands))
			for i, f := range cands {
				parts[i] = f + " (" + strings.Join(codesOf[f], ", ") + ")"
			}
			notes = append(notes, fmt.Sprintf("ROME codes point to several families: %s; kept %s, the family of the first code listed",
				strings.Join(parts, ", "), a.Evidence))
		}
	case titleOK:
		a.Evidence, a.EvidenceRule = titleFam, RuleTitle
	}

	switch {
	case givenOK && a.Evidence == "":
		a.Family, a.Rule = givenFam, RuleSource
	case givenOK && a.Evidence == givenFam:
		a.Family, a.Rule = givenFam, a.EvidenceRule
	case givenOK:
		a.Family, a.Rule = givenFam, RuleDisputed
		notes = append(notes, fmt.Sprintf("the source says %s but the %s %s; kept the source's family",
			givenFam, map[string]string{RuleROME: "ROME codes say", RuleTitle: "title says"}[a.EvidenceRule], a.Evidence))
	case a.Evidence != "":
		a.Family, a.Rule = a.Evidence, a.EvidenceRule
	default:
		notes = append(notes, "no job family: no ROME code of the referential, no title rule matches, no family given")
	}
	a.Note = strings.Join(notes, "; ")
	return a
}

// MetierCounts are the formations of the current snapshot attached to a
// family, by how they were attached.
type MetierCounts struct {
	Attached int `json:"attached"`
	ByROME   int `json:"by_rome"`
	ByTitle  int `json:"by_title"`
	BySource int `json:"by_source"`
	Disputed int `json:"source_disputed"`
}

// MetierService reads the referential a snapshot was built with, and how
// the snapshot's formations are attached to it.
type MetierService interface {
	// Referential returns the families (rank order), with their codes,
	// and the sources and title rules, as stored in the snapshot.
	Referential(ctx context.Context) (*MetierSnapshot, error)
}

// MetierSnapshot is the referential of a snapshot with its formation counts.
type MetierSnapshot struct {
	Metiers    []Metier                `json:"metiers"`
	Sources    []MetierSource          `json:"sources"`
	TitleRules []TitleRule             `json:"title_rules"`
	Counts     map[string]MetierCounts `json:"counts"`     // by family
	Unattached int                     `json:"unattached"` // formations with no family
	Formations int                     `json:"formations"` // all formations
	Synthetic  bool                    `json:"synthetic"`  // the counts come from a synthetic catalogue
	// ByProgramme holds the same counts for each programme's formations;
	// the fields above add up every programme. Select keeps some.
	ByProgramme map[string]MetierProgrammeCounts `json:"by_programme,omitempty"`
}

// MetierProgrammeCounts are one programme's formations by family.
type MetierProgrammeCounts struct {
	Counts     map[string]MetierCounts `json:"counts"`
	Unattached int                     `json:"unattached"`
	Formations int                     `json:"formations"`
	Synthetic  bool                    `json:"synthetic"`
}

// Select returns the snapshot with its counts over the formations of the
// given programmes only (all of them when ids is empty).
func (m *MetierSnapshot) Select(ids []string) *MetierSnapshot {
	if len(ids) == 0 || m.ByProgramme == nil {
		return m
	}
	out := *m
	out.Counts, out.Unattached, out.Formations, out.Synthetic = map[string]MetierCounts{}, 0, 0, false
	for _, id := range ids {
		pc, ok := m.ByProgramme[id]
		if !ok {
			continue
		}
		out.Unattached += pc.Unattached
		out.Formations += pc.Formations
		out.Synthetic = out.Synthetic || pc.Synthetic
		for fam, c := range pc.Counts {
			t := out.Counts[fam]
			t.Attached += c.Attached
			t.ByROME += c.ByROME
			t.ByTitle += c.ByTitle
			t.BySource += c.BySource
			t.Disputed += c.Disputed
			out.Counts[fam] = t
		}
	}
	return &out
}
