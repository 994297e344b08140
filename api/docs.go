package api

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// The docs page is the OpenAPI document rendered on the server: no
// script, no CDN, nothing fetched from elsewhere. It is French by default
// (the observatory's public is French) and English with ?lang=en; the
// French texts come from the document's x-summary-fr, x-name-fr and
// x-description-fr members, so each fact has one copy. Descriptions the
// document only has in English keep lang="en" on the French page.

type oaDoc struct {
	Info struct {
		Version       string `json:"version"`
		Description   string `json:"description"`
		DescriptionFR string `json:"x-description-fr"`
	} `json:"info"`
	Tags       []oaTag                               `json:"tags"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Parameters map[string]oaParam    `json:"parameters"`
		Responses  map[string]oaResponse `json:"responses"`
	} `json:"components"`
}

type oaTag struct {
	Name          string `json:"name"`
	Description   string `json:"description"`
	NameFR        string `json:"x-name-fr"`
	DescriptionFR string `json:"x-description-fr"`
}

type oaOperation struct {
	Summary     string                `json:"summary"`
	SummaryFR   string                `json:"x-summary-fr"`
	Description string                `json:"description"`
	Tags        []string              `json:"tags"`
	Parameters  []oaParam             `json:"parameters"`
	Responses   map[string]oaResponse `json:"responses"`
	Example     struct {
		Request string `json:"request"`
	} `json:"x-example"` // checked against a real answer by TestOpenAPIExamples
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
	Method, Path, Anchor string
	Example              string // a request that works, for GET a link
	Summary              string // in the page's language; English when no French is given
	SummaryLang          string // "en" when Summary is not in the page's language
	summaryEN, summaryFR string
	Description          string
	Params               []docParam
	Responses            []docResponse
}

type docParam struct{ Name, In, Description, Schema, Default string }

type docResponse struct {
	Status, Description string
	Types               []string
}

type docSection struct {
	Anchor, Title, Description string
	DescriptionLang            string // "en" when Description is not in the page's language
	Ops                        []docOp
}

// docsPage is what the template gets for one language.
type docsPage struct {
	Lang     string
	T        map[string]string
	Version  string
	Intro    string // the document's description, French when it has one
	IntroEN  bool   // the intro is in English on the French page
	Sections []docSection
}

// docsLangs are the page's languages, the default first.
var docsLangs = []string{"fr", "en"}

// renderDocs renders the docs page in each language from the OpenAPI
// document, once, when the server starts.
func renderDocs() (map[string][]byte, error) {
	var d oaDoc
	if err := json.Unmarshal(openapiJSON, &d); err != nil {
		return nil, err
	}
	byTag, err := docOperations(&d)
	if err != nil {
		return nil, err
	}
	// Sections follow the document's tags, which list the public data first
	// and admin last; a tag the list lacks comes after it.
	tags := slices.Clone(d.Tags)
	for _, name := range sortedKeys(byTag) {
		if !slices.ContainsFunc(tags, func(t oaTag) bool { return t.Name == name }) {
			tags = append(tags, oaTag{Name: name})
		}
	}
	pages := map[string][]byte{}
	for _, lang := range docsLangs {
		fr := lang == "fr"
		page := docsPage{Lang: lang, T: docsText[lang], Version: d.Info.Version, Intro: d.Info.Description}
		if fr {
			page.Intro, page.IntroEN = d.Info.DescriptionFR, d.Info.DescriptionFR == ""
			if page.IntroEN {
				page.Intro = d.Info.Description
			}
		}
		for _, t := range tags {
			ops := byTag[t.Name]
			if len(ops) == 0 {
				continue
			}
			sec := docSection{Anchor: "tag-" + strings.ReplaceAll(t.Name, " ", "-"),
				Title: t.Name, Description: t.Description}
			if t.Name != "" {
				sec.Title = strings.ToUpper(t.Name[:1]) + t.Name[1:]
			}
			if fr && t.NameFR != "" {
				sec.Title = t.NameFR
			}
			if fr && t.DescriptionFR != "" {
				sec.Description = t.DescriptionFR
			} else if fr && t.Description != "" {
				sec.DescriptionLang = "en"
			}
			for _, o := range ops {
				o.Summary = o.summaryEN
				if fr {
					o.Summary = o.summaryFR
					if o.Summary == "" {
						o.Summary, o.SummaryLang = o.summaryEN, "en"
					}
				}
				sec.Ops = append(sec.Ops, o)
			}
			page.Sections = append(page.Sections, sec)
		}
		var b bytes.Buffer
		if err := docsTemplate.Execute(&b, page); err != nil {
			return nil, err
		}
		pages[lang] = b.Bytes()
	}
	return pages, nil
}

// docOperations reads the document's operations by their first tag, each
// tag's in path order.
func docOperations(d *oaDoc) (map[string][]docOp, error) {
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
			o := docOp{Method: strings.ToUpper(method), Path: path, summaryEN: op.Summary, summaryFR: op.SummaryFR,
				Description: op.Description, Anchor: docAnchor(method, path), Example: op.Example.Request}
			for _, p := range append(shared, op.Parameters...) {
				o.Params = append(o.Params, docParameter(resolveParam(p)))
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
	return byTag, nil
}

// docParameter writes a parameter's schema in one line: its type, values,
// pattern and default.
func docParameter(p oaParam) docParam {
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
	def := ""
	if p.Schema.Default != nil {
		def = strings.Trim(string(mustJSON(p.Schema.Default)), `"`)
	}
	return docParam{p.Name, p.In, p.Description, schema, def}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// docs serves the human documentation page, in French unless lang=en.
func (s *Server) docs(c echo.Context) error {
	p := s.params(c, "lang")
	lang := p.oneOf("lang", docsLangs...)
	if p.err != nil {
		return p.err
	}
	// The language is chosen by the query alone, never by Accept-Language,
	// so the URL names the bytes and Vary needs nothing more.
	pages, err := s.docsHTML.get()
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Language", lang)
	return c.HTMLBlob(http.StatusOK, pages[lang])
}

// lazyDocs renders the docs pages once, on their first request: 25 ms at
// every start (and for every test server) that most never need.
// TestDocsPage renders them; a document that fails to render answers 500.
type lazyDocs struct {
	once  sync.Once
	pages map[string][]byte
	err   error
}

func (d *lazyDocs) get() (map[string][]byte, error) {
	d.once.Do(func() { d.pages, d.err = renderDocs() })
	return d.pages, d.err
}

// docsText is every text of the page itself, per language.
var docsText = map[string]map[string]string{
	"fr": {
		"title":       "Documentation de l'API de l'observatoire GEN",
		"about":       "Cette API publie en données ouvertes l'offre de formation au numérique de la Grande École du Numérique, les projets de recrutement (enquête BMO), les indicateurs par territoire et les zones blanches. Elle se parcourt depuis sa [page d'accueil](/api/v1) ; les fichiers sont au [catalogue des jeux de données](/api/v1/datasets), la description machine dans [openapi.json](/api/v1/openapi.json), et la [carte](/) montre les indicateurs.",
		"contents":    "Sommaire",
		"version":     "Version de l'API :",
		"conventions": "Conventions communes",
		"switch":      "English",
		"switchTo":    "en",
		"href":        "/api/v1/docs?lang=en",
		"param":       "paramètre",
		"example":     "Exemple :",
		"in":          "dans",
		"schema":      "schéma",
		"desc":        "description",
		"status":      "statut",
		"types":       "types de contenu",
		"default":     "défaut",
		"query":       "requête",
		"path":        "chemin",
		"header":      "en-tête",
	},
	"en": {
		"title":       "GEN observatory API documentation",
		"about":       "This API publishes as open data the digital training offer of the Grande École du Numérique, hiring projects (BMO), indicators per territory and coverage gaps. Start from its [landing page](/api/v1); the files are in the [dataset catalogue](/api/v1/datasets), the machine description in [openapi.json](/api/v1/openapi.json), and the [map](/?lang=en) shows the indicators.",
		"contents":    "Contents",
		"version":     "API version",
		"conventions": "Common conventions",
		"switch":      "Français",
		"switchTo":    "fr",
		"href":        "/api/v1/docs",
		"param":       "parameter",
		"example":     "Example:",
		"in":          "in",
		"schema":      "schema",
		"desc":        "description",
		"status":      "status",
		"types":       "media types",
		"default":     "default",
		"query":       "query",
		"path":        "path",
		"header":      "header",
	},
}

//go:embed web/docs.html.tmpl
var docsHTMLTemplate string

var docsTemplate = template.Must(template.New("docs").Funcs(template.FuncMap{
	"md":       markdownHTML,
	"contains": strings.Contains,
	"mdInline": func(s string) template.HTML {
		return template.HTML(markdownInline(s)) // escaped by markdownInline
	},
}).Parse(docsHTMLTemplate))
