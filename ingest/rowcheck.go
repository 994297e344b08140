package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gen-numerique/observatory/ingest/tabular"
	"github.com/gen-numerique/observatory/observatory"
)

// rowCheck validates and normalises one catalogue row. It repairs what is
// unambiguous (recording each repair) and stops at the first problem it
// cannot repair, which quarantines the row.
type rowCheck struct {
	rec     tabular.Record
	geo     *observatory.Gazetteer
	metiers *observatory.Referential // attaches the formation to a job family
	repairs []observatory.Repair
	reject  *observatory.Reject
}

func (c *rowCheck) col(key string) string {
	if h, ok := c.rec.Cols[key]; ok {
		return h
	}
	return key
}

func (c *rowCheck) fail(key, value, format string, args ...any) {
	if c.reject != nil {
		return
	}
	r := observatory.Reject{File: c.rec.File, Sheet: c.rec.Sheet, Row: c.rec.Row, Value: value, Reason: fmt.Sprintf(format, args...)}
	if key != "" {
		r.Column = c.col(key)
	}
	c.reject = &r
}

func (c *rowCheck) repair(key, was, now, format string, args ...any) {
	c.repairs = append(c.repairs, observatory.Repair{File: c.rec.File, Sheet: c.rec.Sheet, Row: c.rec.Row,
		Column: c.col(key), Was: was, Now: now, Reason: fmt.Sprintf(format, args...)})
}

func (c *rowCheck) val(key string) string { return strings.TrimSpace(c.rec.Values[key]) }

// formation maps the row to a Formation; check c.reject afterwards.
func (c *rowCheck) formation() observatory.Formation {
	f := observatory.Formation{Title: c.val("title"), Structure: c.val("structure"), Source: c.rec.File, SourceRow: c.rec.Row}
	if f.Title == "" {
		c.fail("title", "", "the formation has no title")
	}
	if f.Structure == "" {
		c.fail("structure", "", "the formation has no structure")
	}
	c.place(&f)
	c.coordinates(&f)
	c.communeFromPoint(&f)
	f.ROME = c.romeCodes()
	// The family comes from the ROME codes, else the title; the source's
	// own family is kept but cross-checked (observatory.Referential.Classify).
	f.FamilyGiven = c.val("family")
	a := c.metiers.Classify(f.Title, f.ROME, f.FamilyGiven)
	f.Family, f.FamilyRule, f.FamilyNote = a.Family, a.Rule, a.Note
	f.DurationMonths = c.duration()
	f.LabelledOn = c.date("labelled_on")
	f.LabelEnd = c.date("label_end")
	if f.LabelledOn != nil && f.LabelEnd != nil && f.LabelEnd.Before(*f.LabelledOn) {
		c.fail("label_end", c.val("label_end"), "the label ends before it starts (%s)", f.LabelledOn.Format(time.DateOnly))
	}
	f.Wave = c.count("wave")
	f.Seats = c.count("seats")
	f.Sessions = c.count("sessions")
	f.Learners = c.count("learners")
	f.Women = c.count("women")
	f.LowQualified = c.count("low_qualified")
	f.QPV = c.count("qpv")
	if f.Learners != nil {
		for _, k := range []struct {
			key string
			n   *int
		}{{"women", f.Women}, {"low_qualified", f.LowQualified}, {"qpv", f.QPV}} {
			if k.n != nil && *k.n > *f.Learners {
				c.fail(k.key, strconv.Itoa(*k.n), "%s (%d) is more than %s (%d)", c.col(k.key), *k.n, c.col("learners"), *f.Learners)
			}
		}
	}
	f.ID = c.val("id")
	if f.ID == "" {
		f.ID = stableID(f)
	}
	return f
}

// stableID names a formation that its publisher gave no identifier, the
// same way at every ingest of the same row.
func stableID(f observatory.Formation) string {
	h := sha256.Sum256([]byte(tabular.Normalize(f.Structure) + "\x00" + tabular.Normalize(f.Title) + "\x00" + f.CommuneCode + "\x00" + f.Postcode))
	return "F-" + hex.EncodeToString(h[:6])
}

var digits = regexp.MustCompile(`^[0-9]+$`)

// place resolves commune, postcode, département and région. The commune
// code is the most precise evidence, then the postcode with the commune
// name, then the commune name within the département.
func (c *rowCheck) place(f *observatory.Formation) {
	code := strings.ToUpper(c.val("commune_code"))
	pc := strings.Join(strings.Fields(c.val("postcode")), "")
	name := c.val("commune")
	f.Commune = name

	var com *observatory.Commune
	if code != "" {
		if len(code) == 4 && digits.MatchString(code) {
			if m, ok := c.geo.Commune("0" + code); ok {
				c.repair("commune_code", code, "0"+code, "leading zero lost")
				code = "0" + code
				com = &m
			}
		} else if m, ok := c.geo.Commune(code); ok {
			com = &m
		}
	}
	if pc != "" && len(pc) == 4 && digits.MatchString(pc) {
		if _, ok := c.geo.DepartementOfPostcode("0" + pc); ok && (com == nil || contains(com.Postcodes, "0"+pc)) {
			c.repair("postcode", pc, "0"+pc, "leading zero lost")
			pc = "0" + pc
		}
	}
	pcDep, pcOK := c.geo.DepartementOfPostcode(pc)
	givenDep, depOK := "", false
	if d := c.val("departement"); d != "" {
		givenDep, depOK = c.geo.NormalizeDepartement(d)
	}
	if com == nil && pcOK && name != "" {
		com = unique(c.geo.CommunesByPostcode(pc), name)
	}
	if com == nil && name != "" && (depOK || pcOK) {
		dep := givenDep
		if !depOK {
			dep = pcDep
		}
		com = c.byName(dep, name)
	}
	switch {
	case com != nil:
		if code != "" && code != com.Code {
			c.repair("commune_code", code, com.Code, "unknown commune code; the commune was found by its name%s", map[bool]string{true: " and postcode", false: " in its département"}[pcOK])
		}
		if pc != "" && !contains(com.Postcodes, pc) {
			now := ""
			if len(com.Postcodes) == 1 {
				now = com.Postcodes[0]
			}
			c.repair("postcode", pc, now, "postcode does not belong to commune %s %s", com.Code, com.Name)
			pc = now
		}
		f.CommuneCode, f.Departement, f.Region = com.Code, com.Departement, com.Region
		if f.Commune == "" {
			f.Commune = com.Name
		}
		if depOK && givenDep != com.Departement {
			c.repair("departement", c.val("departement"), com.Departement, "département taken from the commune code")
		}
	case code != "":
		c.fail("commune_code", code, "unknown commune code %q, and the commune could not be found by name", code)
		return
	case pcOK:
		f.Departement = pcDep
	case depOK:
		f.Departement = givenDep
	case pc != "":
		c.fail("postcode", pc, "postcode %q is not a French postcode", pc)
		return
	default:
		if com = c.byCoordinates(name); com != nil {
			c.repair("commune_code", "", com.Code,
				"no code given; commune %s found by its name where the coordinates fall", com.Name)
			f.CommuneCode, f.Departement, f.Region = com.Code, com.Departement, com.Region
			break
		}
		c.fail(firstPresent(c, "postcode", "departement", "commune"), "", "cannot place the formation: no valid commune code, postcode or département")
		return
	}
	if pc != "" && !pcOK && (com == nil || !contains(com.Postcodes, pc)) {
		c.fail("postcode", pc, "postcode %q is not a French postcode", pc)
		return
	}
	f.Postcode = pc
	if f.Region == "" {
		if d, ok := c.geo.Departement(f.Departement); ok {
			f.Region = d.Parent
		}
	}
}

// byCoordinates finds a commune by name in the département where the row's
// coordinates fall: the last resort when no code places the row.
func (c *rowCheck) byCoordinates(name string) *observatory.Commune {
	lat, okLat, _ := tabular.ParseNumber(c.val("lat"))
	lon, okLon, _ := tabular.ParseNumber(c.val("lon"))
	if name == "" || !okLat || !okLon {
		return nil
	}
	dep, ok := c.geo.LocateDepartement(lon, lat)
	if !ok {
		return nil
	}
	return c.byName(dep, name)
}

func firstPresent(c *rowCheck, keys ...string) string {
	for _, k := range keys {
		if _, ok := c.rec.Cols[k]; ok {
			return k
		}
	}
	return ""
}

// unique returns the one commune among cands whose name matches, if exactly one does.
func unique(cands []observatory.Commune, name string) *observatory.Commune {
	n := observatory.NormalizeName(name)
	var found *observatory.Commune
	for i := range cands {
		if observatory.NormalizeName(cands[i].Name) == n {
			if found != nil {
				return nil
			}
			found = &cands[i]
		}
	}
	return found
}

// byName finds a commune by name within a département, only if the name is
// unique there and the row's coordinates (when given) agree with it.
func (c *rowCheck) byName(dep, name string) *observatory.Commune {
	var inDep []observatory.Commune
	for _, m := range c.geo.Communes() {
		if m.Departement == dep {
			inDep = append(inDep, m)
		}
	}
	com := unique(inDep, name)
	if com == nil {
		return nil
	}
	lat, okLat, _ := tabular.ParseNumber(c.val("lat"))
	lon, okLon, _ := tabular.ParseNumber(c.val("lon"))
	if okLat && okLon && com.Lat != 0 && distanceKm(lat, lon, com.Lat, com.Lon) > 15 && distanceKm(lon, lat, com.Lat, com.Lon) > 15 {
		return nil
	}
	return com
}

// coordinates checks the point against the département, swapping latitude
// and longitude when that is what went wrong and falling back to the
// commune centroid.
func (c *rowCheck) coordinates(f *observatory.Formation) {
	if c.reject != nil {
		return
	}
	latS, lonS := c.val("lat"), c.val("lon")
	lat, okLat, errLat := tabular.ParseNumber(latS)
	lon, okLon, errLon := tabular.ParseNumber(lonS)
	com, haveCom := c.geo.Commune(f.CommuneCode)
	centroid := haveCom && (com.Lat != 0 || com.Lon != 0)
	given := latS != "" || lonS != ""
	switch {
	case okLat && okLon && c.geo.InDepartement(f.Departement, lon, lat):
		f.Lat, f.Lon = &lat, &lon
		return
	case okLat && okLon && c.geo.InDepartement(f.Departement, lat, lon):
		c.repair("lat", latS+", "+lonS, lonS+", "+latS, "latitude and longitude were swapped")
		f.Lat, f.Lon = &lon, &lat
		return
	case centroid:
		if given {
			c.repair("lat", latS+", "+lonS, fmt.Sprintf("%.5f, %.5f", com.Lat, com.Lon), "coordinates missing, unreadable or outside département %s; replaced by the commune centroid", f.Departement)
		}
		la, lo := com.Lat, com.Lon
		f.Lat, f.Lon = &la, &lo
	case errLat != nil:
		c.fail("lat", latS, "latitude %q is not a number", latS)
	case errLon != nil:
		c.fail("lon", lonS, "longitude %q is not a number", lonS)
	case okLat && okLon:
		c.fail("lat", latS+", "+lonS, "the point (%s, %s) is not in département %s", latS, lonS, f.Departement)
	}
}

// communeFromPoint attaches a row placed only by postcode or département
// to the commune whose outline holds its point, so that it counts in its
// bassin and commune too; every placed row gets its bassin.
func (c *rowCheck) communeFromPoint(f *observatory.Formation) {
	if c.reject != nil {
		return
	}
	if f.CommuneCode == "" && f.Lat != nil && f.Lon != nil {
		com, ok, err := c.geo.CommuneAt(*f.Lon, *f.Lat)
		// A point in another département than the row's is not trusted:
		// coordinates() already kept it only inside its département.
		if err == nil && ok && com.Departement == f.Departement && (f.Postcode == "" || contains(com.Postcodes, f.Postcode)) {
			c.repair("commune_code", "", com.Code, "no commune given; commune %s %s is where the coordinates fall", com.Code, com.Name)
			f.CommuneCode = com.Code
			if f.Commune == "" {
				f.Commune = com.Name
			}
		}
	}
	if com, ok := c.geo.Commune(f.CommuneCode); ok {
		f.Bassin = com.Bassin
	}
}

func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

var romeSplit = regexp.MustCompile(`[|,;/\s]+`)

func (c *rowCheck) romeCodes() []string {
	out := []string{}
	for _, code := range romeSplit.Split(strings.ToUpper(c.val("rome")), -1) {
		if code == "" {
			continue
		}
		if !observatory.IsROME(code) {
			c.fail("rome", c.val("rome"), "%q is not a ROME code (a letter A–N and 4 digits)", code)
			return nil
		}
		if !contains(out, code) {
			out = append(out, code)
		}
	}
	return out
}

var durationRe = regexp.MustCompile(`^([0-9]+(?:[.,][0-9]+)?)\s*(mois|m|semaines?|sem|ans?|annees?)\.?$`)

// duration reads a duration in months; "7 mois", "26 semaines" and "1 an"
// are converted and recorded as repairs.
func (c *rowCheck) duration() *float64 {
	s := c.val("duration")
	v, ok, err := tabular.ParseNumber(s)
	if err != nil {
		m := durationRe.FindStringSubmatch(strings.ToLower(s))
		if m == nil {
			c.fail("duration", s, "duration %q is not a number of months", s)
			return nil
		}
		v, _ = strconv.ParseFloat(strings.Replace(m[1], ",", ".", 1), 64)
		switch m[2][0] {
		case 's':
			v = math.Round(v*12/52*10) / 10
		case 'a':
			v *= 12
		}
		c.repair("duration", s, strconv.FormatFloat(v, 'f', -1, 64), "duration converted to months")
		ok = true
	}
	if !ok {
		return nil
	}
	if v <= 0 || v > 60 {
		c.fail("duration", s, "duration %s months is outside 0–60", s)
		return nil
	}
	return &v
}

func (c *rowCheck) date(key string) *time.Time {
	s := c.val(key)
	if s == "" {
		return nil
	}
	t, err := tabular.ParseDate(s)
	if err != nil {
		c.fail(key, s, "%q is not a date", s)
		return nil
	}
	return &t
}

// count reads a non-negative whole number; blanks and secret markers are NULL.
func (c *rowCheck) count(key string) *int {
	s := c.val(key)
	n, ok, err := tabular.ParseInt(s)
	if err != nil {
		c.fail(key, s, "%q is not a whole number", s)
		return nil
	}
	if !ok {
		return nil
	}
	if n < 0 {
		c.fail(key, s, "%s is negative", s)
		return nil
	}
	if n > math.MaxInt32 {
		// The columns are INTEGER: a larger value would be stored wrapped.
		c.fail(key, s, "%s is too large for a count", s)
		return nil
	}
	v := int(n)
	return &v
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
