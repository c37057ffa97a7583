package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/perf/benchfmt"

	"github.com/hotbench/hotbench/results"
)

// hotbench runs the command in-process and returns its exit code and output.
func hotbench(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeScenario(t *testing.T, dir, target, extra string) string {
	t.Helper()
	path := filepath.Join(dir, "svc.yaml")
	body := `name: svc
target: ` + target + `
load: {rate: 100/s, duration: 1s, warmup: 200ms, timeout: 2s, max_send_lag: 250ms}
runs: 2
endpoints:
  - {name: home, path: /}
  - {name: items, path: /items, weight: 2}
` + extra
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunShowLsExport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	dir := t.TempDir()
	resultsDir := filepath.Join(dir, "results")
	sc := writeScenario(t, dir, srv.URL, "")

	code, out, errOut := hotbench(t, "run", sc, "--label", "before", "--results", resultsDir, "--json")
	if code != 0 {
		t.Fatalf("run exit %d: %s", code, errOut)
	}
	var s results.Summary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("run --json printed no summary object: %v\n%s", err, out)
	}
	if s.Scenario != "svc" || s.Label != "before" || !s.Complete || s.Runs != 2 || len(s.Endpoints) != 2 {
		t.Fatalf("summary = %+v", s)
	}
	// items has 2/3 of 100/s for 1 s, twice.
	if e := s.Endpoints[1]; e.Name != "items" || e.Requests < 132 || e.Requests > 134 {
		t.Errorf("items endpoint = %+v, want 2 × 66.7 requests", e)
	}

	code, out, _ = hotbench(t, "show", "svc@before", "--results", resultsDir)
	if code != 0 || !strings.Contains(out, "svc@before") || !strings.Contains(out, "items") {
		t.Errorf("show exit %d:\n%s", code, out)
	}
	code, out, _ = hotbench(t, "ls", "--results", resultsDir)
	if code != 0 || !strings.Contains(out, "svc@before") {
		t.Errorf("ls exit %d:\n%s", code, out)
	}
	code, out, _ = hotbench(t, "export", "svc@latest", "--format", "benchfmt", "--results", resultsDir)
	if code != 0 {
		t.Fatalf("export exit %d", code)
	}
	r := benchfmt.NewReader(strings.NewReader(out), "export")
	lines := 0
	for r.Scan() {
		if res, ok := r.Result().(*benchfmt.Result); ok {
			lines++
			if !strings.HasPrefix(string(res.Name), "Svc/endpoint=") {
				t.Errorf("benchmark name %q", res.Name)
			}
		}
	}
	if lines != 4 {
		t.Errorf("export wrote %d benchmark lines, want 2 runs × 2 endpoints", lines)
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: Bad Name\ntarget: nowhere\nload: {rate: -5/s, duration: 0s}\nendpoints: []\nlod: 1\n"), 0o644)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	good := writeScenario(t, dir, srv.URL, "")

	tests := []struct {
		name string
		args []string
		code int
		says string
	}{
		{"validate accepts a good scenario", []string{"validate", good}, 0, ""},
		{"validate lists every problem and exits 2", []string{"validate", bad}, 2, "bad.yaml:1"},
		{"run refuses an invalid scenario with exit 2", []string{"run", bad}, 2, "lod"},
		{"an unknown flag is a usage error", []string{"run", good, "--nope"}, 2, "unknown flag"},
		{"a missing argument is a usage error", []string{"show"}, 2, "needs"},
		{"an unknown run is an input error", []string{"show", "svc@nothing", "--results", dir}, 2, "no runs of scenario \"svc\""},
		{"export knows one format", []string{"export", "svc@latest", "--format", "csv", "--results", dir}, 2, "benchfmt"},
		{"a missing scenario file is named", []string{"run", filepath.Join(dir, "missing.yaml")}, 2, "missing.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := hotbench(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			if !strings.Contains(out+errOut, tt.says) {
				t.Errorf("output does not say %q:\n%s%s", tt.says, out, errOut)
			}
		})
	}
}

func TestUnreachableTargetIsOneLine(t *testing.T) {
	dir := t.TempDir()
	sc := writeScenario(t, dir, "http://127.0.0.1:1", "")
	code, _, errOut := hotbench(t, "run", sc, "--results", filepath.Join(dir, "r"))
	if code == 0 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "unreachable") {
		t.Errorf("exit %d, stderr %q: want one line saying the target is unreachable", code, errOut)
	}
}

func TestEnvironmentOverridesTheResultsFolder(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	dir := t.TempDir()
	sc := writeScenario(t, dir, "http://127.0.0.1:1", "")
	t.Setenv("HOTBENCH_RESULTS", filepath.Join(dir, "from-env"))
	t.Setenv("HOTBENCH_TARGET", srv.URL)
	if code, _, errOut := hotbench(t, "run", sc, "--runs", "1", "--duration", "300ms"); code != 0 {
		t.Fatalf("run exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "from-env", "svc")); err != nil {
		t.Errorf("HOTBENCH_RESULTS was not used: %v", err)
	}
}

// syncBuffer is a bytes.Buffer safe for a command writing while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestConfigFileLayersUnderFlags(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	dir := t.TempDir()
	sc := writeScenario(t, dir, srv.URL, "")
	cfg := filepath.Join(dir, "hotbench.yaml")
	os.WriteFile(cfg, []byte("runs: 1\nduration: 300ms\nresults: "+filepath.Join(dir, "from-config")+"\n"), 0o644)

	code, out, errOut := hotbench(t, "run", sc, "--config", cfg, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var s results.Summary
	json.Unmarshal([]byte(out), &s)
	if s.Runs != 1 || !strings.Contains(s.Path, "from-config") {
		t.Errorf("config file not applied: runs %d path %s", s.Runs, s.Path)
	}
	// A flag beats the config file.
	code, out, _ = hotbench(t, "run", sc, "--config", cfg, "--runs", "2", "--json")
	json.Unmarshal([]byte(out), &s)
	if code != 0 || s.Runs != 2 {
		t.Errorf("--runs 2 over the config's 1: exit %d runs %d", code, s.Runs)
	}
}
