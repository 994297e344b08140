package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gen-numerique/observatory/internal/synth"
)

// genCatalogue writes a synthetic catalogue of n rows into dir, as CSV or
// XLSX by ext, and returns its path. The name says "synthetique", which
// flags the input as synthetic data.
func genCatalogue(dir string, n int, ext string) (string, error) {
	path := filepath.Join(dir, fmt.Sprintf("catalogue-synthetique-%d.%s", n, ext))
	if _, err := os.Stat(path); err == nil {
		return path, nil // made by an earlier step of the same run
	}
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return "", err
	}
	write := synth.CSV
	if strings.EqualFold(ext, "xlsx") {
		write = synth.XLSX
	}
	if err := write(f, n); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(path+".tmp", path)
}
