package api

import (
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// params reads a request's query string against the parameters a route
// allows. The first problem found is kept and returned by err, so handlers
// read every parameter and check once.
type params struct {
	vals url.Values
	geo  *observatory.Gazetteer
	err  error
}

const maxParamLen = 200

// multiParams may be given several times: site= once per candidate site
// (simulate.go).
var multiParams = map[string]bool{siteParam: true}

// maxFieldsLen lets fields= name every column of the widest table.
const maxFieldsLen = 1000

func (s *Server) params(c echo.Context, allowed ...string) *params {
	p := &params{vals: c.QueryParams(), geo: s.geo}
	if _, err := url.ParseQuery(c.Request().URL.RawQuery); err != nil {
		p.fail("", "the query string is malformed: %s", "bad percent-encoding or separator")
	}
	// Text is UTF-8 everywhere here; anything else is the client's mistake.
	for i, v := range c.ParamValues() {
		if !utf8.ValidString(v) && i < len(c.ParamNames()) {
			p.fail(c.ParamNames()[i], "the path holds bytes that are not UTF-8 text")
		}
	}
	for k, vs := range p.vals {
		if !utf8.ValidString(k) {
			p.fail(strings.ToValidUTF8(k, "\uFFFD"), "a parameter name is not UTF-8 text")
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				p.fail(k, "parameter %q is not UTF-8 text (percent-encode UTF-8 bytes, e.g. %%C3%%A9 for é)", k)
			}
		}
	}
	if c.Get(snapshotQueryKey) == true {
		// Every read of a snapshot replays a past one with snapshot=ID.
		allowed = append(slices.Clip(allowed), snapshotParam)
	}
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	names := make([]string, 0, len(p.vals))
	for k := range p.vals {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		switch {
		case !ok[k]:
			p.fail(k, "unknown parameter %q; allowed: %s", k, strings.Join(allowed, ", "))
		case len(p.vals[k]) > 1 && !multiParams[k]:
			p.fail(k, "parameter %q is given %d times; give it once", k, len(p.vals[k]))
		case len(p.vals.Get(k)) > maxParamLen && (k != "fields" || len(p.vals.Get(k)) > maxFieldsLen):
			p.fail(k, "parameter %q is too long (%d characters)", k, len(p.vals.Get(k)))
		}
	}
	return p
}

func (p *params) fail(param, format string, args ...any) {
	if p.err == nil {
		p.err = observatory.ParamError(param, format, args...)
	}
}

func (p *params) str(name string) string { return strings.TrimSpace(p.vals.Get(name)) }

// int reads an integer in [min, max], def when absent.
func (p *params) int(name string, def, min, max int) int {
	v := p.str(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		p.fail(name, "%s must be a whole number from %d to %d", name, min, max)
		return def
	}
	return n
}

// region reads a région INSEE code that must exist.
func (p *params) region(name string) string {
	return p.territoryCode(name, observatory.LevelRegion, p.str(name))
}

// departement reads a département INSEE code that must exist.
func (p *params) departement(name string) string {
	return p.territoryCode(name, observatory.LevelDepartement, p.str(name))
}

// rome reads a ROME code (a letter A–N and four digits).
func (p *params) rome(name string) string {
	v := strings.ToUpper(p.str(name))
	if v != "" && !observatory.IsROME(v) {
		p.fail(name, "%s %q is not a ROME code (a letter A–N and 4 digits, e.g. M1805)", name, v)
	}
	return v
}

// level reads a territorial level among allowed, def when absent.
func (p *params) level(name string, def observatory.Level, allowed ...observatory.Level) observatory.Level {
	v := p.str(name)
	if v == "" {
		return def
	}
	if !slices.Contains(allowed, observatory.Level(v)) {
		names := make([]string, len(allowed))
		for i, l := range allowed {
			names[i] = string(l)
		}
		p.fail(name, "%s %q is not allowed here; allowed: %s", name, v, strings.Join(names, ", "))
		return def
	}
	return observatory.Level(v)
}

// oneOf reads a parameter that takes one value among allowed, the first
// when absent.
func (p *params) oneOf(name string, allowed ...string) string {
	v := p.str(name)
	if v == "" {
		return allowed[0]
	}
	if !slices.Contains(allowed, v) {
		p.fail(name, "%s %q is not allowed here; allowed: %s", name, v, strings.Join(allowed, ", "))
		return allowed[0]
	}
	return v
}

// territory reads a territory code of level l that must exist.
func (p *params) territory(name string, l observatory.Level) string {
	return p.territoryCode(name, l, p.str(name))
}

// territoryCode checks v is a code of level l: a région, département or
// commune of the reference geography, or a bassin code (bassins change from
// one survey to the next, so only their shape is checked).
func (p *params) territoryCode(name string, l observatory.Level, v string) string {
	if v == "" {
		return ""
	}
	switch l {
	case observatory.LevelRegion:
		if _, ok := p.geo.Region(v); !ok {
			p.fail(name, "%s %q is not an INSEE région code (e.g. 84, 11, 04); see /api/v1/territories/region", name, v)
		}
	case observatory.LevelDepartement:
		v = strings.ToUpper(v)
		if _, ok := p.geo.Departement(v); !ok {
			p.fail(name, "%s %q is not an INSEE département code (01…95, 2A, 2B, 971…976)", name, v)
		}
	case observatory.LevelBassin:
		// The survey's bassins outside the reference (104, 304, 7549 in
		// BMO 2024) keep their demand figures: only the shape is checked.
		if !observatory.IsBassin(v) {
			p.fail(name, "%s %q is not a BMO bassin code (3 or 4 digits, e.g. 9411); see /api/v1/territories/bassin", name, v)
		}
	case observatory.LevelCommune:
		v = strings.ToUpper(v)
		if c, ok := p.geo.Commune(v); !ok || observatory.IsArrondissementMunicipal(c.Code) {
			p.fail(name, "%s %q is not an INSEE commune code (e.g. 69123; Paris, Lyon, Marseille as whole communes)", name, v)
		}
	default:
		p.fail(name, "%s is not used at level %s", name, l)
	}
	return v
}

// within reads a territory as level:code (departement:23), to keep the
// values of the territories inside it.
func (p *params) within(name string) observatory.Place {
	v := p.str(name)
	if v == "" {
		return observatory.Place{}
	}
	lv, code, ok := strings.Cut(v, ":")
	if !ok {
		p.fail(name, "%s must be level:code, e.g. departement:23 or region:84", name)
		return observatory.Place{}
	}
	pl := observatory.Place{Level: observatory.Level(lv)}
	switch pl.Level {
	case observatory.LevelRegion, observatory.LevelDepartement, observatory.LevelBassin:
		pl.Code = p.territoryCode(name, pl.Level, code)
	default:
		p.fail(name, "%s takes a région, département or bassin: level %q is not one", name, lv)
	}
	return pl
}
