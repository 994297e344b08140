package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gen-numerique/observatory/observatory/duckdb"
)

type jdList struct {
	Snapshot  string `json:"snapshot"`
	Synthetic bool   `json:"synthetic"`
	Notice    string `json:"notice"`
	Source    string `json:"source"`
	Note      string `json:"note"`
	Query     struct {
		Level   string `json:"level"`
		Group   string `json:"group"`
		Year    int    `json:"year"`
		Code    string `json:"code"`
		Family  string `json:"family"`
		FAP     string `json:"fap"`
		Digital bool   `json:"digital"`
	} `json:"query"`
	Total int `json:"total"`
	Next  string
	Items []struct {
		Year           int      `json:"year"`
		Level          string   `json:"level"`
		Code           string   `json:"code"`
		Name           string   `json:"name"`
		Family         string   `json:"family"`
		FAP            string   `json:"fap"`
		FAPLabel       string   `json:"fap_label"`
		FAPEdition     string   `json:"fap_edition"`
		Projects       *int64   `json:"projects"`
		Difficult      *int64   `json:"difficult"`
		ShareDifficult *float64 `json:"share_difficult"`
		Rows           int      `json:"rows"`
		SecretRows     int      `json:"secret_rows"`
	} `json:"items"`
}

// TestJobDemandAPI serves the real BMO 2024 survey of the default snapshot.
func TestJobDemandAPI(t *testing.T) {
	e := newEnv(t)

	t.Run("regions", func(t *testing.T) {
		var l jdList
		res := e.get(t, "/api/v1/job-demand", &l)
		if res.StatusCode != 200 || res.Header.Get("X-Observatory-Synthetic") != "" || res.Header.Get("X-Observatory-Snapshot") == "" {
			t.Fatalf("status %d, headers %v", res.StatusCode, res.Header)
		}
		if l.Synthetic || l.Notice != "" || l.Total != 18 || len(l.Items) != 18 || l.Query.Level != "region" || l.Query.Group != "none" ||
			!strings.Contains(l.Source, "BMO") || !strings.Contains(l.Note, "lower bound") {
			t.Fatalf("list %+v", l)
		}
		var sum int64
		secret := 0
		for _, it := range l.Items {
			sum += *it.Projects
			secret += it.SecretRows
			if it.Year != 2024 || it.Level != "region" || it.Name == "" {
				t.Errorf("item %+v", it)
			}
			if it.Code == "11" && (*it.Projects != 488321 || it.Rows != 4728 || it.SecretRows != 538 || it.Name != "Île-de-France") {
				t.Errorf("Île-de-France %+v", it)
			}
		}
		// The totals SOURCES.md gives for the file.
		if sum != 2751069 || secret != 10891 {
			t.Fatalf("sum %d, secret rows %d", sum, secret)
		}
	})

	t.Run("territories", func(t *testing.T) {
		for _, c := range []struct {
			q            string
			name         string
			projects     int64
			rows, secret int
		}{
			{"level=departement&code=978", "Saint-Martin", 1022, 68, 22},
			{"level=bassin&code=5313&year=2024", "REDON", 2107, 150, 45},
			{"level=departement&code=75&fap=m1x80&group=fap", "Paris", 3220, 1, 0},
		} {
			var l jdList
			if res := e.get(t, "/api/v1/job-demand?"+c.q, &l); res.StatusCode != 200 || len(l.Items) != 1 {
				t.Fatalf("%s: %d, %+v", c.q, res.StatusCode, l)
			}
			it := l.Items[0]
			if it.Name != c.name || *it.Projects != c.projects || it.Rows != c.rows || it.SecretRows != c.secret {
				t.Errorf("%s: %+v", c.q, it)
			}
		}
		var l jdList
		e.get(t, "/api/v1/job-demand?level=departement&code=75&fap=M1X80&group=fap", &l)
		if it := l.Items[0]; it.FAP != "M1X80" || it.FAPEdition != "FAP2021" || !strings.HasPrefix(it.FAPLabel, "Techniciens d'étude") {
			t.Errorf("FAP fields %+v", it)
		}
	})

	t.Run("digital", func(t *testing.T) {
		// The same figures computed by hand in SQL on the snapshot.
		ctx := context.Background()
		id, _ := e.dir.Current()
		db, err := duckdb.Open(ctx, e.dir, id)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var want int64
		var fam string
		err = db.SQL().QueryRow(`SELECT coalesce(sum(projects), 0) FROM job_demand
			WHERE region = '84' AND fap_code IN (SELECT code FROM metier_codes WHERE scheme = 'FAP2021')`).Scan(&want)
		if err != nil {
			t.Fatal(err)
		}
		var l jdList
		e.get(t, "/api/v1/job-demand?code=84&digital=true", &l)
		if got := int64(0); len(l.Items) == 1 {
			got = *l.Items[0].Projects
			if got != want || !l.Query.Digital {
				t.Fatalf("digital in 84: %d, want %d", got, want)
			}
		} else if want != 0 {
			t.Fatalf("digital in 84: %+v, want %d", l, want)
		}
		if db.SQL().QueryRow(`SELECT min(family) FROM metier_codes WHERE scheme = 'FAP2021'`).Scan(&fam); fam == "" {
			t.Skip("no FAP code in the referential yet")
		}
		var fl jdList
		e.get(t, "/api/v1/job-demand?code=84&group=family&family="+url.QueryEscape(fam), &fl)
		err = db.SQL().QueryRow(`SELECT coalesce(sum(projects), 0) FROM job_demand
			WHERE region = '84' AND fap_code IN (SELECT code FROM metier_codes WHERE scheme = 'FAP2021' AND family = ?)`, fam).Scan(&want)
		if err != nil || len(fl.Items) != 1 || fl.Items[0].Family != fam || *fl.Items[0].Projects != want {
			t.Fatalf("family %s: %+v, want %d (%v)", fam, fl, want, err)
		}
	})

	t.Run("pages", func(t *testing.T) {
		seen := map[string]bool{}
		path := "/api/v1/job-demand?level=departement&limit=40"
		for pages := 0; path != ""; pages++ {
			var l jdList
			res := e.get(t, path, &l)
			if l.Total != 102 || pages > 3 {
				t.Fatalf("total %d after %d pages", l.Total, pages)
			}
			for _, it := range l.Items {
				if seen[it.Code] {
					t.Fatalf("%s twice", it.Code)
				}
				seen[it.Code] = true
			}
			path = ""
			if link := res.Header.Get("Link"); link != "" {
				u, _ := url.Parse(strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`))
				path = u.RequestURI()
			}
		}
		if len(seen) != 102 || !seen["978"] || !seen["2A"] {
			t.Fatalf("saw %d départements", len(seen))
		}
	})

	t.Run("errors", func(t *testing.T) {
		for q, param := range map[string]string{
			"level=commune":              "level",
			"code=99":                    "code",
			"level=departement&code=20":  "code",
			"level=bassin&code=abc":      "code",
			"level=bassin&code=9999":     "code",
			"fap=XYZ":                    "fap",
			"digital=yes":                "digital",
			"group=metier":               "group",
			"year=24":                    "year",
			"cursor=bm9wZQ":              "cursor",
			"family=nope":                "family",
			"limit=0":                    "limit",
			"fields=code,nope":           "fields",
			"format=geojson":             "format",
			"region=84":                  "region",
			"year=2024&year=2023":        "year",
			"level=region&code=84&fap=1": "fap",
		} {
			res, err := http.Get(e.srv.URL + "/api/v1/job-demand?" + q)
			if err != nil {
				t.Fatal(err)
			}
			var p struct {
				Status int    `json:"status"`
				Param  string `json:"param"`
				Detail string `json:"detail"`
			}
			json.NewDecoder(res.Body).Decode(&p)
			res.Body.Close()
			if res.StatusCode != 400 || p.Param != param || res.Header.Get("Content-Type") != "application/problem+json" || p.Detail == "" {
				t.Errorf("%s: %d %+v", q, res.StatusCode, p)
			}
		}
	})

	t.Run("fields", func(t *testing.T) {
		res, err := http.Get(e.srv.URL + "/api/v1/job-demand?code=11&fields=code,projects")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var l struct {
			Items []map[string]any `json:"items"`
		}
		json.NewDecoder(res.Body).Decode(&l)
		if len(l.Items) != 1 || len(l.Items[0]) != 2 || l.Items[0]["code"] != "11" || l.Items[0]["projects"] != 488321.0 {
			t.Fatalf("items %+v", l.Items)
		}
	})

	t.Run("csv", func(t *testing.T) {
		for _, path := range []string{"/api/v1/job-demand.csv?level=departement", "/api/v1/job-demand?level=departement&format=csv"} {
			res, err := http.Get(e.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(res.Body).ReadAll()
			res.Body.Close()
			if err != nil || res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("%s: %d %v", path, res.StatusCode, err)
			}
			if len(recs) != 103 || strings.Join(recs[0][:5], ",") != "year,level,code,name,projects" {
				t.Fatalf("%s: %d records, header %v", path, len(recs), recs[0])
			}
			found := false
			for _, r := range recs[1:] {
				if r[2] == "978" {
					found = r[3] == "Saint-Martin" && r[4] == "1022"
				}
			}
			if !found {
				t.Errorf("%s: no Saint-Martin row", path)
			}
		}
		// A bassin × job whose every cell is secret has an empty count, not 0.
		res, err := http.Get(e.srv.URL + "/api/v1/job-demand.csv?level=bassin&code=101&group=fap&fap=D0X31")
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(res.Body).ReadAll()
		res.Body.Close()
		if err != nil || len(recs) != 2 || recs[0][7] != "projects" || recs[1][7] != "" || recs[1][4] != "D0X31" {
			t.Fatalf("secret row: %v %v", recs, err)
		}
		// Errors come as problem+json before any row.
		res, err = http.Get(e.srv.URL + "/api/v1/job-demand.csv?level=bassin&code=9999")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 400 || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("csv error: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
	})

	t.Run("xlsx", func(t *testing.T) {
		res, err := http.Get(e.srv.URL + "/api/v1/job-demand.xlsx?group=fap&code=84")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("xlsx: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
	})
}
