package report

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/metric"
)

// Fix is one line of the month's fix log: a hotspot that a saved verdict
// (compare, gate or ab with --save) found improved, with what the verdict
// recorded of the work (--ticket, --pr, --note, the commits of each side).
type Fix struct {
	At time.Time
	// Kind is the verdict's: compare, gate or ab.
	Kind                     string
	Hotspot, Endpoint        string
	Metric                   string
	Base, Candidate          string
	Ticket, PR, Note         string
	BaseCommits, CandCommits []string
	// Row is the hotspot's metric in the verdict: each side's center and
	// interval, the relative change and its p-value; nil when the verdict
	// has no such row.
	Row *compare.RowJSON
	// Profile is the profile's evidence: each function's share then and
	// now, and what the verdict made of it.
	Profile string
	// Evidence is compare's whole sentence.
	Evidence string
}

// parseFixes reads the fix log's lines of one saved verdict: one for each
// hotspot whose verdict is improved.
func parseFixes(data []byte, kind string, at time.Time) ([]Fix, error) {
	j, err := compare.ReadVerdict(data)
	if err != nil {
		return nil, err
	}
	var out []Fix
	for _, h := range j.Hotspots {
		if h.Verdict != compare.VerdictImproved {
			continue
		}
		f := Fix{At: at, Kind: kind, Hotspot: h.Name, Endpoint: h.Endpoint, Metric: h.Metric, Base: j.Base, Candidate: j.Candidate,
			Ticket: j.Ticket, PR: j.PR, Note: j.Note, Evidence: h.Evidence, Profile: profileEvidence(h)}
		if c := j.Commits; c != nil {
			f.BaseCommits, f.CandCommits = shortCommits(c.Base, c.BaseDirty), shortCommits(c.Candidate, c.CandidateDirty)
		}
		for i := range j.Rows {
			if r := &j.Rows[i]; r.Endpoint == h.Endpoint && metric.Canonical(r.Metric) == metric.Canonical(h.Metric) {
				f.Row = r
			}
		}
		out = append(out, f)
	}
	return out, nil
}

func shortCommits(commits []string, dirty bool) []string {
	var out []string
	for i, c := range commits {
		// A side pooled from several commits is dirty in some run: the
		// mark goes on the last.
		out = append(out, shortCommit(c, dirty && i == len(commits)-1))
	}
	return out
}

// profileEvidence is the functions' part of a verdict: "regexp.Compile
// 55.0% → 3.07% of CPU (-51.9 pp, p=0.0022); confirmed by the profile:
// regexp.Compile shrank".
func profileEvidence(h compare.HotspotJSON) string {
	var parts []string
	for _, f := range h.Functions {
		noun := "CPU"
		if f.Kind == "allocs" {
			noun = "allocations"
		}
		switch {
		case f.Missing != "":
			parts = append(parts, fmt.Sprintf("%s: no %s profile in the %s", f.Name, noun, f.Missing))
		case f.TooFewSamples:
			parts = append(parts, fmt.Sprintf("%s %s → %s of %s: %s", f.Name, formatPercent(float64(f.BaseShare)), formatPercent(float64(f.CandidateShare)), noun, f.Note))
		default:
			parts = append(parts, fmt.Sprintf("%s %s → %s of %s (%s, p=%s)", f.Name, formatPercent(float64(f.BaseShare)),
				formatPercent(float64(f.CandidateShare)), noun, formatPoints(float64(f.DeltaPP)/100), formatP(float64(f.P))))
		}
	}
	s := strings.Join(parts, ", ")
	if h.Reason != "" {
		s = strings.TrimPrefix(s+"; "+h.Reason, "; ")
	}
	if s == "" {
		return "no hotspot functions declared: the metric alone decided"
	}
	return s
}

// ChangeText is the measured change with each side's interval: "p99
// 48.4ms [47.1ms, 50.2ms] → 3.40ms [3.21ms, 3.66ms] (-93.0%, p=0.0022,
// n=6+6)"; compare's sentence when the verdict has no row.
func (f Fix) ChangeText() string {
	r := f.Row
	if r == nil {
		return f.Evidence
	}
	side := func(s compare.StatJSON) string {
		st := compare.Stat{Center: float64(s.Center), Lo: float64(s.Lo), Hi: float64(s.Hi)}
		return formatMetric(r.Metric, st.Center) + " " + interval(r.Metric, st)
	}
	delta := "~"
	switch {
	case r.Significant && r.DeltaPP != nil:
		delta = formatPoints(float64(*r.DeltaPP) / 100)
	case r.Significant && !math.IsNaN(float64(r.Delta)):
		delta = metric.Format(float64(r.Delta), metric.Delta)
	}
	return fmt.Sprintf("%s %s → %s (%s, p=%s, n=%d+%d)", metricLabel(r.Metric), side(r.Base), side(r.Candidate),
		delta, formatP(float64(r.P)), r.Base.N, r.Candidate.N)
}

// TrackedAs is the fix's ticket and pull request: "PERF-12, PR #41", or
// "–".
func (f Fix) TrackedAs() string {
	var parts []string
	if f.Ticket != "" {
		parts = append(parts, f.Ticket)
	}
	if f.PR != "" {
		parts = append(parts, "PR "+f.PR)
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, ", ")
}

// CommitsText is "base 0b0c6193f4ec → candidate 7f3a9e2d1c00", or "–".
func (f Fix) CommitsText() string {
	if len(f.BaseCommits) == 0 && len(f.CandCommits) == 0 {
		return "–"
	}
	list := func(cs []string) string {
		if len(cs) == 0 {
			return "unknown"
		}
		return strings.Join(cs, ", ")
	}
	return list(f.BaseCommits) + " → " + list(f.CandCommits)
}
