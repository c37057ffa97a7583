package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hotbench/hotbench/results"
)

// add prints the new annotation's id; ls lists it, in JSON too; rm removes
// it by appending a removal.
func TestAnnotateAddLsRm(t *testing.T) {
	res := filepath.Join(t.TempDir(), "results")
	code, out, errOut := hotbench(t, "annotate", "add", "--kind", "incident", "--title", "database failover",
		"--time", "2026-11-03T10:00:00Z", "--end", "2026-11-03T12:30:00+01:00", "--text", "replica lag",
		"--url", "https://status.example.com/1", "--scenario", "manual-search", "--scenario", "login",
		"--tag", "db", "--commit", "abc1234", "--results", res)
	if code != 0 {
		t.Fatalf("add: exit %d: %s", code, errOut)
	}
	id := strings.TrimSpace(out)
	if !regexp.MustCompile(`^[0-9a-f]{6}$`).MatchString(id) {
		t.Fatalf("add printed %q, want the new id alone", out)
	}
	if !strings.Contains(errOut, "added incident "+id+": database failover") || !strings.Contains(errOut, "no runs of scenario manual-search yet") {
		t.Errorf("add said:\n%s", errOut)
	}
	if code, _, errOut := hotbench(t, "annotate", "add", "--kind", "release", "--title", "v1.4.0", "--time", "2026-11-02T09:00:00Z", "--results", res); code != 0 {
		t.Fatalf("add release: exit %d: %s", code, errOut)
	}

	code, out, _ = hotbench(t, "annotate", "ls", "--results", res)
	want := fmt.Sprintf(`ID      KIND      TIME (UTC)        END (UTC)  SCENARIOS            TITLE
%[1]s  release   2026-11-02 09:00  -          all                  v1.4.0
%[2]s  incident  2026-11-03 10:00  11:30      manual-search,login  database failover
`, releaseID(t, res), id)
	if code != 0 || out != want {
		t.Errorf("ls: exit %d\n%s\nwant\n%s", code, out, want)
	}

	code, out, _ = hotbench(t, "annotate", "ls", "--json", "--kind", "incident", "--results", res)
	var listed []map[string]any
	if err := json.Unmarshal([]byte(out), &listed); code != 0 || err != nil || len(listed) != 1 {
		t.Fatalf("ls --json --kind incident: exit %d, %v\n%s", code, err, out)
	}
	for key, val := range map[string]any{"id": id, "kind": "incident", "time": "2026-11-03T10:00:00Z", "end": "2026-11-03T12:30:00+01:00",
		"title": "database failover", "text": "replica lag", "commit": "abc1234", "url": "https://status.example.com/1"} {
		if listed[0][key] != val {
			t.Errorf("ls --json: %s = %v, want %v", key, listed[0][key], val)
		}
	}
	if fmt.Sprint(listed[0]["scenarios"]) != "[manual-search login]" || fmt.Sprint(listed[0]["tags"]) != "[db]" {
		t.Errorf("ls --json: scenarios %v, tags %v", listed[0]["scenarios"], listed[0]["tags"])
	}
	// --scenario keeps what concerns the scenario, and what concerns all.
	if _, out, _ := hotbench(t, "annotate", "ls", "--scenario", "search", "--results", res); strings.Contains(out, id) || !strings.Contains(out, "v1.4.0") {
		t.Errorf("ls --scenario search:\n%s", out)
	}

	if code, _, errOut := hotbench(t, "annotate", "rm", id, "--results", res); code != 0 || !strings.Contains(errOut, "removed "+id) {
		t.Fatalf("rm: exit %d: %s", code, errOut)
	}
	if _, out, _ := hotbench(t, "annotate", "ls", "--results", res); strings.Contains(out, id) {
		t.Errorf("ls after rm still lists %s:\n%s", id, out)
	}
	code, _, errOut = hotbench(t, "annotate", "rm", "nope", "--results", res)
	if code != 2 || !strings.Contains(errOut, "list them with 'hotbench annotate ls'") {
		t.Errorf("rm of an unknown id: exit %d, %q", code, errOut)
	}
	// Nothing was rewritten: two annotations and a removal.
	data, _ := os.ReadFile(filepath.Join(res, "annotations.jsonl"))
	if n := strings.Count(string(data), "\n"); n != 3 {
		t.Errorf("annotations.jsonl has %d lines, want 3:\n%s", n, data)
	}
}

func releaseID(t *testing.T, res string) string {
	t.Helper()
	all, err := results.Open(res).Annotations()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		if a.Kind == "release" {
			return a.ID
		}
	}
	t.Fatal("no release")
	return ""
}

// Bad input is a usage error (exit 2) of one line that says what to do.
func TestAnnotateBadInput(t *testing.T) {
	res := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"a time that is not RFC 3339 shows an example", []string{"add", "--kind", "note", "--title", "x", "--time", "yesterday"}, `--time "yesterday" is not an RFC 3339 time: write it like 2026-11-03T14:00:00Z`},
		{"a time without a zone is not RFC 3339", []string{"add", "--kind", "note", "--title", "x", "--time", "2026-11-03T14:00:00"}, "is not an RFC 3339 time"},
		{"a bad end shows an example", []string{"add", "--kind", "incident", "--title", "x", "--end", "11:30"}, `--end "11:30" is not an RFC 3339 time`},
		{"an end before the time", []string{"add", "--kind", "incident", "--title", "x", "--time", "2026-11-03T12:00:00Z", "--end", "2026-11-03T11:00:00Z"}, "before it begins"},
		{"no kind", []string{"add", "--title", "x"}, "needs --kind: one of release, deploy, incident, fix, note"},
		{"a misspelt kind", []string{"add", "--kind", "relase", "--title", "x"}, "did you mean release?"},
		{"no title", []string{"add", "--kind", "note"}, "needs --title"},
		{"a scenario that cannot be one", []string{"add", "--kind", "note", "--title", "x", "--scenario", "Manual Search"}, "cannot name a results folder"},
		{"a relative url", []string{"add", "--kind", "note", "--title", "x", "--url", "PERF-1"}, "not an absolute URL"},
		{"ls of an unknown kind", []string{"ls", "--kind", "outage"}, `--kind "outage": use one of`},
		{"an export format there is not", []string{"export", "--format", "csv"}, `unknown annotation export format "csv"`},
		{"rm without an id", []string{"rm"}, "needs the id of an annotation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := hotbench(t, append(append([]string{"annotate"}, tc.args...), "--results", res)...)
			if code != 2 || !strings.Contains(errOut, tc.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", code, out, errOut, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(res, "annotations.jsonl")); err == nil {
		t.Error("bad input left an annotations file")
	}
}

func TestAnnotateCorruptFileNamesTheLine(t *testing.T) {
	res := t.TempDir()
	path := filepath.Join(res, "annotations.jsonl")
	os.WriteFile(path, []byte(`{"id":"a1","kind":"note","time":"2026-11-03T12:00:00Z","title":"ok"}`+"\n"+`{"id":"a2","ki`+"\n"), 0o644)
	for _, args := range [][]string{{"ls"}, {"add", "--kind", "note", "--title", "x"}, {"export"}} {
		code, _, errOut := hotbench(t, append(append([]string{"annotate"}, args...), "--results", res)...)
		if code != 2 || !strings.Contains(errOut, path+":2: not an annotation") {
			t.Errorf("%v: exit %d, %q; want exit 2 naming %s:2", args, code, errOut, path)
		}
	}
}

// gitTagRepo makes a repository with a lightweight tag v1.0 on its first
// commit and an annotated tag v1.1 on its second.
func gitTagRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	run := func(date string, args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
			"GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("", "init", "-q")
	for i, date := range []string{"2026-11-01T10:00:00Z", "2026-11-02T10:00:00Z"} {
		os.WriteFile(filepath.Join(dir, "f"), []byte{byte(i)}, 0o644)
		run(date, "add", "f")
		run(date, "commit", "-q", "-m", fmt.Sprintf("commit %d", i+1))
		if i == 0 {
			run(date, "tag", "v1.0")
		}
	}
	run("2026-11-05T09:00:00Z", "tag", "-a", "v1.1", "-m", "search in one query")
	return dir
}

// sync-git adds each tag once: the second run adds nothing and says so.
func TestAnnotateSyncGitTwice(t *testing.T) {
	repo := gitTagRepo(t)
	res := t.TempDir()
	code, out, errOut := hotbench(t, "annotate", "sync-git", "--repo", repo, "--results", res)
	want := `ID        KIND     TIME (UTC)        END (UTC)  SCENARIOS  TITLE
tag-v1.0  release  2026-11-01 10:00  -          all        v1.0
tag-v1.1  release  2026-11-05 09:00  -          all        v1.1
`
	if code != 0 || out != want || !strings.Contains(errOut, "added 2 release(s)") {
		t.Fatalf("first sync: exit %d\n%s\nwant\n%s\nstderr: %s", code, out, want, errOut)
	}
	code, out, errOut = hotbench(t, "annotate", "sync-git", "--repo", repo, "--results", res)
	if code != 0 || out != "" || strings.TrimSpace(errOut) != "no new tags" {
		t.Errorf("second sync: exit %d, stdout %q, stderr %q; want nothing added and 'no new tags'", code, out, errOut)
	}
	if all, _ := results.Open(res).Annotations(); len(all) != 2 {
		t.Errorf("%d annotations after two syncs, want 2", len(all))
	}
	code, _, errOut = hotbench(t, "annotate", "sync-git", "--repo", t.TempDir(), "--results", res)
	if code != 2 || !strings.Contains(errOut, "is not in a git repository") {
		t.Errorf("sync outside a repository: exit %d, %q", code, errOut)
	}
}

func TestAnnotateExportGrafana(t *testing.T) {
	res := t.TempDir()
	for _, args := range [][]string{
		{"--kind", "release", "--title", "v1.4.0", "--time", "2026-11-02T09:00:00Z", "--tag", "v1.4.0"},
		{"--kind", "incident", "--title", "failover", "--time", "2026-11-03T10:00:00Z", "--end", "2026-11-03T11:00:00Z", "--scenario", "search"},
	} {
		if code, _, errOut := hotbench(t, append(append([]string{"annotate", "add"}, args...), "--results", res)...); code != 0 {
			t.Fatalf("add: %s", errOut)
		}
	}
	code, out, errOut := hotbench(t, "annotate", "export", "--format", "grafana", "--results", res)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	var got []struct {
		Time    int64    `json:"time"`
		TimeEnd *int64   `json:"timeEnd"`
		Tags    []string `json:"tags"`
		Text    string   `json:"text"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 2 {
		t.Fatalf("export printed %v:\n%s", err, out)
	}
	if got[0].Time != 1793610000000 || got[0].TimeEnd != nil || got[0].Text != "v1.4.0" || strings.Join(got[0].Tags, " ") != "hotbench release v1.4.0" {
		t.Errorf("release exported as %+v", got[0])
	}
	if got[1].Time != 1793700000000 || got[1].TimeEnd == nil || *got[1].TimeEnd != 1793703600000 || strings.Join(got[1].Tags, " ") != "hotbench incident scenario:search" {
		t.Errorf("incident exported as %+v", got[1])
	}
	// --scenario picks, as for ls.
	if _, out, _ := hotbench(t, "annotate", "export", "--scenario", "login", "--results", res); strings.Contains(out, "failover") {
		t.Errorf("export --scenario login has search's incident:\n%s", out)
	}
	if _, out, _ := hotbench(t, "annotate", "export", "--results", t.TempDir()); out != "[]\n" {
		t.Errorf("export of no annotations: %q, want []", out)
	}
}

// The shell completes --kind with the kinds, and rm with the ids.
func TestAnnotateCompletion(t *testing.T) {
	res := t.TempDir()
	_, id, _ := hotbench(t, "annotate", "add", "--kind", "fix", "--title", "one query", "--results", res)
	id = strings.TrimSpace(id)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"annotate", "add", "--kind", ""}, []string{"release", "deploy", "incident", "fix", "note"}},
		{[]string{"annotate", "ls", "--kind", "in"}, []string{"release", "deploy", "incident", "fix", "note"}},
		{[]string{"annotate", "export", "--format", ""}, []string{"grafana"}},
		{[]string{"annotate", "rm", "--results", res, ""}, []string{id + "\tfix: one query"}},
	} {
		code, out, errOut := hotbench(t, append([]string{"__complete"}, tc.args...)...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != 0 || len(lines) != len(tc.want)+1 || strings.Join(lines[:len(lines)-1], "|") != strings.Join(tc.want, "|") {
			t.Errorf("complete %q: exit %d\n%s\n%s\nwant %q", tc.args, code, out, errOut, tc.want)
		}
	}
}
