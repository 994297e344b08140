package api_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"mime"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/api"
)

var update = flag.Bool("update", false, "rewrite the examples of openapi.json from real responses")

// binaryTypes have an example request but no example body.
var binaryTypes = []string{"image/png", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.apache.parquet"}

// TestOpenAPIExamples sends every operation's example request (x-example
// in openapi.json) to a real server and checks the answer against the
// document: a documented success status and media type, a body valid for
// its schema, and the same shape (JSON members, CSV header, first line) as
// the example response the document shows. With -update it writes those
// examples from the answers, trimmed (arrays to one element, text to
// three lines).
func TestOpenAPIExamples(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	tree, err := decodeOrdered(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	v := openAPIValidator(t)
	data := sharedEnv(t)
	admin := newAdminEnv(t, api.Config{AdminToken: adminToken, TempDir: t.TempDir()}, nil)
	_, snaps := data.fetch(t, "/api/v1/snapshots")
	var sl struct{ Items []struct{ ID string } }
	if err := json.Unmarshal(snaps, &sl); err != nil || len(sl.Items) == 0 {
		t.Fatalf("snapshots: %v %s", err, snaps)
	}
	run := ""
	paths := tree.(*jobj).get("paths").(*jobj)
	n := 0
	for _, path := range paths.keys {
		item := paths.get(path).(*jobj)
		for _, method := range item.keys {
			if method != "get" && method != "post" {
				continue
			}
			op := item.get(method).(*jobj)
			name := strings.ToUpper(method) + " " + path
			x, ok := op.get("x-example").(*jobj)
			if !ok {
				t.Errorf("%s: no x-example", name)
				continue
			}
			n++
			reqPath := strings.NewReplacer("{snapshot}", sl.Items[0].ID, "{run}", run).Replace(x.get("request").(string))
			// Admin operations, and changes (which need a second snapshot:
			// the example ingest's), go to the server with a token.
			e := data
			if strings.Contains(path, "/admin/") || strings.HasPrefix(path, "/api/v1/changes") {
				e = admin
			}
			var req *http.Request
			switch {
			case x.get("upload") != nil:
				field, file, _ := strings.Cut(x.get("upload").(string), "=")
				body, ctype := multipartBody(t, field, "../datasets/defaults/"+file)
				req, _ = http.NewRequest(http.MethodPost, e.srv.URL+reqPath, body)
				req.Header.Set("Content-Type", ctype)
			case x.get("body") != nil:
				var b bytes.Buffer
				encodeOrdered(&b, x.get("body"), 0)
				req, _ = http.NewRequest(http.MethodPost, e.srv.URL+reqPath, &b)
				req.Header.Set("Content-Type", "application/json")
			default:
				req, _ = http.NewRequest(http.MethodGet, e.srv.URL+reqPath, nil)
			}
			if e == admin {
				req.Header.Set("Authorization", "Bearer "+adminToken)
			}
			req.Header.Set("Accept-Encoding", "identity")
			res, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			status := res.Status[:3]
			resp, ok := op.get("responses").(*jobj).get(status).(*jobj)
			if res.StatusCode/100 != 2 || !ok {
				t.Errorf("%s: %s answers %d, not a documented success: %.300s", name, reqPath, res.StatusCode, body)
				continue
			}
			if strings.Contains(path, "/admin/ingest") {
				var r struct{ ID string }
				json.Unmarshal(body, &r)
				run = r.ID
				admin.awaitRun(t, res.Header.Get("Location"))
			}
			// The validator reads the body again.
			vreq, _ := http.NewRequest(req.Method, reqPath, nil)
			vres := &http.Response{StatusCode: res.StatusCode, Header: res.Header, Body: io.NopCloser(bytes.NewReader(body))}
			if ok, errs := v.ValidateHttpResponse(vreq, vres); !ok {
				for _, err := range errs {
					t.Errorf("%s: %s: %s", name, err.Message, err.Reason)
				}
			}
			mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
			content, _ := resp.get("content").(*jobj)
			if content == nil || content.get(mt) == nil {
				t.Errorf("%s: %s answers %s, not documented for %s", name, reqPath, mt, status)
				continue
			}
			if slices.Contains(binaryTypes, mt) || path == "/api/v1/openapi.json" { // its example would be itself
				continue
			}
			got := exampleOf(mt, body, e.srv.URL)
			media := content.get(mt).(*jobj)
			if *update {
				media.set("example", got)
				continue
			}
			want := media.get("example")
			if want == nil {
				t.Errorf("%s: no example response for %s %s (go test -run TestOpenAPIExamples ./api/ -update)", name, status, mt)
			} else if a, b := shapeOf(want), shapeOf(got); a != b {
				t.Errorf("%s: the example shows %s, the answer %s (go test -run TestOpenAPIExamples ./api/ -update)", name, a, b)
			}
		}
	}
	if n != 54 {
		t.Errorf("%d operations with an example, want every one of the 54", n)
	}
	if *update {
		var out bytes.Buffer
		encodeOrdered(&out, tree, 0)
		out.WriteByte('\n')
		if err := os.WriteFile("openapi.json", out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// exampleOf is the example a document shows of a body: JSON trimmed to one
// element per array, text to three lines; the test server's address
// becomes the README's.
func exampleOf(mt string, body []byte, origin string) any {
	text := strings.ReplaceAll(string(body), origin, "http://localhost:8080")
	if mt == "application/json" || strings.HasSuffix(mt, "+json") {
		var v any
		if json.Unmarshal([]byte(text), &v) == nil {
			return toOrdered(trim(v))
		}
	}
	lines := strings.SplitAfter(text, "\n")
	if len(lines) > 3 {
		lines = append(lines[:3], "…")
	}
	s := strings.Join(lines, "")
	if r := []rune(s); len(r) > 600 {
		s = string(r[:600]) + "…"
	}
	return s
}

func trim(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = trim(e)
		}
	case []any:
		if len(x) > 1 {
			x = x[:1]
		}
		for i, e := range x {
			x[i] = trim(e)
		}
		return x
	}
	return v
}

// snapshotID is a snapshot's id, which changes with every build.
var snapshotID = regexp.MustCompile(`(?i)\d{8}t\d{6}z-[0-9a-f]{6}`)

// shapeOf says what an example must share with the answer: an object's
// members, or a text's first line.
func shapeOf(v any) string {
	switch x := v.(type) {
	case *jobj:
		ks := slices.Clone(x.keys)
		slices.Sort(ks)
		return "members " + strings.Join(ks, ",")
	case []any:
		return "an array"
	case string:
		first, _, _ := strings.Cut(x, "\n")
		return "first line " + snapshotID.ReplaceAllString(first, "ID")
	}
	return "a scalar"
}
