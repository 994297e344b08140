package duckdb

import (
	"context"
	"database/sql/driver"
	"iter"
	"time"

	"github.com/gen-numerique/observatory/observatory"
)

// formationLoadCols are the columns AppendFormations fills, in its order.
var formationLoadCols = []string{"id", "title", "structure", "postcode", "commune_code", "commune", "departement", "region",
	"lat", "lon", "rome", "family", "duration_months", "labelled_on", "wave", "label_end",
	"seats", "sessions", "learners", "women", "low_qualified", "qpv", "synthetic", "source", "source_row",
	"family_rule", "family_given", "family_note", "wave_rule", "bassin", "programme",
	"structure_id", "diploma", "listed_on", "point_rule"}

// AppendFormations loads catalogue rows into the snapshot being built.
func (b *Builder) AppendFormations(ctx context.Context, fs []observatory.Formation) error {
	return b.AppendColumns(ctx, "formations", formationLoadCols, len(fs), func(i int) []driver.Value { return formationValues(&fs[i]) })
}

// StreamFormations streams catalogue rows into formations through one
// Appender, which flushes every data chunk itself: neither side holds the
// whole catalogue.
func (b *Builder) StreamFormations(ctx context.Context, rows iter.Seq2[*observatory.Formation, error]) (int, error) {
	return b.appendStream(ctx, "formations", formationLoadCols, func(yield func([]driver.Value, error) bool) {
		for f, err := range rows {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(formationValues(f), nil) {
				return
			}
		}
	})
}

// formationValues are a formation's values in the order of
// formationLoadCols.
func formationValues(f *observatory.Formation) []driver.Value {
	rome := f.ROME
	if rome == nil {
		rome = []string{}
	}
	return []driver.Value{
		f.ID, f.Title, f.Structure, nullString(f.Postcode), nullString(f.CommuneCode), nullString(f.Commune),
		f.Departement, f.Region, ptr(f.Lat), ptr(f.Lon), rome, nullString(f.Family),
		ptr(f.DurationMonths), date(f.LabelledOn), ptr32(f.Wave), date(f.LabelEnd),
		ptr32(f.Seats), ptr32(f.Sessions), ptr32(f.Learners), ptr32(f.Women), ptr32(f.LowQualified), ptr32(f.QPV),
		f.Synthetic, f.Source, int32(f.SourceRow),
		nullString(f.FamilyRule), nullString(f.FamilyGiven), nullString(f.FamilyNote), // 007_metiers_more.sql
		nullString(f.WaveRule),                       // 008_catalogue_concepts.sql
		nullString(f.Bassin), programme(f.Programme), // 009_places.sql (commit sets the bassin of older rows)
		nullString(f.StructureID), nullString(f.Diploma), date(f.ListedOn), nullString(f.PointRule), // 010_programmes.sql
	}
}

func ptr(p *float64) driver.Value {
	if p == nil {
		return nil
	}
	return *p
}

func ptr32(p *int) driver.Value {
	if p == nil {
		return nil
	}
	return int32(*p)
}

func date(t *time.Time) driver.Value {
	if t == nil {
		return nil
	}
	return *t
}

// programme is the programme a formation is stored under: the GEN label
// unless the ingest says otherwise.
func programme(p string) string {
	if p == "" {
		return observatory.ProgrammeGEN
	}
	return p
}
