package scenarios

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hotbench/hotbench/metric"
)

// minimal is a valid scenario; tests append to it or replace lines of it.
const minimal = `name: search
target: http://127.0.0.1:8080
load:
  rate: 100/s
  duration: 10s
endpoints:
  - name: search
    path: /api/search
`

// write puts a file under a fresh folder and returns its path.
func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// loadErrors loads YAML text that must fail and returns its errors.
func loadErrors(t *testing.T, yaml string, overrides map[string]string) ErrorList {
	t.Helper()
	_, err := LoadBytes("s.yaml", []byte(yaml), overrides)
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("want an ErrorList, got %v", err)
	}
	return list
}

func mustLoad(t *testing.T, name, text string, overrides map[string]string) *Scenario {
	t.Helper()
	s, err := LoadBytes(name, []byte(text), overrides)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return s
}

func TestLoadReportsEveryErrorWithFileLineAndField(t *testing.T) {
	text := `name: Search Page
target: 127.0.0.1:8080
load:
  rate: 100/s
  duration: 10s
  workers: 4
endpoints:
  - name: search
    path: api/search
    weight: 0
  - name: search
    path: /api/other
    expect: {status: [200, 700]}
gate:
  alpha: 0.9
  slo: {p99: 10%}
`
	p := write(t, "search.yaml", text)
	_, err := Load(p, nil)
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("want ErrorList, got %v", err)
	}
	want := []struct {
		line  int
		field string
	}{
		{1, "name"},
		{2, "target"},
		{6, "load.workers"},
		{9, "endpoints[0].path"},
		{10, "endpoints[0].weight"},
		{11, "endpoints[1].name"},
		{13, "endpoints[1].expect.status[1]"},
		{15, "gate.alpha"},
		{16, "gate.slo.p99"},
	}
	if len(list) != len(want) {
		t.Fatalf("want %d errors, got %d:\n%v", len(want), len(list), list)
	}
	for i, w := range want {
		e := list[i]
		if e.File != p || e.Line != w.line || e.Field != w.field {
			t.Errorf("error %d = %s; want %s:%d: %s", i, e, p, w.line, w.field)
		}
	}
	// One line per error, each "file:line: field: msg".
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) || !strings.HasPrefix(lines[0], p+":1: name: ") {
		t.Errorf("Error() =\n%s", err)
	}
}

func TestLoadRefusesUnknownKeys(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		line  int
		field string
		msg   string
	}{
		{"a misspelt section suggests the known one", minimal + "lod:\n  rate: 5/s\n", 9, "lod", "unknown key; did you mean load?"},
		{"a misspelt endpoint key suggests the known one", minimal + "    wieght: 3\n", 9, "endpoints[0].wieght", "did you mean weight?"},
		{"a misspelt metric in a threshold suggests the known one", minimal + "gate:\n  max_regression: {p99: 10%, eror_rate: 0}\n", 10, "gate.max_regression.eror_rate", "unknown metric; did you mean error_rate?"},
		{"a misspelt gate key suggests the known one", minimal + "gate:\n  max_regresion: {p99: 10%}\n", 10, "gate.max_regresion", "did you mean max_regression?"},
		{"a key far from any lists the known ones", minimal + "colour: blue\n", 9, "colour", "remove it (known here: name, description"},
		{"a capitalised key is asked in lower case", strings.Replace(minimal, "name: search\ntarget", "Name: search\ntarget", 1), 1, "Name", "keys are lower case: write name"},
		{"an unknown key in a stage", strings.Replace(minimal, "duration: 10s", "stages: [{duration: 10s, rat: 5/s}]", 1), 5, "load.stages[0].rat", "did you mean rate?"},
		{"an unknown key in expect", minimal + "    expect: {statuses: [200]}\n", 9, "endpoints[0].expect.statuses", "did you mean status?"},
		{"an unknown key in a hotspot", minimal + "hotspots:\n  - name: h\n    endpoint: search\n    objective: 1s\n    objectiv: 2s\n", 13, "hotspots[0].objectiv", "did you mean objective?"},
		{"an unknown key in server", minimal + "server:\n  comand: ./app\n", 10, "server.comand", "did you mean command?"},
		{"an unknown key with an empty mapping is still unknown", minimal + "lod: {}\n", 9, "lod", "did you mean load?"},
		{"an unknown key with no value is still unknown", minimal + "lod:\n", 9, "lod", "did you mean load?"},
		{"an unknown key inside an otherwise empty section", minimal + "gate:\n  max_regresion: {}\n", 10, "gate.max_regresion", "did you mean max_regression?"},
		{"an unknown key in profiles", minimal + "profiles:\n  ppprof: http://x/debug/pprof\n", 10, "profiles.ppprof", "did you mean pprof?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list := loadErrors(t, tt.yaml, nil)
			for _, e := range list {
				if e.Field == tt.field {
					if e.Line != tt.line || !strings.Contains(e.Msg, tt.msg) {
						t.Errorf("got %s; want line %d and %q", e, tt.line, tt.msg)
					}
					return
				}
			}
			t.Errorf("no error at %s in:\n%v", tt.field, list)
		})
	}
}

func TestLoadReportsWrongTypes(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		field string
		msg   string
	}{
		{"runs as a word", minimal + "runs: ten\n", "runs", `"ten" is not a whole number`},
		{"a duration without a unit", strings.Replace(minimal, "duration: 10s", "duration: 10", 1), "load.duration", "10 has no unit"},
		{"a rate that is a word", strings.Replace(minimal, "100/s", "fast", 1), "load.rate", "not a rate"},
		{"load as a list", "name: a\nload: [1, 2]\n", "load", "is a list, not a mapping"},
		{"endpoints as a mapping", "name: a\nendpoints: {name: x}\n", "endpoints", "is a mapping, not a list"},
		{"a due date day-first", minimal + "hotspots: [{name: h, endpoint: search, objective: 1s, due: 31/12/2026}]\n", "hotspots[0].due", "not a date"},
		{"an objective that is not the metric's unit", minimal + "hotspots: [{name: h, endpoint: search, metric: error_rate, objective: 150ms}]\n", "hotspots[0].objective", "not an error rate"},
		{"required as a word", minimal + "profiles: {required: sometimes}\n", "profiles.required", "not true or false"},
		{"a header that is a list", minimal + "    headers: {Accept: [a, b]}\n", "endpoints[0].headers.Accept", "not a single value"},
		{"body and body_file together", minimal + "    body: x\n    body_file: x.json\n", "endpoints[0].body_file", "not both"},
		{"a status that is a word", minimal + "    expect: {status: [ok]}\n", "endpoints[0].expect.status[0]", "not a whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list := loadErrors(t, tt.yaml, nil)
			for _, e := range list {
				if e.Field == tt.field && strings.Contains(e.Msg, tt.msg) {
					return
				}
			}
			t.Errorf("no error at %s with %q in:\n%v", tt.field, tt.msg, list)
		})
	}
}

func TestLoadDoesNotRepeatAValueErrorAsAValidationError(t *testing.T) {
	list := loadErrors(t, strings.Replace(minimal, "100/s", "fast", 1), nil)
	if len(list) != 1 {
		t.Errorf("an unreadable rate is one error, not also 'rate is 0':\n%v", list)
	}
}

func TestKeysWrittenTwiceAreRefused(t *testing.T) {
	for name, text := range map[string]string{
		"the same key in two cases": "name: s\ntarget: http://127.0.0.1:1\nload: {rate: 10/s, Rate: 99/s, duration: 1s}\nendpoints: [{name: a, path: /}]\n",
		"a metric in two cases":     "name: s\ntarget: http://127.0.0.1:1\nload: {rate: 10/s, duration: 1s}\nendpoints: [{name: a, path: /}]\ngate: {slo: {p99: 1s, P99: 2s}}\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := LoadBytes("s.yaml", []byte(text), nil)
			if err == nil || !strings.Contains(err.Error(), "one value would silently win") {
				t.Errorf("err = %v, want the repeated key named", err)
			}
		})
	}
}

func TestAnEmptyMaxRegressionGatesNothing(t *testing.T) {
	base := "name: s\ntarget: http://127.0.0.1:1\nload: {rate: 1/s, duration: 1s}\nendpoints: [{name: a, path: /}]\n"
	if s := mustLoad(t, "s.yaml", base, nil); len(s.Gate.MaxRegression) != 3 {
		t.Errorf("no max_regression: %v, want the default policy", s.Gate.MaxRegression)
	}
	s := mustLoad(t, "s.yaml", base+"gate: {max_regression: {}}\n", nil)
	if s.Gate.MaxRegression == nil || len(s.Gate.MaxRegression) != 0 {
		t.Errorf("max_regression: {} gave %v, want an empty, non-nil policy", s.Gate.MaxRegression)
	}
	// And it survives run.json.
	data, _ := json.Marshal(s)
	var back Scenario
	if err := json.Unmarshal(data, &back); err != nil || back.Gate.MaxRegression == nil {
		t.Errorf("max_regression: {} lost in JSON: %s", data)
	}
}

func TestLoadLayersFileEnvironmentAndOverrides(t *testing.T) {
	text := minimal + "runs: 5\nprofiles: {pprof: http://127.0.0.1:8080/debug/pprof}\n"

	s := mustLoad(t, "s.yaml", text, nil)
	if s.Load.Rate.PerSecond != 100 || s.Runs != 5 {
		t.Fatalf("from the file: rate %v runs %d", s.Load.Rate, s.Runs)
	}

	t.Setenv("HOTBENCH_LOAD_RATE", "200/s")
	t.Setenv("HOTBENCH_RUNS", "12")
	t.Setenv("HOTBENCH_TARGET", "http://127.0.0.2:9090")
	t.Setenv("HOTBENCH_PROFILES_PPROF", "http://127.0.0.2:6060/debug/pprof")
	t.Setenv("HOTBENCH_PROFILES_KINDS", "cpu, heap")
	t.Setenv("HOTBENCH_GATE_MAX_REGRESSION_P99", "5%")
	t.Setenv("HOTBENCH_DESCRIPTION", "") // empty variables are ignored
	s = mustLoad(t, "s.yaml", text, nil)
	if s.Load.Rate.PerSecond != 200 || s.Runs != 12 || s.Target != "http://127.0.0.2:9090" ||
		s.Profiles.Pprof != "http://127.0.0.2:6060/debug/pprof" || strings.Join(s.Profiles.Kinds, ",") != "cpu,heap" {
		t.Errorf("the environment does not override the file: %+v", s)
	}
	// The file has no max_regression: the variable adjusts the default
	// policy, it does not drop its p50 and error_rate gates.
	if q := s.Gate.MaxRegression[metric.P99]; !q.Relative || q.Value != 0.05 || len(s.Gate.MaxRegression) != 3 {
		t.Errorf("HOTBENCH_GATE_MAX_REGRESSION_P99: %v, want p99 5%% over the default policy", s.Gate.MaxRegression)
	}

	s = mustLoad(t, "s.yaml", text, map[string]string{"load.rate": "300/s", "runs": "7", "target": "https://example.test"})
	if s.Load.Rate.PerSecond != 300 || s.Runs != 7 || s.Target != "https://example.test" {
		t.Errorf("overrides do not override the environment: %+v", s)
	}
	if s.Profiles.Pprof != "http://127.0.0.2:6060/debug/pprof" {
		t.Errorf("a key without override keeps the environment's value, got %q", s.Profiles.Pprof)
	}
}

func TestLoadIgnoresUnrelatedHotbenchVariables(t *testing.T) {
	t.Setenv("HOTBENCH_RESULTS", "/tmp/results")
	t.Setenv("HOTBENCH_LOAD", "nonsense")
	t.Setenv("HOTBENCH_ENDPOINTS", "nonsense")
	mustLoad(t, "s.yaml", minimal, nil)
}

func TestLoadNamesTheEnvironmentVariableOfABadValue(t *testing.T) {
	t.Setenv("HOTBENCH_LOAD_RATE", "fast")
	list := loadErrors(t, minimal, nil)
	if len(list) != 1 || list[0].Field != "load.rate" || list[0].Line != 0 ||
		!strings.Contains(list[0].Msg, "(from environment variable HOTBENCH_LOAD_RATE)") {
		t.Errorf("got:\n%v", list)
	}
}

func TestLoadRefusesOverridesOfUnknownKeys(t *testing.T) {
	list := loadErrors(t, minimal, map[string]string{"lod.rate": "5/s", "endpoints": "x", "runs": "0"})
	got := list.Error()
	for _, want := range []string{
		"s.yaml: lod.rate: cannot be overridden: did you mean load.rate?",
		"s.yaml: endpoints: cannot be overridden: only single values outside lists",
		"s.yaml: runs: 0 is too few",
		"(from override runs)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

func TestLoadExpandsVariablesInHeadersAndBody(t *testing.T) {
	t.Setenv("TOKEN", "s3cret")
	t.Setenv("EMPTY", "")
	text := minimal + `    headers:
      Authorization: "Bearer ${TOKEN}"
      X-Tenant: "${TENANT:-acme}"
      X-Empty: "${EMPTY:-fallback}"
      X-Literal: "$${TOKEN} and $HOME"
    body: '{"token": "${TOKEN}"}'
`
	s := mustLoad(t, "s.yaml", text, nil)
	e := s.Endpoints[0]
	want := map[string]string{
		"Authorization": "Bearer s3cret",
		"X-Tenant":      "acme",
		"X-Empty":       "fallback",
		"X-Literal":     "${TOKEN} and $HOME",
	}
	if !reflect.DeepEqual(e.Headers, want) {
		t.Errorf("headers = %v, want %v", e.Headers, want)
	}
	if e.Body != `{"token": "s3cret"}` {
		t.Errorf("body = %q", e.Body)
	}
}

func TestLoadNamesUnsetVariables(t *testing.T) {
	text := minimal + "    headers:\n      Authorization: \"Bearer ${HOTBENCH_TEST_UNSET_TOKEN}\"\n    body: \"${HOTBENCH_TEST_UNSET_BODY\"\n"
	list := loadErrors(t, text, nil)
	if len(list) != 2 {
		t.Fatalf("want 2 errors, got:\n%v", list)
	}
	if e := list[0]; e.Line != 10 || e.Field != "endpoints[0].headers.Authorization" ||
		e.Msg != "set HOTBENCH_TEST_UNSET_TOKEN or remove ${HOTBENCH_TEST_UNSET_TOKEN}" {
		t.Errorf("got %s", e)
	}
	if e := list[1]; e.Line != 11 || e.Field != "endpoints[0].body" || !strings.Contains(e.Msg, "not closed") {
		t.Errorf("got %s", e)
	}
}

func TestLoadReadsBodyFileBesideTheScenario(t *testing.T) {
	t.Setenv("SKU", "KIT-204")
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "payloads"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "payloads", "quote.json"), []byte(`{"sku": "${SKU}"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(p, []byte(minimal+"    method: POST\n    body_file: payloads/quote.json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Load from another working directory: the path is the file's, not ours.
	s, err := Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e := s.Endpoints[0]; e.Body != `{"sku": "KIT-204"}` || e.BodyFile != "payloads/quote.json" {
		t.Errorf("body %q body_file %q", e.Body, e.BodyFile)
	}

	if err := os.WriteFile(p, []byte(minimal+"    body_file: payloads/missing.json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(p, nil)
	if err == nil || !strings.Contains(err.Error(), p+`:9: endpoints[0].body_file: "payloads/missing.json" does not exist`) {
		t.Errorf("a missing body_file: %v", err)
	}

	if err := os.WriteFile(p, []byte(minimal+"    body_file: payloads\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err = Load(p, nil); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a folder as body_file: %v", err)
	}
}

func TestLoadFSResolvesBodyFileInsideTheFS(t *testing.T) {
	fsys := fstest.MapFS{
		"sc/s.yaml":          {Data: []byte(minimal + "    body_file: payloads/a.json\n")},
		"sc/payloads/a.json": {Data: []byte(`{"a": 1}`)},
		"sc/escape.yaml":     {Data: []byte(minimal + "    body_file: ../../etc/passwd\n")},
	}
	s, err := LoadFS(fsys, "sc/s.yaml", nil)
	if err != nil || s.Endpoints[0].Body != `{"a": 1}` || s.File != "sc/s.yaml" {
		t.Fatalf("LoadFS: %v %+v", err, s)
	}
	if _, err := LoadFS(fsys, "sc/escape.yaml", nil); err == nil || !strings.Contains(err.Error(), "leaves the scenario's file system") {
		t.Errorf("a body_file outside the FS: %v", err)
	}
}

func TestLoadKeepsHeaderNamesAsWritten(t *testing.T) {
	files := map[string]string{
		"s.yaml": minimal + "    headers: {X-Request-ID: abc, accept: text/plain, Count: 5}\n",
		"s.json": `{"name": "search", "target": "http://127.0.0.1:8080", "load": {"rate": "100/s", "duration": "10s"},
			"endpoints": [{"name": "search", "path": "/api/search", "headers": {"X-Request-ID": "abc", "accept": "text/plain", "Count": 5}}]}`,
		"s.toml": `name = "search"
target = "http://127.0.0.1:8080"
[load]
rate = "100/s"
duration = "10s"
[[endpoints]]
name = "search"
path = "/api/search"
headers = {X-Request-ID = "abc", accept = "text/plain", Count = 5}
`,
	}
	want := map[string]string{"X-Request-ID": "abc", "accept": "text/plain", "Count": "5"}
	for name, text := range files {
		s := mustLoad(t, name, text, nil)
		if !reflect.DeepEqual(s.Endpoints[0].Headers, want) {
			t.Errorf("%s: headers = %v, want %v", name, s.Endpoints[0].Headers, want)
		}
	}
}

func TestLoadRefusesHeadersThatDifferOnlyInCase(t *testing.T) {
	list := loadErrors(t, minimal+"    headers: {Accept: a, accept: b}\n", nil)
	if len(list) != 1 || !strings.Contains(list[0].Msg, "case-insensitive") {
		t.Errorf("got:\n%v", list)
	}
}

func TestLoadReadsTheSameScenarioFromYAMLTOMLAndJSON(t *testing.T) {
	yamlText := `name: search
target: http://127.0.0.1:8080
load: {rate: 30/m, duration: 10s, warmup: 1s, timeout: 2s, max_workers: 10, retries: 0, max_send_lag: 5ms}
runs: 4
endpoints:
  - {name: search, method: POST, path: /s, weight: 2, body: "{}", expect: {status: [200, 201]}}
profiles: {pprof: "http://127.0.0.1:8080/debug/pprof", kinds: [cpu], min_samples: 30}
hotspots:
  - {name: hs, endpoint: search, metric: p90, objective: 150ms, due: 2026-12-31, functions: [a.B]}
gate: {alpha: 0.01, max_regression: {p99: 10%}, slo: {error_rate: 0.1%, p99: none}}
`
	tomlText := `name = "search"
target = "http://127.0.0.1:8080"
runs = 4
[load]
rate = "30/m"
duration = "10s"
warmup = "1s"
timeout = "2s"
max_workers = 10
retries = 0
max_send_lag = "5ms"
[[endpoints]]
name = "search"
method = "POST"
path = "/s"
weight = 2
body = "{}"
expect = {status = [200, 201]}
[profiles]
pprof = "http://127.0.0.1:8080/debug/pprof"
kinds = ["cpu"]
min_samples = 30
[[hotspots]]
name = "hs"
endpoint = "search"
metric = "p90"
objective = "150ms"
due = 2026-12-31
functions = ["a.B"]
[gate]
alpha = 0.01
max_regression = {p99 = "10%"}
slo = {error_rate = "0.1%", p99 = "none"}
`
	jsonText := `{"name": "search", "target": "http://127.0.0.1:8080",
 "load": {"rate": "30/m", "duration": "10s", "warmup": "1s", "timeout": "2s", "max_workers": 10, "retries": 0, "max_send_lag": "5ms"},
 "runs": 4,
 "endpoints": [{"name": "search", "method": "POST", "path": "/s", "weight": 2, "body": "{}", "expect": {"status": [200, 201]}}],
 "profiles": {"pprof": "http://127.0.0.1:8080/debug/pprof", "kinds": ["cpu"], "min_samples": 30},
 "hotspots": [{"name": "hs", "endpoint": "search", "metric": "p90", "objective": "150ms", "due": "2026-12-31", "functions": ["a.B"]}],
 "gate": {"alpha": 0.01, "max_regression": {"p99": "10%"}, "slo": {"error_rate": "0.1%", "p99": "none"}}}
`
	y := mustLoad(t, "s.yaml", yamlText, nil)
	for name, text := range map[string]string{"s.toml": tomlText, "s.json": jsonText} {
		s := mustLoad(t, name, text, nil)
		s.File = y.File
		if !reflect.DeepEqual(s, y) {
			a, _ := json.Marshal(y)
			b, _ := json.Marshal(s)
			t.Errorf("%s differs from YAML:\n%s\n%s", name, a, b)
		}
	}
	if y.Load.Rate.PerSecond != 0.5 || y.Hotspots[0].Due.String() != "2026-12-31" || y.Hotspots[0].Objective.Value != 0.15 ||
		y.Load.Retries != 0 || y.Load.MaxSendLag.D() != 5*time.Millisecond || y.Profiles.MinSamples != 30 || !y.Gate.SLO[metric.P99].None {
		t.Errorf("values: %+v", y)
	}
}

func TestLoadAppliesDefaultsOnlyToKeysLeftOut(t *testing.T) {
	s := mustLoad(t, "s.yaml", minimal+"profiles: {pprof: \"http://127.0.0.1:8080/debug/pprof\"}\nhotspots: [{name: h, endpoint: search, objective: 1s}]\n", nil)
	e := s.Endpoints[0]
	if e.Method != "GET" || e.Weight != 1 || s.Runs != 10 || s.Load.Timeout.D() != 10*time.Second || s.Load.Warmup != 0 ||
		s.Gate.Alpha != 0.05 || s.Hotspots[0].Metric != metric.P99 || strings.Join(s.Profiles.Kinds, ",") != "cpu,allocs" {
		t.Errorf("defaults: %+v", s)
	}
	if !reflect.DeepEqual(s.Gate.MaxRegression, DefaultMaxRegression()) || !reflect.DeepEqual(s.Gate.SLO, DefaultSLO()) {
		t.Errorf("gate defaults: %+v", s.Gate)
	}
	if s.Load.Retries != DefaultRetries || s.Load.MaxSendLag != DefaultMaxSendLag || s.Profiles.MinSamples != DefaultMinSamples {
		t.Errorf("run quality defaults: retries %d, max_send_lag %s, min_samples %d", s.Load.Retries, s.Load.MaxSendLag, s.Profiles.MinSamples)
	}

	// An explicit zero is the user's value, not a default: retries: 0
	// means no retries.
	s = mustLoad(t, "s.yaml", strings.Replace(minimal, "duration: 10s", "duration: 10s\n  retries: 0", 1), nil)
	if s.Load.Retries != 0 {
		t.Errorf("retries: 0 gave %d, want no retries", s.Load.Retries)
	}
	list := loadErrors(t, minimal+"    weight: 0\nruns: 0\n", nil)
	if len(list) != 2 || list[0].Field != "endpoints[0].weight" || list[1].Field != "runs" {
		t.Errorf("explicit zeros:\n%v", list)
	}

	// An empty max_regression sets no limits.
	s = mustLoad(t, "s.yaml", minimal+"gate: {max_regression: {}}\n", nil)
	if len(s.Gate.MaxRegression) != 0 {
		t.Errorf("max_regression: {} gave %v", s.Gate.MaxRegression)
	}
}

func TestLoadAcceptsAnEmptyServerAsAServerWithoutCommand(t *testing.T) {
	list := loadErrors(t, minimal+"server: {}\n", nil)
	if len(list) != 1 || list[0].Field != "server.command" || list[0].Line != 9 {
		t.Errorf("got:\n%v", list)
	}
}

func TestLoadFollowsYAMLAnchorsAndMergeKeys(t *testing.T) {
	text := minimal + `    headers: &auth
      Authorization: Bearer x
  - name: other
    path: /other
    headers:
      <<: *auth
      X-Other: "1"
`
	s := mustLoad(t, "s.yaml", text, nil)
	want := map[string]string{"Authorization": "Bearer x", "X-Other": "1"}
	if !reflect.DeepEqual(s.Endpoints[1].Headers, want) {
		t.Errorf("merged headers = %v", s.Endpoints[1].Headers)
	}
}

func TestLoadPositionsSyntaxErrors(t *testing.T) {
	tests := []struct {
		name, file, text string
		line             int
	}{
		{"yaml with a colon in a plain value", "s.yaml", "name: a\ntarget: x: y\n", 2},
		{"yaml with a repeated key", "s.yaml", "name: a\ntarget: x\nname: b\n", 3},
		{"yaml that is a list", "s.yaml", "- a\n- b\n", 1},
		{"json with a missing comma", "s.json", "{\"name\": \"a\"\n \"target\": \"x\"}", 2},
		{"toml with a bad value", "s.toml", "name = \"a\"\nruns = = 3\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadBytes(tt.file, []byte(tt.text), nil)
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("want positioned errors, got %v", err)
			}
			if list[0].Line != tt.line || list[0].File != tt.file {
				t.Errorf("got %v, want line %d", list, tt.line)
			}
		})
	}
}

func TestLoadJSONErrorsHaveLines(t *testing.T) {
	text := "{\n \"name\": \"search\",\n \"target\": \"http://127.0.0.1:8080\",\n \"load\": {\"rate\": \"100/s\", \"duration\": \"10s\"},\n" +
		" \"endpoints\": [{\"name\": \"search\", \"path\": \"/s\",\n   \"wieght\": 2}]\n}\n"
	_, err := LoadBytes("s.json", []byte(text), nil)
	if err == nil || err.Error() != "s.json:6: endpoints[0].wieght: unknown key; did you mean weight?" {
		t.Errorf("got %v", err)
	}
}

func TestLoadRefusesFilesItCannotRead(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "missing.yaml"), nil)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
	_, err = LoadBytes("s.ini", []byte(minimal), nil)
	if err == nil || !strings.Contains(err.Error(), "name the file .yaml, .toml or .json") {
		t.Errorf("an unknown extension: %v", err)
	}
}

func TestHashDependsOnContentNotPath(t *testing.T) {
	a := mustLoad(t, "a/s.yaml", minimal, nil)
	b := mustLoad(t, "b/other.yaml", minimal, nil)
	if Hash(a) != Hash(b) || len(Hash(a)) != 64 {
		t.Errorf("the same content hashes %s and %s", Hash(a), Hash(b))
	}
	changes := map[string]string{
		"the rate":      strings.Replace(minimal, "100/s", "101/s", 1),
		"the duration":  strings.Replace(minimal, "10s", "11s", 1),
		"the path":      strings.Replace(minimal, "/api/search", "/api/search2", 1),
		"a header":      minimal + "    headers: {A: b}\n",
		"the endpoints": minimal + "  - {name: b, path: /b}\n",
	}
	for what, text := range changes {
		if Hash(mustLoad(t, "s.yaml", text, nil)) == Hash(a) {
			t.Errorf("changing %s does not change the hash", what)
		}
	}
}

func TestJSONRoundTripGivesAnEqualScenario(t *testing.T) {
	t.Setenv("HOTBENCH_TEST_TOKEN", "t")
	text := minimal + `    headers: {Authorization: "Bearer ${HOTBENCH_TEST_TOKEN}"}
    body: "{}"
    weight: 2
    expect: {status: [200, 204]}
  - {name: b, method: DELETE, path: /b}
runs: 4
profiles: {command: "rbspy record -o {out}", kinds: [cpu], required: true}
hotspots:
  - {name: h, endpoint: search, metric: alloc_per_req, objective: 64KiB, due: 2026-12-31, functions: ["/a|b/"]}
  - {name: h2, endpoint: b, objective: 150ms}
server: {build: "go build -o {bin} .", command: "{bin}", ready: /healthz}
gate: {alpha: 0.01, max_regression: {p99: 10%, mean: 3ms}, slo: {rps: 30/m, error_rate: 0.1%, p999: none}}
`
	text = strings.Replace(text, "duration: 10s", "duration: 10s\n  retries: 0\n  max_send_lag: 20ms", 1)
	text = strings.Replace(text, "required: true}", "required: true, min_samples: 50}", 1)
	ramp := strings.Replace(minimal, "duration: 10s", "stages: [{duration: 1s, rate: 7/m}, {duration: 2s, rate: 0}]", 1)
	cases := map[string]*Scenario{
		"a scenario using every key": mustLoad(t, "s.yaml", text, nil),
		"a ramp":                     mustLoad(t, "r.yaml", ramp, nil),
	}
	for _, name := range exampleFiles(t) {
		s, err := Load(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		cases[name] = s
	}
	for name, s := range cases {
		b, err := json.Marshal(*s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var back Scenario
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(asStored(s), back) {
			c, _ := json.Marshal(back)
			t.Errorf("%s does not survive JSON:\n%s\n%s", name, b, c)
		}
		if errs := back.Validate(); len(errs) != 0 {
			t.Errorf("%s read back from JSON is not valid: %v", name, ErrorList(errs))
		}
	}
}

func TestLoadRefusesUnknownKeysInTOMLAndJSON(t *testing.T) {
	tests := map[string]string{
		"s.toml": "name = \"a\"\n[lod]\n",
		"s.json": `{"name": "a", "lod": null}`,
	}
	for name, text := range tests {
		_, err := LoadBytes(name, []byte(text), nil)
		if err == nil || !strings.Contains(err.Error(), ": lod: unknown key; did you mean load?") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestLoadReadsJSONEscapesInHeadersAsJSONDoes(t *testing.T) {
	// Indented with spaces, yaml.v3 reads the file (for lines); with a tab
	// it does not. Either way the header is JSON's reading.
	for _, indent := range []string{"  ", "\t"} {
		text := `{"name": "a", "target": "http://x", "load": {"rate": 1, "duration": "1s"},
` + indent + `"endpoints": [{"name": "e", "path": "/", "headers": {"X-Emoji": "\ud83d\ude00 \u00e9"}}]}`
		s := mustLoad(t, "s.json", text, nil)
		if got := s.Endpoints[0].Headers["X-Emoji"]; got != "😀 é" {
			t.Errorf("indent %q: header = %q", indent, got)
		}
	}
}

func TestLoadReadsRetriesSendLagMinSamplesAndNone(t *testing.T) {
	inLoad := func(line string) string {
		return strings.Replace(minimal, "duration: 10s", "duration: 10s\n  "+line, 1)
	}
	tests := []struct {
		name  string
		yaml  string
		env   map[string]string
		check func(s *Scenario) bool
	}{
		{"retries: 0 means no retries", inLoad("retries: 0"), nil, func(s *Scenario) bool { return s.Load.Retries == 0 }},
		{"retries: 10 is the most", inLoad("retries: 10"), nil, func(s *Scenario) bool { return s.Load.Retries == 10 }},
		{"max_send_lag is a duration", inLoad("max_send_lag: 25ms"), nil, func(s *Scenario) bool { return s.Load.MaxSendLag.D() == 25*time.Millisecond }},
		{"min_samples is read from profiles", minimal + "profiles: {min_samples: 500}\n", nil, func(s *Scenario) bool { return s.Profiles.MinSamples == 500 }},
		{"slo error_rate: none removes the default error-rate SLO", minimal + "gate: {slo: {error_rate: none}}\n", nil, func(s *Scenario) bool {
			return s.Gate.SLO[metric.ErrorRate] == Quantity{None: true, Text: "none"} && len(s.Gate.SLO) == 1
		}},
		{"slo of another metric keeps the default error-rate SLO", minimal + "gate: {slo: {p99: 500ms}}\n", nil, func(s *Scenario) bool {
			return s.Gate.SLO[metric.ErrorRate] == DefaultSLO()[metric.ErrorRate] && s.Gate.SLO[metric.P99].Value == 0.5
		}},
		{"slo none on any metric is no limit", minimal + "gate: {slo: {p99: none, error_rate: 5%}}\n", nil, func(s *Scenario) bool {
			return s.Gate.SLO[metric.P99].None && s.Gate.SLO[metric.ErrorRate].Value == 0.05
		}},
		{"HOTBENCH_LOAD_RETRIES=0 is an explicit zero", minimal, map[string]string{"HOTBENCH_LOAD_RETRIES": "0"}, func(s *Scenario) bool { return s.Load.Retries == 0 }},
		{"HOTBENCH_LOAD_MAX_SEND_LAG sets the threshold", minimal, map[string]string{"HOTBENCH_LOAD_MAX_SEND_LAG": "50ms"}, func(s *Scenario) bool { return s.Load.MaxSendLag.D() == 50*time.Millisecond }},
		{"HOTBENCH_PROFILES_MIN_SAMPLES sets the minimum", minimal, map[string]string{"HOTBENCH_PROFILES_MIN_SAMPLES": "20"}, func(s *Scenario) bool { return s.Profiles.MinSamples == 20 }},
		{"HOTBENCH_GATE_SLO_ERROR_RATE=none removes the default", minimal, map[string]string{"HOTBENCH_GATE_SLO_ERROR_RATE": "none"}, func(s *Scenario) bool { return s.Gate.SLO[metric.ErrorRate].None }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			s := mustLoad(t, "s.yaml", tt.yaml, nil)
			if !tt.check(s) {
				t.Errorf("got load %+v, profiles %+v, slo %v", s.Load, s.Profiles, s.Gate.SLO)
			}
		})
	}
	// Overrides, as the command's flags give them.
	s := mustLoad(t, "s.yaml", minimal, map[string]string{"load.retries": "5", "load.max_send_lag": "1s", "profiles.min_samples": "1"})
	if s.Load.Retries != 5 || s.Load.MaxSendLag.D() != time.Second || s.Profiles.MinSamples != 1 {
		t.Errorf("overrides: load %+v, profiles %+v", s.Load, s.Profiles)
	}
}

func TestLoadRefusesBadRetriesSendLagMinSamplesAndMisplacedNone(t *testing.T) {
	inLoad := func(line string) string {
		return strings.Replace(minimal, "duration: 10s", "duration: 10s\n  "+line, 1)
	}
	tests := []struct {
		name  string
		yaml  string
		field string
		msg   string
	}{
		{"negative retries", inLoad("retries: -1"), "load.retries", "negative"},
		{"more than 10 retries", inLoad("retries: 11"), "load.retries", "too large: at most 10"},
		{"retries as a word", inLoad("retries: twice"), "load.retries", "not a whole number"},
		{"a max_send_lag of 0", inLoad("max_send_lag: 0"), "load.max_send_lag", "must be above 0"},
		{"a max_send_lag over a minute", inLoad("max_send_lag: 2m"), "load.max_send_lag", "too large: at most 1m"},
		{"a max_send_lag without unit", inLoad("max_send_lag: 10"), "load.max_send_lag", "has no unit"},
		{"min_samples of 0", minimal + "profiles: {min_samples: 0}\n", "profiles.min_samples", "write 1 or more"},
		{"none in max_regression", minimal + "gate: {max_regression: {p99: none}}\n", "gate.max_regression.p99", `"none" (no limit) is only for gate.slo`},
		{"none as an objective", minimal + "hotspots: [{name: h, endpoint: search, objective: none}]\n", "hotspots[0].objective", "is only for gate.slo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list := loadErrors(t, tt.yaml, nil)
			if len(list) != 1 || list[0].Field != tt.field || !strings.Contains(list[0].Msg, tt.msg) || list[0].Line == 0 {
				t.Errorf("got:\n%v\nwant one positioned error at %s with %q", list, tt.field, tt.msg)
			}
		})
	}
}

// TestErrorsAreOneLine: text of the file that an error quotes (a key, a
// path) cannot break the error over lines.
func TestErrorsAreOneLine(t *testing.T) {
	for name, text := range map[string]string{
		"a key with a line break":         minimal + "\"lo\\nad\": 1\n",
		"a body_file with a line break":   minimal + "    body_file: \"a\\nb.json\"\n",
		"a header name with a line break": minimal + "    headers: {\"X\\r\\nY\": 1}\n",
	} {
		t.Run(name, func(t *testing.T) {
			list := loadErrors(t, text, nil)
			for _, e := range list {
				if strings.ContainsAny(e.Error(), "\r\n") {
					t.Errorf("%q", e.Error())
				}
			}
		})
	}
}

// --target (or HOTBENCH_TARGET) moves the load; a profile URL on the old
// target's host and port moves with it, one elsewhere stays.
func TestMovingTheTargetCarriesTheProfileURL(t *testing.T) {
	for _, tt := range []struct {
		name, pprof, override, want string
	}{
		{"same host and port moves", "http://127.0.0.1:8080/debug/pprof", "", "http://127.0.0.1:9090/debug/pprof"},
		{"an admin port stays", "http://127.0.0.1:6060/debug/pprof", "", "http://127.0.0.1:6060/debug/pprof"},
		{"its path is kept", "http://127.0.0.1:8080/admin/pprof", "", "http://127.0.0.1:9090/admin/pprof"},
		{"an explicit profile override wins", "http://127.0.0.1:8080/debug/pprof", "http://127.0.0.1:7070/x", "http://127.0.0.1:7070/x"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := "name: svc\ntarget: http://127.0.0.1:8080\nload: {rate: 10/s, duration: 1s}\nendpoints: [{name: a, path: /}]\nprofiles: {pprof: " + tt.pprof + "}\n"
			over := map[string]string{"target": "http://127.0.0.1:9090"}
			if tt.override != "" {
				over["profiles.pprof"] = tt.override
			}
			sc, err := LoadBytes("svc.yaml", []byte(file), over)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Profiles.Pprof != tt.want {
				t.Errorf("profiles.pprof = %s, want %s", sc.Profiles.Pprof, tt.want)
			}
		})
	}
	// The environment moves it too.
	t.Setenv("HOTBENCH_TARGET", "http://127.0.0.1:9191")
	sc, err := LoadBytes("svc.yaml", []byte("name: svc\ntarget: http://127.0.0.1:8080\nload: {rate: 10/s, duration: 1s}\nendpoints: [{name: a, path: /}]\nprofiles: {pprof: http://127.0.0.1:8080/debug/pprof}\n"), nil)
	if err != nil || sc.Profiles.Pprof != "http://127.0.0.1:9191/debug/pprof" {
		t.Errorf("with HOTBENCH_TARGET: %v, %v", sc, err)
	}
}

// Any percentile is a metric of hotspots and gate limits, in every format
// and every layer; p99.9 is stored as p999, its canonical name.
func TestLoadAnyPercentile(t *testing.T) {
	yaml := minimal + `hotspots:
  - {name: slow-search, endpoint: search, metric: p95, objective: 300ms}
  - {name: tail, endpoint: search, metric: p99.9, objective: 1s}
gate:
  max_regression: {p75: 5%, p99.99: 20%}
  slo: {p99: 500ms, p99.9: 800ms, p95: 300ms}
`
	json := `{"name": "search", "target": "http://127.0.0.1:8080", "load": {"rate": "100/s", "duration": "10s"},
 "endpoints": [{"name": "search", "path": "/api/search"}],
 "hotspots": [{"name": "slow-search", "endpoint": "search", "metric": "p95", "objective": "300ms"},
              {"name": "tail", "endpoint": "search", "metric": "p99.9", "objective": "1s"}],
 "gate": {"max_regression": {"p75": "5%", "p99.99": "20%"}, "slo": {"p99": "500ms", "p99.9": "800ms", "p95": "300ms"}}}`
	toml := `name = "search"
target = "http://127.0.0.1:8080"
[load]
rate = "100/s"
duration = "10s"
[[endpoints]]
name = "search"
path = "/api/search"
[[hotspots]]
name = "slow-search"
endpoint = "search"
metric = "p95"
objective = "300ms"
[[hotspots]]
name = "tail"
endpoint = "search"
metric = "p99.9"
objective = "1s"
[gate.max_regression]
p75 = "5%"
"p99.99" = "20%"
[gate.slo]
p99 = "500ms"
"p99.9" = "800ms"
p95 = "300ms"
`
	for name, text := range map[string]string{"s.yaml": yaml, "s.json": json, "s.toml": toml} {
		t.Run(name, func(t *testing.T) {
			s := mustLoad(t, name, text, nil)
			if s.Hotspots[0].Metric != "p95" || s.Hotspots[1].Metric != "p999" || s.Hotspots[0].Objective.Value != 0.3 {
				t.Errorf("hotspots %+v, want p95 300ms and p999 (written p99.9)", s.Hotspots)
			}
			slo := s.Gate.SLO
			if slo["p99"].Value != 0.5 || slo["p999"].Value != 0.8 || slo["p95"].Value != 0.3 || len(slo) != 4 { // and the default error_rate
				t.Errorf("gate.slo %v, want p99 500ms, p999 800ms, p95 300ms and error_rate", slo)
			}
			mr := s.Gate.MaxRegression
			if mr["p75"].Value != 0.05 || mr["p99.99"].Value != 0.20 || len(mr) != 2 {
				t.Errorf("gate.max_regression %v, want p75 5%% and p99.99 20%%", mr)
			}
		})
	}

	t.Run("from the environment and overrides", func(t *testing.T) {
		t.Setenv("HOTBENCH_GATE_SLO_P99_9", "700ms")
		t.Setenv("HOTBENCH_GATE_SLO_P95", "250ms")
		t.Setenv("HOTBENCH_GATE_MAX_REGRESSION_P99_99", "15%")
		s := mustLoad(t, "s.yaml", minimal, map[string]string{"gate.slo.p75": "100ms", "gate.max_regression.p99.5": "12%"})
		slo, mr := s.Gate.SLO, s.Gate.MaxRegression
		if slo["p999"].Value != 0.7 || slo["p95"].Value != 0.25 || slo["p75"].Value != 0.1 {
			t.Errorf("gate.slo %v, want p999 700ms, p95 250ms, p75 100ms", slo)
		}
		if mr["p99.99"].Value != 0.15 || mr["p99.5"].Value != 0.12 || mr["p50"].Value != 0.10 {
			t.Errorf("gate.max_regression %v, want p99.99 15%% and p99.5 12%% over the default policy", mr)
		}
	})

	t.Run("an override of a percentile that is none is refused", func(t *testing.T) {
		list := loadErrors(t, minimal, map[string]string{"gate.slo.p100": "1s"})
		if len(list) != 1 || list[0].Field != "gate.slo.p100" || !strings.Contains(list[0].Msg, "cannot be overridden") {
			t.Errorf("errors %v, want gate.slo.p100 cannot be overridden", list)
		}
	})
}

// load.coalesce: 3ms unless given; an explicit 0 is kept (a wake-up per
// hit); negative or past 100ms is refused.
func TestLoadCoalesce(t *testing.T) {
	base := "name: svc\ntarget: http://127.0.0.1:8080\nendpoints: [{name: a, path: /}]\n"
	for _, tt := range []struct {
		load string
		want time.Duration
		err  string
	}{
		{"load: {rate: 10/s, duration: 1s}\n", 3 * time.Millisecond, ""},
		{"load: {rate: 10/s, duration: 1s, coalesce: 0}\n", 0, ""},
		{"load: {rate: 10/s, duration: 1s, coalesce: 1ms}\n", time.Millisecond, ""},
		{"load: {rate: 10/s, duration: 1s, coalesce: -1ms}\n", 0, "negative"},
		{"load: {rate: 10/s, duration: 1s, coalesce: 1s}\n", 0, "too large"},
	} {
		sc, err := LoadBytes("svc.yaml", []byte(base+tt.load), nil)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: error %v, want one saying %q", tt.load, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("%s: %v", tt.load, err)
		case tt.err == "" && sc.Load.Coalesce.D() != tt.want:
			t.Errorf("%s: coalesce %v, want %v", tt.load, sc.Load.Coalesce, tt.want)
		}
	}
}
