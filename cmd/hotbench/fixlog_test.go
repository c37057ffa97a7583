package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/demo"
	"github.com/hotbench/hotbench/results"
)

// savedVerdicts reads back the verdicts saved in res.
func savedVerdicts(t *testing.T, res string) []*compare.VerdictJSON {
	t.Helper()
	saved, err := results.Open(res).Verdicts("", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var out []*compare.VerdictJSON
	for _, s := range saved {
		v, err := compare.ReadVerdict(s.Data)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// compare --save and gate --save store --ticket, --pr and --note with the
// verdict, and the commits both sides ran: the month's fix log.
func TestSavedVerdictsCarryTheFixLog(t *testing.T) {
	res := transcriptResults(t)
	for _, cmd := range []string{"compare", "gate"} {
		code, _, errOut := hotbench(t, cmd, "manual-search@before", "manual-search@after", "--save",
			"--ticket", "PERF-123", "--pr", "https://git.example.com/pr/7", "--note", "StepsFor ran one query per step",
			"--results", res)
		if code != 0 || !strings.Contains(errOut, "saved "+cmd+" verdict") {
			t.Fatalf("%s --save: exit %d: %s", cmd, code, errOut)
		}
	}
	saved := savedVerdicts(t, res)
	if len(saved) != 2 {
		t.Fatalf("%d saved verdicts, want the compare's and the gate's", len(saved))
	}
	runs, err := results.Open(res).LoadRuns("manual-search@before", "manual-search@after")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range saved {
		if v.Ticket != "PERF-123" || v.PR != "https://git.example.com/pr/7" || v.Note != "StepsFor ran one query per step" {
			t.Errorf("saved ticket %q, pr %q, note %q", v.Ticket, v.PR, v.Note)
		}
		if v.Commits == nil || len(v.Commits.Base) != 1 || v.Commits.Base[0] != runs[0].Git.Commit ||
			len(v.Commits.Candidate) != 1 || v.Commits.Candidate[0] != runs[1].Git.Commit {
			t.Errorf("saved commits %+v, want the runs' %s and %s", v.Commits, runs[0].Git.Commit, runs[1].Git.Commit)
		}
		if len(v.Rows) == 0 || len(v.Hotspots) == 0 {
			t.Errorf("the fix log lost the verdict: %d rows, %d hotspots", len(v.Rows), len(v.Hotspots))
		}
	}
	// Printed JSON is compare's: the fix log is the saved verdict's.
	_, out, _ := hotbench(t, "compare", "manual-search@before", "manual-search@after", "--format", "json", "--results", res)
	if strings.Contains(out, `"ticket"`) || strings.Contains(out, `"commits"`) {
		t.Errorf("compare --format json printed a fix log:\n%s", out)
	}
}

// A saved verdict without a fix log still names its commits.
func TestSavedVerdictWithoutAFixLogHasItsCommits(t *testing.T) {
	res := transcriptResults(t)
	if code, _, errOut := hotbench(t, "compare", "manual-search@before", "manual-search@after", "--save", "--results", res); code != 0 {
		t.Fatalf("compare --save: %s", errOut)
	}
	v := savedVerdicts(t, res)[0]
	if v.Ticket != "" || v.PR != "" || v.Note != "" || v.Commits == nil {
		t.Errorf("saved ticket %q, pr %q, note %q, commits %v; want only commits", v.Ticket, v.PR, v.Note, v.Commits)
	}
}

// --ticket, --pr and --note are stored only with --save: without it they
// are a usage error (exit 2) that says to add --save, before any work.
func TestFixLogFlagsNeedSave(t *testing.T) {
	res := transcriptResults(t)
	repo := abRepo(t, demo.ABService{Work: time.Millisecond})
	for _, args := range [][]string{
		{"compare", "manual-search@before", "manual-search@after", "--ticket", "PERF-1"},
		{"gate", "manual-search@before", "manual-search@after", "--pr", "7"},
		{"compare", "manual-search@before", "manual-search@nothing", "--note", "learned"},
		{"ab", filepath.Join(repo, "hotbench.yaml"), "--ticket", "PERF-1", "--cache-dir", t.TempDir()},
	} {
		code, out, errOut := hotbench(t, append(args, "--results", res)...)
		flag := args[len(args)-2]
		if args[0] == "ab" {
			flag = "--ticket"
		}
		if code != 2 || out != "" || strings.TrimSpace(errOut) != "hotbench: "+flag+" is stored with the saved verdict: add --save" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 saying to add --save", args, code, out, errOut)
		}
	}
	if saved, _ := results.Open(res).Verdicts("", time.Time{}, time.Time{}); len(saved) != 0 {
		t.Errorf("%d verdicts saved without --save", len(saved))
	}
}

// ab --save stores the fix log with the session's verdict, and the commits
// it built.
func TestABSaveCarriesTheFixLog(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two servers")
	}
	repo := abRepo(t, demo.ABService{Work: 200 * time.Microsecond}, demo.ABService{Work: 210 * time.Microsecond})
	res := filepath.Join(t.TempDir(), "results")
	code, _, errOut := hotbench(t, "ab", filepath.Join(repo, "hotbench.yaml"), "--base", "HEAD~1", "--candidate", "HEAD",
		"--save", "--ticket", "PERF-9", "--note", "10 µs more work, as planned", "--seed", "3", "--min-runs", "3", "--max-runs", "3",
		"--results", res, "--cache-dir", t.TempDir())
	if code != 0 {
		t.Fatalf("ab --save: exit %d\n%s", code, errOut)
	}
	saved := savedVerdicts(t, res)
	if len(saved) != 1 {
		t.Fatalf("%d saved verdicts, want ab's", len(saved))
	}
	v := saved[0]
	if v.Ticket != "PERF-9" || v.Note != "10 µs more work, as planned" || len(v.AB) == 0 {
		t.Errorf("saved ticket %q, note %q, ab %s", v.Ticket, v.Note, v.AB)
	}
	if v.Commits == nil || len(v.Commits.Base) != 1 || len(v.Commits.Candidate) != 1 || v.Commits.Base[0] == v.Commits.Candidate[0] {
		t.Errorf("saved commits %+v, want HEAD~1's and HEAD's", v.Commits)
	}
}
