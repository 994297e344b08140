package ingest

import (
	"bytes"
	"context"
	"io/fs"
	"path"

	"github.com/gen-numerique/observatory/datasets"
	"github.com/gen-numerique/observatory/observatory"
)

// Defaults builds one snapshot from the inputs embedded in the binary, so a
// fresh install serves real data with no download: the synthetic GEN
// stand-in, BMO 2024 and the Parcoursup apprenticeship list of 2020 (the
// programme parcoursup-apprentissage-2020, real data).
func Defaults(ctx context.Context, snap observatory.Snapshotter, opt Options) (*observatory.Report, error) {
	var jobs []Job
	for _, d := range datasets.DefaultInputs {
		b, err := fs.ReadFile(datasets.Defaults(), d.Path)
		if err != nil {
			return nil, err
		}
		f := File{Name: path.Base(d.Path), Data: bytes.NewReader(b), Size: int64(len(b)), Synthetic: d.Synthetic}
		if n := len(jobs); n > 0 && jobs[n-1].Kind == d.Kind && jobs[n-1].Programme.ID == d.Programme.ID {
			jobs[n-1].Files = append(jobs[n-1].Files, f)
			continue
		}
		jobs = append(jobs, Job{Kind: d.Kind, Files: []File{f}, Programme: d.Programme})
	}
	// The embedded catalogue is a stand-in, never refused for being
	// smaller than what it replaces.
	opt.AllowShrink = true
	return RunJobs(ctx, snap, jobs, opt)
}
