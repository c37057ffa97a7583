package scenarios

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestTargetsFilesLoad(t *testing.T) {
	body := base64.StdEncoding.EncodeToString([]byte(`{"q": "battery"}`))
	for _, tc := range []struct {
		name, file, content string
	}{
		{"vegeta's http format", "targets.txt", `# manuals
GET http://example.com:9090/api/manuals/1?lang=en
X-Trace: 1

POST http://example.com/api/search
Content-Type: application/json
# the body:
@payloads/search.json
GET /api/manuals/2
`},
		{"vegeta's json format", "targets.json", `{"method": "GET", "url": "http://example.com:9090/api/manuals/1?lang=en", "header": {"X-Trace": ["1"]}}
{"method": "POST", "url": "http://example.com/api/search", "body": "` + body + `", "header": {"Content-Type": ["application/json"]}}

{"method": "GET", "url": "/api/manuals/2"}
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := feederScenario(t, "    targets: "+tc.file+"\n    headers: {Authorization: Bearer x}\n    data_order: random\n",
				map[string]string{tc.file: tc.content, "payloads/search.json": `{"q": "battery"}`})
			sc, err := Load(p, nil)
			if err != nil {
				t.Fatal(err)
			}
			e := sc.Endpoints[0]
			ts := e.TargetList
			if ts == nil || len(ts.List) != 3 || e.TargetsSHA256 == "" || e.Seed == nil {
				t.Fatalf("targets %+v, digest %q, seed %v: want 3 targets, a digest and a seed", ts, e.TargetsSHA256, e.Seed)
			}
			// The file's host gives way to the scenario's target: only the
			// path and query are kept.
			if got := ts.List[0]; got.Method != "GET" || got.URI != "/api/manuals/1?lang=en" || got.Header.Get("X-Trace") != "1" || got.Header.Get("Authorization") != "Bearer x" {
				t.Errorf("target 0: %+v", got)
			}
			if got := ts.List[1]; got.Method != "POST" || string(got.Body) != `{"q": "battery"}` || got.Header.Get("Content-Type") != "application/json" {
				t.Errorf("target 1: %s %s %q %v", got.Method, got.URI, got.Body, got.Header)
			}
			if got := ts.List[2]; got.URI != "/api/manuals/2" {
				t.Errorf("target 2: %+v", got)
			}
		})
	}
}

func TestTargetsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name     string
		endpoint string
		files    map[string]string
		want     []string
	}{
		{"the file is missing", "    targets: t.txt\n", nil,
			[]string{`s.yaml:6: endpoints[0].targets: "t.txt" does not exist: targets is relative to the scenario's folder`}},
		{"the file is empty", "    targets: t.txt\n", map[string]string{"t.txt": "# nothing\n"},
			[]string{"endpoints[0].targets: t.txt: has no targets"}},
		{"a line that starts no request", "    targets: t.txt\n", map[string]string{"t.txt": "GET http://h/a\n\nget http://h/b\n"},
			[]string{`endpoints[0].targets: t.txt:3: "get http://h/b" does not start a request`}},
		{"a bad header", "    targets: t.txt\n", map[string]string{"t.txt": "GET http://h/a\nX-Ok: 1\nno colon here\n"},
			[]string{"endpoints[0].targets: t.txt:3: is not a vegeta target: bad header: no colon here"}},
		{"a body file that is missing", "    targets: t.txt\n", map[string]string{"t.txt": "POST http://h/a\n@missing.json\n"},
			[]string{`t.txt:2: "missing.json" does not exist`}},
		{"a bad JSON target", "    targets: t.json\n", map[string]string{"t.json": "{\"method\": \"GET\", \"url\": \"http://h/\"}\n{\"method\": \"GET\"\n{\"method\": \"GET\", \"url\": \"ftp://h/\"}\n"},
			[]string{"t.json:2: is not a vegeta JSON target", `t.json:3: "ftp://h/" is not an http or https URL`}},
		{"keys the targets give", "    targets: t.txt\n    path: /x\n    method: POST\n", map[string]string{"t.txt": "GET http://h/a\n"},
			[]string{"s.yaml:7: endpoints[0].path: comes from the targets file", "s.yaml:8: endpoints[0].method: comes from the targets file"}},
		{"data and targets", "    path: /m/{{.id}}\n    data: ids.csv\n    targets: t.txt\n", map[string]string{"t.txt": "GET http://h/a\n", "ids.csv": "id\n1\n"},
			[]string{"endpoints[0].targets: give data or targets, not both"}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantLoadErrors(t, tc.endpoint, tc.files, tc.want) })
	}
}

// FuzzTargets feeds arbitrary files to the targets readers: problems, never
// a panic, and every target kept has a method and a path.
func FuzzTargets(f *testing.F) {
	f.Add([]byte("GET http://h/a\nX: 1\n\nPOST /b\n@x\n"), false)
	f.Add([]byte(`{"method": "GET", "url": "http://h/", "body": "eA=="}`+"\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, json bool) {
		name := "t.txt"
		if json {
			name = "t.json"
		}
		ts, _ := parseTargets(name, data, nil, func(string) ([]byte, error) { return []byte("body"), nil })
		if ts == nil {
			return
		}
		for _, tg := range ts.List {
			if tg.Method == "" || !strings.HasPrefix(tg.URI, "/") && tg.URI != "*" {
				t.Fatalf("target %+v", tg)
			}
		}
	})
}
