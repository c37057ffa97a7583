package compare

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hotbench/hotbench/results"
)

// The verdict's JSON has one schema, VerdictJSON: what Write prints,
// ReadVerdict reads back whole, so a saved verdict re-encodes to the very
// bytes it was saved as (nulls, counts, objectives and the gate included).
func TestReadVerdictReadsBackWhatWriteWrote(t *testing.T) {
	for _, name := range []string{"ten", "three"} {
		t.Run(name+" runs a side", func(t *testing.T) {
			saved, err := os.ReadFile(filepath.Join("testdata", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			v, err := ReadVerdict(saved)
			if err != nil {
				t.Fatal(err)
			}
			var again bytes.Buffer
			enc := json.NewEncoder(&again)
			enc.SetIndent("", "  ")
			if err := enc.Encode(v); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again.Bytes(), saved) {
				t.Errorf("re-encoded verdict differs from the saved one:\n%s", again.Bytes())
			}
		})
	}
}

// What the verdict says is typed: a row's change is a Change, a hotspot's
// verdict a Verdict, and an undefined number (JSON null) is NaN, not 0.
func TestReadVerdictTypesWhatItReads(t *testing.T) {
	c, g := fixture(t, 10)
	var buf bytes.Buffer
	if err := Write(&buf, c, g, "json"); err != nil {
		t.Fatal(err)
	}
	v, err := ReadVerdict(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Rows) != len(c.Rows) || len(v.Hotspots) != len(c.Hotspots) || v.Gate == nil {
		t.Fatalf("read %d rows, %d hotspots, gate %v; wrote %d rows, %d hotspots and a gate", len(v.Rows), len(v.Hotspots), v.Gate, len(c.Rows), len(c.Hotspots))
	}
	for i, r := range v.Rows {
		if r.Change != c.Rows[i].Change {
			t.Errorf("row %s %s: change %q, wrote %q", r.Endpoint, r.Metric, r.Change, c.Rows[i].Change)
		}
	}
	if h := v.Hotspots[0]; h.Verdict != VerdictImproved || h.Verdict != c.Hotspots[0].Verdict {
		t.Errorf("hotspot %s: verdict %q, wrote %q", h.Name, h.Verdict, c.Hotspots[0].Verdict)
	}
	if v.Gate.Pass != g.Pass || len(v.Gate.Failures) != len(g.Failures) {
		t.Errorf("gate pass %v with %d failures, wrote pass %v with %d", v.Gate.Pass, len(v.Gate.Failures), g.Pass, len(g.Failures))
	}
	var n Number
	if err := json.Unmarshal([]byte("null"), &n); err != nil || !math.IsNaN(float64(n)) {
		t.Errorf("null reads as %v (%v), want NaN", n, err)
	}
}

// A saved verdict is any JSON object with compare's "base" field; fields a
// newer hotbench adds are ignored, and anything else is refused with a
// message that says what it is not.
func TestReadVerdictRefusesWhatIsNoVerdict(t *testing.T) {
	tests := []struct {
		name, json string
		ok         bool
	}{
		{"a compare with fields of a newer hotbench", `{"base":"a","candidate":"b","added_later":{"x":1},"hotspots":[{"name":"h","verdict":"improved","new":true}]}`, true},
		{"a gate", `{"base":"a","gate":{"pass":false,"failures":[{"endpoint":"api","metric":"p99","reason":"slower"}]}}`, true},
		{"no base field", `{"candidate":"b"}`, false},
		{"a null base", `{"base":null}`, false},
		{"not an object", `[]`, false},
		{"not JSON", `{"base":`, false},
		{"a field of the wrong type", `{"base":"a","rows":[{"delta":"large"}]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadVerdict([]byte(tt.json))
			switch {
			case tt.ok && err != nil:
				t.Errorf("refused: %v", err)
			case !tt.ok && err == nil:
				t.Error("accepted")
			case !tt.ok && !strings.HasPrefix(err.Error(), "not a compare or gate verdict"):
				t.Errorf("error %q does not say it is no verdict", err)
			}
		})
	}
}

// A saved verdict carries the fix log: --ticket, --pr, --note and the
// commits of both sides, which ReadVerdict reads back; every other field is
// kept byte for byte, and compare's own output has none of them.
func TestWithFixLogIsReadBack(t *testing.T) {
	c, g := fixture(t, 10)
	var buf bytes.Buffer
	if err := Write(&buf, c, g, "json"); err != nil {
		t.Fatal(err)
	}
	plain := buf.Bytes()
	for _, key := range []string{`"ticket"`, `"pr"`, `"note"`, `"commits"`} {
		if bytes.Contains(plain, []byte(key)) {
			t.Errorf("compare's JSON has %s without a fix log", key)
		}
	}
	same, err := WithFixLog(plain, FixLog{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(same, plain) {
		t.Errorf("an empty fix log changed the verdict:\n%s", same)
	}

	commits := &CommitsJSON{Base: []string{"1111111"}, Candidate: []string{"2222222", "3333333"}, CandidateDirty: true}
	saved, err := WithFixLog(plain, FixLog{Ticket: " PERF-123 ", PR: "https://git.example.com/pr/7", Note: "the N+1 was in StepsFor", Commits: commits})
	if err != nil {
		t.Fatal(err)
	}
	v, err := ReadVerdict(saved)
	if err != nil {
		t.Fatal(err)
	}
	if v.Ticket != "PERF-123" || v.PR != "https://git.example.com/pr/7" || v.Note != "the N+1 was in StepsFor" {
		t.Errorf("read back ticket %q, pr %q, note %q", v.Ticket, v.PR, v.Note)
	}
	if v.Commits == nil || !slices.Equal(v.Commits.Candidate, commits.Candidate) || !v.Commits.CandidateDirty || v.Commits.BaseDirty {
		t.Errorf("read back commits %+v, want %+v", v.Commits, commits)
	}
	if len(v.Rows) != len(c.Rows) || v.Gate == nil || v.Base != c.Base {
		t.Errorf("the fix log lost the verdict: %d rows, gate %v", len(v.Rows), v.Gate)
	}
	want := `  "ticket": "PERF-123",
  "pr": "https://git.example.com/pr/7",
  "note": "the N+1 was in StepsFor",
  "commits": {
    "base": [
      "1111111"
    ],
    "candidate": [
      "2222222",
      "3333333"
    ],
    "candidate_dirty": true
  }
}
`
	if !strings.HasSuffix(string(saved), want) {
		t.Errorf("the fix log's fields end the verdict as\n%s\nwant\n%s", saved[max(0, len(saved)-len(want)-100):], want)
	}
	if _, err := WithFixLog([]byte(`{"candidate":"b"}`), FixLog{Ticket: "x"}); err == nil {
		t.Error("a fix log was added to what is no verdict")
	}
}

func TestRunCommits(t *testing.T) {
	git := func(commit string, dirty bool) *results.Run {
		return &results.Run{Git: results.Git{Commit: commit, Dirty: dirty}}
	}
	built := func(commit, ranIn string) *results.Run {
		r := git(ranIn, false)
		r.AB = &results.AB{Side: "candidate", Commit: commit}
		return r
	}
	for _, tc := range []struct {
		name       string
		base, cand []*results.Run
		want       *CommitsJSON
	}{
		{"runs outside git have no commits", []*results.Run{git("", false)}, []*results.Run{git("", false)}, nil},
		{"each side's commit", []*results.Run{git("aaa", false)}, []*results.Run{git("bbb", false)}, &CommitsJSON{Base: []string{"aaa"}, Candidate: []string{"bbb"}}},
		{"a commit of several runs is listed once, in run order", []*results.Run{git("aaa", false), git("ccc", false), git("aaa", false)}, nil, &CommitsJSON{Base: []string{"aaa", "ccc"}}},
		{"a dirty working directory marks its side", nil, []*results.Run{git("bbb", false), git("bbb", true)}, &CommitsJSON{Candidate: []string{"bbb"}, CandidateDirty: true}},
		{"ab's built commit wins over the folder hotbench ran in", nil, []*results.Run{built("ddd", "bbb")}, &CommitsJSON{Candidate: []string{"ddd"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := RunCommits(tc.base, tc.cand)
			if (got == nil) != (tc.want == nil) || (got != nil && !reflect.DeepEqual(*got, *tc.want)) {
				t.Errorf("RunCommits = %+v, want %+v", got, tc.want)
			}
		})
	}
}
