package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
)

// An order-keeping JSON tree, so that a test can rewrite openapi.json
// (-update) without reordering a hand-maintained document: objects keep
// their keys in file order and the encoder writes the file's own layout
// (one-space indent, as Python's json.dumps(indent=1, ensure_ascii=False)).

type jobj struct {
	keys []string
	m    map[string]any
}

func (o *jobj) get(k string) any { return o.m[k] }

func (o *jobj) set(k string, v any) {
	if _, ok := o.m[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.m[k] = v
}

func decodeOrdered(r io.Reader) (any, error) {
	d := json.NewDecoder(r)
	d.UseNumber()
	return decodeValue(d)
}

func decodeValue(d *json.Decoder) (any, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &jobj{m: map[string]any{}}
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(d)
				if err != nil {
					return nil, err
				}
				o.set(kt.(string), v)
			}
			_, err := d.Token()
			return o, err
		case '[':
			a := []any{}
			for d.More() {
				v, err := decodeValue(d)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := d.Token()
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return t, nil // string, json.Number, bool, nil
	}
}

func encodeOrdered(w *bytes.Buffer, v any, depth int) {
	pad := "\n" + strings.Repeat(" ", depth+1)
	switch x := v.(type) {
	case *jobj:
		if len(x.keys) == 0 {
			w.WriteString("{}")
			return
		}
		w.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				w.WriteByte(',')
			}
			w.WriteString(pad)
			writeString(w, k)
			w.WriteString(": ")
			encodeOrdered(w, x.m[k], depth+1)
		}
		w.WriteString("\n" + strings.Repeat(" ", depth) + "}")
	case []any:
		if len(x) == 0 {
			w.WriteString("[]")
			return
		}
		w.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				w.WriteByte(',')
			}
			w.WriteString(pad)
			encodeOrdered(w, e, depth+1)
		}
		w.WriteString("\n" + strings.Repeat(" ", depth) + "]")
	case string:
		writeString(w, x)
	case json.Number:
		w.WriteString(x.String())
	case bool:
		fmt.Fprint(w, x)
	case nil:
		w.WriteString("null")
	default:
		b, _ := json.Marshal(x)
		w.Write(b)
	}
}

// writeString writes s as Python's json.dumps(ensure_ascii=False) does.
func writeString(w *bytes.Buffer, s string) {
	w.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			w.WriteString(`\"`)
		case '\\':
			w.WriteString(`\\`)
		case '\n':
			w.WriteString(`\n`)
		case '\r':
			w.WriteString(`\r`)
		case '\t':
			w.WriteString(`\t`)
		case '\b':
			w.WriteString(`\b`)
		case '\f':
			w.WriteString(`\f`)
		default:
			if r < 0x20 {
				fmt.Fprintf(w, `\u%04x`, r)
			} else {
				w.WriteRune(r)
			}
		}
	}
	w.WriteByte('"')
}

// toOrdered turns a value decoded by encoding/json into the ordered tree
// (object keys sorted: a response has no order of its own to keep).
func toOrdered(v any) any {
	switch x := v.(type) {
	case map[string]any:
		o := &jobj{m: map[string]any{}}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			o.set(k, toOrdered(x[k]))
		}
		return o
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = toOrdered(e)
		}
		return out
	case float64:
		return json.Number(strings.TrimSuffix(fmt.Sprintf("%v", x), ".0"))
	}
	return v
}

// TestOrderedRoundTrip: decoding and encoding openapi.json gives its bytes
// back, so -update changes only what it means to.
func TestOrderedRoundTrip(t *testing.T) {
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	v, err := decodeOrdered(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	encodeOrdered(&out, v, 0)
	out.WriteByte('\n')
	if !bytes.Equal(out.Bytes(), b) {
		a, o := string(b), out.String()
		i := 0
		for i < len(a) && i < len(o) && a[i] == o[i] {
			i++
		}
		t.Fatalf("round trip differs at byte %d: file %q, encoded %q", i, a[max(0, i-40):min(len(a), i+40)], o[max(0, i-40):min(len(o), i+40)])
	}
}
