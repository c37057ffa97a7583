package profiles

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/pprof/driver"
	"github.com/google/pprof/profile"
	"github.com/hotbench/hotbench/scenarios"
)

func folded(t *testing.T, text string) *profile.Profile {
	t.Helper()
	p, err := ParseFolded(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// cpuProfile is a Go-like CPU profile: samples/count and cpu/nanoseconds,
// one sample per stack, each sample worth period nanoseconds. A stack is
// written root first; "outer>inner" is one location where inner was inlined
// into outer.
func cpuProfile(period int64, stacks map[string]int64) *profile.Profile {
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:     period,
	}
	funcs := map[string]*profile.Function{}
	fn := func(name string) *profile.Function {
		if funcs[name] == nil {
			funcs[name] = &profile.Function{ID: uint64(len(p.Function) + 1), Name: name}
			p.Function = append(p.Function, funcs[name])
		}
		return funcs[name]
	}
	locs := map[string]*profile.Location{}
	for stack, n := range stacks {
		frames := strings.Split(stack, ";")
		s := &profile.Sample{Value: []int64{n, n * period}}
		for i := len(frames) - 1; i >= 0; i-- {
			loc := locs[frames[i]]
			if loc == nil {
				loc = &profile.Location{ID: uint64(len(p.Location) + 1)}
				inl := strings.Split(frames[i], ">")
				for j := len(inl) - 1; j >= 0; j-- { // innermost line first
					loc.Line = append(loc.Line, profile.Line{Function: fn(inl[j])})
				}
				locs[frames[i]] = loc
				p.Location = append(p.Location, loc)
			}
			s.Location = append(s.Location, loc)
		}
		p.Sample = append(p.Sample, s)
	}
	return p
}

func TestShare(t *testing.T) {
	tests := []struct {
		name    string
		profile string // folded
		pattern string // as scenarios write it
		want    float64
	}{
		{"a function on the stack counts its whole sample", "main;a;hot 30\nmain;b 70\n", "hot", 0.3},
		{"a function's callers count too", "main;caller;hot 30\nmain;other 70\n", "caller", 0.3},
		{"recursion counts a sample once", "main;hot;hot;hot 50\nmain;cold 50\n", "hot", 0.5},
		{"a function in no stack has no share", "main;a 1\n", "missing", 0},
		{"a literal pattern matches inside the full name", "main;example.com/manuals.(*Store).StepsFor 1\nmain;x 3\n", "manuals.(*Store).StepsFor", 0.25},
		{"a literal pattern does not read metacharacters", "main;manualsX(*Store)YStepsFor 1\n", "manuals.(*Store).StepsFor", 0},
		{"a /regexp/ matches any of its alternatives, each sample once", "main;hot;warm 2\nmain;warm 1\nmain;cold 1\n", "/hot|warm/", 0.75},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re, err := scenarios.FunctionPattern(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if got := Share(folded(t, tt.profile), re, 0); math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("share = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestShareCountsInlinedFrames(t *testing.T) {
	// hot was inlined into handler: one location, two lines.
	p := cpuProfile(10e6, map[string]int64{"main;handler>hot": 3, "main;other": 1})
	if got := Share(p, regexp.MustCompile(`^hot$`), 1); got != 0.75 {
		t.Errorf("share of an inlined function = %v, want 0.75", got)
	}
}

func TestShareOfPicksTheKindsSampleType(t *testing.T) {
	cpu := cpuProfile(10e6, map[string]int64{"main;hot": 1})
	heap := &profile.Profile{SampleType: []*profile.ValueType{
		{Type: "alloc_objects", Unit: "count"}, {Type: "alloc_space", Unit: "bytes"},
		{Type: "inuse_objects", Unit: "count"}, {Type: "inuse_space", Unit: "bytes"}}}
	mutex := &profile.Profile{SampleType: []*profile.ValueType{{Type: "contentions", Unit: "count"}, {Type: "delay", Unit: "nanoseconds"}}}
	goroutine := &profile.Profile{SampleType: []*profile.ValueType{{Type: "goroutine", Unit: "count"}}}
	tests := []struct {
		name string
		p    *profile.Profile
		kind string
		want string
	}{
		{"cpu reads cpu time", cpu, "cpu", "cpu"},
		{"cpu of a converted profile reads samples", folded(t, "a 1\n"), "cpu", "samples"},
		{"allocs reads allocated bytes", heap, "allocs", "alloc_space"},
		{"heap reads in-use bytes", heap, "heap", "inuse_space"},
		{"mutex reads the last sample type, delay", mutex, "mutex", "delay"},
		{"goroutine reads its only sample type", goroutine, "goroutine", "goroutine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i, err := SampleIndex(tt.p, tt.kind)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.p.SampleType[i].Type; got != tt.want {
				t.Errorf("picked %s, want %s", got, tt.want)
			}
		})
	}
	if _, err := ShareOf(&profile.Profile{}, "cpu", regexp.MustCompile("x")); err == nil {
		t.Error("ShareOf on a profile without sample types: want an error")
	}
}

func TestTop(t *testing.T) {
	p := folded(t, "main;a;hot 50\nmain;b;hot 20\nmain;b 20\nmain;f;f 5\nmain;c 5\n")
	got := Top(p, 0, 0)
	want := []Func{
		{Name: "hot", FlatValue: 70, CumValue: 70, Flat: 0.70, Cum: 0.70},
		{Name: "b", FlatValue: 20, CumValue: 40, Flat: 0.20, Cum: 0.40},
		{Name: "c", FlatValue: 5, CumValue: 5, Flat: 0.05, Cum: 0.05},
		{Name: "f", FlatValue: 5, CumValue: 5, Flat: 0.05, Cum: 0.05}, // recursion: cum once
		{Name: "a", FlatValue: 0, CumValue: 50, Flat: 0, Cum: 0.50},
		{Name: "main", FlatValue: 0, CumValue: 100, Flat: 0, Cum: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Name != w.Name || g.FlatValue != w.FlatValue || g.CumValue != w.CumValue ||
			math.Abs(g.Flat-w.Flat) > 1e-12 || math.Abs(g.Cum-w.Cum) > 1e-12 {
			t.Errorf("row %d = %+v, want %+v", i, g, w)
		}
	}
	if got := Top(p, 0, 2); len(got) != 2 || got[1].Name != "b" {
		t.Errorf("Top(n=2) = %+v, want the first two rows", got)
	}
	if got := Top(p, 5, 0); len(got) != 0 {
		t.Errorf("Top with an out-of-range sample index = %+v, want nothing", got)
	}
}

func TestTopCumRanksCallersOfTheHotCode(t *testing.T) {
	p := folded(t, "main;a;hot 50\nmain;b;hot 20\nmain;b 20\nmain;f;f 5\nmain;c 5\n")
	var names []string
	for _, f := range TopCum(p, 0, 4) {
		names = append(names, f.Name)
	}
	// main holds every sample; hot 70; a 50; b 40.
	if got, want := strings.Join(names, " "), "main hot a b"; got != want {
		t.Errorf("TopCum order = %s, want %s", got, want)
	}
}

func TestTopFlatGoesToTheInnermostInlinedFunction(t *testing.T) {
	p := cpuProfile(10e6, map[string]int64{"main;handler>hot": 3, "main;handler": 1})
	got := Top(p, 1, 1)
	if len(got) != 1 || got[0].Name != "hot" || got[0].FlatValue != 30e6 {
		t.Errorf("Top = %+v, want hot first with 30ms flat", got)
	}
}

func TestDiff(t *testing.T) {
	// The hot function shrank from 80 of 100 samples to 10 of 30.
	base := folded(t, "main;serve;hot 80\nmain;serve;other 20\n")
	cand := folded(t, "main;serve;hot 10\nmain;serve;other 20\n")
	got := Diff(base, cand, 0, 0)
	want := []FuncDiff{
		// hot's share fell from 80% to 33.3% and other's rose from 20% to
		// 66.7%: both moved 46.7 points; main and serve hold every sample
		// on both sides and did not move.
		{Name: "hot", BaseFlat: 0.8, CandFlat: 1.0 / 3, BaseCum: 0.8, CandCum: 1.0 / 3, DeltaFlat: 1.0/3 - 0.8, DeltaCum: 1.0/3 - 0.8},
		{Name: "other", BaseFlat: 0.2, CandFlat: 2.0 / 3, BaseCum: 0.2, CandCum: 2.0 / 3, DeltaFlat: 2.0/3 - 0.2, DeltaCum: 2.0/3 - 0.2},
		{Name: "main", BaseCum: 1, CandCum: 1},
		{Name: "serve", BaseCum: 1, CandCum: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if !closeDiff(got[i], want[i]) {
			t.Errorf("row %d = %+v\nwant %+v", i, got[i], want[i])
		}
	}
	if got := Diff(base, cand, 0, 1); len(got) != 1 || got[0].Name != "hot" {
		t.Errorf("Diff(n=1) = %+v, want hot only", got)
	}
	if got := Diff(base, cpuProfile(1, map[string]int64{"a": 1}), 1, 0); got != nil {
		t.Errorf("Diff across different sample types = %+v, want nil", got)
	}
}

func TestDiffIsInPointsOfShareWhateverTheTotals(t *testing.T) {
	// Issue 8: 17 of 24 samples (70.83%) in the base, 27 of 36 (75.00%) in
	// the candidate. pprof -diff_base calls that +41.67% (10 more samples
	// of the base's 24); the share moved 4.17 points.
	base := folded(t, "main;hot 17\nmain;cold 7\n")
	cand := folded(t, "main;hot 27\nmain;cold 9\n")
	for _, r := range Diff(base, cand, 0, 0) {
		if r.Name != "hot" {
			continue
		}
		if math.Abs(r.DeltaCum-(0.75-17.0/24)) > 1e-12 || math.Abs(r.DeltaFlat-r.DeltaCum) > 1e-12 {
			t.Errorf("hot: Δcum %.4f Δflat %.4f, want +0.0417 (4.17 points) for both", r.DeltaCum, r.DeltaFlat)
		}
	}
	var buf bytes.Buffer
	if err := WriteDiff(&buf, Diff(base, cand, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "70.8%     75.0% +4.17 pp") || strings.Contains(buf.String(), "41.7") {
		t.Errorf("the diff table does not say +4.17 pp for 70.8%% → 75.0%%:\n%s", buf.String())
	}
}

func closeDiff(a, b FuncDiff) bool {
	near := func(x, y float64) bool { return math.Abs(x-y) < 1e-9 }
	return a.Name == b.Name && near(a.BaseFlat, b.BaseFlat) && near(a.CandFlat, b.CandFlat) &&
		near(a.BaseCum, b.BaseCum) && near(a.CandCum, b.CandCum) &&
		near(a.DeltaFlat, b.DeltaFlat) && near(a.DeltaCum, b.DeltaCum)
}

// TestDiffSharesAgreeWithPprof runs pprof itself (-top) on each of the two
// files and compares its flat% and cum% with Diff's shares of each side.
func TestDiffSharesAgreeWithPprof(t *testing.T) {
	dir := t.TempDir()
	base := cpuProfile(10e6, map[string]int64{
		"main;serve;hot;sha": 60, "main;serve;hot": 20, "main;serve;other": 15, "main;gc": 5})
	cand := cpuProfile(10e6, map[string]int64{
		"main;serve;hot;sha": 5, "main;serve;hot": 2, "main;serve;other": 18, "main;gc": 9, "main;serve;newthing": 4})
	bpath, cpath := filepath.Join(dir, "base.pb.gz"), filepath.Join(dir, "cand.pb.gz")
	for path, p := range map[string]*profile.Profile{bpath: base, cpath: cand} {
		if _, err := writeProfile(path, p); err != nil {
			t.Fatal(err)
		}
	}
	rows := Diff(base, cand, 1, 0)
	for _, side := range []struct {
		name       string
		path       string
		flat, cum  func(FuncDiff) float64
		wantListed int
	}{
		{"base", bpath, func(r FuncDiff) float64 { return r.BaseFlat }, func(r FuncDiff) float64 { return r.BaseCum }, 6},
		{"candidate", cpath, func(r FuncDiff) float64 { return r.CandFlat }, func(r FuncDiff) float64 { return r.CandCum }, 7},
	} {
		text := pprofTop(t, side.path)
		seen := 0
		for _, line := range strings.Split(text, "\n") {
			f := strings.Fields(line)
			if len(f) != 6 || !strings.HasSuffix(f[1], "%") || f[0] == "flat" {
				continue
			}
			flat, cum := parsePercent(t, f[1]), parsePercent(t, f[4])
			for _, r := range rows {
				if r.Name != f[5] {
					continue
				}
				seen++
				if math.Abs(side.flat(r)*100-flat) > 0.006 || math.Abs(side.cum(r)*100-cum) > 0.006 {
					t.Errorf("%s %s: Diff says flat %.2f%% cum %.2f%%, pprof says %s", side.name, r.Name, side.flat(r)*100, side.cum(r)*100, line)
				}
			}
		}
		if seen != side.wantListed {
			t.Errorf("pprof listed %d functions of the %s, want %d:\n%s", seen, side.name, side.wantListed, text)
		}
	}
	for _, r := range rows {
		if r.DeltaCum != r.CandCum-r.BaseCum || r.DeltaFlat != r.CandFlat-r.BaseFlat {
			t.Errorf("%s: Δ is not candidate share minus base share: %+v", r.Name, r)
		}
	}
}

// pprofTop runs pprof's own top report in-process and returns its text.
func pprofTop(t *testing.T, args ...string) string {
	t.Helper()
	var stderr bytes.Buffer
	out := &captureFiles{}
	flags := append([]string{"-top", "-nodecount=1000", "-nodefraction=0", "-edgefraction=0",
		"-symbolize=none", "-output=top.txt"}, args...)
	err := driver.PProf(&driver.Options{
		Flagset: newFlagSet(flags, &stderr),
		UI:      &viewUI{w: &stderr},
		Writer:  out,
	})
	if err != nil {
		t.Fatalf("pprof %v: %v\n%s", flags, err, stderr.String())
	}
	return out.buf.String()
}

type captureFiles struct{ buf bytes.Buffer }

func (c *captureFiles) Open(string) (io.WriteCloser, error) { return nopCloser{&c.buf}, nil }

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func parsePercent(t *testing.T, s string) float64 {
	t.Helper()
	var v float64
	if _, err := fmt.Sscan(strings.TrimSuffix(s, "%"), &v); err != nil {
		t.Fatalf("percent %q: %v", s, err)
	}
	return v
}

func TestMerge(t *testing.T) {
	at100Hz := cpuProfile(10e6, map[string]int64{"main;hot": 10}) // 100 ms
	at1000Hz := cpuProfile(1e6, map[string]int64{"main;hot": 50, "main;cold": 50})
	m, err := Merge([]*profile.Profile{at100Hz, nil, at1000Hz})
	if err != nil {
		t.Fatal(err)
	}
	if m.Period != 1e6 {
		t.Errorf("merged period %d, want the finest, 1ms", m.Period)
	}
	// 10 samples of 10ms are worth 100 samples of 1ms.
	if got := Top(m, 0, 0); got[0].Name != "hot" || got[0].FlatValue != 150 {
		t.Errorf("merged samples of hot = %+v, want 150 at 1ms each", got[0])
	}
	if got := Top(m, 1, 0); got[0].FlatValue != 150e6 {
		t.Errorf("merged cpu time of hot = %d, want 150ms", got[0].FlatValue)
	}
	if at100Hz.Period != 10e6 || at100Hz.Sample[0].Value[0] != 10 {
		t.Error("Merge modified its input")
	}
	if err := m.CheckValid(); err != nil {
		t.Error(err)
	}

	if m, err := Merge([]*profile.Profile{folded(t, "a;b 1\n"), folded(t, "a;b 2\na;c 1\n")}); err != nil || foldedOf(m) != "a;b 3\na;c 1\n" {
		t.Errorf("merged folded profiles = %q, %v", foldedOf(m), err)
	}
	noPeriod := &profile.Profile{SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}}}
	if m, err := Merge([]*profile.Profile{noPeriod, noPeriod}); err != nil || m.PeriodType != nil {
		t.Errorf("merge of profiles without a period type: %v, %v", m, err)
	}
	if _, err := Merge([]*profile.Profile{noPeriod, at100Hz}); err == nil {
		t.Error("merge of different kinds: want an error")
	}
	if _, err := Merge(nil); err == nil {
		t.Error("merge of nothing: want an error")
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pb.gz")
	if err := os.WriteFile(garbage, []byte("not a profile"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(dir, "missing.pb.gz"), garbage} {
		if _, err := Load(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("Load(%s) = %v, want an error naming the file", path, err)
		}
	}
}
