package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotbench/hotbench/demo"
)

// abScenario is demo.ABScenario with repetitions short enough for a test.
var abScenario = strings.NewReplacer("rate: 150/s", "rate: 100/s", "duration: 2s", "duration: 1s",
	"warmup: 500ms", "warmup: 300ms", "max_send_lag: 50ms", "max_send_lag: 250ms").Replace(demo.ABScenario)

func abRepo(t *testing.T, versions ...demo.ABService) string {
	t.Helper()
	dir := t.TempDir()
	var commits []demo.ABCommit
	for _, v := range versions {
		commits = append(commits, demo.ABCommit{Service: v, Message: "version " + v.Work.String()})
	}
	if _, err := demo.WriteABRepo(dir, abScenario, commits...); err != nil {
		t.Fatal(err)
	}
	return dir
}

// ab --gate exits 1 on a clear regression; --json is compare's object with
// the session's "ab" added; --save keeps the verdict for the month.
func TestABGateExitCodeAndJSON(t *testing.T) {
	repo := abRepo(t, demo.ABService{Work: 200 * time.Microsecond}, demo.ABService{Work: 2200 * time.Microsecond})
	res := filepath.Join(t.TempDir(), "results")
	code, out, errOut := hotbench(t, "ab", filepath.Join(repo, "hotbench.yaml"), "--base", "HEAD~1", "--candidate", "HEAD",
		"--gate", "--json", "--save", "--seed", "7", "--max-runs", "10", "--results", res, "--cache-dir", t.TempDir())
	if code != 1 {
		t.Fatalf("exit %d, want 1 (regression)\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	var v struct {
		Gate struct {
			Pass     bool `json:"pass"`
			Failures []struct {
				Endpoint, Metric string
			} `json:"failures"`
		} `json:"gate"`
		AB struct {
			Blocks  int      `json:"blocks"`
			Order   []string `json:"order"`
			Seed    int64    `json:"seed"`
			Stopped string   `json:"stopped"`
			Looks   []struct {
				Rows []struct{ Decision string } `json:"rows"`
			} `json:"looks"`
		} `json:"ab"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	if v.Gate.Pass || len(v.Gate.Failures) == 0 {
		t.Errorf("gate %+v, want a failure", v.Gate)
	}
	if v.AB.Seed != 7 || v.AB.Blocks == 0 || len(v.AB.Order) != v.AB.Blocks || v.AB.Stopped == "" || len(v.AB.Looks) == 0 {
		t.Errorf("ab object %+v", v.AB)
	}
	if v.AB.Blocks >= 10 {
		t.Errorf("a 10x regression used all %d blocks", v.AB.Blocks)
	}
	if !strings.Contains(errOut, "saved ab verdict") {
		t.Errorf("no saved verdict:\n%s", errOut)
	}
	// The stored runs are ordinary runs: compare reads them by label.
	if code, out, errOut := hotbench(t, "compare", "ab-demo@base", "ab-demo@candidate", "--results", res); code != 0 || !strings.Contains(out, "regressed") {
		t.Errorf("compare of ab's runs: exit %d\n%s\n%s", code, out, errOut)
	}
}

// Bad input is said before anything is built, with exit 2.
func TestABBadInput(t *testing.T) {
	repo := abRepo(t, demo.ABService{Work: time.Millisecond})
	scenario := filepath.Join(repo, "hotbench.yaml")
	noServer := filepath.Join(t.TempDir(), "plain.yaml")
	plain := strings.Split(abScenario, "server:")[0]
	if err := os.WriteFile(noServer, []byte(plain), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"ab", scenario, "--base", "no-such-ref"}, `unknown ref "no-such-ref"`},
		{[]string{"ab", scenario, "--max-runs", "2"}, "--max-runs 2"},
		{[]string{"ab", noServer}, "has no server.command"},
		{[]string{"calibrate", scenario, "--runs", "1"}, "calibrate needs 3 to"},
	} {
		code, _, errOut := hotbench(t, append(tc.args, "--results", t.TempDir(), "--cache-dir", t.TempDir())...)
		if code != 2 || !strings.Contains(errOut, tc.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line with %q", tc.args, code, errOut, tc.want)
		}
	}
}

// calibrate --write sets runs, the allowances and a calibration: block,
// keeps the file's comments, and validate accepts the result.
func TestCalibrateWritesAScenarioThatValidates(t *testing.T) {
	repo := abRepo(t, demo.ABService{Work: 300 * time.Microsecond})
	scenario := filepath.Join(repo, "hotbench.yaml")
	code, out, errOut := hotbench(t, "calibrate", scenario, "--ref", "HEAD", "--runs", "3", "--seed", "3", "--write",
		"--results", t.TempDir(), "--cache-dir", t.TempDir())
	if code != 0 {
		t.Fatalf("calibrate exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{"MDE@5", "MDE@20", "between runs", "cpu_per_req", "rss_peak", "false-alarm rate", "recommended: runs:"} {
		if !strings.Contains(out, want) {
			t.Errorf("calibrate output lacks %q:\n%s", want, out)
		}
	}
	data, err := os.ReadFile(scenario)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, want := range []string{"calibration:", "# ab moves each side to a free port of its own", "item.p50: {cv: "} {
		if !strings.Contains(text, want) {
			t.Errorf("the written scenario lacks %q:\n%s", want, text)
		}
	}
	if code, _, errOut := hotbench(t, "validate", scenario); code != 0 {
		t.Errorf("validate after calibrate --write: exit %d\n%s\n%s", code, errOut, text)
	}
}
