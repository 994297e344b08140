package main

import (
	"os"
	"strings"
	"testing"
)

func TestWriteNginxConf(t *testing.T) {
	dir := t.TempDir()
	types := map[string]string{
		"b-1.geojson": "application/geo+json",
		"a-2.csv":     "text/csv; charset=utf-8",
	}
	conf, err := writeNginxConf(dir, dir+"/files", "127.0.0.1:4321", types)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{
		"daemon off;", "worker_processes auto;", "access_log off;", "gzip_static on;",
		"listen 127.0.0.1:4321;", "root " + dir + "/files;", "pid " + dir + "/nginx.pid;",
		`location = /a-2.csv { default_type "text/csv; charset=utf-8"; }`,
		`location = /b-1.geojson { default_type "application/geo+json"; }`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("nginx.conf lacks %q:\n%s", want, s)
		}
	}
	if strings.Index(s, "/a-2.csv") > strings.Index(s, "/b-1.geojson") {
		t.Error("locations are not sorted (the file would change from run to run)")
	}
	for _, bad := range []map[string]string{{"a b": "text/csv"}, {"a;": "text/csv"}, {"a": `text/"csv`}} {
		if _, err := writeNginxConf(dir, dir, "127.0.0.1:1", bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
