package export

import (
	"encoding/json"
	"io"
	"time"
)

// WriteGeoJSON streams t as a GeoJSON FeatureCollection (RFC 7946) of
// points taken from t.Point's columns; a row without coordinates gets a
// null geometry, so the count of features is the count of rows. The
// collection carries the dataset's name, snapshot, licence, synthetic
// flag and permalink as foreign members, which GIS tools ignore and people
// read.
func WriteGeoJSON(w io.Writer, t Table, m Meta) error {
	head := struct {
		Type      string `json:"type"`
		Name      string `json:"name"`
		Snapshot  string `json:"snapshot"`
		Licence   string `json:"licence"`
		Synthetic bool   `json:"synthetic"`
		Notice    string `json:"notice,omitempty"`
		Permalink string `json:"permalink,omitempty"`
	}{"FeatureCollection", m.Dataset.Name, m.Snapshot, m.Dataset.Licence.URL, m.Synthetic, m.Notice, m.URL}
	b, err := json.Marshal(head)
	if err != nil {
		return err
	}
	// Reopen the object to append the features array.
	if _, err := w.Write(b[:len(b)-1]); err != nil {
		return err
	}
	if _, err := io.WriteString(w, `,"features":[`); err != nil {
		return err
	}
	lon, lat, id := t.Index(t.Point.Lon), t.Index(t.Point.Lat), t.Index("id")
	cols := t.Cols()
	var buf []any
	n := 0
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	err = t.Each(func(row []any) error {
		f := feature{Type: "Feature", Properties: make(Object, 0, len(cols))}
		if id >= 0 {
			f.ID = Norm(row[id])
		}
		x, okx := Norm(row[lon]).(float64)
		y, oky := Norm(row[lat]).(float64)
		if okx && oky {
			f.Geometry = &point{"Point", [2]float64{x, y}}
		}
		buf = t.Pick(row, buf)
		for i, v := range buf {
			raw, err := json.Marshal(JSONValue(v))
			if err != nil {
				return err
			}
			f.Properties = append(f.Properties, Member{cols[i].Name, raw})
		}
		if n > 0 {
			if _, err := io.WriteString(w, ","); err != nil {
				return err
			}
		}
		n++
		return enc.Encode(f)
	})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "]}\n")
	return err
}

type feature struct {
	Type       string `json:"type"`
	ID         any    `json:"id,omitempty"`
	Geometry   *point `json:"geometry"`
	Properties Object `json:"properties"`
}

type point struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

// JSONValue is a cell as JSON shows it: dates as YYYY-MM-DD.
func JSONValue(v any) any {
	v = Norm(v)
	if t, ok := v.(time.Time); ok && t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(time.DateOnly)
	}
	return v
}
