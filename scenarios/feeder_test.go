package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// feederScenario writes a scenario whose endpoint "manual" has the given
// extra lines (indented under the endpoint) and the files, and returns the
// scenario's path.
func feederScenario(t *testing.T, endpoint string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := `name: feeder
target: http://127.0.0.1:8080
load: {rate: 10/s, duration: 1s}
endpoints:
  - name: manual
` + endpoint
	p := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFeederLoadsCSVAndJSONLines(t *testing.T) {
	for _, tc := range []struct {
		file, content string
	}{
		{"ids.csv", "id,size,title\n1,small,Pixel 7\n22,large,\"MacBook, 13\"\"\"\n3,small,x\n"},
		{"ids.jsonl", `{"id": 1, "size": "small", "title": "Pixel 7"}` + "\n\n" + `{"id": 22, "size": "large", "title": "MacBook, 13\""}` + "\n" + `{"title": "x", "size": "small", "id": 3}` + "\n"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			p := feederScenario(t, `    path: /api/manuals/{{.id}}?t={{ .title }}
    headers: {X-Size: "{{.size}}"}
    data: `+tc.file+`
`, map[string]string{tc.file: tc.content})
			sc, err := Load(p, nil)
			if err != nil {
				t.Fatal(err)
			}
			e := sc.Endpoints[0]
			if e.Feed == nil || e.Feed.Rows() != 3 || e.DataOrder != OrderCycle || e.DataSHA256 == "" {
				t.Fatalf("feed %+v, order %q, digest %q: want 3 rows in cycle order with a digest", e.Feed, e.DataOrder, e.DataSHA256)
			}
			rt, err := e.Template()
			if err != nil {
				t.Fatal(err)
			}
			// Path values are escaped: a segment before ?, a query value after.
			if got, want := rt.Path.Fill(e.Feed, 1), "/api/manuals/22?t=MacBook%2C+13%22"; got != want {
				t.Errorf("row 1's path is %q, want %q", got, want)
			}
			if got := rt.Headers[0].Value.Fill(e.Feed, 2); got != "small" {
				t.Errorf("row 2's X-Size is %q, want small", got)
			}
			// Only the fields the endpoint uses are kept.
			if strings.Join(e.Feed.Fields, ",") != "id,title,size" {
				t.Errorf("kept fields %q, want id,title,size", e.Feed.Fields)
			}
		})
	}
}

func TestFeederDataCountsInTheHash(t *testing.T) {
	endpoint := "    path: /m/{{.id}}\n    data: ids.csv\n"
	a, err := Load(feederScenario(t, endpoint, map[string]string{"ids.csv": "id\n1\n2\n"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(feederScenario(t, endpoint, map[string]string{"ids.csv": "id\n1\n3\n"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if Hash(a) == Hash(b) {
		t.Error("two data files, one hash: a changed feeder must be a new scenario version")
	}
	// A scenario read back from run.json has the digest and no feed, and
	// hashes the same.
	j, err := a.Endpoints[0].MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(j), `"data_sha256":"`) || strings.Contains(string(j), "Feed") {
		t.Errorf("endpoint JSON %s: want the data's digest and no feed", j)
	}
}

func TestFeederRandomOrderRecordsASeed(t *testing.T) {
	p := feederScenario(t, "    path: /m/{{.id}}\n    data: ids.csv\n    data_order: random\n", map[string]string{"ids.csv": "id\n1\n2\n"})
	a, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Endpoints[0].Seed == nil || *a.Endpoints[0].Seed != *b.Endpoints[0].Seed || Hash(a) != Hash(b) {
		t.Errorf("seeds %v and %v: a default seed must be drawn the same way for every load of the scenario", a.Endpoints[0].Seed, b.Endpoints[0].Seed)
	}
	p = feederScenario(t, "    path: /m/{{.id}}\n    data: ids.csv\n    data_order: random\n    seed: 7\n", map[string]string{"ids.csv": "id\n1\n2\n"})
	c, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Endpoints[0].Seed == nil || *c.Endpoints[0].Seed != 7 {
		t.Errorf("seed %v, want the 7 the scenario gives", c.Endpoints[0].Seed)
	}
}

// Every bad input is an error positioned in the scenario (its line) and,
// where the data file is at fault, in the data file (file:line).
func TestFeederBadInput(t *testing.T) {
	for _, tc := range []struct {
		name     string
		endpoint string
		files    map[string]string
		want     []string // each a substring of one error
	}{
		{"the data file is missing",
			"    path: /m/{{.id}}\n    data: ids.csv\n", nil,
			[]string{`s.yaml:7: endpoints[0].data: "ids.csv" does not exist: data is relative to the scenario's folder`}},
		{"a placeholder names a field the file lacks",
			"    path: /m/{{.idd}}\n    body: '{\"size\": \"{{.sise}}\"}'\n    data: ids.csv\n", map[string]string{"ids.csv": "id,size\n1,small\n"},
			[]string{"s.yaml:6: endpoints[0].path: {{.idd}}: ids.csv has no field idd; did you mean id? (its fields: id, size)",
				"s.yaml:7: endpoints[0].body: {{.sise}}: ids.csv has no field sise; did you mean size?"}},
		{"the file is empty",
			"    path: /m/{{.id}}\n    data: ids.csv\n", map[string]string{"ids.csv": ""},
			[]string{"s.yaml:7: endpoints[0].data: ids.csv: is empty: write a header row"}},
		{"the file has a header and no rows",
			"    path: /m/{{.id}}\n    data: ids.csv\n", map[string]string{"ids.csv": "id\n"},
			[]string{"s.yaml:7: endpoints[0].data: ids.csv: has a header but no rows"}},
		{"a row has the wrong number of columns",
			"    path: /m/{{.id}}\n    data: ids.csv\n", map[string]string{"ids.csv": "id,size\n1,small\n2,large,extra\n3\n"},
			[]string{"endpoints[0].data: ids.csv:3: has 3 values, the header row 2",
				"endpoints[0].data: ids.csv:4: has 1 value, the header row 2"}},
		{"a row is not UTF-8",
			"    path: /m/{{.id}}\n    data: ids.csv\n", map[string]string{"ids.csv": "id,size\n1,small\n2,l\xffarge\n"},
			[]string{"endpoints[0].data: ids.csv:3: field size (column 2) is not UTF-8 text"}},
		{"a JSON line is not JSON",
			"    path: /m/{{.id}}\n    data: ids.jsonl\n", map[string]string{"ids.jsonl": "{\"id\": 1}\n{\"id\": 2,}\n[3]\n{\"id\": null}\n{\"di\": 5}\n"},
			[]string{"ids.jsonl:2: is not JSON", "ids.jsonl:3: is not a JSON object", "ids.jsonl:4: id is null", "ids.jsonl:5: has no field id"}},
		{"a JSON line is not UTF-8",
			"    path: /m/{{.id}}\n    data: ids.jsonl\n", map[string]string{"ids.jsonl": "{\"id\": 1}\n{\"id\": \"\xfe\"}\n"},
			[]string{"ids.jsonl:2: is not UTF-8 text"}},
		{"a header value would break the header",
			"    path: /m\n    headers: {X-Id: \"{{.id}}\"}\n    data: ids.csv\n", map[string]string{"ids.csv": "id\n1\n\"a\nb\"\n"},
			[]string{"ids.csv:3: the value of id has a line break"}},
		{"a placeholder without a data file",
			"    path: /m/{{.id}}\n", nil,
			[]string{"s.yaml:6: endpoints[0].path: has a placeholder but the endpoint has no data file"}},
		{"a template that is not a placeholder",
			"    path: /m/{{.id | urlquery}}\n    data: ids.csv\n", map[string]string{"ids.csv": "id\n1\n"},
			[]string{"s.yaml:6: endpoints[0].path: {{.id | urlquery}} is not a placeholder"}},
		{"an unclosed placeholder",
			"    path: /m/{{.id\n    data: ids.csv\n", map[string]string{"ids.csv": "id\n1\n"},
			[]string{"s.yaml:6: endpoints[0].path: {{ is not closed"}},
		{"group_by names a field the file lacks",
			"    path: /m/{{.id}}\n    data: ids.csv\n    group_by: sise\n", map[string]string{"ids.csv": "id,size\n1,small\n"},
			[]string{"s.yaml:8: endpoints[0].group_by: ids.csv has no field sise; did you mean size?"}},
		{"feeder keys without a data file",
			"    path: /m\n    data_order: random\n    group_by: size\n", nil,
			[]string{"s.yaml:7: endpoints[0].data_order: applies to the rows of a data file", "s.yaml:8: endpoints[0].group_by: applies to the rows of a data file"}},
		{"an unknown order and a seed without random",
			"    path: /m/{{.id}}\n    data: ids.csv\n    data_order: shuffle\n", map[string]string{"ids.csv": "id\n1\n"},
			[]string{`s.yaml:8: endpoints[0].data_order: "shuffle" is not an order: use one of cycle, random`}},
		{"a seed without random order",
			"    path: /m/{{.id}}\n    data: ids.csv\n    seed: 3\n", map[string]string{"ids.csv": "id\n1\n"},
			[]string{"s.yaml:8: endpoints[0].seed: seeds the random order of rows: set data_order: random"}},
		{"a data file nothing uses",
			"    path: /m\n    data: ids.csv\n", map[string]string{"ids.csv": "id\n1\n"},
			[]string{"s.yaml:7: endpoints[0].data: nothing uses the fields of ids.csv (id): write {{.id}}"}},
		{"a data file of another format",
			"    path: /m/{{.id}}\n    data: ids.txt\n", map[string]string{"ids.txt": "id\n1\n"},
			[]string{`endpoints[0].data: "ids.txt" is neither .csv nor .jsonl`}},
		{"a header names a field twice",
			"    path: /m/{{.id}}\n    data: ids.csv\n", map[string]string{"ids.csv": "id,id\n1,2\n"},
			[]string{`ids.csv:1: names the field "id" twice`}},
		{"a quote out of place",
			"    path: /m/{{.id}}\n    data: ids.csv\n", map[string]string{"ids.csv": "id\n1\n2\"x\n"},
			[]string{`ids.csv:3: bare " in non-quoted-field`}},
		{"a data file outside the folder",
			"    path: /m/{{.id}}\n    data: ../ids.csv\n", map[string]string{"../ids.csv": "id\n1\n"},
			[]string{`endpoints[0].data: "../ids.csv" is outside the scenario's folder`}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantLoadErrors(t, tc.endpoint, tc.files, tc.want) })
	}
}

// wantLoadErrors loads a feeder scenario with this endpoint and files and
// checks that it fails with errors containing each of want (paths
// relative to the scenario's folder).
func wantLoadErrors(t *testing.T, endpoint string, files map[string]string, want []string) {
	t.Helper()
	p := feederScenario(t, endpoint, files)
	_, err := Load(p, nil)
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Load: %v, want an ErrorList", err)
	}
	text := strings.ReplaceAll(err.Error(), filepath.Dir(p)+string(filepath.Separator), "")
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("errors:\n%s\nwant one containing %q", text, w)
		}
	}
}

func TestFeederListsAtMostTenProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,size\n")
	for i := 0; i < 30; i++ {
		b.WriteString("1\n")
	}
	_, err := Load(feederScenario(t, "    path: /m/{{.id}}\n    data: ids.csv\n", map[string]string{"ids.csv": b.String()}), nil)
	if err == nil || strings.Count(err.Error(), "the header row 2") != maxDataProblems || !strings.Contains(err.Error(), "20 more problems not listed") {
		t.Errorf("errors:\n%v\nwant %d listed and the 20 others counted", err, maxDataProblems)
	}
}

func TestFeederGroups(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,size\n")
	// 60 values: v0 … v59, each once, v59 five times more: the 50 most
	// frequent keep groups (v59 among them), the rest pool as other.
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&b, "%d,v%d\n", i, i)
	}
	for i := 0; i < 5; i++ {
		b.WriteString("99,v59\n")
	}
	sc, err := Load(feederScenario(t, "    path: /m/{{.id}}\n    data: ids.csv\n    group_by: size\n", map[string]string{"ids.csv": b.String()}), nil)
	if err != nil {
		t.Fatal(err)
	}
	f := sc.Endpoints[0].Feed
	groups := f.Groups()
	if len(groups) != MaxGroups+1 || groups[len(groups)-1] != OtherGroup || f.Pooled() != 10 {
		t.Fatalf("%d groups ending %q, %d pooled: want %d groups, then other holding 10 values", len(groups), groups[len(groups)-1], f.Pooled(), MaxGroups)
	}
	if groups[0] != "v0" || groups[MaxGroups-1] != "v59" {
		t.Errorf("groups %v: want them in the file's order, v59 (the most frequent) kept", groups)
	}
	if g := groups[f.GroupOf(55)]; g != OtherGroup {
		t.Errorf("row 55 (v55) is in group %q, want other", g)
	}
	if g := groups[f.GroupOf(60)]; g != "v59" {
		t.Errorf("row 60 is in group %q, want v59", g)
	}
}

func TestHotspotOnAGroup(t *testing.T) {
	files := map[string]string{"ids.csv": "id,size\n1,small\n2,large\n"}
	ok := "    path: /m/{{.id}}\n    data: ids.csv\n    group_by: size\nhotspots:\n  - {name: large, endpoint: \"manual[size=large]\", objective: 10ms}\n"
	if _, err := Load(feederScenario(t, ok, files), nil); err != nil {
		t.Errorf("a hotspot on a group of an endpoint with group_by: %v", err)
	}
	for _, tc := range []struct{ endpoint, hotspot, want string }{
		{"    path: /m/{{.id}}\n    data: ids.csv\n", "manual[size=large]", `s.yaml:9: hotspots[0].endpoint: "manual[size=large]" names a group of manual, which has no group_by`},
		{"    path: /m/{{.id}}\n    data: ids.csv\n    group_by: size\n", "manual[size=huge]", `hotspots[0].endpoint: ids.csv has no size "huge": its groups are small, large`},
		{"    path: /m/{{.id}}\n    data: ids.csv\n    group_by: size\n", "manual[id=1]", "hotspots[0].endpoint: manual groups its requests by size, not id: write manual[size=1]"},
		{"    path: /m/{{.id}}\n    data: ids.csv\n    group_by: size\n", "manul[size=large]", `hotspots[0].endpoint: no endpoint is named "manul": did you mean manual?`},
	} {
		text := tc.endpoint + "hotspots:\n  - {name: large, endpoint: \"" + tc.hotspot + "\", objective: 10ms}\n"
		_, err := Load(feederScenario(t, text, files), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("hotspot on %s: %v, want %q", tc.hotspot, err, tc.want)
		}
	}
}

func TestTemplateSyntax(t *testing.T) {
	for _, tc := range []struct {
		text, want string
		path       bool
	}{
		{`/a/{{.id}}/b?q={{.q}}&r=1`, "/a/x%2Fy/b?q=x%2Fy&r=1", true},
		{`{{"{{"}}.id}} {{.id}}`, "{{.id}} x/y", false},
		{"no placeholders", "no placeholders", false},
		{"${VAR} {bin} {{ .id }}", "${VAR} {bin} x/y", false},
	} {
		tt, err := parseTemplate(tc.text, tc.path)
		if err != nil {
			t.Errorf("%q: %v", tc.text, err)
			continue
		}
		f := &Feed{File: "f.csv", Fields: []string{"id", "q"}, rows: 1, vals: []byte("x/yx/y"), offs: []uint32{0, 3, 6}}
		if err := tt.bind(f); err != nil {
			t.Fatal(err)
		}
		if got := tt.Fill(f, 0); got != tc.want {
			t.Errorf("%q filled: %q, want %q", tc.text, got, tc.want)
		}
	}
}

// FuzzFeed feeds arbitrary bytes to the data file readers: they report
// problems, never panic, and a feed they return holds what it says.
func FuzzFeed(f *testing.F) {
	f.Add([]byte("id,size\n1,small\n2,large\n"), true)
	f.Add([]byte("{\"id\": 1, \"size\": \"s\"}\n{\"id\": \"2\", \"size\": [1]}\n"), false)
	f.Add([]byte("id\n\"a\nb\"\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, isCSV bool) {
		format, name := FormatJSONL, "f.jsonl"
		if isCSV {
			format, name = FormatCSV, "f.csv"
		}
		feed, _, _ := readFeed(name, format, bytes.NewReader(data), func(header []string) *feedSpec {
			return &feedSpec{fields: header[:1], groupBy: header[0]}
		})
		if feed == nil {
			return
		}
		for r := 0; r < feed.Rows(); r++ {
			_ = feed.Value(r, 0)
			if g := feed.GroupOf(r); g >= len(feed.Groups()) {
				t.Fatalf("row %d in group %d of %d", r, g, len(feed.Groups()))
			}
		}
	})
}
