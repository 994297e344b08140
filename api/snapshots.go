package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// snapshots lists every snapshot of the data directory, newest first.
func (s *Server) snapshots(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	list, err := s.hub.Snapshots(c.Request().Context())
	if err != nil {
		return err
	}
	if id := s.hub.Current(); id != "" {
		c.Response().Header().Set(headerSnapshot, id)
	}
	listed(c, "")
	return c.JSON(http.StatusOK, map[string]any{"items": list})
}

// snapshotDetail is one snapshot as /api/v1/snapshots/{id} shows it.
type snapshotDetail struct {
	observatory.Snapshot
	Links snapshotLinks `json:"links"`
}

type snapshotLinks struct {
	Self       string `json:"self"`
	Quarantine string `json:"quarantine"`
	Changes    string `json:"changes,omitempty"` // from its parent
	Parent     string `json:"parent,omitempty"`
	Datasets   string `json:"datasets"`
	Map        string `json:"map"`
}

// snapshot describes one snapshot ("current" for the one served): its
// inputs with SHA-256, counts, quarantine, the run's notes and warnings,
// the catalogue's reference date, the version that built it, and links to
// replay it.
func (s *Server) snapshot(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	id := c.Param("id")
	if id == "current" {
		id = s.hub.Current()
	}
	if !observatory.IsSnapshotID(id) {
		return &observatory.Error{Code: observatory.ENOTFOUND, Param: snapshotParam,
			Message: "no snapshot " + quoteID(c.Param("id")) + "; the snapshots kept are listed at /api/v1/snapshots"}
	}
	info, err := s.hub.Snapshot(c.Request().Context(), id)
	if err != nil {
		return err
	}
	q := "?" + snapshotParam + "=" + info.ID
	d := snapshotDetail{Snapshot: *info, Links: snapshotLinks{
		Self:       "/api/v1/snapshots/" + info.ID,
		Quarantine: "/api/v1/snapshots/" + info.ID + "/quarantine",
		Datasets:   "/api/v1/datasets" + q,
		Map:        "/" + q,
	}}
	if info.Parent != "" {
		d.Links.Parent = "/api/v1/snapshots/" + info.Parent
		d.Links.Changes = "/api/v1/changes?from=" + info.Parent + "&to=" + info.ID
	}
	c.Response().Header().Set(headerSnapshot, info.ID)
	return c.JSON(http.StatusOK, d)
}

// withPathSnapshot holds the snapshot the path names (/snapshots/{id}/…).
func (s *Server) withPathSnapshot(next echo.HandlerFunc) echo.HandlerFunc {
	return s.holdSnapshot(func(c echo.Context) (string, string) { return snapshotParam, c.Param("id") })(next)
}

// quoteID quotes what a client sent as an id, cut to a readable length.
func quoteID(id string) string {
	if len(id) > 40 {
		id = id[:40] + "…"
	}
	return `"` + id + `"`
}
