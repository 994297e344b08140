package export

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Norm turns a cell value into one of nil, string, int64, float64, bool,
// time.Time or []string, so each writer handles a handful of types.
func Norm(v any) any {
	switch x := v.(type) {
	case nil, string, int64, float64, bool, time.Time, []string:
		return x
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case float32:
		return float64(x)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		return Norm(rv.Elem().Interface())
	}
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	}
	return fmt.Sprint(v)
}

// Neutralise prefixes with a quote text that a spreadsheet would take for a
// formula (= + - @, tab, CR), as OWASP advises, so opening a download can
// never run anything.
func Neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// text formats a normalised value as CSV writes it: numbers in full
// precision, dates as ISO 8601, lists joined with |, text neutralised.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return Neutralise(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.UTC().Format(time.RFC3339)
	case []string:
		return Neutralise(strings.Join(x, "|"))
	default:
		return Neutralise(fmt.Sprint(x))
	}
}
