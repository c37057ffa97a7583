package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/itchyny/gojq"
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

// The test binary is the workflow's gh when started under that name:
// newCIRun links it into the steps' PATH as gh, next to the link called
// hotbench. The role is decided by name at init, before TestMain makes
// the binary hotbench, since both links run in the job's one environment.
func init() {
	if filepath.Base(os.Args[0]) == "gh" {
		if err := fakeGH(os.Args[1:], os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "fake gh: %v\n", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
}

// fakeGH stands in for gh: the `gh api` calls the workflow makes, against
// a JSON array of issue comments ($FAKE_GH_STORE), each call logged as
// one line to $FAKE_GH_LOG. Anything else is an error, so a call the
// workflow gains must be faked here first. --jq is evaluated by gojq, the
// jq that gh itself embeds: the workflow's filter is run, not assumed.
func fakeGH(args []string, stdout io.Writer) error {
	logFile, err := os.OpenFile(os.Getenv("FAKE_GH_LOG"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("the call log ($FAKE_GH_LOG): %w", err)
	}
	_, err = fmt.Fprintln(logFile, strings.Join(args, " "))
	if err := errors.Join(err, logFile.Close()); err != nil {
		return err
	}
	if os.Getenv("GH_TOKEN") == "" {
		return errors.New("no GH_TOKEN: gh would ask to log in")
	}
	if len(args) == 0 || args[0] != "api" {
		return fmt.Errorf("only gh api is faked, not: %s", strings.Join(args, " "))
	}
	var method, path, filter, bodyFile string
	for i := 1; i < len(args); i++ {
		switch arg := args[i]; arg {
		case "--paginate": // one page
		case "--method", "-X", "--jq", "-q", "--field", "-F":
			if i++; i == len(args) {
				return fmt.Errorf("%s without a value", arg)
			}
			switch v := args[i]; arg {
			case "--method", "-X":
				method = v
			case "--jq", "-q":
				filter = v
			default:
				var ok bool
				if bodyFile, ok = strings.CutPrefix(v, "body=@"); !ok {
					return fmt.Errorf("unexpected field %s", v)
				}
			}
		default:
			if strings.HasPrefix(arg, "-") {
				return fmt.Errorf("unexpected flag %s", arg)
			}
			if path != "" {
				return fmt.Errorf("two paths: %s %s", path, arg)
			}
			path = arg
		}
	}
	// gh's default method: POST when fields are given, else GET.
	if method == "" {
		method = "GET"
		if bodyFile != "" {
			method = "POST"
		}
	}
	var body []byte
	if method != "GET" {
		if bodyFile == "" {
			return fmt.Errorf("%s without a body", method)
		}
		if body, err = os.ReadFile(bodyFile); err != nil {
			return err
		}
	}

	store := os.Getenv("FAKE_GH_STORE")
	raw, err := os.ReadFile(store)
	if err != nil {
		return fmt.Errorf("the comments ($FAKE_GH_STORE): %w", err)
	}
	var comments []ghComment
	if err := json.Unmarshal(raw, &comments); err != nil {
		return fmt.Errorf("%s: %w", store, err)
	}
	rest, ok := strings.CutPrefix(path, "repos/"+os.Getenv("FAKE_GH_REPO")+"/issues/")
	issue, isList := strings.CutSuffix(rest, "/comments")
	commentID, isComment := strings.CutPrefix(rest, "comments/")
	number := func(s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("not a number: %q in %s", s, path)
		}
		return n, nil
	}
	var resp any
	switch {
	case ok && isList && (method == "GET" || method == "POST"):
		n, err := number(issue)
		if err != nil {
			return err
		}
		if method == "POST" {
			c := ghComment{ID: 1, Issue: n, Body: string(body)}
			for _, old := range comments {
				c.ID = max(c.ID, old.ID+1)
			}
			c.User.Login = "github-actions[bot]"
			comments, resp = append(comments, c), c
			break
		}
		list := []ghComment{}
		for _, c := range comments {
			if c.Issue == n {
				list = append(list, c)
			}
		}
		resp = list
	case ok && isComment && method == "PATCH":
		id, err := number(commentID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(comments, func(c ghComment) bool { return c.ID == id })
		if i < 0 {
			return fmt.Errorf("HTTP 404: no comment %d", id)
		}
		comments[i].Body = string(body)
		resp = comments[i]
	default:
		return fmt.Errorf("unexpected call: %s %s", method, path)
	}
	if method != "GET" {
		b, err := json.MarshalIndent(comments, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(store+".new", b, 0o644); err != nil {
			return err
		}
		if err := os.Rename(store+".new", store); err != nil {
			return err
		}
	}
	out, err := json.Marshal(resp)
	if err != nil {
		return err
	}
	if filter == "" {
		_, err := fmt.Fprintf(stdout, "%s\n", out)
		return err
	}
	return ghJQ(stdout, filter, out)
}

// ghJQ prints what gh api --jq prints: each result of the filter over the
// response on a line, strings raw and anything else as JSON.
func ghJQ(w io.Writer, filter string, resp []byte) error {
	q, err := gojq.Parse(filter)
	if err != nil {
		return fmt.Errorf("--jq %q: %w", filter, err)
	}
	dec := json.NewDecoder(bytes.NewReader(resp))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return err
	}
	iter := q.Run(v)
	for {
		r, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, ok := r.(error); ok {
			return fmt.Errorf("--jq %q: %w", filter, err)
		}
		s, ok := r.(string)
		if !ok {
			b, err := gojq.Marshal(r)
			if err != nil {
				return err
			}
			s = string(b)
		}
		if _, err := fmt.Fprintln(w, s); err != nil {
			return err
		}
	}
}

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
	// What a runner has and the workflow needs; a missing one fails the
	// test, as in ab's own tests, rather than hide the workflow untested.
	var missing []string
	for _, tool := range []struct{ name, why string }{
		{"bash", "the steps' shell"},
		{"git", "ab builds both sides from the repository's history"},
		{"go", "the scenario's server.build"},
	} {
		if _, err := exec.LookPath(tool.name); err != nil {
			missing = append(missing, fmt.Sprintf("%s (%s)", tool.name, tool.why))
		}
	}
	if len(missing) > 0 {
		t.Fatalf("install %s to run the workflow's steps, or leave this test out with go test -short", strings.Join(missing, " and "))
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
		// ab's own Markdown (--markdown), which names the sides too.
		"(" + ci.short(mainFirst) + ") against candidate HEAD (" + ci.short(merge1) + ")",
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
	// This test binary is hotbench for the steps (TestMain), and gh when
	// started by that name (init).
	for _, name := range []string{"hotbench", "gh"} {
		if err := os.Symlink(exe, filepath.Join(bin, name)); err != nil {
			t.Fatal(err)
		}
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
