// Package observatorytest helps tests that drive real programs beside the
// observatory (Chromium, pandas, GDAL, LibreOffice, R): a program that is
// missing skips the test with the package to install, except in CI (CI
// set), where .ci/run installs them all and a missing one is a failure.
package observatorytest

import (
	"os"
	"os/exec"
	"testing"
)

// Program returns the path of the first of names found on PATH. When none
// is, it skips the test naming the Debian package to install, or fails it
// under CI.
func Program(tb testing.TB, debianPackage string, names ...string) string {
	tb.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	Missing(tb, names[0], debianPackage)
	return ""
}

// Missing skips (locally) or fails (in CI) a test that needs what, which
// the Debian package pkg provides.
func Missing(tb testing.TB, what, pkg string) {
	tb.Helper()
	if os.Getenv("CI") != "" {
		tb.Fatalf("CI is set but %s is missing; .ci/run must install it (apt-get install %s)", what, pkg)
	}
	tb.Skipf("%s is not installed, so this test does not run here; apt-get install %s to run it (CI does)", what, pkg)
}
