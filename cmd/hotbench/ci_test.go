package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hotbench/hotbench/demo"
)

// The workflow docs/ci.md quotes, and the page that quotes it.
const (
	ciWorkflowFile = "../../docs/ci/hotbench-ab.yml"
	ciDocFile      = "../../docs/ci.md"
)

// docs/ci.md shows the workflow whole, in one fenced block equal to the
// file, so that what people copy from the page is what TestCIWorkflow runs.
func TestCIDocQuotesTheWorkflow(t *testing.T) {
	file, err := os.ReadFile(ciWorkflowFile)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(ciDocFile)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(doc), "```yaml\n"+string(file)+"```\n") {
		return
	}
	// Show the difference against the block that starts like the file.
	first, _, _ := strings.Cut(string(file), "\n")
	_, block, found := strings.Cut(string(doc), "```yaml\n"+first+"\n")
	if !found {
		t.Fatalf("%s has no ```yaml block starting with %q: quote %s in it whole", ciDocFile, first, ciWorkflowFile)
	}
	block, _, _ = strings.Cut(first+"\n"+block, "```")
	t.Errorf("the workflow quoted in %s differs from %s (- file, + page):\n%s", ciDocFile, ciWorkflowFile, lineDiff(string(file), block))
}

// ciWorkflow is the part of a GitHub Actions workflow the test reads.
type ciWorkflow struct {
	On          yaml.Node         `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Defaults    struct {
		Run struct {
			Shell string `yaml:"shell"`
		} `yaml:"run"`
	} `yaml:"defaults"`
	Jobs map[string]struct {
		Env   map[string]string `yaml:"env"`
		Steps []ciStep          `yaml:"steps"`
	} `yaml:"jobs"`
}

type ciStep struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	With map[string]any    `yaml:"with"`
	Env  map[string]string `yaml:"env"`
	Run  string            `yaml:"run"`
}

func (s ciStep) String() string {
	switch {
	case s.Name != "":
		return s.Name
	case s.Uses != "":
		return s.Uses
	}
	first, _, _ := strings.Cut(s.Run, "\n")
	return first
}

// ciScenario is the scenario the workflow's HOTBENCH_SCENARIO names in the
// test's repository: the ab demo's service, loaded lightly (short
// repetitions; a loose send-lag limit, since the machine is shared).
const ciScenario = `name: search
target: http://127.0.0.1:8080
load:
  rate: 100/s
  duration: 1s
  warmup: 300ms
  max_send_lag: 250ms
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

// ciConfig keeps a session short through hotbench's own configuration
// file (HOTBENCH_CONFIG), the way a user tunes ab without editing the
// workflow: the first look after 3 blocks, the last after maxRuns, in a
// fixed order.
func ciConfig(maxRuns int) string {
	return fmt.Sprintf("min-runs: 3\nmax-runs: %d\nseed: 1\n", maxRuns)
}

// fakeGH stands in for gh: the `gh api` calls the workflow makes, against
// a JSON array of issue comments ($FAKE_GH_STORE), each call logged as
// one line to $FAKE_GH_LOG. Anything else is an error, so a call the
// workflow gains must be faked here first. It needs jq, as gh's own --jq
// is jq.
const fakeGH = `#!/usr/bin/env bash
set -euo pipefail
printf '%s\n' "$*" >>"$FAKE_GH_LOG"
die() { echo "fake gh: $*" >&2; exit 1; }
[ -n "${GH_TOKEN:-}" ] || die "no GH_TOKEN: gh would ask to log in"
[ "${1:-}" = api ] || die "only gh api is faked, not: $*"
shift
method= path= filter= bodyfile=
while [ $# -gt 0 ]; do
	case $1 in
	--method | -X) method=$2; shift 2 ;;
	--paginate) shift ;;
	--jq | -q) filter=$2; shift 2 ;;
	-F | --field)
		case $2 in
		body=@*) bodyfile=${2#body=@} ;;
		*) die "unexpected field $2" ;;
		esac
		shift 2 ;;
	-*) die "unexpected flag $1" ;;
	*) [ -z "$path" ] || die "two paths: $path $1"; path=$1; shift ;;
	esac
done
# gh's default method: POST when fields are given, else GET.
if [ -z "$method" ]; then
	if [ -n "$bodyfile" ]; then method=POST; else method=GET; fi
fi
number() { case $1 in '' | *[!0-9]*) die "not a number: $1 in $path" ;; esac; }
store=$FAKE_GH_STORE
prefix="repos/$FAKE_GH_REPO/issues"
case "$method $path" in
"GET $prefix/"*/comments)
	n=${path#"$prefix/"}; n=${n%/comments}; number "$n"
	out=$(jq --argjson n "$n" '[.[] | select(.issue == $n)]' "$store") ;;
"POST $prefix/"*/comments)
	n=${path#"$prefix/"}; n=${n%/comments}; number "$n"
	[ -n "$bodyfile" ] || die "POST without a body"
	jq --argjson n "$n" --rawfile body "$bodyfile" \
		'. + [{id: ((map(.id) | max // 0) + 1), issue: $n, user: {login: "github-actions[bot]"}, body: $body}]' \
		"$store" >"$store.new"
	mv "$store.new" "$store"
	out=$(jq 'last' "$store") ;;
"PATCH $prefix/comments/"*)
	id=${path##*/}; number "$id"
	[ -n "$bodyfile" ] || die "PATCH without a body"
	jq -e --argjson id "$id" 'any(.[]; .id == $id)' "$store" >/dev/null || die "HTTP 404: no comment $id"
	jq --argjson id "$id" --rawfile body "$bodyfile" 'map(if .id == $id then .body = $body else . end)' \
		"$store" >"$store.new"
	mv "$store.new" "$store"
	out=$(jq --argjson id "$id" '.[] | select(.id == $id)' "$store") ;;
*) die "unexpected call: $method $path" ;;
esac
if [ -n "$filter" ]; then jq -r "$filter" <<<"$out"; else printf '%s\n' "$out"; fi
`

// ghComment is a comment in the fake gh's store.
type ghComment struct {
	ID    int    `json:"id"`
	Issue int    `json:"issue"`
	Body  string `json:"body"`
	User  struct {
		Login string `json:"login"`
	} `json:"user"`
}

// The workflow of docs/ci/hotbench-ab.yml, run step by step as GitHub
// Actions would on three pushes to one pull request, against a scratch
// repository holding the ab demo's service: each run: step with bash,
// hotbench being this test binary, gh a fake over a file of comments, the
// ${{ }} expressions filled in; uses: steps are skipped, and so is the
// install of hotbench. The first push makes every request 2 ms slower:
// the job fails at its last step with exit 1, and one comment says the
// p50 row regressed. Then main moves on and the second push takes the
// slowdown back, leaving only a comment in the code: the job passes, and
// the same comment, edited in place, says so. A third push that does not
// build fails the job with a message that says so, not "regressed".
func TestCIWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("two ab sessions of 3 blocks or more: about 40 seconds")
	}
	for _, tool := range []string{"bash", "git", "go", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: the workflow's steps need it (jq for the fake gh)", tool)
		}
	}
	raw, err := os.ReadFile(ciWorkflowFile)
	if err != nil {
		t.Fatal(err)
	}
	var wf ciWorkflow
	if err := yaml.Unmarshal(raw, &wf); err != nil {
		t.Fatalf("%s: %v", ciWorkflowFile, err)
	}
	steps, jobEnv := checkCIWorkflow(t, &wf)
	ci := newCIRun(t, jobEnv)

	// main: the service at 200 µs of work a request, and the scenario.
	ci.write(jobEnv["HOTBENCH_SCENARIO"], ciScenario)
	ci.write("README.md", "# service\n")
	ci.service(demo.ABService{Work: 200 * time.Microsecond})
	ci.git("add", "-A")
	ci.git("commit", "-q", "-m", "the service")
	mainFirst := ci.git("rev-parse", "HEAD")
	ci.git("update-ref", "refs/remotes/origin/main", mainFirst)
	// The pull request: 2 ms more a request.
	ci.git("checkout", "-q", "-b", "pr")
	ci.service(demo.ABService{Work: 2200 * time.Microsecond})
	ci.git("commit", "-q", "-am", "a slower handler")
	merge1 := ci.checkoutMerge(mainFirst)

	// Decided at the first look after 3 blocks, unless the machine is so
	// busy that it takes a later one.
	ci.config(6)
	code, out := ci.push(steps)
	if code != 1 {
		t.Fatalf("push 1 (2 ms slower): the job exited %d, want 1 at its last step\n%s", code, out)
	}
	if !strings.Contains(out, "::error title=hotbench ab::regressed") {
		t.Errorf("push 1: the last step gives no clear error:\n%s", out)
	}
	comments := ci.comments()
	bot := ci.botComment(comments)
	for _, want := range []string{
		"<!-- hotbench-ab -->", "❌ regressed",
		"| item p50 | regressed |", "regressed beyond the 10% allowance",
		"base `" + ci.short(mainFirst) + "`", "candidate `" + ci.short(merge1) + "`",
	} {
		if !strings.Contains(bot.Body, want) {
			t.Errorf("push 1: the comment lacks %q:\n%s", want, bot.Body)
		}
	}
	if calls := ci.ghCalls(); len(calls) != 2 || !strings.HasPrefix(calls[0], "api --paginate repos/hotbench/example/issues/7/comments") ||
		calls[1] != "api --method POST repos/hotbench/example/issues/7/comments -F body=@hotbench-ab-comment.md" {
		t.Errorf("push 1: gh calls %q, want the list, then one POST", calls)
	}
	ci.checkJUnit("push 1", 1)
	if !strings.Contains(ci.summary, "<!-- hotbench-ab -->") || !strings.Contains(ci.summary, "| item p50 | regressed |") {
		t.Errorf("push 1: the job summary lacks the verdict (forks see only it):\n%s", ci.summary)
	}

	// main moves on (another pull request's README), and the pull request
	// takes the slowdown back with a comment in the code: GitHub merges it
	// into the new main.
	ci.git("checkout", "-q", "main")
	ci.write("README.md", "# service\n\nSee docs.\n")
	ci.git("commit", "-q", "-am", "docs")
	mainSecond := ci.git("rev-parse", "HEAD")
	ci.git("update-ref", "refs/remotes/origin/main", mainSecond)
	ci.git("checkout", "-q", "pr")
	ci.service(demo.ABService{Work: 200 * time.Microsecond, Comment: "the handler does 200 µs of work"})
	ci.git("commit", "-q", "-am", "the handler as it was, explained")
	merge2 := ci.checkoutMerge(mainSecond)

	// Showing no change (equivalence within 10%) takes more blocks than a
	// test should spend: one look, at 3, passes it undecided.
	ci.config(3)
	code, out = ci.push(steps)
	if code != 0 {
		t.Fatalf("push 2 (a comment only): the job exited %d, want 0\n%s", code, out)
	}
	after := ci.comments()
	if len(after) != len(comments) {
		t.Errorf("push 2 left %d comments, want %d: the comment must be edited in place, not posted again", len(after), len(comments))
	}
	edited := ci.botComment(after)
	if edited.ID != bot.ID {
		t.Errorf("push 2 wrote comment %d, want %d edited", edited.ID, bot.ID)
	}
	for _, want := range []string{
		"<!-- hotbench-ab -->", "✅ pass", "✅ **Gate passed**",
		"base `" + ci.short(mainSecond) + "`", "candidate `" + ci.short(merge2) + "`",
	} {
		if !strings.Contains(edited.Body, want) {
			t.Errorf("push 2: the comment lacks %q:\n%s", want, edited.Body)
		}
	}
	if strings.Contains(edited.Body, "regressed beyond") {
		t.Errorf("push 2: the comment still shows the regression:\n%s", edited.Body)
	}
	if calls := ci.ghCalls(); len(calls) != 2 ||
		calls[1] != fmt.Sprintf("api --method PATCH repos/hotbench/example/issues/comments/%d -F body=@hotbench-ab-comment.md", bot.ID) {
		t.Errorf("push 2: gh calls %q, want the list, then a PATCH of comment %d", calls, bot.ID)
	}
	for i, c := range after {
		if i < len(comments) && c.ID != edited.ID && c != comments[i] {
			t.Errorf("push 2 changed someone else's comment %d: %+v", c.ID, c)
		}
	}
	ci.checkJUnit("push 2", 0)

	// A third push breaks the build: no verdict, and the comment and the
	// last step say so instead of calling it a regression.
	ci.git("checkout", "-q", "pr")
	ci.write("broken.go", "package main\n\nfunc broken() { undefined() }\n")
	ci.git("add", "broken.go")
	ci.git("commit", "-q", "-m", "a broken build")
	ci.checkoutMerge(mainSecond)
	code, out = ci.push(steps)
	if code != 1 || !strings.Contains(out, "::error title=hotbench ab::hotbench ab could not run (exit 1)") {
		t.Errorf("push 3 (a broken build): the job exited %d, want 1 with a message that ab could not run\n%s", code, out)
	}
	broken := ci.botComment(ci.comments())
	for _, want := range []string{"⚠️ could not run (exit 1)", "undefined: undefined"} {
		if !strings.Contains(broken.Body, want) {
			t.Errorf("push 3: the comment lacks %q:\n%s", want, broken.Body)
		}
	}
	if broken.ID != bot.ID || strings.Contains(broken.Body, "regressed") {
		t.Errorf("push 3: comment %d, want %d edited to say the build failed:\n%s", broken.ID, bot.ID, broken.Body)
	}
	if _, err := os.Stat(filepath.Join(ci.dir, "hotbench-ab.xml")); err == nil {
		t.Error("push 3: a JUnit report without a session")
	}
}

// checkCIWorkflow checks what the workflow needs besides its run: steps
// (the trigger, the token's permissions, a full checkout, the comment
// skipped for forks) and returns the one job's steps and environment.
func checkCIWorkflow(t *testing.T, wf *ciWorkflow) ([]ciStep, map[string]string) {
	t.Helper()
	if wf.On.Value != "pull_request" {
		t.Errorf("on: %q, want pull_request", wf.On.Value)
	}
	want := map[string]string{"contents": "read", "pull-requests": "write", "checks": "write"}
	if fmt.Sprint(wf.Permissions) != fmt.Sprint(want) {
		t.Errorf("permissions %v, want exactly %v", wf.Permissions, want)
	}
	if wf.Defaults.Run.Shell != "bash" {
		t.Errorf("defaults.run.shell %q, want bash (the steps use PIPESTATUS)", wf.Defaults.Run.Shell)
	}
	if len(wf.Jobs) != 1 {
		t.Fatalf("%d jobs, want 1", len(wf.Jobs))
	}
	var steps []ciStep
	var env map[string]string
	for _, j := range wf.Jobs {
		steps, env = j.Steps, j.Env
	}
	checkout, commented := false, false
	for _, s := range steps {
		if strings.HasPrefix(s.Uses, "actions/checkout@") {
			checkout = true
			if fmt.Sprint(s.With["fetch-depth"]) != "0" {
				t.Errorf("checkout with fetch-depth %v, want 0: ab builds the base from git", s.With["fetch-depth"])
			}
		}
		if strings.Contains(s.Run, "gh api") {
			commented = true
			if s.If != "github.event.pull_request.head.repo.full_name == github.repository" {
				t.Errorf("the step %q runs for forks too (if: %q), whose token is read-only", s, s.If)
			}
		}
	}
	if !checkout {
		t.Error("no actions/checkout step")
	}
	if !commented {
		t.Error("no step comments with gh api")
	}
	if env["HOTBENCH_SCENARIO"] == "" {
		t.Fatal("the job sets no HOTBENCH_SCENARIO")
	}
	return steps, env
}

// ciRun is a scratch repository checked out as GitHub Actions checks out
// a pull request, and what the workflow's steps see.
type ciRun struct {
	t          *testing.T
	tmp, dir   string // dir is the workspace, in tmp
	env        []string
	jobEnv     map[string]string
	store, log string // the fake gh's
	pushes     int
	// outputs are this push's steps' outputs by step id; summary its job
	// summary.
	outputs map[string]map[string]string
	summary string
}

func newCIRun(t *testing.T, jobEnv map[string]string) *ciRun {
	t.Helper()
	tmp := t.TempDir()
	ci := &ciRun{t: t, tmp: tmp, dir: filepath.Join(tmp, "work"), jobEnv: jobEnv,
		store: filepath.Join(tmp, "comments.json"), log: filepath.Join(tmp, "gh.log")}
	bin := filepath.Join(tmp, "bin")
	for _, d := range []string{ci.dir, bin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// This test binary is hotbench for the steps (TestMain).
	if err := os.Symlink(exe, filepath.Join(bin, "hotbench")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "gh"), []byte(fakeGH), 0o755); err != nil {
		t.Fatal(err)
	}
	// Someone quoted the marker, and another bot commented: neither is
	// the workflow's comment.
	seed := `[{"id": 1, "issue": 7, "user": {"login": "alice"}, "body": "why does the bot write <!-- hotbench-ab -->?"},
 {"id": 2, "issue": 7, "user": {"login": "github-actions[bot]"}, "body": "coverage 81%"}]`
	if err := os.WriteFile(ci.store, []byte(seed), 0o644); err != nil {
		t.Fatal(err)
	}
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	// A runner's environment, less what the machine running the test would
	// leak into it (this test may itself run in GitHub Actions).
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		leaks := strings.HasPrefix(k, "GITHUB_") || strings.HasPrefix(k, "RUNNER_") || strings.HasPrefix(k, "GH_") ||
			strings.HasPrefix(k, "HOTBENCH_") || strings.HasPrefix(k, "GIT_") || k == "XDG_CACHE_HOME" || k == "PATH" || k == "CI"
		if !leaks || k == asHotbench {
			ci.env = append(ci.env, kv)
		}
	}
	ci.env = append(ci.env,
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"CI=true", "GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=pull_request", "GITHUB_BASE_REF=main",
		"GITHUB_REPOSITORY=hotbench/example", "GITHUB_SERVER_URL=https://github.com", "GITHUB_RUN_ID=1000",
		"GITHUB_WORKSPACE="+ci.dir, "RUNNER_TEMP="+tmp, "RUNNER_OS=Linux",
		// ab's build cache in the test's folder; the go command's as it was.
		"XDG_CACHE_HOME="+filepath.Join(tmp, "cache"), "GOCACHE="+strings.TrimSpace(string(gocache)),
		"HOTBENCH_CONFIG="+filepath.Join(tmp, "hotbench.yaml"),
		"FAKE_GH_STORE="+ci.store, "FAKE_GH_LOG="+ci.log, "FAKE_GH_REPO=hotbench/example",
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
	)
	ci.git("init", "-q", "-b", "main")
	return ci
}

// config sets the sessions' longest length in blocks.
func (ci *ciRun) config(maxRuns int) {
	ci.t.Helper()
	if err := os.WriteFile(filepath.Join(ci.tmp, "hotbench.yaml"), []byte(ciConfig(maxRuns)), 0o644); err != nil {
		ci.t.Fatal(err)
	}
}

func (ci *ciRun) git(args ...string) string {
	ci.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = ci.dir, ci.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		ci.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (ci *ciRun) short(commit string) string { return ci.git("rev-parse", "--short", commit) }

func (ci *ciRun) write(rel, content string) {
	ci.t.Helper()
	path := filepath.Join(ci.dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		ci.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		ci.t.Fatal(err)
	}
}

func (ci *ciRun) service(s demo.ABService) {
	ci.t.Helper()
	if err := s.Write(ci.dir); err != nil {
		ci.t.Fatal(err)
	}
}

// checkoutMerge makes and checks out what GitHub's refs/pull/N/merge is:
// the pull request's branch merged into base, detached, with no file of
// an earlier job left (actions/checkout cleans).
func (ci *ciRun) checkoutMerge(base string) string {
	ci.t.Helper()
	ci.git("checkout", "-q", "--detach", base)
	ci.git("merge", "-q", "--no-ff", "-m", "Merge pull request #7", "pr")
	ci.git("clean", "-q", "-ffdx")
	return ci.git("rev-parse", "HEAD")
}

// ciExpr matches a ${{ }} expression.
var ciExpr = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// fill replaces the ${{ }} expressions of s with the pull request's values
// and the outputs of earlier steps; any other expression fails the test.
func (ci *ciRun) fill(s string) string {
	ci.t.Helper()
	values := map[string]string{
		"github.base_ref":                  "main",
		"github.event.pull_request.number": "7",
		"github.token":                     "fake-token",
		"github.repository":                "hotbench/example",
	}
	return ciExpr.ReplaceAllStringFunc(s, func(m string) string {
		e := ciExpr.FindStringSubmatch(m)[1]
		if v, ok := values[e]; ok {
			return v
		}
		if parts := strings.Split(e, "."); len(parts) == 4 && parts[0] == "steps" && parts[2] == "outputs" {
			return ci.outputs[parts[1]][parts[3]]
		}
		ci.t.Fatalf("the workflow's run: steps use ${{ %s }}, which the test does not know: add its value to ciRun.fill", e)
		return ""
	})
}

// push runs the run: steps in order as one job, in which only the last
// step may fail. It returns the job's exit code (the last step's) and
// what the steps printed.
func (ci *ciRun) push(steps []ciStep) (int, string) {
	ci.t.Helper()
	ci.pushes++
	ci.outputs = map[string]map[string]string{}
	if err := os.WriteFile(ci.log, nil, 0o644); err != nil {
		ci.t.Fatal(err)
	}
	started := time.Now()
	var out, summary strings.Builder
	code := 0
	for i, s := range steps {
		switch {
		case s.Uses != "":
			fmt.Fprintf(&out, "== %s: skipped (uses:)\n", s)
			continue
		case strings.Contains(s.Run, "go install github.com/hotbench/hotbench/cmd/hotbench@"):
			fmt.Fprintf(&out, "== %s: skipped (hotbench is the test binary)\n", s)
			continue
		}
		dir := filepath.Join(ci.tmp, fmt.Sprintf("push%d-step%d", ci.pushes, i))
		script, output, summaryFile := filepath.Join(dir, "script.sh"), filepath.Join(dir, "output"), filepath.Join(dir, "summary")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			ci.t.Fatal(err)
		}
		for f, content := range map[string]string{script: ci.fill(s.Run), output: "", summaryFile: ""} {
			if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
				ci.t.Fatal(err)
			}
		}
		env := append([]string{}, ci.env...)
		for k, v := range ci.jobEnv {
			env = append(env, k+"="+ci.fill(v))
		}
		for k, v := range s.Env {
			env = append(env, k+"="+ci.fill(v))
		}
		env = append(env, "GITHUB_OUTPUT="+output, "GITHUB_STEP_SUMMARY="+summaryFile)
		// What GitHub runs for shell: bash.
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir, cmd.Env = ci.dir, env
		stepStarted := time.Now()
		got, err := cmd.CombinedOutput()
		fmt.Fprintf(&out, "== %s (%s)\n%s", s, time.Since(stepStarted).Round(100*time.Millisecond), got)
		if b, rerr := os.ReadFile(summaryFile); rerr == nil {
			summary.Write(b)
		}
		ci.outputs[s.ID] = readOutputs(ci.t, output)
		if err != nil {
			ee, ok := err.(*exec.ExitError)
			if !ok {
				ci.t.Fatalf("step %s: %v", s, err)
			}
			if i != len(steps)-1 {
				ci.t.Fatalf("push %d: step %q failed (exit %d) before the last step, which alone may fail the job\n%s",
					ci.pushes, s, ee.ExitCode(), out.String())
			}
			code = ee.ExitCode()
		}
	}
	ci.summary = summary.String()
	ci.t.Logf("push %d took %s", ci.pushes, time.Since(started).Round(100*time.Millisecond))
	return code, out.String()
}

// readOutputs reads a step's GITHUB_OUTPUT file of name=value lines.
func readOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out
}

func (ci *ciRun) comments() []ghComment {
	ci.t.Helper()
	b, err := os.ReadFile(ci.store)
	if err != nil {
		ci.t.Fatal(err)
	}
	var cs []ghComment
	if err := json.Unmarshal(b, &cs); err != nil {
		ci.t.Fatalf("the fake gh's store: %v\n%s", err, b)
	}
	return cs
}

// botComment is the workflow's one comment: by the bot, with the marker.
func (ci *ciRun) botComment(cs []ghComment) ghComment {
	ci.t.Helper()
	var found []ghComment
	for _, c := range cs {
		if c.User.Login == "github-actions[bot]" && strings.Contains(c.Body, "<!-- hotbench-ab -->") {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		ci.t.Fatalf("%d comments of the workflow, want 1: %+v", len(found), cs)
	}
	return found[0]
}

// ghCalls are this push's calls of gh, one line each.
func (ci *ciRun) ghCalls() []string {
	ci.t.Helper()
	b, err := os.ReadFile(ci.log)
	if err != nil {
		ci.t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// checkJUnit reads the report the workflow publishes: one failing test
// case, item's p50, when failures is 1; none when 0.
func (ci *ciRun) checkJUnit(push string, failures int) {
	ci.t.Helper()
	b, err := os.ReadFile(filepath.Join(ci.dir, "hotbench-ab.xml"))
	if err != nil {
		ci.t.Errorf("%s: no JUnit report: %v", push, err)
		return
	}
	var report struct {
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &report); err != nil {
		ci.t.Fatalf("%s: the JUnit report: %v\n%s", push, err, b)
	}
	var failed []string
	for _, s := range report.Suites {
		for _, c := range s.Cases {
			if c.Failure != nil {
				failed = append(failed, s.Name+" "+c.Name)
			}
		}
	}
	want := "[]"
	if failures > 0 {
		want = "[item p50]"
	}
	if report.Failures != failures || fmt.Sprint(failed) != want {
		ci.t.Errorf("%s: the JUnit report has %d failures %v, want %s\n%s", push, report.Failures, failed, want, b)
	}
}
