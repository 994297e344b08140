package api

import (
	"os"
	"strconv"
)

// Temporary files (uploads being ingested, Parquet files being written)
// are named observatory-<pid>-…: a server killed with kill -9 leaves its
// own behind, and the next start (duckdb.Dir.Clean) removes those whose
// process is gone, and only those.
func tempPattern(kind string) string { return "observatory-" + strconv.Itoa(os.Getpid()) + "-" + kind }

func uploadPattern() string { return tempPattern("upload-*") }
