package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gen-numerique/observatory/ingest/tabular"
	"github.com/gen-numerique/observatory/observatory"
)

// File is one input of a run: a path on disk, an upload or an embedded file.
type File struct {
	Name      string // display name, used in every message
	Data      io.ReaderAt
	Size      int64
	Synthetic bool // force the synthetic flag (embedded stand-ins); otherwise detected
}

// OpenFile opens a file on disk as an input. The caller closes the returned closer.
func OpenFile(path string) (File, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, nil, observatory.Errorf(observatory.EINVALID, "%s: %v", filepath.Base(path), unwrapPath(err))
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return File{}, nil, err
	}
	if st.IsDir() {
		f.Close()
		return File{}, nil, observatory.Errorf(observatory.EINVALID, "%s: is a directory", filepath.Base(path))
	}
	return File{Name: filepath.Base(path), Data: f, Size: st.Size()}, f, nil
}

func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// Options tune a run.
type Options struct {
	Ref      observatory.Reference // geography to check and repair places, referential to attach job families
	Limits   tabular.Limits
	Progress func(file string, rows int) // called every few thousand rows and at the end of each file
	// Step, if set, is told the run's phase (observatory.Phase*) as it
	// changes, and the file and rows read with every Progress call.
	Step func(observatory.Progress)
	// AllowShrink lets a catalogue run replace the current catalogue even
	// when it would drop more than MaxShrink of the formations in force, or
	// quarantine more than MaxQuarantine of a file's data rows (guard.go).
	AllowShrink   bool
	MaxShrink     float64 // 0: DefaultMaxShrink
	MaxQuarantine float64 // 0: DefaultMaxQuarantine
	// Programme is the programme an offer run's files belong to (its id,
	// titles, source, licence, date); RunJobs sets it from each Job.
	Programme observatory.Programme
}

// loader reads the files of one kind into the batch.
type loader func(ctx context.Context, b observatory.Batch, files []File, opt Options) (*observatory.Report, error)

var loaders = map[string]loader{
	"catalogue":           loadCatalogue,
	"bmo":                 loadBMO,
	observatory.KindOffer: loadOffer,
}

// Kinds lists the kinds of input a run can ingest.
func Kinds() []string {
	ks := make([]string, 0, len(loaders))
	for k := range loaders {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Job is the files of one kind that a run ingests.
type Job struct {
	Kind  string
	Files []File
	// Programme: for kind offer, the programme the files are a list of
	// (Programme.ID required); the run replaces that programme's rows only.
	Programme observatory.Programme
}

// Run ingests files of one kind into a new snapshot and publishes it; an
// offer's programme is opt.Programme.
func Run(ctx context.Context, snap observatory.Snapshotter, kind string, files []File, opt Options) (*observatory.Report, error) {
	return RunJobs(ctx, snap, []Job{{Kind: kind, Files: files, Programme: opt.Programme}}, opt)
}

// RunJobs ingests several kinds into one new snapshot and publishes it. It
// is all or nothing: on any error the snapshot being built is dropped and the
// current one stays as it was.
func RunJobs(ctx context.Context, snap observatory.Snapshotter, jobs []Job, opt Options) (*observatory.Report, error) {
	start := time.Now()
	kinds := make([]string, 0, len(jobs))
	for _, j := range jobs {
		if _, ok := loaders[j.Kind]; !ok {
			return nil, observatory.Errorf(observatory.EINVALID, "unknown kind %q; known: %s", j.Kind, strings.Join(Kinds(), ", "))
		}
		if len(j.Files) == 0 {
			return nil, observatory.Errorf(observatory.EINVALID, "no %s file given", j.Kind)
		}
		token := j.Kind
		if j.Kind == observatory.KindOffer {
			if err := checkProgramme(j.Programme); err != nil {
				return nil, err
			}
			token = observatory.ReplaceOffer(j.Programme.ID)
		}
		if j.Kind == observatory.KindOffer && slices.Contains(kinds, token) {
			return nil, observatory.Errorf(observatory.EINVALID, "%s given twice in one run: give all its files at once", token)
		}
		kinds = append(kinds, token)
	}
	defer boundMemory()()
	steps := newStepper(&opt)
	steps.phase(observatory.PhaseReading)
	b, err := snap.Begin(ctx)
	if err != nil {
		return nil, err
	}
	b = steps.wrap(b)
	committed := false
	defer func() {
		if !committed {
			b.Abort()
		}
	}()
	if err := b.CarryOver(ctx, kinds...); err != nil {
		return nil, err
	}
	rep := &observatory.Report{Rejects: []observatory.Reject{}, Repairs: []observatory.Repair{}}
	for _, j := range jobs {
		jopt := opt
		jopt.Programme = j.Programme
		r, err := loaders[j.Kind](ctx, b, j.Files, jopt)
		if err != nil {
			return nil, err
		}
		rep.Inputs = append(rep.Inputs, r.Inputs...)
		rep.Rejects = append(rep.Rejects, r.Rejects...)
		rep.Repairs = append(rep.Repairs, r.Repairs...)
		rep.SetAside = append(rep.SetAside, r.SetAside...)
		rep.Notes = append(rep.Notes, r.Notes...)
		rep.Warnings = append(rep.Warnings, r.Warnings...)
		rep.Columns = append(rep.Columns, r.Columns...)
	}
	if c, ok := unwrap(b).(interface{ CleanedUp() []string }); ok {
		rep.Notes = append(rep.Notes, c.CleanedUp()...)
	}
	if nb, ok := unwrap(b).(interface {
		RecordNotes(ctx context.Context, notes, warnings []string) error
	}); ok {
		if err := nb.RecordNotes(ctx, rep.Notes, rep.Warnings); err != nil {
			return nil, err
		}
	}
	id, err := b.Commit(ctx)
	if err != nil {
		return nil, err
	}
	committed = true
	rep.Snapshot, rep.Duration = id, time.Since(start)
	// The loaders describe each input before the snapshot has an id; the
	// snapshot records it, and so must the report.
	created := time.Now().UTC()
	if c, ok := unwrap(b).(interface{ Created() time.Time }); ok {
		created = c.Created()
	}
	for i := range rep.Inputs {
		rep.Inputs[i].Snapshot, rep.Inputs[i].Ingested = id, created
	}
	return rep, nil
}

// encodingNotes say how a text file was decoded, when there was a choice
// (Windows-1252, ISO-8859-15 or Mac Roman), for the run's notes.
func encodingNotes(file string, t tabular.Table) []string {
	if n := t.EncodingNote(); n != "" {
		return []string{fmt.Sprintf("%s: read as %s; %s", file, t.Format(), n)}
	}
	return nil
}

// digest is the SHA-256 of a file, recorded as its provenance.
func digest(f File) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f.Data, 0, f.Size)); err != nil {
		return "", fmt.Errorf("%s: %w", f.Name, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
