package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/results"
)

// beforeAfterFixture is manual-search before and after the regexp fix:
// search's p99 falls from 48 ms to 3 ms, step-list stays where it was, and
// regexp.Compile leaves the CPU profile. Both sides also captured an
// allocation profile, in which json.Marshal's share grows, and the base a
// mutex profile the candidate lacks.
func beforeAfterFixture(tb testing.TB) (base, cand []*results.Run) {
	tb.Helper()
	store := results.Open(tb.TempDir())
	ms := manualSearch()
	b := synth.Save(tb, store, synth.Options{
		Scenario: ms, Label: "before", Start: day(2, 10), Seed: 100,
		Endpoints: []synth.Endpoint{{Name: "search", P99: 0.048, Rate: 60}, {Name: "step-list", P99: 0.019, Rate: 60}},
		Shares:    map[string]float64{"regexp.Compile": 0.55, "manuals.(*Store).StepsFor": 0.30},
		Stacks:    stacksBefore,
	})
	c := synth.Save(tb, store, synth.Options{
		Scenario: ms, Label: "after", Start: day(16, 10), Seed: 101,
		Endpoints: []synth.Endpoint{{Name: "search", P99: 0.0032, Rate: 60}, {Name: "step-list", P99: 0.019, Rate: 60}},
		Shares:    map[string]float64{"regexp.Compile": 0.03, "manuals.(*Store).StepsFor": 0.30},
		Stacks:    stacksAfter,
	})
	addProfiles(tb, b, "allocs", map[string]int64{"main;serve;search;regexp.Compile": 900, "main;serve;render;json.Marshal": 100})
	addProfiles(tb, c, "allocs", map[string]int64{"main;serve;search;regexp.Compile": 50, "main;serve;render;json.Marshal": 400})
	addProfiles(tb, b, "mutex", map[string]int64{"main;serve;steps;sync.(*Mutex).Lock": 10})
	return []*results.Run{b}, []*results.Run{c}
}

// addProfiles writes a profile of kind with these stacks (root first) for
// every repetition of a stored run, and saves the run.
func addProfiles(tb testing.TB, r *results.Run, kind string, stacks map[string]int64) {
	tb.Helper()
	// A count first, so that profiles.SampleCount counts n per stack.
	p := &profile.Profile{SampleType: []*profile.ValueType{{Type: "alloc_objects", Unit: "count"}, {Type: "alloc_space", Unit: "bytes"}}}
	if kind == "mutex" {
		p.SampleType = []*profile.ValueType{{Type: "contentions", Unit: "count"}, {Type: "delay", Unit: "nanoseconds"}}
	}
	funcs := map[string]*profile.Location{}
	for stack, n := range stacks {
		frames := strings.Split(stack, ";")
		var locs []*profile.Location
		for i := len(frames) - 1; i >= 0; i-- {
			l, ok := funcs[frames[i]]
			if !ok {
				f := &profile.Function{ID: uint64(len(p.Function) + 1), Name: frames[i]}
				l = &profile.Location{ID: uint64(len(p.Location) + 1), Line: []profile.Line{{Function: f}}}
				p.Function, p.Location = append(p.Function, f), append(p.Location, l)
				funcs[frames[i]] = l
			}
			locs = append(locs, l)
		}
		p.Sample = append(p.Sample, &profile.Sample{Location: locs, Value: []int64{n, n * 1024}})
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	for i := range r.Repetitions {
		rep := &r.Repetitions[i]
		name := fmt.Sprintf("profiles/rep-%02d-%s.pb.gz", rep.Index, kind)
		if err := os.MkdirAll(filepath.Join(r.Dir, "profiles"), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(r.Dir, filepath.FromSlash(name)), buf.Bytes(), 0o644); err != nil {
			tb.Fatal(err)
		}
		rep.Profiles = append(rep.Profiles, results.Profile{Kind: kind, File: name, Bytes: int64(buf.Len()), Samples: int64(len(p.Sample))})
	}
	if err := results.Save(r); err != nil {
		tb.Fatal(err)
	}
}

func buildBeforeAfter(tb testing.TB, opts Options) *BeforeAfter {
	tb.Helper()
	base, cand := beforeAfterFixture(tb)
	return buildBeforeAfterOf(tb, base, cand, opts)
}

// buildBeforeAfterOf compares base and cand as the command does and lays
// the comparison out.
func buildBeforeAfterOf(tb testing.TB, base, cand []*results.Run, opts Options) *BeforeAfter {
	tb.Helper()
	plan, err := compare.ResolveCompare(base, cand, compare.Settings{})
	if err != nil {
		tb.Fatal(err)
	}
	c, err := compare.Compare(base, cand, plan.Options)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := BuildBeforeAfter(base, cand, c, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestBeforeAfterMarkdownGolden(t *testing.T) {
	b := buildBeforeAfter(t, quick)
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := b.WriteMarkdown(&buf, filepath.Join(dir, "charts"), "charts"); err != nil {
		t.Fatal(err)
	}
	golden(t, "before-after.md", buf.Bytes())
	checkLinkedCharts(t, buf.String(), dir)
	if dir := os.Getenv("REPORT_SAMPLE_DIR"); dir != "" {
		full := buildBeforeAfter(t, Options{Now: fixedNow})
		var h bytes.Buffer
		if err := full.WriteHTML(&h); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "before-after.html"), h.Bytes(), 0o644)
		var m bytes.Buffer
		full.WriteMarkdown(&m, filepath.Join(dir, "before-after-charts"), "before-after-charts")
		os.WriteFile(filepath.Join(dir, "before-after.md"), m.Bytes(), 0o644)
	}
}

var (
	beforeAfterOnce sync.Once
	beforeAfterPage []byte
)

// fullBeforeAfterPage is the HTML before/after report at the default
// resolution, rendered once for the tests that read it.
func fullBeforeAfterPage(t *testing.T) []byte {
	t.Helper()
	beforeAfterOnce.Do(func() {
		var buf bytes.Buffer
		if err := buildBeforeAfter(t, Options{Now: fixedNow}).WriteHTML(&buf); err != nil {
			t.Fatal(err)
		}
		beforeAfterPage = buf.Bytes()
	})
	if beforeAfterPage == nil {
		t.Fatal("the before/after report failed to render in another test")
	}
	return beforeAfterPage
}

func TestBeforeAfterHTML(t *testing.T) {
	page := fullBeforeAfterPage(t)
	// One percentile chart per endpoint.
	if n := checkSelfContained(t, page); n != 2 {
		t.Errorf("the page has %d charts, want 2", n)
	}
	for _, want := range []string{
		"<title>manual-search@before → manual-search@after — hotbench before/after report</title>",
		`<span class="badge improved">improved</span>`,               // search-regexp's verdict
		"regexp.Compile 56.0% → 3.01% of CPU (-53.0 pp)",             // its evidence sentence
		"search: latency at each percentile, base against candidate", // the overlay's alt text
		"allocated bytes",                       // the allocs profile's section
		"Only the base captured mutex profiles", // a kind one side lacks
		"CPU share of regexp.Compile",           // share rows
		"(Fisher)",                              // the pooled error rate's test
	} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the before/after page lacks %q", want)
		}
	}
}

func TestBeforeAfterInBrowser(t *testing.T) {
	t.Parallel()
	checkInBrowser(t, "before-after", fullBeforeAfterPage(t))
}

func TestBeforeAfterNeedsAComparison(t *testing.T) {
	if _, err := BuildBeforeAfter(nil, nil, nil, quick); err == nil {
		t.Error("a before/after report without runs or a comparison built")
	}
}
