package observatory

import (
	"fmt"
	"regexp"
	"strings"
)

// OfferRule decides whether a row of a training-offer list (another
// programme than the GEN label) is a digital course. Rules are tried in
// order on the course title and the diploma type, folded by
// NormalizeTitle; the first that matches decides. docs/programmes.md is
// this table (TestOfferRulesDoc keeps them equal).
type OfferRule struct {
	ID string
	// Digital: the row is a digital course, loaded under Family;
	// otherwise it is set aside with Reason.
	Digital bool
	Family  string
	// ByTitleRules: the family is the one the referential's title rules
	// give for the title, Family only when they give none (the generic
	// rule, whose keywords name no family).
	ByTitleRules bool
	// Title: keywords, any of which must be in the title (whole words; a
	// trailing * matches any ending, as in the referential's title rules).
	Title []string
	// Diploma: keywords one of which the diploma type must contain; none:
	// any diploma.
	Diploma []string
	Reason  string // why, in English: shown with every row the rule decides
}

// Rules of ClassifyOffer that are not in OfferRules.
const (
	// RuleROMENotDigital: the row gives ROME codes and none is in the
	// referential.
	RuleROMENotDigital = "rome-not-digital"
	// RuleNoDigitalTerm: no ROME code and no rule recognises a digital
	// course in the title.
	RuleNoDigitalTerm = "no-digital-term"
	// RuleNoTitle: a row without a title cannot be classified; it is
	// quarantined, not set aside.
	RuleNoTitle = "no-title"
)

// OfferRules are the title rules of the offer ingest, in the order they
// are tried. Exclusions come first: titles that name a digital word but
// teach another trade. Then the digital courses, most specific first.
var OfferRules = []OfferRule{
	// Set aside: another trade, whatever digital word the title uses.
	{ID: "sales", Title: []string{"relation client*", "performance commerciale", "marketing et vente", "developpement marketing"},
		Reason: "a sales or marketing diploma: digital tools are one of its channels, not its trade (BTS Négociation et digitalisation de la relation client…)"},
	{ID: "industrial-computing", Title: []string{"informatique industrielle", "numeriques industriels"},
		Reason: "industrial automation and electrical engineering (DUT GEII…): the referential has no family for it"},
	{ID: "electronics", Title: []string{"electronique et communication"},
		Reason: "electronics technicians (BTS Systèmes numériques, option électronique et communication): the referential has no family for it"},
	{ID: "building-automation", Title: []string{"domotique", "maison connectee", "batiment* communicant*"},
		Reason: "building trades: heating, cooling, home and building automation (BTS Fluide, énergie, domotique…)"},
	{ID: "surveying", Title: []string{"geometre*", "topograph*"},
		Reason: "surveying: digital modelling of land and buildings"},
	{ID: "audiovisual", Title: []string{"audio visuel", "audiovisuel*"},
		Reason: "audiovisual production and its equipment"},

	// Digital courses.
	{ID: "sio", Digital: true, Family: "developpement", Title: []string{"services informatiques aux organisations"},
		Reason: "BTS Services informatiques aux organisations: options SLAM (development) and SISR (infrastructure); the title does not say which, so the broad family"},
	{ID: "sn-ir", Digital: true, Family: "infrastructure-support", Title: []string{"option informatique et reseaux"},
		Reason: "BTS Systèmes numériques, option informatique et réseaux: networks and systems"},
	{ID: "networks", Digital: true, Family: "infrastructure-support",
		Title: []string{"reseaux et telecom*", "systemes et reseaux", "reseaux et securite", "administrat* systeme*", "administrat* reseau*",
			"reseaux informatique*", "tssr"},
		Reason: "networks, telecommunications and systems administration"},
	{ID: "information-systems", Digital: true, Family: "infrastructure-support", Title: []string{"systemes d information"},
		Reason: "information systems"},
	{ID: "multimedia-internet", Digital: true, Family: "integration", Title: []string{"multimedia et de l internet", "multimedia et internet"},
		Reason: "DUT Métiers du multimédia et de l'internet: web production and integration"},
	{ID: "digital-design", Digital: true, Family: "design", Diploma: []string{"dn made"}, Title: []string{"numerique*", "motion design*"},
		Reason: "DN MADE, mention Numérique or motion design: design of digital interfaces and media"},
	{ID: "ux-design", Digital: true, Family: "design", Title: []string{"ux", "ui", "ux design*", "webdesign*", "web design*"},
		Reason: "web, UX and UI design"},
	{ID: "software", Digital: true, Family: "developpement", ByTitleRules: true,
		Title: []string{"informatique*", "informaticien*", "developpeur*", "developpeuse*", "developpement d application*",
			"developpement application*", "developpement web", "developpement logiciel*", "developpement informatique", "logiciel*",
			"programmation", "web", "webmaster*", "internet", "intranet", "integrateur web", "media* interactif*", "multimedia",
			"cyber*", "securite informatique", "data", "donnees", "intelligence artificielle", "cloud", "devops", "numerique*", "digital"},
		Reason: "a digital trade named in the title; the referential's title rules give the family, development when they give none"},
}

// offerMatcher is OfferRules compiled.
type offerMatcher struct {
	rule    OfferRule
	title   []*regexp.Regexp
	diploma []*regexp.Regexp
}

var offerMatchers = mustCompileOfferRules(OfferRules)

func mustCompileOfferRules(rules []OfferRule) []offerMatcher {
	out := make([]offerMatcher, len(rules))
	for i, r := range rules {
		out[i].rule = r
		for _, kw := range r.Title {
			out[i].title = append(out[i].title, mustKeyword(r.ID, kw))
		}
		for _, kw := range r.Diploma {
			out[i].diploma = append(out[i].diploma, mustKeyword(r.ID, kw))
		}
	}
	return out
}

func mustKeyword(id, kw string) *regexp.Regexp {
	re, err := keywordRegexp(kw)
	if err != nil {
		panic(fmt.Sprintf("offer rule %s: %v", id, err))
	}
	return re
}

func anyMatch(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// OfferClass is what ClassifyOffer decides for one row.
type OfferClass struct {
	Digital    bool
	Family     string // the GEN job family, when Digital
	FamilyRule string // RuleROME or RuleTitle, when Digital
	Rule       string // the rule that decided: an OfferRules id, RuleROMENotDigital or RuleNoDigitalTerm
	Reason     string // the rule's reason
	Note       string // what is worth reporting beyond the rule (ROME codes of several families…)
}

// ClassifyOffer decides whether a row of a training-offer list is a digital
// course, and its job family.
//
//  1. ROME codes, when the row gives some: digital when one is in the
//     referential, with the family Classify gives; set aside
//     (RuleROMENotDigital) when none is.
//  2. Otherwise OfferRules, in order, on the title and diploma type. A
//     digital rule gives its family; the generic one (ByTitleRules)
//     asks the referential's title rules first.
//  3. No rule matches: set aside (RuleNoDigitalTerm).
func (r *Referential) ClassifyOffer(title, diploma string, rome []string) OfferClass {
	if len(rome) > 0 {
		a := r.Classify(title, rome, "")
		if a.Rule == RuleROME {
			return OfferClass{Digital: true, Family: a.Family, FamilyRule: RuleROME, Rule: RuleROME,
				Reason: "a ROME code of the referential", Note: a.Note}
		}
		return OfferClass{Rule: RuleROMENotDigital, Reason: "its ROME codes (" + strings.Join(rome, ", ") + ") are not in the referential of digital jobs"}
	}
	t := " " + NormalizeTitle(title) + " "
	d := " " + NormalizeTitle(diploma) + " "
	for _, m := range offerMatchers {
		if !anyMatch(m.title, t) || len(m.diploma) > 0 && !anyMatch(m.diploma, d) {
			continue
		}
		c := OfferClass{Digital: m.rule.Digital, Rule: m.rule.ID, Reason: m.rule.Reason}
		if c.Digital {
			c.Family, c.FamilyRule = m.rule.Family, RuleTitle
			if f, ok := r.TitleFamily(title); ok && m.rule.ByTitleRules {
				c.Family = f
			}
		}
		return c
	}
	return OfferClass{Rule: RuleNoDigitalTerm, Reason: "no ROME code, and no rule recognises a digital course in the title"}
}
