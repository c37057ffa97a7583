package report

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"

	"github.com/hotbench/hotbench/profiles"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// errNoProfiles says a run captured no profile of the kind asked for.
var errNoProfiles = errors.New("no profiles of this kind were captured")

// mergedProfile merges one kind of profile over a run's valid repetitions
// (all of them when none is valid, as results.Summarize does) and
// describes each profile merged. Any unreadable file is an error: a table
// over some repetitions would pass for one over all.
func mergedProfile(r *results.Run, kind string) (*profile.Profile, profiles.Sources, error) {
	if r.Dir == "" {
		return nil, profiles.Sources{}, errors.New("the run has no folder to read profiles from")
	}
	reps, _ := r.MergedRepetitions() // those the report's numbers come from
	var files, names []string
	for _, rep := range reps {
		for _, p := range rep.Profiles {
			if p.Kind == kind {
				files = append(files, filepath.Join(r.Dir, filepath.FromSlash(p.File)))
				names = append(names, fmt.Sprintf("rep-%02d", rep.Index))
			}
		}
	}
	if len(files) == 0 {
		return nil, profiles.Sources{}, errNoProfiles
	}
	m, src, err := profiles.LoadMerged(files, names)
	if err != nil {
		return nil, profiles.Sources{}, err
	}
	src.MinSamples = int64(r.Scenario.Profiles.MinSamples)
	return m, src, nil
}

// sourcesText says what a merged profile holds, for a report: "6
// profiles, 3,120 samples over 2m0s", and a caveat when a profile holds
// fewer samples than the scenario's profiles.min_samples: "rep-03 holds
// 12 samples, fewer than 100: its shares are noise".
func sourcesText(src profiles.Sources) (summary, caveat string) {
	var total int64
	var secs float64
	var thin []string
	least := src.MinSamples
	if least <= 0 {
		least = scenarios.DefaultMinSamples
	}
	for _, p := range src.Profiles {
		total += p.Samples
		secs += p.Duration.Seconds()
		if p.Samples < least {
			thin = append(thin, fmt.Sprintf("%s holds %s", p.Name, countOf(p.Samples, "sample")))
		}
	}
	summary = fmt.Sprintf("%s, %s", plural(len(src.Profiles), "profile"), countOf(total, "sample"))
	if secs > 0 {
		summary += " over " + formatSpan(secs)
	}
	if len(thin) > 0 {
		its := "its shares are"
		if len(thin) > 1 {
			its = "their shares are"
		}
		caveat = fmt.Sprintf("%s, fewer than %d: %s noise", strings.Join(thin, ", "), least, its)
	}
	return summary, caveat
}

// formatSpan writes seconds as "20 s", "2 min", "1.5 h".
func formatSpan(secs float64) string {
	switch {
	case secs >= 5400:
		return sig3(secs/3600) + " h"
	case secs >= 120:
		return sig3(secs/60) + " min"
	}
	return sig3(secs) + " s"
}

// sig3 writes v with three significant digits (more for large integer
// parts), without an exponent and without trailing zeros: 1.25 → "1.25",
// 2.0 → "2".
func sig3(v float64) string {
	if v == 0 {
		return "0"
	}
	dec := min(max(2-int(math.Floor(math.Log10(math.Abs(v)))), 0), 6)
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// countOf is "1 sample", "3,120 samples".
func countOf(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return formatCount(n) + " " + noun + "s"
}
