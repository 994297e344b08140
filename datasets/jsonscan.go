package datasets

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// jsonScanner walks JSON text without building a tree: enough to read a
// TopoJSON topology, most of which is arrays of integers, at a small
// fraction of what encoding/json costs on them (the commune topology is
// 7.5 MB of text).
type jsonScanner struct {
	b []byte
	i int
}

func (s *jsonScanner) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", s.i, fmt.Sprintf(format, args...))
}

func (s *jsonScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\n', '\r', '\t':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, 0 at the end.
func (s *jsonScanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *jsonScanner) expect(c byte) error {
	if s.peek() != c {
		return s.errorf("want %q", c)
	}
	s.i++
	return nil
}

// object reads {"key": value, …}; member reads the value of each key.
func (s *jsonScanner) object(member func(key string) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.peek() == '}' {
		s.i++
		return nil
	}
	for {
		key, err := s.str()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := member(key); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return nil
		default:
			return s.errorf("want , or }")
		}
	}
}

// array reads [elem, …]; elem reads each element.
func (s *jsonScanner) array(elem func() error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	if s.peek() == ']' {
		s.i++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return s.errorf("want , or ]")
		}
	}
}

// str reads a string.
func (s *jsonScanner) str() (string, error) {
	if err := s.expect('"'); err != nil {
		return "", err
	}
	start, escaped := s.i-1, false
	for ; s.i < len(s.b); s.i++ {
		switch s.b[s.i] {
		case '\\':
			escaped = true
			s.i++
		case '"':
			s.i++
			if !escaped {
				return string(s.b[start+1 : s.i-1]), nil
			}
			var v string
			err := json.Unmarshal(s.b[start:s.i], &v)
			return v, err
		}
	}
	return "", s.errorf("unterminated string")
}

// int reads an integer.
func (s *jsonScanner) int() (int64, error) {
	s.ws()
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	var v int64
	digits := s.i
	for ; s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9'; s.i++ {
		if v > (1<<62)/10 {
			return 0, s.errorf("integer too large")
		}
		v = v*10 + int64(s.b[s.i]-'0')
	}
	if s.i == digits {
		return 0, s.errorf("want an integer")
	}
	if s.b[start] == '-' {
		v = -v
	}
	return v, nil
}

// float reads a number.
func (s *jsonScanner) float() (float64, error) {
	s.ws()
	start := s.i
	for s.i < len(s.b) && (s.b[s.i] >= '0' && s.b[s.i] <= '9' || s.b[s.i] == '-' || s.b[s.i] == '+' || s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
	}
	v, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
	if err != nil {
		return 0, s.errorf("want a number")
	}
	return v, nil
}

// skip passes over any value and returns its text.
func (s *jsonScanner) skip() ([]byte, error) {
	s.ws()
	start := s.i
	depth := 0
	for s.i < len(s.b) {
		switch c := s.b[s.i]; c {
		case '"':
			if _, err := s.str(); err != nil {
				return nil, err
			}
			if depth == 0 {
				return s.b[start:s.i], nil
			}
			continue
		case '[', '{':
			depth++
		case ']', '}':
			if depth == 0 { // closes the container of a number or literal
				if s.i == start {
					return nil, s.errorf("unexpected %q", c)
				}
				return s.b[start:s.i], nil
			}
			if depth--; depth == 0 {
				s.i++
				return s.b[start:s.i], nil
			}
		case ',', ' ', '\n', '\r', '\t', ':':
			if depth == 0 {
				if s.i == start {
					return nil, s.errorf("want a value")
				}
				return s.b[start:s.i], nil // end of a number or literal
			}
		}
		s.i++
	}
	if depth != 0 || s.i == start {
		return nil, s.errorf("unexpected end")
	}
	return s.b[start:s.i], nil
}
