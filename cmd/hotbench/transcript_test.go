package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hotbench/hotbench/internal/golden"
	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// Golden transcripts, as benchstat keeps them for its command: each runs
// hotbench in-process on a results folder of synthetic runs (internal/synth)
// and on the scenario files in testdata/transcripts, and compares what it
// printed on stdout and stderr, and its exit code, with
// testdata/transcripts/NAME.stdout, NAME.stderr and NAME.code. `go test
// -update` rewrites them; review the diff like code. $RESULTS in the
// arguments is the results folder, and in the goldens every path below it.
var transcripts = []transcript{
	{"validate", []string{"validate", "testdata/transcripts/manual-search.yaml"}},
	{"validate-errors", []string{"validate", "testdata/transcripts/manual-search.yaml", "testdata/transcripts/bad.yaml"}},
	{"ls", []string{"ls", "--results", "$RESULTS"}},
	{"show", []string{"show", "manual-search@before", "--results", "$RESULTS"}},
	{"show-json", []string{"show", "manual-search@after", "--json", "--results", "$RESULTS"}},
	{"show-invalid-repetitions", []string{"show", "manual-search@shaky", "--results", "$RESULTS"}},
	{"show-unknown-run", []string{"show", "manual-search@nothing", "--results", "$RESULTS"}},
	{"compare", []string{"compare", "manual-search@before", "manual-search@after", "--results", "$RESULTS"}},
	{"compare-markdown", []string{"compare", "manual-search@before", "manual-search@after", "--format", "markdown", "--results", "$RESULTS"}},
	{"compare-invalid-repetitions", []string{"compare", "manual-search@after", "manual-search@shaky", "--results", "$RESULTS"}},
	{"compare-unknown-run", []string{"compare", "manual-search@before", "manual-search@nothing", "--results", "$RESULTS"}},
	{"gate-pass", []string{"gate", "manual-search@before", "manual-search@after", "--results", "$RESULTS"}},
	{"gate-failure", []string{"gate", "manual-search@after", "manual-search@slower", "--results", "$RESULTS"}},
	{"gate-inconclusive", []string{"gate", "manual-search@smoke-1", "manual-search@smoke-2", "--results", "$RESULTS"}},
	{"gate-no-valid-repetition", []string{"gate", "manual-search@after", "manual-search@stalled", "--results", "$RESULTS"}},
	{"gate-unknown-metric", []string{"gate", "manual-search@before", "manual-search@after", "--slo", "p99=10ms,latency=1s", "--results", "$RESULTS"}},
}

// transcript is one command line of a golden transcript.
type transcript struct {
	name string
	args []string
}

func TestTranscripts(t *testing.T) {
	runTranscripts(t, transcripts)
}

// runTranscripts runs each transcript on the transcripts' results folder
// and checks its stdout, stderr and exit code against the golden files. It
// returns the folder, for checks of what the commands wrote there.
func runTranscripts(t *testing.T, list []transcript) (dir string) {
	// The environment must not reach the scenarios (HOTBENCH_TARGET and
	// the like override them): empty is unset for the configuration.
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "HOTBENCH_") {
			t.Setenv(k, "")
		}
	}
	dir = transcriptResults(t)
	for _, tc := range list {
		t.Run(tc.name, func(t *testing.T) {
			var args []string
			for _, a := range tc.args {
				args = append(args, strings.ReplaceAll(a, "$RESULTS", dir))
			}
			code, stdout, stderr := hotbench(t, args...)
			base := filepath.Join("testdata", "transcripts", tc.name)
			checkTranscript(t, base+".stdout", scrub(stdout, dir))
			checkTranscript(t, base+".stderr", scrub(stderr, dir))
			checkTranscript(t, base+".code", fmt.Sprintln(code))
		})
	}
	return dir
}

// transcriptResults is a results folder of runs of
// testdata/transcripts/manual-search.yaml, one an hour from synth.Epoch:
//
//	before     search's p99 50 ms, StepsFor 41 % of CPU
//	after      the fix: p99 12 ms, StepsFor 3 %
//	slower     after, but login 40 % slower and 30 of its requests failing in one window
//	smoke-1/-2 3 repetitions each: too few to decide
//	shaky      3 of 10 repetitions invalid (the generator fell behind)
//	stalled    every repetition invalid
func transcriptResults(t *testing.T) string {
	t.Helper()
	sc, err := scenarios.Load("testdata/transcripts/manual-search.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	store := results.Open(t.TempDir())
	run := func(hour int, label string, searchP99, share float64, changes func(*synth.Rep), reps int) {
		synth.Save(t, store, synth.Options{
			Scenario: *sc, Label: label, Start: synth.Epoch.Add(time.Duration(hour) * time.Hour), Seed: uint64(hour + 1),
			Reps: reps, Exact: true, Noise: 0.05,
			Endpoints: []synth.Endpoint{
				{Name: "search", Median: 0.0012, P99: searchP99},
				{Name: "login", Median: 0.003, P99: 0.020},
			},
			Shares: map[string]float64{synth.StepsFor: share},
			Each:   changes,
		})
	}
	lag := "the load generator fell behind: send lag p99 62ms exceeds 10ms"
	run(0, "before", 0.050, 0.41, nil, 0)
	run(1, "after", 0.012, 0.03, nil, 0)
	run(2, "slower", 0.012, 0.03, func(r *synth.Rep) {
		r.Endpoints[1].Median *= 1.4
		r.Endpoints[1].P99 *= 1.4
		if r.Index == 4 {
			r.Endpoints[1].Errors = 30
		}
	}, 0)
	run(3, "smoke-1", 0.050, 0.41, nil, 3)
	run(4, "smoke-2", 0.012, 0.03, nil, 3)
	run(5, "shaky", 0.012, 0.03, func(r *synth.Rep) {
		if r.Index == 2 || r.Index == 5 || r.Index == 9 {
			r.Invalid = []string{lag}
			r.SendLag = 62 * time.Millisecond
		}
	}, 0)
	run(6, "stalled", 0.012, 0.03, func(r *synth.Rep) {
		r.Invalid = []string{"the load generator fell behind: send lag p99 480ms exceeds 10ms"}
		r.SendLag = 480 * time.Millisecond
	}, 0)
	return store.Dir
}

// localTime is a time as ls prints it, in the local zone.
var localTime = regexp.MustCompile(`\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\b`)

// scrub makes output independent of where and when the test runs: the
// results folder is $RESULTS, and local times are UTC.
func scrub(s, dir string) string {
	s = strings.ReplaceAll(s, dir, "$RESULTS")
	s = strings.ReplaceAll(s, filepath.ToSlash(dir), "$RESULTS")
	return localTime.ReplaceAllStringFunc(s, func(v string) string {
		at, err := time.ParseInLocation(time.DateTime, v, time.Local)
		if err != nil {
			return v
		}
		return at.UTC().Format(time.DateTime)
	})
}

// checkTranscript compares got with the golden file at path, showing a
// diff when they differ; golden.Check keeps got beside it, or rewrites it
// under -update.
func checkTranscript(t *testing.T, path, got string) {
	t.Helper()
	if f := flag.Lookup("update"); f == nil || f.Value.String() != "true" {
		if want, err := os.ReadFile(path); err == nil && string(want) != got {
			t.Errorf("%s differs (- golden, + got):\n%s", path, lineDiff(string(want), got))
		}
	}
	golden.Check(t, path, []byte(got))
}

// lineDiff is a unified-style diff of two texts, by lines, with two lines
// of context around each change.
func lineDiff(a, b string) string {
	split := func(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }
	x, y := split(a), split(b)
	// lcs[i][j] is the length of the longest common subsequence of x[i:], y[j:].
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type line struct {
		op   byte
		text string
	}
	var lines []line
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			lines = append(lines, line{' ', x[i]})
			i, j = i+1, j+1
		case i < len(x) && (j == len(y) || lcs[i+1][j] >= lcs[i][j+1]):
			lines = append(lines, line{'-', x[i]})
			i++
		default:
			lines = append(lines, line{'+', y[j]})
			j++
		}
	}
	const context = 2
	var out strings.Builder
	last := -1
	for k, l := range lines {
		near := false
		for d := max(0, k-context); d <= min(len(lines)-1, k+context); d++ {
			near = near || lines[d].op != ' '
		}
		if !near {
			continue
		}
		if last >= 0 && k > last+1 {
			out.WriteString("…\n")
		}
		last = k
		out.WriteByte(l.op)
		out.WriteString(l.text)
		out.WriteByte('\n')
	}
	return out.String()
}

func TestLineDiff(t *testing.T) {
	got := lineDiff("a\nb\nc\nd\ne\nf\ng\nh\ni\n", "a\nB\nc\nd\ne\nf\ng\nh\n")
	want := " a\n-b\n+B\n c\n d\n…\n g\n h\n-i\n"
	if got != want {
		t.Errorf("lineDiff =\n%s\nwant\n%s", got, want)
	}
}
