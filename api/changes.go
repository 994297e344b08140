package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// changesBody is GET /api/v1/changes as JSON.
type changesBody struct {
	*observatory.Changes
	Links changesLinks `json:"links"`
}

type changesLinks struct {
	From string `json:"from"`
	To   string `json:"to"`
	CSV  string `json:"csv"`
	XLSX string `json:"xlsx"`
	Feed string `json:"feed"`
}

// withToSnapshot holds the snapshot a diff goes to (to=, by default the
// current one): it names the response, so a diff to a past snapshot is
// cached for good and one to the current snapshot revalidates.
func (s *Server) withToSnapshot(next echo.HandlerFunc) echo.HandlerFunc {
	return s.holdSnapshot(func(c echo.Context) (string, string) { return "to", c.QueryParam("to") })(next)
}

// changes serves GET /api/v1/changes[.csv|.xlsx]?from=ID&to=ID: what
// changed from one snapshot to another; by default, from the snapshot the
// current one was built from to the current one.
func (s *Server) changes(c echo.Context) error {
	p := s.params(c, "from", "to", formatParam, "dialect")
	fm := p.format(c, FormatJSON, FormatCSV, FormatXLSX, FormatNDJSON)
	p.dialect(fm)
	if p.err != nil {
		return p.err
	}
	ctx := c.Request().Context()
	to := store(c)
	from, err := s.diffBase(ctx, p.str("from"), to)
	if err != nil {
		return err
	}
	ch, err := s.diffOf(ctx, from, to.Snapshot())
	if err != nil {
		return err
	}
	if fm != FormatJSON {
		return s.download(c, fm, changesTable(ch))
	}
	q := "?from=" + ch.From.ID + "&to=" + ch.To.ID
	return c.JSON(http.StatusOK, changesBody{Changes: ch, Links: changesLinks{
		From: "/api/v1/snapshots/" + ch.From.ID, To: "/api/v1/snapshots/" + ch.To.ID,
		CSV: "/api/v1/changes.csv" + q, XLSX: "/api/v1/changes.xlsx" + q, Feed: "/api/v1/changes.atom"}})
}

// diffBase is the snapshot a diff to `to` starts from: from= if given,
// else the snapshot `to` was built from.
func (s *Server) diffBase(ctx context.Context, from string, to observatory.Store) (string, error) {
	if from == "current" {
		return s.hub.Current(), nil
	}
	if from != "" {
		if !observatory.IsSnapshotID(from) {
			return "", observatory.ParamError("from", "from %s is not a snapshot id (e.g. 20260101T120000Z-a1b2c3); the snapshots kept are listed at /api/v1/snapshots", quoteID(from))
		}
		return from, nil
	}
	info, err := s.hub.Snapshot(ctx, to.Snapshot())
	if err != nil {
		return "", err
	}
	if info.Parent == "" {
		return "", &observatory.Error{Code: observatory.ENOTFOUND, Param: "from",
			Message: "snapshot " + info.ID + " is the first of its data directory (or older than the record of parents): give from=ID; the snapshots kept are listed at /api/v1/snapshots"}
	}
	return info.Parent, nil
}

// diffOf is the diff from one snapshot to another, computed once per pair
// (snapshots never change) and kept among the last few.
func (s *Server) diffOf(ctx context.Context, from, to string) (*observatory.Changes, error) {
	v, err := s.diffs.Do(from+"\n"+to, func() (any, error) {
		a, err := s.stateOf(ctx, "from", from)
		if err != nil {
			return nil, err
		}
		b, err := s.stateOf(ctx, "to", to)
		if err != nil {
			return nil, err
		}
		return observatory.Diff(a, b, observatory.DefaultChangeThresholds, s.geo), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*observatory.Changes), nil
}

// stateOf reads what a diff compares of snapshot id, once per snapshot
// while it stays among the last few read.
func (s *Server) stateOf(ctx context.Context, param, id string) (*observatory.SnapshotState, error) {
	v, err := s.states.Do(id, func() (any, error) {
		st, release, err := s.acquireAt(ctx, param, id)
		if err != nil {
			return nil, err
		}
		defer release()
		svc, err := s.indicatorsFor(ctx, st)
		if err != nil {
			return nil, err
		}
		return observatory.StateOf(ctx, st, svc, s.geo.Adjacency(observatory.LevelDepartement))
	})
	if err != nil {
		return nil, err
	}
	return v.(*observatory.SnapshotState), nil
}

// indicatorsFor is the indicator service over st, for the GEN label: the
// values a diff compares are those the API answers without programme=
// (formations of every programme are compared one by one).
func (s *Server) indicatorsFor(ctx context.Context, st observatory.Store) (observatory.Indicators, error) {
	syn, err := mapSynthetic(ctx, st)
	return observatory.Indicators{Facts: observatory.MemoFacts(st, s.facts, st.Snapshot()), Geo: s.geo, Metiers: s.ref, Synthetic: syn, Snapshot: st.Snapshot(), Memo: s.memo,
		Programmes: []string{observatory.ProgrammeGEN}}, err
}
