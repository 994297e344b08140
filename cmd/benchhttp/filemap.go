package main

import (
	"crypto/sha256"
	"encoding/hex"
	"mime"
	"regexp"
	"strings"
)

// fileName names the saved response of path (with its query) on the
// ceiling servers. It is deterministic, so runs and both ceilings agree;
// the hash keeps two queries of one path apart, the readable part is for
// whoever lists the directory, and the extension follows the Content-Type
// (nginx could map types by it; we set the type per file anyway).
func fileName(path, contentType string) string {
	sum := sha256.Sum256([]byte(path))
	p, _, _ := strings.Cut(path, "?")
	slug := strings.Trim(nonSlug.ReplaceAllString(p, "-"), "-")
	if slug == "" {
		slug = "root"
	}
	if len(slug) > 60 {
		slug = slug[:60]
	}
	return slug + "-" + hex.EncodeToString(sum[:4]) + extension(contentType)
}

var nonSlug = regexp.MustCompile(`[^A-Za-z0-9]+`)

func extension(contentType string) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "application/geo+json":
		return ".geojson"
	case "application/json", "application/problem+json":
		return ".json"
	case "text/csv":
		return ".csv"
	case "text/html":
		return ".html"
	case "image/png":
		return ".png"
	case "image/svg+xml":
		return ".svg"
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		return ".xlsx"
	}
	return ".bin"
}
