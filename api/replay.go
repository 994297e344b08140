package api

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gen-numerique/observatory/observatory"
)

// acquireAt holds snapshot id for a request: "" or "current" for the
// current one, else a past one kept in the data directory. A malformed id
// is a 400 and an unknown or pruned one a 404, both naming param.
func (s *Server) acquireAt(ctx context.Context, param, id string) (observatory.Store, func(), error) {
	id = strings.TrimSpace(id)
	if id == "current" {
		id = ""
	}
	if id != "" && !observatory.IsSnapshotID(id) {
		return nil, nil, observatory.ParamError(param, "%s %q is not a snapshot id (e.g. 20260101T120000Z-a1b2c3); the snapshots kept are listed at /api/v1/snapshots", param, id)
	}
	st, release, err := s.hub.AcquireAt(ctx, id)
	if err != nil {
		var oe *observatory.Error
		if errors.As(err, &oe) && oe.Param != "" && oe.Param != param {
			c := *oe
			c.Param = param
			return nil, nil, &c
		}
		return nil, nil, err
	}
	return st, release, nil
}

// replayed is the snapshot= the request gives ("" for none): links in a
// replayed answer keep it, so they lead to the same snapshot.
func replayed(c echo.Context) string {
	if c.Get(snapshotQueryKey) != true {
		return ""
	}
	return strings.TrimSpace(c.QueryParam(snapshotParam))
}

// pinLink adds snapshot=id to a link of the API or the page ("" leaves it).
func pinLink(u, id string) string {
	if id == "" || u == "" || strings.Contains(u, snapshotParam+"=") {
		return u
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + snapshotParam + "=" + url.QueryEscape(id)
}
