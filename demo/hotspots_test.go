package demo

import (
	"bytes"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/google/pprof/profile"
)

// These tests prove each hotspot sits where the profiles say it does. They
// count profile samples and bytes, never time, so a busy machine cannot fail
// them; latency claims live in the benchmarks.

func skipUnderRace(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector distorts CPU and allocation shares; run without -race")
	}
}

// cpuProfile profiles rounds of work until the profile holds minSamples
// samples (or maxRounds have run) and returns the rounds merged.
func cpuProfile(t *testing.T, minSamples int, work func()) *profile.Profile {
	t.Helper()
	const maxRounds = 30
	var profs []*profile.Profile
	samples := int64(0)
	for round := 0; round < maxRounds && samples < int64(minSamples); round++ {
		var buf bytes.Buffer
		if err := pprof.StartCPUProfile(&buf); err != nil {
			t.Fatalf("start CPU profile: %v", err)
		}
		work()
		pprof.StopCPUProfile()
		p, err := profile.Parse(&buf)
		if err != nil {
			t.Fatalf("parse CPU profile: %v", err)
		}
		for _, s := range p.Sample {
			samples += s.Value[0]
		}
		profs = append(profs, p)
	}
	merged, err := profile.Merge(profs)
	if err != nil {
		t.Fatalf("merge CPU profiles: %v", err)
	}
	return merged
}

// allocProfile returns the process's allocation profile, up to date.
func allocProfile(t *testing.T) *profile.Profile {
	t.Helper()
	runtime.GC() // publishes the allocations made so far to the profile
	var buf bytes.Buffer
	if err := pprof.Lookup("allocs").WriteTo(&buf, 0); err != nil {
		t.Fatal(err)
	}
	p, err := profile.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// share returns the fraction of the sampleType total carried by samples with
// fn on their stack, and that total.
func share(t *testing.T, p *profile.Profile, sampleType, fn string) (float64, int64) {
	t.Helper()
	idx := -1
	for i, st := range p.SampleType {
		if st.Type == sampleType {
			idx = i
		}
	}
	if idx < 0 {
		t.Fatalf("profile has no %s samples", sampleType)
	}
	var total, hit int64
	for _, s := range p.Sample {
		v := s.Value[idx]
		total += v
	stack:
		for _, loc := range s.Location {
			for _, line := range loc.Line {
				if line.Function != nil && line.Function.Name == fn {
					hit += v
					break stack
				}
			}
		}
	}
	if total <= 0 {
		return 0, total
	}
	return float64(hit) / float64(total), total
}

func TestSearchRegexpHotspotIsRegexpCompileInTheCPUProfile(t *testing.T) {
	skipUnderRace(t)
	search := func(svc *Service, n int) func() {
		return func() {
			for range n {
				if rec := get(svc, "/api/search?q=battery"); rec.Code != 200 {
					t.Fatalf("search: status %d", rec.Code)
				}
			}
		}
	}
	// Unfixed, compiling takes a little over half of a search's CPU; the fix
	// must leave none.
	unfixed := cpuProfile(t, 40, search(New(nil), 20))
	got, samples := share(t, unfixed, "samples", "regexp.Compile")
	t.Logf("unfixed: regexp.Compile on %.0f%% of %d samples", 100*got, samples)
	if got < 0.3 {
		t.Errorf("unfixed: regexp.Compile is on %.0f%% of %d CPU samples, want at least 30%%", 100*got, samples)
	}

	fixed := cpuProfile(t, 20, search(New(Fixes{SearchRegexp: true}), 2000))
	got, samples = share(t, fixed, "samples", "regexp.Compile")
	t.Logf("fixed: regexp.Compile on %.0f%% of %d samples", 100*got, samples)
	if got > 0.02 {
		t.Errorf("fixed: regexp.Compile is on %.0f%% of %d CPU samples, want none", 100*got, samples)
	}
}

// bytesPerRequest is the memory allocated by one GET path, averaged over n.
func bytesPerRequest(svc *Service, path string, n int) float64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		get(svc, path)
	}
	runtime.ReadMemStats(&after)
	return float64(after.TotalAlloc-before.TotalAlloc) / float64(n)
}

func TestRenderConcatFixAllocatesFarLess(t *testing.T) {
	const path = "/api/manuals/1/render"
	unfixed := bytesPerRequest(New(nil), path, 5)
	fixed := bytesPerRequest(New(Fixes{RenderConcat: true}), path, 5)
	t.Logf("render manual 1: unfixed %.0f bytes, fixed %.0f bytes per request (%.0fx)", unfixed, fixed, unfixed/fixed)
	if unfixed < 10*fixed {
		t.Fatalf("render manual 1 allocates %.0f bytes unfixed and %.0f fixed: want the fix at least 10x smaller", unfixed, fixed)
	}
}

// TestRenderConcatDominatesTheAllocProfile runs the demo's unfixed mix, two
// searches to each render, and checks that renderConcat is what allocates.
func TestRenderConcatDominatesTheAllocProfile(t *testing.T) {
	skipUnderRace(t)
	svc := New(nil)
	before := allocProfile(t)
	for range 5 {
		get(svc, "/api/search?q=battery")
		get(svc, "/api/search?q=cable")
		get(svc, "/api/manuals/1/render")
	}
	after := allocProfile(t)
	before.Scale(-1)
	delta, err := profile.Merge([]*profile.Profile{before, after})
	if err != nil {
		t.Fatal(err)
	}
	got, total := share(t, delta, "alloc_space", "github.com/hotbench/hotbench/demo.renderConcat")
	t.Logf("renderConcat allocated %.0f%% of %d bytes", 100*got, total)
	if got < 0.5 {
		t.Fatalf("renderConcat allocated %.0f%% of the %d bytes of the demo mix, want more than half", 100*got, total)
	}
}
