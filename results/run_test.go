package results

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// ProfilesOf gathers one kind of profile over the valid repetitions of
// several runs, run after run, each named by its run and repetition, with
// the strictest profiles.min_samples of their scenarios.
func TestProfilesOf(t *testing.T) {
	run := func(dir, label string, minSamples int, valid ...bool) *Run {
		r := &Run{Scenario: testScenario(1), Label: label, Dir: dir}
		r.Scenario.Profiles.MinSamples = minSamples
		for i, ok := range valid {
			rep := Repetition{Index: i + 1, Complete: true, Profiles: []Profile{
				{Kind: "cpu", File: fmt.Sprintf("profiles/rep-%02d-cpu.pb.gz", i+1)},
				{Kind: "allocs", File: fmt.Sprintf("profiles/rep-%02d-allocs.pb.gz", i+1)},
			}}
			if !ok {
				rep.Invalid = []string{"the generator fell behind"}
			}
			r.Repetitions = append(r.Repetitions, rep)
		}
		return r
	}
	a := run("res/a", "before", 100, true, false, true)
	b := run("res/b", "after", 250, true)
	files, names, minSamples := ProfilesOf([]*Run{a, b}, "cpu")
	wantFiles := []string{
		filepath.Join("res/a", "profiles", "rep-01-cpu.pb.gz"),
		filepath.Join("res/a", "profiles", "rep-03-cpu.pb.gz"),
		filepath.Join("res/b", "profiles", "rep-01-cpu.pb.gz"),
	}
	wantNames := []string{a.Ref() + " rep-01", a.Ref() + " rep-03", b.Ref() + " rep-01"}
	if strings.Join(files, " ") != strings.Join(wantFiles, " ") {
		t.Errorf("files %v, want %v (the invalid repetition left out)", files, wantFiles)
	}
	if strings.Join(names, "|") != strings.Join(wantNames, "|") {
		t.Errorf("names %q, want %q", names, wantNames)
	}
	if minSamples != 250 {
		t.Errorf("min samples %d, want the larger of 100 and 250", minSamples)
	}
	if files, _, _ := ProfilesOf([]*Run{a}, "mutex"); len(files) != 0 {
		t.Errorf("mutex profiles %v, want none", files)
	}
}
