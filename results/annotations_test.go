package results

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var noon = time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)

func at(h, m int) time.Time { return time.Date(2026, 11, 3, h, m, 0, 0, time.UTC) }

func ptr[T any](v T) *T { return &v }

// A release at noon: the smallest annotation that can be stored.
func release() Annotation {
	return Annotation{Kind: "release", Time: noon, Title: "v1.4.0"}
}

func TestAddAnnotationChecksWhatItStores(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(a *Annotation)
		want   string // "" for accepted
	}{
		{"a release with a kind, a time and a title is stored", func(a *Annotation) {}, ""},
		{"every kind is known", func(a *Annotation) { a.Kind = "incident" }, ""},
		{"a kind in capitals is read in lower case", func(a *Annotation) { a.Kind = "Deploy" }, ""},
		{"an unknown kind is refused with the kinds", func(a *Annotation) { a.Kind = "outage" }, `kind "outage" is not one of release, deploy, incident, fix, note`},
		{"a misspelt kind is refused with the kind meant", func(a *Annotation) { a.Kind = "relase" }, "did you mean release?"},
		{"no kind is refused", func(a *Annotation) { a.Kind = "" }, "needs a kind"},
		{"no title is refused", func(a *Annotation) { a.Title = "  " }, "needs a title"},
		{"a title of two lines is refused", func(a *Annotation) { a.Title = "v1\nv2" }, "title is one line"},
		{"no time is refused", func(a *Annotation) { a.Time = time.Time{} }, "needs a time"},
		{"an end at the time is a span of nothing, and stored", func(a *Annotation) { a.End = ptr(noon) }, ""},
		{"an end before the time is refused", func(a *Annotation) { a.End = ptr(noon.Add(-time.Minute)) }, "ends (2026-11-03T11:59:00Z) before it begins (2026-11-03T12:00:00Z)"},
		{"an end in another zone is compared as a time", func(a *Annotation) { a.End = ptr(noon.In(time.FixedZone("CET", 3600))) }, ""},
		{"scenario names are checked", func(a *Annotation) { a.Scenarios = []string{"Manual Search"} }, "cannot name a results folder"},
		{"a short commit hash is a commit", func(a *Annotation) { a.Commit = "ABC1234" }, ""},
		{"a commit that is no hash is refused", func(a *Annotation) { a.Commit = "main" }, "not a commit hash"},
		{"a relative URL is refused", func(a *Annotation) { a.URL = "PERF-123" }, "not an absolute URL"},
		{"an absolute URL is kept", func(a *Annotation) { a.URL = "https://tracker.example.com/PERF-123" }, ""},
		{"a tag of two lines is refused", func(a *Annotation) { a.Tags = []string{"a\nb"} }, "several lines"},
		{"an id with a space is refused", func(a *Annotation) { a.ID = "my id" }, "not an annotation id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Open(t.TempDir())
			a := release()
			tc.change(&a)
			got, err := s.AddAnnotation(a)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && err == nil:
				t.Fatalf("stored %+v, want an error with %q", got, tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("error %q, want %q in it", err, tc.want)
			case tc.want != "":
				if _, err := os.Stat(s.AnnotationsPath()); err == nil {
					t.Error("a refused annotation left a file")
				}
				return
			}
			all, err := s.Annotations()
			if err != nil || len(all) != 1 || all[0].ID != got.ID {
				t.Fatalf("Annotations() = %+v, %v; want what was added, %+v", all, err, got)
			}
		})
	}
}

func TestAddAnnotationNormalizes(t *testing.T) {
	s := Open(t.TempDir())
	got, err := s.AddAnnotation(Annotation{
		Kind: " Fix ", Time: time.Now(), Title: " search: one query ", Text: "  batched the steps\n",
		Tags: []string{"perf", "", " perf ", "db"}, Scenarios: []string{"search", "search"}, Commit: "ABCDEF1",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{6}$`).MatchString(got.ID) {
		t.Errorf("assigned id %q, want six hex digits", got.ID)
	}
	if got.Kind != "fix" || got.Title != "search: one query" || got.Text != "batched the steps" || got.Commit != "abcdef1" {
		t.Errorf("stored %+v, want trimmed text, lower-case kind and commit", got)
	}
	if !slices.Equal(got.Tags, []string{"perf", "db"}) || !slices.Equal(got.Scenarios, []string{"search"}) {
		t.Errorf("tags %q and scenarios %q, want no empty or repeated ones", got.Tags, got.Scenarios)
	}
	all, _ := s.Annotations()
	if len(all) != 1 || !all[0].Time.Equal(got.Time) {
		t.Errorf("read back %+v, want %+v", all, got)
	}
}

// The file's lines are docs/design.md's fields, snake_case, the optional
// ones left out when empty.
func TestAnnotationLinesAreTheDesignsFields(t *testing.T) {
	s := Open(t.TempDir())
	full := Annotation{ID: "inc-1", Kind: "incident", Time: at(10, 0), End: ptr(at(11, 30)), Title: "database failover",
		Text: "replica lag", Tags: []string{"db"}, Scenarios: []string{"search"}, Commit: "abc1234", URL: "https://status.example.com/1"}
	if _, err := s.AddAnnotation(full); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddAnnotation(release()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(s.Dir, "annotations.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want one per annotation:\n%s", len(lines), data)
	}
	want := `{"id":"inc-1","kind":"incident","time":"2026-11-03T10:00:00Z","end":"2026-11-03T11:30:00Z","title":"database failover","text":"replica lag","tags":["db"],"scenarios":["search"],"commit":"abc1234","url":"https://status.example.com/1"}`
	if lines[0] != want {
		t.Errorf("line 1:\n%s\nwant\n%s", lines[0], want)
	}
	var keys map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &keys); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 4 || keys["kind"] != "release" || keys["title"] != "v1.4.0" || keys["time"] != "2026-11-03T12:00:00Z" || keys["id"] == "" {
		t.Errorf("line 2 = %s, want only id, kind, time and title", lines[1])
	}
}

func TestAnnotationsAreSortedByTime(t *testing.T) {
	s := Open(t.TempDir())
	for _, a := range []Annotation{
		{Kind: "note", Time: at(15, 0), Title: "third"},
		{Kind: "note", Time: at(9, 0), Title: "first"},
		{Kind: "note", Time: at(12, 0), Title: "second, added first at noon"},
		{Kind: "note", Time: at(12, 0), Title: "second, added second at noon"},
		// 12:00 in UTC+1 is 11:00 UTC.
		{Kind: "note", Time: time.Date(2026, 11, 3, 12, 0, 0, 0, time.FixedZone("CET", 3600)), Title: "between first and second"},
	} {
		if _, err := s.AddAnnotation(a); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.Annotations()
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, a := range all {
		titles = append(titles, a.Title)
	}
	want := []string{"first", "between first and second", "second, added first at noon", "second, added second at noon", "third"}
	if !slices.Equal(titles, want) {
		t.Errorf("order %q, want %q", titles, want)
	}
}

func TestAStoreWithoutAnnotationsHasNone(t *testing.T) {
	all, err := Open(filepath.Join(t.TempDir(), "not-yet")).Annotations()
	if err != nil || len(all) != 0 {
		t.Errorf("Annotations() = %v, %v; want none and no error", all, err)
	}
}

func TestACorruptLineIsAnErrorNamingTheFileAndLine(t *testing.T) {
	good := `{"id":"a1","kind":"note","time":"2026-11-03T12:00:00Z","title":"ok"}`
	for _, tc := range []struct {
		name, line, want string
	}{
		{"a line cut short by a crash", `{"id":"a2","kind":"no`, "not an annotation: the line is not one JSON object"},
		{"a line that is not JSON", `hello`, "not an annotation: the line is not one JSON object"},
		{"a JSON value that is not an object", `[1,2]`, "not an annotation"},
		{"a field of the wrong type", `{"id":"a2","kind":"note","time":"2026-11-03T12:00:00Z","title":7}`, "not an annotation"},
		{"an annotation without an id", `{"kind":"note","time":"2026-11-03T12:00:00Z","title":"x"}`, "has no id"},
		{"an annotation without a time", `{"id":"a2","kind":"note","title":"x"}`, "annotation a2 has no time"},
		{"an unknown kind", `{"id":"a2","kind":"outage","time":"2026-11-03T12:00:00Z","title":"x"}`, `has kind "outage"`},
		{"an annotation without a title", `{"id":"a2","kind":"note","time":"2026-11-03T12:00:00Z"}`, "has no title"},
		{"an end before the time", `{"id":"a2","kind":"incident","time":"2026-11-03T12:00:00Z","end":"2026-11-03T11:00:00Z","title":"x"}`, "ends before it begins"},
		{"an id used twice", good, "id a1 is already the id of line 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Open(t.TempDir())
			path := s.AnnotationsPath()
			// The bad line is line 3: a blank line counts.
			if err := os.WriteFile(path, []byte(good+"\n\n"+tc.line+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := s.Annotations()
			if err == nil {
				t.Fatal("read without error")
			}
			if !strings.HasPrefix(err.Error(), path+":3: ") || !strings.Contains(err.Error(), tc.want) || !strings.HasSuffix(err.Error(), "fix or delete that line") {
				t.Errorf("error %q, want %s:3: … %s …; fix or delete that line", err, path, tc.want)
			}
			// Nothing is added to a file that cannot be read.
			if _, err := s.AddAnnotation(release()); err == nil {
				t.Error("added to a corrupt file")
			}
		})
	}
}

func TestAnUnknownFieldIsIgnored(t *testing.T) {
	// A newer hotbench may add fields.
	s := Open(t.TempDir())
	os.WriteFile(s.AnnotationsPath(), []byte(`{"id":"a1","kind":"note","time":"2026-11-03T12:00:00Z","title":"ok","colour":"red"}`+"\n"), 0o644)
	if all, err := s.Annotations(); err != nil || len(all) != 1 {
		t.Errorf("Annotations() = %v, %v; want the note", all, err)
	}
}

func TestALastLineWithoutNewlineKeepsItsOwnLine(t *testing.T) {
	// An editor that saves without a final newline must not join the next
	// annotation to the last one.
	s := Open(t.TempDir())
	os.WriteFile(s.AnnotationsPath(), []byte(`{"id":"a1","kind":"note","time":"2026-11-03T12:00:00Z","title":"by hand"}`), 0o644)
	if _, err := s.AddAnnotation(release()); err != nil {
		t.Fatal(err)
	}
	all, err := s.Annotations()
	if err != nil || len(all) != 2 {
		t.Fatalf("Annotations() = %v, %v; want both", all, err)
	}
}

func TestAFileThatIsALinkIsRefused(t *testing.T) {
	dir := t.TempDir()
	s := Open(filepath.Join(dir, "results"))
	os.MkdirAll(s.Dir, 0o755)
	target := filepath.Join(dir, "elsewhere")
	os.WriteFile(target, nil, 0o644)
	if err := os.Symlink(target, s.AnnotationsPath()); err != nil {
		t.Skip(err)
	}
	if _, err := s.AddAnnotation(release()); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("AddAnnotation through a link: %v, want a refusal", err)
	}
	if data, _ := os.ReadFile(target); len(data) > 0 {
		t.Errorf("wrote through the link: %s", data)
	}
}

func TestRemoveAnnotationAppendsARemoval(t *testing.T) {
	s := Open(t.TempDir())
	keep, _ := s.AddAnnotation(release())
	gone, err := s.AddAnnotation(Annotation{Kind: "note", Time: at(13, 0), Title: "a mistake"})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(s.AnnotationsPath())
	if err := s.RemoveAnnotation(gone.ID); err != nil {
		t.Fatal(err)
	}
	all, err := s.Annotations()
	if err != nil || len(all) != 1 || all[0].ID != keep.ID {
		t.Errorf("after removal: %+v, %v; want only %s", all, err, keep.ID)
	}
	after, _ := os.ReadFile(s.AnnotationsPath())
	if !bytes.HasPrefix(after, before) {
		t.Fatalf("the file was rewritten, not appended to:\n%s", after)
	}
	var removal map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(after[len(before):]), &removal); err != nil {
		t.Fatal(err)
	}
	if len(removal) != 3 || removal["id"] != gone.ID || removal["removed"] != true || removal["time"] == nil {
		t.Errorf("removal line %v, want id, removed and time", removal)
	}

	for _, tc := range []struct{ id, want string }{
		{gone.ID, "is removed already"},
		{"nope", `no annotation has the id "nope": list them with 'hotbench annotate ls'`},
	} {
		if err := s.RemoveAnnotation(tc.id); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("RemoveAnnotation(%q) = %v, want %q", tc.id, err, tc.want)
		}
	}
	// A removed id is never assigned again, but can be given back on
	// purpose.
	if _, err := s.AddAnnotation(Annotation{ID: keep.ID, Kind: "note", Time: noon, Title: "x"}); err == nil || !strings.Contains(err.Error(), "is taken") {
		t.Errorf("adding a live id: %v, want it refused", err)
	}
	if _, err := s.AddAnnotation(Annotation{ID: gone.ID, Kind: "note", Time: noon, Title: "back"}); err != nil {
		t.Errorf("adding a removed id on purpose: %v", err)
	}
}

func TestConcurrentAddsKeepEveryLine(t *testing.T) {
	s := Open(t.TempDir())
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			// Each goroutine its own Store, as each process has its own.
			_, err := Open(s.Dir).AddAnnotation(Annotation{Kind: "note", Time: noon.Add(time.Duration(i) * time.Second), Title: fmt.Sprintf("note %d", i)})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	checkNotes(t, s, n)
}

// checkNotes checks that the store holds n notes with distinct ids, one a
// line.
func checkNotes(t *testing.T, s *Store, n int) {
	t.Helper()
	all, err := s.Annotations()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, a := range all {
		ids[a.ID] = true
	}
	data, _ := os.ReadFile(s.AnnotationsPath())
	if len(all) != n || len(ids) != n || bytes.Count(data, []byte("\n")) != n {
		t.Errorf("%d annotations, %d ids, %d lines; want %d of each", len(all), len(ids), bytes.Count(data, []byte("\n")), n)
	}
}

func TestAddsFromSeveralProcessesKeepEveryLine(t *testing.T) {
	const writers, each = 4, 5
	if job, i, ok := child(); ok {
		if job != "annotate" {
			return
		}
		s := Open(os.Getenv("HOTBENCH_RESULTS_TEST_DIR"))
		for j := range each {
			if _, err := s.AddAnnotation(Annotation{Kind: "note", Time: noon, Title: fmt.Sprintf("writer %d note %d", i, j)}); err != nil {
				childDone(err)
			}
		}
		childDone(nil)
	}
	dir := t.TempDir()
	t.Setenv("HOTBENCH_RESULTS_TEST_DIR", dir)
	runChildren(t, "TestAddsFromSeveralProcessesKeepEveryLine", "annotate", writers)
	checkNotes(t, Open(dir), writers*each)
}

func TestInIncident(t *testing.T) {
	as := []Annotation{
		{ID: "r", Kind: "release", Time: at(9, 0), End: ptr(at(18, 0)), Title: "not an incident, though a span"},
		{ID: "db", Kind: "incident", Time: at(10, 0), End: ptr(at(11, 0)), Title: "database failover", Scenarios: []string{"search"}},
		{ID: "net", Kind: "incident", Time: at(14, 0), End: ptr(at(15, 0)), Title: "network"},
		{ID: "blip", Kind: "incident", Time: at(16, 0), Title: "a moment"},
	}
	for _, tc := range []struct {
		name     string
		t        time.Time
		scenario string
		want     string // the incident's id, "" for none
	}{
		{"a run before every incident is in none", at(9, 30), "search", ""},
		{"a run in an incident of its scenario is in it", at(10, 30), "search", "db"},
		{"the incident's start is inside it", at(10, 0), "search", "db"},
		{"the incident's end is inside it", at(11, 0), "search", "db"},
		{"a run of another scenario is not in a scenario's incident", at(10, 30), "login", ""},
		{"an incident without scenarios concerns every scenario", at(14, 30), "login", "net"},
		{"scenario \"\" is in every incident", at(10, 30), "", "db"},
		{"an incident without an end covers only its moment", at(16, 1), "search", ""},
		{"an incident without an end covers its moment", at(16, 0), "search", "blip"},
		{"a release span is no incident", at(12, 0), "search", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := InIncident(as, tc.t, tc.scenario)
			switch {
			case tc.want == "" && got != nil:
				t.Errorf("in %s, want none", got.ID)
			case tc.want != "" && (got == nil || got.ID != tc.want):
				t.Errorf("in %v, want %s", got, tc.want)
			}
		})
	}
}

func TestIncidentDuring(t *testing.T) {
	as := []Annotation{
		{ID: "db", Kind: "incident", Time: at(10, 0), End: ptr(at(11, 0)), Title: "database failover", Scenarios: []string{"search"}},
		{ID: "blip", Kind: "incident", Time: at(16, 0), Title: "a moment"},
		{ID: "deploy", Kind: "deploy", Time: at(13, 0), End: ptr(at(14, 0)), Title: "not an incident"},
	}
	for _, tc := range []struct {
		name     string
		from, to time.Time
		scenario string
		want     string
	}{
		{"a run that ends before the incident is outside it", at(9, 0), at(9, 59), "search", ""},
		{"a run under way when the incident began is in it", at(9, 50), at(10, 5), "search", "db"},
		{"a run that began in the incident is in it", at(10, 55), at(11, 5), "search", "db"},
		{"a run around the whole incident is in it", at(9, 0), at(12, 0), "search", "db"},
		{"a run that ends as the incident begins touches it", at(9, 0), at(10, 0), "search", "db"},
		{"another scenario's run is not", at(9, 50), at(10, 5), "login", ""},
		{"a run over an incident's moment is in it", at(15, 59), at(16, 1), "login", "blip"},
		{"a deploy is no incident", at(13, 10), at(13, 20), "search", ""},
		{"a run without an end is its start", at(10, 30), time.Time{}, "search", "db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := IncidentDuring(as, tc.from, tc.to, tc.scenario)
			switch {
			case tc.want == "" && got != nil:
				t.Errorf("in %s, want none", got.ID)
			case tc.want != "" && (got == nil || got.ID != tc.want):
				t.Errorf("in %v, want %s", got, tc.want)
			}
		})
	}
}

func TestGrafanaJSONIsWhatGrafanasAPITakes(t *testing.T) {
	as := []Annotation{
		{ID: "tag-v1.4.0", Kind: "release", Time: time.UnixMilli(1793700000123).UTC(), Title: "v1.4.0", Text: "search in one query", Tags: []string{"v1.4.0"}, Commit: "abc1234"},
		{ID: "a1b2c3", Kind: "incident", Time: time.UnixMilli(1793703600000), End: ptr(time.UnixMilli(1793707200000)), Title: "failover",
			Tags: []string{"incident", "db"}, Scenarios: []string{"search", "login"}, URL: "https://status.example.com/1"},
	}
	got, err := GrafanaJSON(as)
	if err != nil {
		t.Fatal(err)
	}
	want := `[
  {
    "time": 1793700000123,
    "tags": [
      "hotbench",
      "release",
      "v1.4.0"
    ],
    "text": "v1.4.0\nsearch in one query\ncommit abc1234"
  },
  {
    "time": 1793703600000,
    "timeEnd": 1793707200000,
    "tags": [
      "hotbench",
      "incident",
      "db",
      "scenario:search",
      "scenario:login"
    ],
    "text": "failover\nhttps://status.example.com/1"
  }
]
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if empty, _ := GrafanaJSON(nil); string(empty) != "[]\n" {
		t.Errorf("no annotations: %q, want an empty array", empty)
	}
}

func TestWriteAnnotations(t *testing.T) {
	var b strings.Builder
	err := WriteAnnotations(&b, []Annotation{
		{ID: "tag-v1.4.0", Kind: "release", Time: time.Date(2026, 11, 2, 9, 30, 15, 0, time.UTC), Title: "v1.4.0"},
		{ID: "a1b2c3", Kind: "incident", Time: at(10, 0), End: ptr(at(11, 30)), Title: "database failover", Scenarios: []string{"search", "login"}},
		{ID: "d4e5f6", Kind: "deploy", Time: time.Date(2026, 11, 3, 23, 0, 0, 0, time.FixedZone("CET", 3600)), End: ptr(time.Date(2026, 11, 4, 1, 0, 0, 0, time.UTC)), Title: "canary"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `ID          KIND      TIME (UTC)           END (UTC)         SCENARIOS     TITLE
tag-v1.4.0  release   2026-11-02 09:30:15  -                 all           v1.4.0
a1b2c3      incident  2026-11-03 10:00     11:30             search,login  database failover
d4e5f6      deploy    2026-11-03 22:00     2026-11-04 01:00  all           canary
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// gitRepo makes a repository with two commits: a lightweight tag v1.0 on
// the first (committed 2026-11-01 10:00 UTC) and an annotated tag v1.1 on
// the second (committed 2026-11-02 10:00, tagged 2026-11-05 09:00 UTC).
func gitRepo(t *testing.T) (dir string, commits []string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir = t.TempDir()
	run := func(date string, args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
			"GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("", "init", "-q")
	for i, date := range []string{"2026-11-01T10:00:00Z", "2026-11-02T10:00:00Z"} {
		os.WriteFile(filepath.Join(dir, "f"), []byte{byte(i)}, 0o644)
		run(date, "add", "f")
		run(date, "commit", "-q", "-m", fmt.Sprintf("commit %d\n\nbody", i+1))
		commits = append(commits, run(date, "rev-parse", "HEAD"))
	}
	run("", "tag", "v1.0", commits[0])
	run("2026-11-05T09:00:00Z", "tag", "-a", "v1.1", "-m", "search in one query\n\nthe long story", commits[1])
	return dir, commits
}

func TestSyncGitTagsAddsEachTagOnce(t *testing.T) {
	repo, commits := gitRepo(t)
	s := Open(t.TempDir())
	added, err := s.SyncGitTags(context.Background(), repo)
	if err != nil {
		t.Fatal(err)
	}
	want := []Annotation{
		// A lightweight tag: the commit's date and subject.
		{ID: "tag-v1.0", Kind: "release", Time: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC), Title: "v1.0", Text: "commit 1", Tags: []string{"v1.0"}, Commit: commits[0]},
		// An annotated tag: the tagger's date and the tag message's subject.
		{ID: "tag-v1.1", Kind: "release", Time: time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC), Title: "v1.1", Text: "search in one query", Tags: []string{"v1.1"}, Commit: commits[1]},
	}
	check := func(what string, got []Annotation) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %+v, want %+v", what, got, want)
		}
		for i := range want {
			g, w := got[i], want[i]
			if g.ID != w.ID || g.Kind != w.Kind || !g.Time.Equal(w.Time) || g.Title != w.Title || g.Text != w.Text || !slices.Equal(g.Tags, w.Tags) || g.Commit != w.Commit {
				t.Errorf("%s[%d] = %+v, want %+v", what, i, g, w)
			}
		}
	}
	check("added", added)
	all, err := s.Annotations()
	if err != nil {
		t.Fatal(err)
	}
	check("stored", all)

	again, err := s.SyncGitTags(context.Background(), repo)
	if err != nil || len(again) != 0 {
		t.Errorf("second sync added %+v, %v; want nothing", again, err)
	}
	// A removed release stays removed.
	if err := s.RemoveAnnotation("tag-v1.0"); err != nil {
		t.Fatal(err)
	}
	if again, err := s.SyncGitTags(context.Background(), repo); err != nil || len(again) != 0 {
		t.Errorf("sync after removing v1.0 added %+v, %v; want nothing", again, err)
	}
	data, _ := os.ReadFile(s.AnnotationsPath())
	if n := bytes.Count(data, []byte("\n")); n != 3 {
		t.Errorf("%d lines, want two releases and one removal:\n%s", n, data)
	}
}

func TestSyncGitTagsOutsideARepositoryIsAnError(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir))
	_, err := Open(t.TempDir()).SyncGitTags(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), dir+" is not in a git repository") {
		t.Errorf("error %v, want one saying %s is not in a git repository", err, dir)
	}
	ctx, stop := context.WithCancel(context.Background())
	stop()
	if _, err := Open(t.TempDir()).SyncGitTags(ctx, dir); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled sync: %v, want context.Canceled", err)
	}
}

// Whatever annotations.jsonl holds, reading it never panics; what it reads
// is valid, and an annotation appended to a readable file is read back with
// the others (a torn last line included).
func FuzzAnnotationsFile(f *testing.F) {
	f.Add([]byte(`{"id":"a1","kind":"note","time":"2026-11-03T12:00:00Z","title":"ok"}` + "\n"))
	f.Add([]byte(`{"id":"a1","kind":"incident","time":"2026-11-03T12:00:00Z","end":"2026-11-03T13:00:00Z","title":"x"}` + "\n" + `{"id":"a1","removed":true,"time":"2026-11-04T00:00:00Z"}`))
	f.Add([]byte(`{"id":"a1","kind":"no`))
	f.Add([]byte("\n\n[]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := Open(t.TempDir())
		if err := os.WriteFile(s.AnnotationsPath(), data, 0o644); err != nil {
			t.Fatal(err)
		}
		before, err := s.Annotations()
		if err != nil {
			return
		}
		for _, a := range before {
			if a.ID == "" || !slices.Contains(AnnotationKinds, a.Kind) || strings.TrimSpace(a.Title) == "" || a.Time.IsZero() || (a.End != nil && a.End.Before(a.Time)) {
				t.Fatalf("read an invalid annotation %+v", a)
			}
		}
		added, err := s.AddAnnotation(release())
		if err != nil {
			t.Fatal(err)
		}
		after, err := s.Annotations()
		if err != nil || len(after) != len(before)+1 {
			t.Fatalf("after adding %s: %d annotations, %v; had %d", added.ID, len(after), err, len(before))
		}
	})
}
