package observatory

import (
	"strconv"
	"strings"
	"time"
)

// Explain says how a value was computed, from which rows, so anyone can
// check it: the formula with its numbers, the filters, the snapshot, the
// input rows behind it and where to list them, and one sentence.
type Explain struct {
	Formula     string            `json:"formula"`
	Numerator   *float64          `json:"numerator"`
	Denominator *float64          `json:"denominator,omitempty"`
	Filters     map[string]string `json:"filters"`
	Snapshot    string            `json:"snapshot"`
	Rows        int               `json:"rows"` // input rows behind the value: formations, BMO cells, communes
	RowsOf      string            `json:"rows_of"`
	// DrillDown lists exactly those rows; the API turns it into a URL.
	DrillDown  DrillDown `json:"-"`
	URL        string    `json:"drilldown,omitempty"`
	SentenceFR string    `json:"sentence_fr"`
	SentenceEN string    `json:"sentence_en"`
}

// DrillDown names the rows behind a value: a list (formations or BMO
// cells) and its filters.
type DrillDown struct {
	List   string            // DrillFormations or DrillJobDemandCells
	Params map[string]string // the list's query parameters
}

// The lists a drill-down points to.
const (
	DrillFormations     = "formations"
	DrillJobDemandCells = "job-demand-cells"
	// DrillCommunes lists the same indicator for the territory's communes,
	// whose numerators add up to the territory's (access indicators).
	DrillCommunes = "communes"
)

// filters are the query's filters as the response states them.
func filters(q IndicatorQuery, w when) map[string]string {
	f := map[string]string{"level": string(q.Level), "view": q.View}
	if !w.at.IsZero() {
		f["at"] = w.at.Format(time.DateOnly)
	}
	if q.Family != "" {
		f["family"] = q.Family
	}
	if q.Wave != 0 {
		f["wave"] = strconv.Itoa(q.Wave)
	}
	if q.Year != 0 {
		f["year"] = strconv.Itoa(q.Year)
	}
	if v := programmeParam(q.Programmes); v != "" {
		f["programme"] = v
	}
	return f
}

// programmeParam is a selection of programmes as the API's programme=
// value: "" for the GEN label alone (the default), "all" for none (every
// programme), else the ids comma-separated.
func programmeParam(progs []string) string {
	switch {
	case len(progs) == 0:
		return ProgrammeAll
	case len(progs) == 1 && progs[0] == ProgrammeGEN:
		return ""
	}
	return strings.Join(progs, ",")
}

// offerDrill lists the formations a catalogue figure counts: those of the
// territory in the view at the date, of the family when one is asked.
func offerDrill(q FactQuery, code string) DrillDown {
	p := map[string]string{string(q.Level): code, "at": q.At.Format(time.DateOnly), "view": q.View}
	if q.Family != "" {
		p["family"] = q.Family
	}
	if v := programmeParam(q.Programmes); v != "" {
		p["programme"] = v
	}
	return DrillDown{List: DrillFormations, Params: p}
}

// communeDrill lists the indicator's values for the communes of the
// territory, at the same date, view and family.
func communeDrill(ind string, q FactQuery, code string) DrillDown {
	p := map[string]string{"indicator": ind, "within": string(q.Level) + ":" + code, "at": q.At.Format(time.DateOnly), "view": q.View}
	if q.Family != "" {
		p["family"] = q.Family
	}
	if v := programmeParam(q.Programmes); v != "" {
		p["programme"] = v
	}
	return DrillDown{List: DrillCommunes, Params: p}
}

// demandDrill lists the BMO cells a demand figure adds up: the survey's
// digital cells of the territory (of the family when one is asked).
func demandDrill(q FactQuery, code string) DrillDown {
	p := map[string]string{"year": strconv.Itoa(q.Year), "level": string(q.Level), "code": code, "digital": "true"}
	if q.Family != "" {
		p["family"] = q.Family
	}
	return DrillDown{List: DrillJobDemandCells, Params: p}
}
