package export

import (
	"bytes"
	"encoding/json"
)

// Member is one key and its encoded value.
type Member struct {
	Key   string
	Value json.RawMessage
}

// Object is a JSON object that keeps its members' order, for properties
// and fields= projections that must follow the columns asked for.
type Object []Member

// MarshalJSON writes the members in order.
func (o Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.Key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(m.Value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
