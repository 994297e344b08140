package api

import (
	"encoding/json"

	"github.com/gen-numerique/observatory/api/export"
)

// project keeps the named fields of each JSON item, in that order: the
// JSON side of fields=. Items are encoded once and cut, so every endpoint
// gets it whatever its item type.
func project[T any](items []T, fields []string) (any, error) {
	if fields == nil {
		return items, nil
	}
	out := make([]export.Object, len(items))
	for i, it := range items {
		b, err := json.Marshal(it)
		if err != nil {
			return nil, err
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		o := make(export.Object, 0, len(fields))
		for _, f := range fields {
			v, ok := m[f]
			if !ok {
				v = json.RawMessage("null")
			}
			o = append(o, export.Member{Key: f, Value: v})
		}
		out[i] = o
	}
	return out, nil
}
