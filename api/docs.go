package api

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"
)

// The docs page is the OpenAPI document rendered on the server: no
// script, no CDN, nothing fetched from elsewhere.

type oaDoc struct {
	Info struct {
		Title       string `json:"title"`
		Version     string `json:"version"`
		Description string `json:"description"`
	} `json:"info"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Parameters map[string]oaParam    `json:"parameters"`
		Responses  map[string]oaResponse `json:"responses"`
	} `json:"components"`
}

type oaOperation struct {
	Summary     string                `json:"summary"`
	Description string                `json:"description"`
	Tags        []string              `json:"tags"`
	Parameters  []oaParam             `json:"parameters"`
	Responses   map[string]oaResponse `json:"responses"`
}

type oaParam struct {
	Ref         string `json:"$ref"`
	Name        string `json:"name"`
	In          string `json:"in"`
	Description string `json:"description"`
	Required    bool   `json:"required"`
	Schema      struct {
		Type    any    `json:"type"`
		Enum    []any  `json:"enum"`
		Pattern string `json:"pattern"`
		Default any    `json:"default"`
	} `json:"schema"`
}

type oaResponse struct {
	Ref         string                     `json:"$ref"`
	Description string                     `json:"description"`
	Content     map[string]json.RawMessage `json:"content"`
}

// docOp is one operation as the page shows it.
type docOp struct {
	Method, Path, Summary, Description, Anchor string
	Params                                     []docParam
	Responses                                  []docResponse
}

type docParam struct{ Name, In, Description, Schema string }

type docResponse struct {
	Status, Description string
	Types               []string
}

type docSection struct {
	Tag string
	Ops []docOp
}

// renderDocs renders the docs page from the OpenAPI document, once, when
// the server starts.
func renderDocs() ([]byte, error) {
	var d oaDoc
	if err := json.Unmarshal(openapiJSON, &d); err != nil {
		return nil, err
	}
	resolveParam := func(p oaParam) oaParam {
		if name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
			return d.Components.Parameters[name]
		}
		return p
	}
	resolveResp := func(r oaResponse) oaResponse {
		if name, ok := strings.CutPrefix(r.Ref, "#/components/responses/"); ok {
			return d.Components.Responses[name]
		}
		return r
	}
	byTag := map[string][]docOp{}
	for _, path := range sortedKeys(d.Paths) {
		item := d.Paths[path]
		var shared []oaParam
		if raw, ok := item["parameters"]; ok {
			_ = json.Unmarshal(raw, &shared)
		}
		for _, method := range []string{"get", "head", "post", "put", "delete"} {
			raw, ok := item[method]
			if !ok {
				continue
			}
			var op oaOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, err
			}
			o := docOp{Method: strings.ToUpper(method), Path: path, Summary: op.Summary, Description: op.Description,
				Anchor: strings.NewReplacer("/", "-", "{", "", "}", "", ".", "-").Replace(method + path)}
			for _, p := range append(shared, op.Parameters...) {
				p = resolveParam(p)
				schema := ""
				if p.Schema.Type != nil {
					schema = strings.Trim(strings.ReplaceAll(string(mustJSON(p.Schema.Type)), `"`, ""), "[]")
				}
				if len(p.Schema.Enum) > 0 {
					var vals []string
					for _, v := range p.Schema.Enum {
						vals = append(vals, strings.Trim(string(mustJSON(v)), `"`))
					}
					schema += ": " + strings.Join(vals, " | ")
				}
				if p.Schema.Pattern != "" {
					schema += " /" + p.Schema.Pattern + "/"
				}
				if p.Schema.Default != nil {
					schema += ", default " + strings.Trim(string(mustJSON(p.Schema.Default)), `"`)
				}
				o.Params = append(o.Params, docParam{p.Name, p.In, p.Description, schema})
			}
			codes := make([]string, 0, len(op.Responses))
			for code := range op.Responses {
				codes = append(codes, code)
			}
			sort.Strings(codes)
			for _, code := range codes {
				r := resolveResp(op.Responses[code])
				o.Responses = append(o.Responses, docResponse{code, r.Description, sortedKeys(r.Content)})
			}
			tag := "other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			byTag[tag] = append(byTag[tag], o)
		}
	}
	var sections []docSection
	for _, tag := range sortedKeys(byTag) {
		sections = append(sections, docSection{tag, byTag[tag]})
	}
	var b bytes.Buffer
	err := docsTemplate.Execute(&b, map[string]any{"Info": d.Info, "Sections": sections})
	return b.Bytes(), err
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// docs serves the human documentation page.
func (s *Server) docs(c echo.Context) error {
	if p := s.params(c); p.err != nil {
		return p.err
	}
	return c.HTMLBlob(http.StatusOK, s.docsHTML)
}

var docsTemplate = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Info.Title}} — API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;display:flex}
nav{width:18rem;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f4f6f9;padding:1rem;box-sizing:border-box;font-size:13px}
nav a{display:block;color:#1f4e79;text-decoration:none;padding:.1rem 0}
main{padding:1rem 2rem;max-width:60rem}
h1{font-size:1.6rem}h2{border-bottom:2px solid #1f4e79;margin-top:2.5rem}
.op{border:1px solid #d0d7e2;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.m{font-weight:bold;color:#fff;background:#1f4e79;border-radius:3px;padding:0 .4rem;margin-right:.5rem;font-size:12px}
code{background:#eef1f5;padding:0 .25rem;border-radius:3px}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-top:1px solid #e3e7ee;padding:.25rem .4rem;text-align:left;vertical-align:top}
.desc{white-space:pre-wrap}
</style>
</head>
<body>
<nav>
<strong>{{.Info.Title}}</strong><br><small>version {{.Info.Version}} · <a href="/api/v1/openapi.json" style="display:inline">openapi.json</a></small>
{{range .Sections}}<p><strong>{{.Tag}}</strong></p>{{range .Ops}}<a href="#{{.Anchor}}">{{.Method}} {{.Path}}</a>{{end}}{{end}}
</nav>
<main>
<h1>{{.Info.Title}}</h1>
<p class="desc">{{.Info.Description}}</p>
{{range .Sections}}
<h2>{{.Tag}}</h2>
{{range .Ops}}
<div class="op" id="{{.Anchor}}">
<p><span class="m">{{.Method}}</span><code>{{.Path}}</code> — {{.Summary}}</p>
{{if .Description}}<p class="desc">{{.Description}}</p>{{end}}
{{if .Params}}<table><tr><th>parameter</th><th>in</th><th>schema</th><th>description</th></tr>
{{range .Params}}<tr><td><code>{{.Name}}</code></td><td>{{.In}}</td><td>{{.Schema}}</td><td>{{.Description}}</td></tr>{{end}}
</table>{{end}}
<table><tr><th>status</th><th>description</th><th>media types</th></tr>
{{range .Responses}}<tr><td>{{.Status}}</td><td>{{.Description}}</td><td>{{range .Types}}<code>{{.}}</code> {{end}}</td></tr>{{end}}
</table>
</div>
{{end}}{{end}}
</main>
</body>
</html>
`))
