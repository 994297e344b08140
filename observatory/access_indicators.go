package observatory

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
)

// accessFacts is every commune's access to a selection of the offer.
type accessFacts struct {
	communes []CommuneAccess
	guessed  int     // formations counted at the median seats
	points   int     // formations with a position
	median   float64 // the seats a formation that gives none counts for
	// at is where each commune's formations are (the point SupplyOf
	// groups them at), by commune code.
	at map[string]orb.Point

	// by is the communes' access summed by territory, per level: the
	// facts are shared by every request of the snapshot, so each level is
	// summed once.
	mu sync.Mutex
	by map[Level]map[string]TerritoryAccess
}

// byLevel is the access of the territories of a level.
func (af *accessFacts) byLevel(g *Gazetteer, l Level) map[string]TerritoryAccess {
	af.mu.Lock()
	defer af.mu.Unlock()
	if t, ok := af.by[l]; ok {
		return t
	}
	if af.by == nil {
		af.by = map[Level]map[string]TerritoryAccess{}
	}
	t := AccessBy(g, l, af.communes)
	af.by[l] = t
	return t
}

// communeAccess computes every commune's access to the formations of q,
// once per snapshot and selection (the level does not matter).
func (s Indicators) communeAccess(ctx context.Context, q FactQuery) (*accessFacts, error) {
	key := fmt.Sprintf("access|%s|%s|%s|%s", q.At.Format(time.DateOnly), q.View, q.Family, programmeKey(q.Programmes))
	v, err := s.memo(ctx, key, func() (any, error) {
		all := q
		all.Level = LevelDepartement
		sf, err := s.Facts.SupplyFacts(ctx, all)
		if err != nil {
			return nil, err
		}
		lands, err := s.Geo.Landmasses()
		if err != nil {
			lands = &Landmasses{} // no outlines: distances are not told apart by land
		}
		at := map[string]orb.Point{}
		for _, sp := range sf.Supply {
			if sp.Commune != "" {
				at[sp.Commune] = sp.Point
			}
		}
		return &accessFacts{communes: Access(s.Geo, lands, sf.Supply), guessed: sf.Guessed, points: sf.Points, median: sf.Median, at: at}, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*accessFacts), nil
}

// programmeKey names a selection of programmes in memo keys, whatever
// their order; "" is every programme.
func programmeKey(progs []string) string {
	s := slices.Clone(progs)
	slices.Sort(s)
	return strings.Join(s, "+")
}

// access computes the indicators of access to the offer: distance to the
// nearest formation, inhabitants beyond 30 and 60 km, E2SFCA. The
// explanations are written only when asked for (explain): at commune
// level their sentences were a third of a first answer that drops them.
func (s Indicators) access(ctx context.Context, ind Indicator, q FactQuery, explain bool) ([]Value, error) {
	af, err := s.communeAccess(ctx, q)
	if err != nil {
		return nil, err
	}
	by := af.byLevel(s.Geo, q.Level)
	ts := s.Geo.Territories(q.Level)
	out := make([]Value, len(ts))
	en, fr := offerPhrase(q, "en"), offerPhrase(q, "fr")
	for i, t := range ts {
		v := Value{Code: t.Code, Name: t.Name}
		a, ok := by[t.Code]
		if explain {
			v.Explain = explainAccess(ind, q, t, a, en, fr)
		}
		if !ok || a.Population == 0 {
			v.null(ReasonNotApplicable, "no formation "+en+" within reach (none in this overseas département)",
				"aucune formation "+fr+" à portée (aucune dans ce département d'outre-mer)")
			out[i] = v
			continue
		}
		switch ind.ID {
		case IndDistance:
			v.Value = num(a.MeanKm)
		case IndBeyond30:
			v.Value = num(float64(a.Beyond30))
		case IndBeyond60:
			v.Value = num(float64(a.Beyond60))
		case IndAccess:
			v.Value = num(a.Accessibility)
			if af.guessed > 0 {
				v.Note = join(v.Note, fmt.Sprintf("%d of %d formations give no seats and count at the median", af.guessed, af.points))
				v.NoteFR = join(v.NoteFR, fmt.Sprintf("%d formations sur %d ne donnent pas leurs places et comptent pour la médiane", af.guessed, af.points))
			}
		}
		if a.OverSea > 0 {
			v.flag(FlagOverSea)
			v.Note = join(v.Note, fmt.Sprintf("%s inhabitants have their nearest formation across the sea", FormatNumber(float64(a.OverSea), "en")))
			v.NoteFR = join(v.NoteFR, fmt.Sprintf("%s habitants ont leur formation la plus proche par-delà la mer", FormatNumber(float64(a.OverSea), "fr")))
		}
		out[i] = v
	}
	return out, nil
}

// explainAccess is how an access value of territory t was computed.
func explainAccess(ind Indicator, q FactQuery, t Territory, a TerritoryAccess, en, fr string) *Explain {
	ex := &Explain{Formula: ind.Formula, Rows: a.Communes, RowsOf: "communes", DrillDown: communeDrill(ind.ID, q, t.Code)}
	if a.Population == 0 {
		return ex
	}
	pop := float64(a.Population)
	switch ind.ID {
	case IndDistance:
		ex.Numerator, ex.Denominator = num(a.MeanKm*pop), num(pop)
		ex.SentenceEN = fmt.Sprintf("%s: on average %s km to the nearest formation %s, over the %s inhabitants of %s", t.Name,
			FormatNumber(a.MeanKm, "en"), en, FormatNumber(pop, "en"), Count(float64(a.Communes), "en", "commune", "communes"))
		ex.SentenceFR = fmt.Sprintf("%s : en moyenne %s km jusqu'à la formation la plus proche (%s), pour les %s habitants de %s", t.Name,
			FormatNumber(a.MeanKm, "fr"), fr, FormatNumber(pop, "fr"), Count(float64(a.Communes), "fr", "commune", "communes"))
	case IndBeyond30, IndBeyond60:
		n, km := a.Beyond30, 30
		if ind.ID == IndBeyond60 {
			n, km = a.Beyond60, 60
		}
		ex.Numerator, ex.Denominator = num(float64(n)), num(pop)
		ex.SentenceEN = fmt.Sprintf("%s: %s of its %s inhabitants live more than %d km from a formation %s", t.Name,
			FormatNumber(float64(n), "en"), FormatNumber(pop, "en"), km, en)
		ex.SentenceFR = fmt.Sprintf("%s : %s de ses %s habitants vivent à plus de %d km d'une formation %s", t.Name,
			FormatNumber(float64(n), "fr"), FormatNumber(pop, "fr"), km, fr)
	case IndAccess:
		ex.Numerator, ex.Denominator = num(a.Accessibility*pop), num(pop)
		ex.SentenceEN = fmt.Sprintf("%s: %s seats per 100,000 inhabitants within reach (E2SFCA, 60 km), formations %s", t.Name,
			FormatNumber(a.Accessibility, "en"), en)
		ex.SentenceFR = fmt.Sprintf("%s : %s places pour 100 000 habitants à portée (E2SFCA, 60 km), formations %s", t.Name,
			FormatNumber(a.Accessibility, "fr"), fr)
	}
	return ex
}
