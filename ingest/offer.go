package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/gen-numerique/observatory/ingest/tabular"
	"github.com/gen-numerique/observatory/observatory"
)

// loadOffer reads the training-offer lists of one programme (another than
// the GEN label) into the batch. Each row is, in this order:
//
//  1. quarantined if it cannot be read (a bad cell, a formula without a
//     value), has no title or gives a malformed ROME code;
//  2. set aside if the referential does not recognise a digital course in
//     it (observatory.Referential.ClassifyOffer), with the rule that
//     decided: another trade is not an error, and what is not loaded is
//     not checked further;
//  3. quarantined if it cannot be placed (commune code, postcode, name,
//     coordinates, as the catalogue's rows), names no establishment, or
//     repeats an earlier row in every column read;
//  4. loaded as a formation of the programme, at its commune's centroid
//     when the list gives no coordinates (point_rule commune-centroid).
//
// So rows read = loaded + set aside + quarantined, for every file.
func loadOffer(ctx context.Context, b observatory.Batch, files []File, opt Options) (*observatory.Report, error) {
	if opt.Ref.Geo == nil || opt.Ref.Metiers == nil {
		return nil, errors.New("offer ingest needs the reference geography and the job referential")
	}
	prog := opt.Programme
	if err := checkProgramme(prog); err != nil {
		return nil, err
	}
	prog.Kind = observatory.KindOffer
	if prog.TitleFR == "" {
		prog.TitleFR = prog.ID
	}
	if prog.TitleEN == "" {
		prog.TitleEN = prog.TitleFR
	}
	if prog.Licence == "" {
		prog.Licence = "not stated"
	}
	if prog.Source == "" {
		names := make([]string, len(files))
		for i, f := range files {
			names[i] = f.Name
		}
		prog.Source = "as ingested from " + strings.Join(names, ", ")
	}
	rep := &observatory.Report{Rejects: []observatory.Reject{}, Repairs: []observatory.Repair{}, SetAside: []observatory.SetAside{}}
	seen := map[string]string{}
	var cols []observatory.ColumnUse
	prog.Files, prog.SHA256 = []string{}, []string{}
	var ofs []*offerFile
	for _, f := range files {
		of, err := readOffer(ctx, f, prog, seen, opt)
		if err != nil {
			return nil, err
		}
		ofs = append(ofs, of)
		prog.Synthetic = prog.Synthetic || of.in.Synthetic
	}
	for _, of := range ofs {
		if of.in.Synthetic != prog.Synthetic {
			of.in.Synthetic = prog.Synthetic
		}
		for i := range of.forms {
			of.forms[i].Synthetic = prog.Synthetic
		}
		if err := b.AppendFormations(ctx, of.forms); err != nil {
			return nil, fmt.Errorf("%s: load: %w", of.in.Name, err)
		}
		if err := b.Record(ctx, of.in, of.rejects, of.repairs); err != nil {
			return nil, fmt.Errorf("%s: record: %w", of.in.Name, err)
		}
		if err := b.RecordSetAside(ctx, of.setAside); err != nil {
			return nil, fmt.Errorf("%s: record rows set aside: %w", of.in.Name, err)
		}
		for _, c := range offerConcepts {
			cols = append(cols, observatory.ColumnUse{Kind: observatory.KindOffer, Programme: prog.ID, File: of.in.Name, Concept: c.Key,
				Header: of.cols[c.Key], Required: c.Required})
		}
		prog.Files, prog.SHA256 = append(prog.Files, of.in.Name), append(prog.SHA256, of.in.SHA256)
		rep.Inputs = append(rep.Inputs, of.in)
		rep.Rejects = append(rep.Rejects, of.rejects...)
		rep.Repairs = append(rep.Repairs, of.repairs...)
		rep.SetAside = append(rep.SetAside, of.setAside...)
		rep.Notes = append(rep.Notes, of.notes()...)
	}
	if err := b.RecordColumns(ctx, cols); err != nil {
		return nil, fmt.Errorf("record columns: %w", err)
	}
	if err := b.RecordProgramme(ctx, prog); err != nil {
		return nil, fmt.Errorf("record programme: %w", err)
	}
	rep.Columns = cols
	if prog.Date == nil {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("programme %s has no date: its formations count in the offer at every date, "+
			"the first waves of 2016 included; give the date of the list (--date)", prog.ID))
	}
	return rep, nil
}

// checkProgramme refuses an offer run without a usable programme.
func checkProgramme(p observatory.Programme) error {
	switch {
	case p.ID == "":
		return observatory.Errorf(observatory.EINVALID, "an offer needs its programme: --programme NAME (upload: programme=NAME)")
	case p.ID == observatory.ProgrammeGEN:
		return observatory.Errorf(observatory.EINVALID, "programme %q is the GEN label's: its catalogue is ingested as kind catalogue", p.ID)
	case !observatory.ValidProgrammeID(p.ID):
		return observatory.Errorf(observatory.EINVALID,
			"programme %q: use lower-case letters, digits and single hyphens, at most 64 characters (e.g. parcoursup-apprentissage-2020), not %q",
			p.ID, observatory.ProgrammeAll)
	}
	return nil
}

// offerFile is one offer list read.
type offerFile struct {
	in       observatory.Input
	format   string
	encoding []string
	cols     map[string]string
	unused   []string
	forms    []observatory.Formation
	rejects  []observatory.Reject
	repairs  []observatory.Repair
	setAside []observatory.SetAside
	centroid int // formations placed at their commune's centroid
}

func readOffer(ctx context.Context, f File, prog observatory.Programme, seen map[string]string, opt Options) (*offerFile, error) {
	of := &offerFile{in: observatory.Input{Kind: observatory.KindOffer, Programme: prog.ID, Name: f.Name, Size: f.Size}}
	in := &of.in
	var err error
	if in.SHA256, err = digest(f); err != nil {
		return nil, err
	}
	t, err := tabular.OpenReader(ctx, f.Data, f.Size, f.Name, offerSchema, opt.Limits)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	of.format, of.encoding = t.Format(), encodingNotes(f.Name, t)
	of.cols, of.unused = t.Columns(), t.Unmapped()
	if !hasAny(of.cols, locationKeys) {
		return nil, observatory.Errorf(observatory.EINVALID,
			"%s: no column locates the formations; expected one of: code commune INSEE, code postal, département, commune", f.Name)
	}
	if !hasAny(of.cols, []string{"structure", "structure_id"}) {
		return nil, observatory.Errorf(observatory.EINVALID,
			"%s: no column names the establishments; expected a name (Établissement, Organisme…) or an identifier (UAI, SIRET)", f.Name)
	}
	sheet := t.Sheet()
	for {
		rec, rerr := t.Next()
		if rerr == io.EOF {
			break
		}
		var rowErr *tabular.RowError
		if errors.As(rerr, &rowErr) {
			in.RowsRead++
			of.rejects = append(of.rejects, observatory.Reject{File: rowErr.File, Sheet: rowErr.Sheet, Row: rowErr.Row, Column: rowErr.Column, Reason: rowErr.Reason})
			continue
		}
		if rerr != nil {
			return nil, rerr
		}
		in.RowsRead++
		if opt.Progress != nil && in.RowsRead%1000 == 0 {
			opt.Progress(f.Name, in.RowsRead)
		}
		of.row(rec, sheet, prog, seen, opt)
	}
	for _, sk := range t.Skipped() {
		reason := "not a data row: note or footnote below the table"
		if sk.Reason != "footnote" {
			reason = "not a data row: " + sk.Reason
		}
		of.rejects = append(of.rejects, observatory.Reject{File: sk.File, Sheet: sk.Sheet, Row: sk.Row, Value: sk.Text, Reason: reason})
	}
	in.RowsRead += t.SkippedCount()
	in.Synthetic = f.Synthetic || strings.Contains(tabular.Normalize(f.Name), "synth")
	in.Loaded, in.SetAside = len(of.forms), len(of.setAside)
	in.Quarantined = in.RowsRead - in.Loaded - in.SetAside
	rows := map[int]bool{}
	for _, r := range of.repairs {
		rows[r.Row] = true
	}
	in.Repaired = len(rows)
	if opt.Progress != nil {
		opt.Progress(f.Name, in.RowsRead)
	}
	return of, nil
}

// row decides one record: quarantined, set aside or loaded.
func (of *offerFile) row(rec tabular.Record, sheet string, prog observatory.Programme, seen map[string]string, opt Options) {
	c := &rowCheck{rec: rec, geo: opt.Ref.Geo, metiers: opt.Ref.Metiers}
	if fc := formulaInUse(rec); fc != nil {
		of.rejects = append(of.rejects, observatory.Reject{File: rec.File, Sheet: rec.Sheet, Row: rec.Row, Column: fc.Column, Value: formulaValue(fc),
			Reason: fmt.Sprintf("formula without a computed value in column %q: open and save the file in a spreadsheet, or export it as CSV", fc.Column)})
		return
	}
	if len(rec.Extra) > 0 {
		x := rec.Extra[0]
		c.fail("", x.Value, "%d cell(s) beyond the last header column (%s); the row is probably shifted", len(rec.Extra), x.Column)
	}
	title, diploma := c.val("title"), c.val("diploma")
	if title == "" {
		c.fail("title", "", "the formation has no title: it cannot be classified")
	}
	rome := c.romeCodes()
	if c.reject != nil {
		of.rejects = append(of.rejects, *c.reject)
		return
	}
	cls := opt.Ref.Metiers.ClassifyOffer(title, diploma, rome)
	structure, structureID := c.val("structure"), strings.ToUpper(c.val("structure_id"))
	if !cls.Digital {
		of.setAside = append(of.setAside, observatory.SetAside{Programme: prog.ID, File: rec.File, Sheet: rec.Sheet, Row: rec.Row,
			Title: title, Diploma: diploma, Structure: firstNonEmpty(structure, structureID), CommuneCode: c.val("commune_code"),
			Rule: cls.Rule, Reason: cls.Reason})
		return
	}
	fm := observatory.Formation{Title: title, Structure: firstNonEmpty(structure, structureID), StructureID: structureID,
		Diploma: diploma, ROME: rome, Family: cls.Family, FamilyRule: cls.FamilyRule, Programme: prog.ID,
		ListedOn: prog.Date, Source: rec.File, SourceRow: rec.Row}
	fm.FamilyNote = "offer rule " + cls.Rule + ": " + cls.Reason
	if cls.Note != "" {
		fm.FamilyNote += "; " + cls.Note
	}
	if fm.Structure == "" {
		c.fail(firstPresent(c, "structure", "structure_id"), "", "the formation names no establishment (no name, no identifier)")
	}
	c.place(&fm)
	c.coordinates(&fm)
	c.communeFromPoint(&fm)
	if com, ok := c.geo.Commune(fm.CommuneCode); ok && fm.Lat != nil && fm.Lon != nil && *fm.Lat == com.Lat && *fm.Lon == com.Lon {
		fm.PointRule = observatory.PointCommuneCentroid
	}
	if p := observatory.ArrondissementCommune(fm.CommuneCode); p != "" && fm.Lat == nil && c.reject == nil {
		// Arrondissements have no centroid of their own: their commune's.
		if com, ok := c.geo.Commune(p); ok && (com.Lat != 0 || com.Lon != 0) {
			la, lo := com.Lat, com.Lon
			fm.Lat, fm.Lon, fm.PointRule = &la, &lo, observatory.PointCommuneCentroid
		}
	}
	fm.ID = c.val("id")
	if fm.ID == "" {
		fm.ID = offerID(prog.ID, fm)
	}
	where := fmt.Sprintf("%s row %d", rec.File, rec.Row)
	if c.reject == nil {
		key := offerRowKey(rec.Values)
		if prev, ok := seen["row\x00"+key]; ok {
			c.fail("", "", "duplicate of %s: the same values in every column read", prev)
		} else if prev, ok := seen["id\x00"+fm.ID]; ok {
			c.fail("id", fm.ID, "identifier %s is already used by %s with other values", fm.ID, prev)
		} else {
			seen["row\x00"+key], seen["id\x00"+fm.ID] = where, where
		}
	}
	if c.reject != nil {
		of.rejects = append(of.rejects, *c.reject)
		return
	}
	if fm.PointRule == observatory.PointCommuneCentroid {
		of.centroid++
	}
	of.repairs = append(of.repairs, c.repairs...)
	of.forms = append(of.forms, fm)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// offerID names a formation of an offer list that gives no identifier,
// the same way at every ingest of the same row: O- and a hash of the
// programme, establishment, title, diploma and place.
func offerID(prog string, f observatory.Formation) string {
	h := sha256.Sum256([]byte(strings.Join([]string{prog, f.StructureID, tabular.Normalize(f.Structure), tabular.Normalize(f.Title),
		tabular.Normalize(f.Diploma), f.CommuneCode, f.Postcode}, "\x00")))
	return "O-" + hex.EncodeToString(h[:6])
}

func offerRowKey(v map[string]string) string {
	var sb strings.Builder
	for _, col := range offerSchema.Columns {
		sb.WriteString(v[col.Key])
		sb.WriteByte(0)
	}
	return sb.String()
}

// notes sum up the file for the run's report.
func (of *offerFile) notes() []string {
	in := of.in
	out := []string{fmt.Sprintf("%s: read as %s", in.Name, of.format)}
	if len(of.encoding) > 0 {
		out = of.encoding
	}
	out = append(out, fmt.Sprintf("%s: programme %s: %d rows read = %d loaded (digital) + %d set aside (not digital) + %d quarantined",
		in.Name, in.Programme, in.RowsRead, in.Loaded, in.SetAside, in.Quarantined))
	fams := map[string]int{}
	rules := map[string]int{}
	deps, communes := map[string]bool{}, map[string]bool{}
	for _, f := range of.forms {
		fams[f.Family]++
		deps[f.Departement] = true
		if f.CommuneCode != "" {
			communes[f.CommuneCode] = true
		}
	}
	for _, s := range of.setAside {
		rules[s.Rule]++
	}
	out = append(out, fmt.Sprintf("%s: digital by job family: %s", in.Name, countList(fams)))
	out = append(out, fmt.Sprintf("%s: set aside by rule: %s", in.Name, countList(rules)))
	out = append(out, fmt.Sprintf("%s: the formations loaded are in %d communes of %d départements; %d placed at their commune's centroid (the list gives no coordinates)",
		in.Name, len(communes), len(deps), of.centroid))
	if len(of.unused) > 0 {
		out = append(out, fmt.Sprintf("%s: columns not read: %s", in.Name, strings.Join(of.unused, ", ")))
	}
	return out
}

// countList writes counts as "a 12, b 3", largest first.
func countList(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
