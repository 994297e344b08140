package datasets

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/gen-numerique/observatory/observatory"
)

// The digital-jobs referential ("cartographie de référence des métiers du
// numérique"), kept as readable CSV so that every mapping can be reviewed
// with its source; metiers/README.md explains the files and the rules.
//
//go:embed metiers/*.csv
var metierFiles embed.FS

// MetierFiles returns the referential's CSV files, at the root of the FS.
func MetierFiles() fs.FS {
	sub, err := fs.Sub(metierFiles, "metiers")
	if err != nil {
		panic(err) // "metiers" is a constant, valid path
	}
	return sub
}

// Metiers parses and checks the embedded referential: call it once and
// share the result, which is immutable.
func Metiers() (*observatory.Referential, error) { return LoadMetiers(MetierFiles()) }

// MetierExclusion is a code considered for the referential and left out on
// purpose, with the reason (metiers/excluded.csv).
type MetierExclusion struct {
	Scheme, Code, Label, Reason string
}

// MetierExclusions returns the codes left out of the referential on purpose.
func MetierExclusions() ([]MetierExclusion, error) {
	rows, err := metierCSV(MetierFiles(), "excluded.csv", "scheme,code,label,reason")
	if err != nil {
		return nil, err
	}
	out := make([]MetierExclusion, len(rows))
	for i, r := range rows {
		out[i] = MetierExclusion{Scheme: r[0], Code: r[1], Label: r[2], Reason: r[3]}
	}
	return out, nil
}

// LoadMetiers reads a referential from families.csv, codes.csv,
// sources.csv and title-rules.csv in fsys.
func LoadMetiers(fsys fs.FS) (*observatory.Referential, error) {
	fams, err := metierCSV(fsys, "families.csv", "family,rank,label_fr,label_en,description_fr,description_en,aliases")
	if err != nil {
		return nil, err
	}
	ms := make([]observatory.Metier, len(fams))
	idx := map[string]int{}
	for i, r := range fams {
		rank, err := strconv.Atoi(r[1])
		if err != nil {
			return nil, fmt.Errorf("metiers: families.csv, %s: rank %q is not a number", r[0], r[1])
		}
		ms[i] = observatory.Metier{Family: r[0], Rank: rank, LabelFR: r[2], LabelEN: r[3],
			DescriptionFR: r[4], DescriptionEN: r[5], Aliases: splitList(r[6])}
		idx[r[0]] = i
	}
	codes, err := metierCSV(fsys, "codes.csv", "family,scheme,code,label,scope,source,note")
	if err != nil {
		return nil, err
	}
	for n, r := range codes {
		i, ok := idx[r[0]]
		if !ok {
			return nil, fmt.Errorf("metiers: codes.csv row %d: unknown family %q", n+2, r[0])
		}
		c := observatory.MetierCode{Scheme: r[1], Code: r[2], Label: r[3], Scope: r[4], Source: splitList(r[5]), Note: r[6]}
		m := &ms[i]
		switch c.Scheme {
		case observatory.SchemeROME4, observatory.SchemeROME3:
			m.ROME = append(m.ROME, c)
		case observatory.SchemeFAP2009:
			m.FAP2009 = append(m.FAP2009, c)
		case observatory.SchemeFAP2021:
			m.FAP2021 = append(m.FAP2021, c)
		default:
			return nil, fmt.Errorf("metiers: codes.csv row %d: unknown scheme %q", n+2, c.Scheme)
		}
		for _, s := range c.Source {
			if !contains(m.Sources, s) {
				m.Sources = append(m.Sources, s)
			}
		}
	}
	srcRows, err := metierCSV(fsys, "sources.csv", "id,title,producer,file,licence,note")
	if err != nil {
		return nil, err
	}
	sources := make([]observatory.MetierSource, len(srcRows))
	for i, r := range srcRows {
		sources[i] = observatory.MetierSource{ID: r[0], Title: r[1], Producer: r[2], File: r[3], Licence: r[4], Note: r[5]}
	}
	ruleRows, err := metierCSV(fsys, "title-rules.csv", "rank,family,keywords,note")
	if err != nil {
		return nil, err
	}
	rules := make([]observatory.TitleRule, len(ruleRows))
	for i, r := range ruleRows {
		rank, err := strconv.Atoi(r[0])
		if err != nil {
			return nil, fmt.Errorf("metiers: title-rules.csv row %d: rank %q is not a number", i+2, r[0])
		}
		rules[i] = observatory.TitleRule{Rank: rank, Family: r[1], Keywords: splitList(r[2]), Note: r[3]}
	}
	return observatory.NewReferential(ms, sources, rules)
}

// metierCSV reads one of the referential's files, checks its header and
// returns the data rows, every one with the header's number of fields.
func metierCSV(fsys fs.FS, name, header string) ([][]string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("metiers: %w", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("metiers: %s: %w", name, err)
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != header {
		return nil, fmt.Errorf("metiers: %s: header is not %q", name, header)
	}
	return rows[1:], nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
