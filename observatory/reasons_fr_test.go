package observatory_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/observatory"
)

// TestReasonsFR: every reason format the ingest passes to a row check's
// fail or repair has its French form, and each French form receives the
// values of its reason.
func TestReasonsFR(t *testing.T) {
	known := map[string]bool{}
	for _, p := range observatory.ReasonFormatsFR {
		known[p[0]] = true
	}
	files, _ := filepath.Glob("../ingest/*.go")
	fset := token.NewFileSet()
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			// Reason: fmt.Sprintf("…", …) and x.Reason = fmt.Sprintf("…", …)
			var reason ast.Expr
			switch x := n.(type) {
			case *ast.KeyValueExpr:
				if id, ok := x.Key.(*ast.Ident); ok && id.Name == "Reason" {
					reason = x.Value
				}
			case *ast.AssignStmt:
				if sel, ok := x.Lhs[0].(*ast.SelectorExpr); ok && sel.Sel.Name == "Reason" && len(x.Rhs) == 1 {
					reason = x.Rhs[0]
				}
			}
			if call, ok := reason.(*ast.CallExpr); ok && len(call.Args) > 0 {
				if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					format, _ := strconv.Unquote(lit.Value)
					found++
					if !known[format] {
						t.Errorf("%s: no French form of %q (observatory.ReasonFormatsFR)", fset.Position(lit.Pos()), format)
					}
				}
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			at := map[string]int{"fail": 2, "repair": 3}[sel.Sel.Name]
			if at == 0 || len(call.Args) <= at {
				return true
			}
			lit, ok := call.Args[at].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			format, _ := strconv.Unquote(lit.Value)
			found++
			switch {
			case format == "%s": // a message already written elsewhere
			case strings.HasSuffix(format, "name%s"): // its two endings are listed whole
				for _, end := range []string{" and postcode", " in its département"} {
					if !known[strings.TrimSuffix(format, "%s")+end] {
						t.Errorf("%s: no French form of %q", fset.Position(lit.Pos()), strings.TrimSuffix(format, "%s")+end)
					}
				}
			case !known[format]:
				t.Errorf("%s: no French form of %q (observatory.ReasonFormatsFR)", fset.Position(lit.Pos()), format)
			}
			return true
		})
	}
	if found < 40 {
		t.Fatalf("found %d reason formats in ingest/: the parser missed them", found)
	}
	verb := regexp.MustCompile(`%[qsd]`)
	for _, p := range observatory.ReasonFormatsFR {
		i := 0
		var vals []string
		en := verb.ReplaceAllStringFunc(p[0], func(v string) string {
			i++
			s := "v" + strconv.Itoa(i)
			switch v {
			case "%q":
				s = strconv.Quote(s)
			case "%d":
				s = strconv.Itoa(100 + i)
			}
			vals = append(vals, s)
			return s
		})
		fr := observatory.ReasonFR(en)
		if fr == en || strings.Contains(fr, "%!") {
			t.Errorf("%q: French %q", en, fr)
		}
		for _, v := range vals {
			if !strings.Contains(fr, v) {
				t.Errorf("%q: French %q lacks %s", en, fr, v)
			}
		}
	}
	if got := observatory.ReasonFR("a reason nobody wrote"); got != "a reason nobody wrote" {
		t.Errorf("an unknown reason becomes %q", got)
	}
	if slices.ContainsFunc(observatory.ReasonFormatsFR, func(p [2]string) bool { return p[0] == p[1] }) {
		t.Error("a French form is the English one")
	}
}
