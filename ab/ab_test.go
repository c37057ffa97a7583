package ab_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotbench/hotbench/ab"
	"github.com/hotbench/hotbench/ab/build"
	"github.com/hotbench/hotbench/ab/sequential"
	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/demo"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/runner"
	"github.com/hotbench/hotbench/scenarios"
)

// scenarioYAML loads the ab demo's service lightly: short repetitions, so
// a session of a few blocks takes seconds. The generator's send-lag limit
// is loose because these machines are shared; the tests judge decisions,
// not timings.
const scenarioYAML = `name: ab-test
target: http://127.0.0.1:8080
load:
  rate: 100/s
  duration: 1s
  warmup: 300ms
  max_send_lag: 250ms
runs: 5
endpoints:
  - name: item
    path: /api/item
server:
  build: go build -o {bin} .
  command: "{bin} -addr {addr}"
  ready: /healthz
gate:
  max_regression: {p50: 10%, error_rate: 0}
`

// repo makes a git repository with one commit per version of the ab
// demo's service (the scenario in the first), and returns its folder and
// the commits, oldest first.
func repo(t *testing.T, versions ...demo.ABService) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	var commits []demo.ABCommit
	for i, v := range versions {
		commits = append(commits, demo.ABCommit{Service: v, Message: fmt.Sprintf("version %d", i)})
	}
	hashes, err := demo.WriteABRepo(dir, scenarioYAML, commits...)
	if err != nil {
		t.Fatal(err)
	}
	return dir, hashes
}

func load(t *testing.T, dir string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Load(filepath.Join(dir, "hotbench.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func options(t *testing.T, dir string, minB, maxB int, seed int64) ab.Options {
	sc := load(t, dir)
	return ab.Options{
		Scenario: sc, Repo: dir, Base: "HEAD~1", Candidate: "HEAD",
		MinBlocks: minB, MaxBlocks: maxB, Seed: &seed,
		Store: results.Open(t.TempDir()), CacheDir: t.TempDir(),
	}
}

// A commit that adds 2 ms of work to every request is called regressed at
// the first look, long before --max-runs, and the gate fails; the server
// has no pprof, and its CPU and memory still come from /proc.
func TestTwoMillisecondsMoreIsRegressedEarly(t *testing.T) {
	dir, _ := repo(t, demo.ABService{Work: 200 * time.Microsecond}, demo.ABService{Work: 2200 * time.Microsecond})
	res, err := ab.Run(context.Background(), options(t, dir, 5, 20, 1))
	if err != nil {
		t.Fatal(err)
	}
	if res.Gate.Pass || len(res.Gate.Failures) == 0 {
		t.Fatalf("gate passed a 2 ms regression: %+v\n%s", res.Gate, res.Stopped)
	}
	if f := res.Gate.Failures[0]; f.Kind != compare.FailRegression || f.Metric != metric.P50 {
		t.Errorf("failure %+v, want a p50 regression", f)
	}
	if res.Blocks >= 20 {
		t.Errorf("used %d blocks of 20 for a clear regression: the early stop did not work", res.Blocks)
	}
	t.Logf("blocks used: %d (%s)", res.Blocks, res.Stopped)
	for _, m := range []string{metric.CPUPerReq, metric.RSSPeak} {
		r := res.Comparison.Row(compare.ServerEndpoint, m)
		if r == nil || !(r.Base.Center > 0) || !(r.Candidate.Center > 0) {
			t.Errorf("%s missing for a server without pprof: %+v", m, r)
		}
	}
	if r := res.Comparison.Row(compare.ServerEndpoint, metric.CPUPerReq); r != nil && r.Change != compare.Regressed {
		t.Errorf("cpu_per_req %+v: 10x the work per request should be a regression", r)
	}
	// Both runs are ordinary runs with their side, commit and the order.
	for _, run := range []*results.Run{res.Base, res.Candidate} {
		if run.AB == nil || run.AB.Commit == "" || len(run.AB.Order) != res.Blocks || run.AB.Seed != 1 {
			t.Errorf("run %s AB record %+v", run.Label, run.AB)
		}
	}
	if res.Base.Label != ab.LabelBase || res.Candidate.Label != ab.LabelCandidate {
		t.Errorf("labels %q, %q", res.Base.Label, res.Candidate.Label)
	}
}

// Two commits that differ only in a comment pass: no regression, whatever
// the noise.
func TestACommentOnlyChangePasses(t *testing.T) {
	dir, commits := repo(t, demo.ABService{Work: 300 * time.Microsecond}, demo.ABService{Work: 300 * time.Microsecond, Comment: "explain the handler"})
	res, err := ab.Run(context.Background(), options(t, dir, 5, 5, 2))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Gate.Pass {
		t.Fatalf("gate failed an A/A pair of builds: %+v\n%s", res.Gate, res.Stopped)
	}
	last := res.Looks[len(res.Looks)-1]
	for _, r := range last.Rows {
		if r.Decision == sequential.Regressed || r.Decision == sequential.Improved {
			t.Errorf("row %s %s decided %v: %s", r.Endpoint, r.Metric, r.Decision, r.Sentence)
		}
	}
	if res.Base.AB.Commit != commits[0] || res.Candidate.AB.Commit != commits[1] {
		t.Errorf("commits %s, %s, want %v", res.Base.AB.Commit, res.Candidate.AB.Commit, commits)
	}
}

// The reason ab exists: on a machine that slows down over time, base then
// candidate in sequence calls one build against itself regressed, while
// interleaved blocks do not.
func TestDriftFoolsASequentialPairButNotAB(t *testing.T) {
	// Every request waits 250 µs more for each second since now.
	t.Setenv("HOTBENCH_DEMO_DRIFT", fmt.Sprintf("%d,250us", time.Now().UnixMilli()))
	dir, _ := repo(t, demo.ABService{Work: 200 * time.Microsecond}, demo.ABService{Work: 200 * time.Microsecond, Comment: "same code"})
	o := options(t, dir, 5, 5, 3)

	// Sequential: the base's eight repetitions, then the candidate's (eight
	// a side, so that the pair's U test can reach Holm's level on a busy
	// machine).
	var runs []*results.Run
	for _, ref := range []string{"HEAD~1", "HEAD"} {
		runs = append(runs, sequentialRun(t, o, ref))
	}
	c, err := compare.Compare(runs[:1], runs[1:], compare.Options{})
	if err != nil {
		t.Fatal(err)
	}
	policy := compare.PolicyFromScenario(o.Scenario.Gate)
	if g := compare.Gate(c, policy); g.Pass {
		t.Fatalf("the sequential pair passed: the drift is too weak to show what ab is for\n%+v", c.Row("item", metric.P50))
	}

	res, err := ab.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Gate.Pass {
		t.Errorf("ab called one build against itself regressed under drift: %+v\n%s", res.Gate.Failures, res.Stopped)
	}
}

// sequentialRun builds ref and runs the scenario's repetitions against it
// alone, as a user without ab would.
func sequentialRun(t *testing.T, o ab.Options, ref string) *results.Run {
	t.Helper()
	ctx := context.Background()
	src, err := build.Resolve(ctx, o.Repo, ref)
	if err != nil {
		t.Fatal(err)
	}
	bin, err := build.Build(ctx, build.Spec{Source: src, Command: o.Scenario.Server.Build, RunCommand: o.Scenario.Server.Command, CacheDir: o.CacheDir})
	if err != nil {
		t.Fatal(err)
	}
	defer bin.Cleanup()
	addr, err := runner.FreeLoopbackAddr()
	if err != nil {
		t.Fatal(err)
	}
	sc := *o.Scenario
	sc.Target, sc.Server, sc.Runs = "http://"+addr, nil, 8
	srv, err := runner.StartServerWith(ctx, *o.Scenario.Server, sc.Target, runner.ServerOptions{Bin: bin.Path, Dir: bin.WorkDir})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	run, err := runner.Run(ctx, &sc, runner.Options{Label: ref, Store: o.Store})
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// A build that fails names the side's ref and shows the build's last
// lines; nothing is run.
func TestABuildFailureNamesTheRef(t *testing.T) {
	dir, _ := repo(t, demo.ABService{Work: time.Millisecond})
	if err := os.WriteFile(filepath.Join(dir, "broken.go"), []byte("package main\n\nfunc broken() { undefined() }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o := options(t, dir, 5, 5, 4)
	o.Base, o.Candidate = "HEAD", "" // the candidate is the working tree, broken
	_, err := ab.Run(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "working tree") || !strings.Contains(err.Error(), "undefined") {
		t.Fatalf("error %v, want the working tree named and the compiler's line", err)
	}
	if runs, _ := o.Store.List(); len(runs) != 0 {
		t.Errorf("a failed build stored %d runs", len(runs))
	}
}
