package api_test

import (
	"encoding/csv"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

type needsBody struct {
	Code        string   `json:"code"`
	Survey      int      `json:"survey"`
	Projects    *int64   `json:"projects"`
	SecretCells int      `json:"secret_cells"`
	Difficult   *float64 `json:"difficult_pct"`
	Jobs        []struct {
		Rank     int    `json:"rank"`
		FAP      string `json:"fap"`
		Projects *int64 `json:"projects"`
	} `json:"jobs"`
	Families []struct {
		Family   string   `json:"family"`
		Projects *int64   `json:"projects"`
		Reason   string   `json:"reason"`
		Ratio    *float64 `json:"supply_demand_ratio"`
	} `json:"families"`
	SentenceEN string `json:"sentence_en"`
	SentenceFR string `json:"sentence_fr"`
}

// bmoSums adds up, straight from the embedded copy of the BMO 2024 sheet
// (read here with encoding/csv, not the ingest), the digital jobs'
// projects of some bassins: published projects, secret cells, and
// difficult projects over the projects of the cells where both are published.
func bmoSums(t *testing.T, digital map[string]bool, bassins ...string) map[string][4]int64 {
	t.Helper()
	f, err := os.Open("../datasets/defaults/Base_open_data_BMO_2024.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := csv.NewReader(f)
	rows.FieldsPerRecord = -1
	want := map[string]bool{}
	for _, b := range bassins {
		want[b] = true
	}
	out := map[string][4]int64{}
	for first := true; ; first = false {
		r, err := rows.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		// annee, code métier, …, BE24 (9), NOMBE24, met (11), xmet, smet
		if first || len(r) < 13 || !digital[r[1]] || !want[r[9]] {
			continue
		}
		s := out[r[9]]
		met, err := strconv.ParseInt(r[11], 10, 64)
		if err != nil { // "*": secret
			s[1]++
			out[r[9]] = s
			continue
		}
		s[0] += met
		if x, err := strconv.ParseInt(r[12], 10, 64); err == nil {
			s[2] += x
			s[3] += met
		}
		out[r[9]] = s
	}
	return out
}

// The needs of known bassins are BMO's own sums, checked against the
// workbook read here without the ingest; every reference bassin answers.
func TestNeedsAgainstBMO(t *testing.T) {
	t.Parallel() // reads the shared server only
	e := sharedEnv(t)
	var mlist struct {
		Items []struct {
			FAP2021 []struct{ Code string } `json:"fap2021"`
		} `json:"items"`
	}
	e.get(t, "/api/v1/metiers", &mlist)
	digital := map[string]bool{}
	for _, m := range mlist.Items {
		for _, c := range m.FAP2021 {
			digital[c.Code] = true
		}
	}
	if len(digital) < 5 {
		t.Fatalf("digital FAP 2021 codes: %v", digital)
	}
	bassins := []string{"8428", "7501", "1107"} // Lyon centre, Angoulême, Paris
	sums := bmoSums(t, digital, bassins...)
	for _, b := range bassins {
		var n needsBody
		if res := e.get(t, "/api/v1/territories/bassin/"+b+"/needs", &n); res.StatusCode != 200 {
			t.Fatalf("%s: %d", b, res.StatusCode)
		}
		s := sums[b]
		if n.Projects == nil || *n.Projects != s[0] || int64(n.SecretCells) != s[1] {
			t.Errorf("%s: projects %v secret %d, the workbook says %d and %d", b, n.Projects, n.SecretCells, s[0], s[1])
		}
		if d := 100 * float64(s[2]) / float64(s[3]); n.Difficult == nil || math.Abs(*n.Difficult-d) > 1e-9 {
			t.Errorf("%s: difficult %v, workbook %.3f", b, n.Difficult, d)
		}
		if n.Survey != 2024 || len(n.Jobs) == 0 || n.Jobs[0].Rank != 1 {
			t.Errorf("%s: survey %d, jobs %v", b, n.Survey, n.Jobs)
		}
		for i := 1; i < len(n.Jobs); i++ {
			a, c := n.Jobs[i-1].Projects, n.Jobs[i].Projects
			if a != nil && c != nil && *a < *c {
				t.Errorf("%s: jobs not ranked: %v", b, n.Jobs)
			}
		}
		want := strconv.FormatInt(s[0], 10)
		if len(want) > 3 {
			want = want[:len(want)-3] + "," + want[len(want)-3:]
		}
		if !strings.Contains(n.SentenceEN, want+" digital hiring projects in BMO 2024") || !strings.Contains(n.SentenceFR, "BMO 2024") {
			t.Errorf("%s: %q", b, n.SentenceEN)
		}
		t.Logf("%s", n.SentenceEN)
	}

	// Every bassin of the reference answers, and the table has them all.
	var ts struct{ Items []struct{ Code string } }
	e.get(t, "/api/v1/territories/bassin", &ts)
	var all struct {
		Total int         `json:"total"`
		Items []needsBody `json:"items"`
	}
	e.get(t, "/api/v1/needs?level=bassin", &all)
	if all.Total != len(ts.Items) || len(ts.Items) != 403 {
		t.Fatalf("needs of %d bassins, %d in the reference", all.Total, len(ts.Items))
	}
	for i, n := range all.Items {
		// A null is never a zero: no figure without its reason.
		for _, f := range n.Families {
			if f.Projects == nil && f.Reason == "" {
				t.Errorf("%s %s: null projects without reason", n.Code, f.Family)
			}
		}
		if n.Projects == nil && n.SecretCells == 0 {
			t.Errorf("%s: no projects and no secret cell", n.Code)
		}
		// One bassin in ten through its own route, which must agree.
		if i%10 != 0 {
			continue
		}
		var one needsBody
		if res := e.get(t, "/api/v1/territories/bassin/"+n.Code+"/needs", &one); res.StatusCode != 200 || one.SentenceFR != n.SentenceFR {
			t.Fatalf("%s: %d %q, the table says %q", n.Code, res.StatusCode, one.SentenceFR, n.SentenceFR)
		}
	}
}
