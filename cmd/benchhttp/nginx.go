package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

// nginxConf serves root like the Go ceiling: each saved file with the
// project's Content-Type, its .gz to clients that accept gzip. Everything
// nginx writes stays under prefix, so no system directory is needed.
var nginxConf = template.Must(template.New("nginx").Parse(`# Written by cmd/benchhttp for one run; removed with it.
daemon off;
worker_processes auto;
pid {{.Prefix}}/nginx.pid;
error_log {{.Prefix}}/nginx-error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	# wrk keeps its connections for the whole run; nginx's default of 1000
	# requests per connection would make it reconnect, which the project
	# and the Go file server never do.
	keepalive_requests 100000000;
	keepalive_timeout 120s;
	gzip off;
	gzip_static on;
	gzip_vary on;
	client_body_temp_path {{.Prefix}}/client_body;
	proxy_temp_path {{.Prefix}}/proxy;
	fastcgi_temp_path {{.Prefix}}/fastcgi;
	uwsgi_temp_path {{.Prefix}}/uwsgi;
	scgi_temp_path {{.Prefix}}/scgi;
	# Types for geojson, csv, xlsx, png and the rest are set per file below,
	# exactly as the project sent them; anything else is not found.
	types {}
	default_type application/octet-stream;
	server {
		listen {{.Addr}};
		root {{.Root}};
		location / { return 404; }
{{- range .Files}}
		location = /{{.Name}} { default_type "{{.Type}}"; }
{{- end}}
	}
}
`))

type nginxFile struct{ Name, Type string }

var safeName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// writeNginxConf writes prefix/nginx.conf for root's files (types by name).
func writeNginxConf(prefix, root, addr string, types map[string]string) (string, error) {
	var files []nginxFile
	for name, ct := range types {
		// fileName makes safe names; a Content-Type is quoted, so only
		// a quote, backslash or newline in it could break the config.
		if !safeName.MatchString(name) || strings.ContainsAny(ct, "\"\\\n") {
			return "", fmt.Errorf("%q (%q) cannot go into nginx.conf", name, ct)
		}
		files = append(files, nginxFile{name, ct})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	var b bytes.Buffer
	err := nginxConf.Execute(&b, struct {
		Prefix, Root, Addr string
		Files              []nginxFile
	}{prefix, root, addr, files})
	if err != nil {
		return "", err
	}
	conf := filepath.Join(prefix, "nginx.conf")
	return conf, os.WriteFile(conf, b.Bytes(), 0o644)
}

// nginxVersion is "nginx/1.22.1", or "" when nginx is not on PATH.
func nginxVersion() string {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		return ""
	}
	out, _ := exec.Command(bin, "-v").CombinedOutput() // nginx prints it on stderr
	v := strings.TrimSpace(string(out))
	if _, after, ok := strings.Cut(v, "version: "); ok {
		return after
	}
	return "nginx"
}

// startNginx runs nginx in the foreground (daemon off) as our child.
// -e sends its startup errors to prefix before it has read the config.
func startNginx(conf, prefix string) (*child, error) {
	return startChild("nginx", "nginx",
		"-p", prefix, "-c", conf, "-e", filepath.Join(prefix, "nginx-error.log"))
}
