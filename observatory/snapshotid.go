package observatory

import "regexp"

var snapshotID = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$`)

// IsSnapshotID reports whether id has the shape of a snapshot id: the UTC
// time it was made and six hex digits (20260101T120000Z-a1b2c3). Ids reach
// file paths, so nothing else may pass.
func IsSnapshotID(id string) bool { return snapshotID.MatchString(id) }
