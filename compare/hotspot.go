package compare

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/scenarios"
)

// Verdict is a hotspot's verdict, as docs/design.md names it in the JSON's
// "verdict": it joins the hotspot's metric with its functions' profile
// shares (judge's rules).
type Verdict string

// The verdicts of a hotspot.
const (
	VerdictImproved     Verdict = "improved"
	VerdictRegressed    Verdict = "regressed"
	VerdictNoChange     Verdict = "no significant change"
	VerdictInconclusive Verdict = "inconclusive"
)

// HotspotVerdict joins a hotspot's metric row with its functions' share rows.
type HotspotVerdict struct {
	Name, Endpoint, Metric string
	// Verdict is one of the Verdict constants.
	Verdict Verdict
	// Evidence is one sentence with the numbers behind the verdict:
	// "p99 51.2ms → 12.3ms (-76.0%, p=0.00018, n=10+10); regexp.Compile 41.0% → 3.00% of CPU (-38.0 pp)".
	Evidence string
	// Reason says why a verdict is inconclusive, or qualifies another one.
	Reason    string
	Objective scenarios.Quantity
	// ObjectiveMet says whether the candidate's center meets an absolute
	// objective; nil when the hotspot has none or it cannot be judged.
	ObjectiveMet *bool
	Functions    []FunctionChange
}

// FunctionChange is a declared hotspot function's share of the profile
// samples (CPU, or allocations for an alloc_per_req hotspot), as the medians
// of per-repetition shares. Shares are NaN on a side without profiles.
type FunctionChange struct {
	Name                      string
	Kind                      string // "cpu" or "allocs"
	BaseShare, CandidateShare float64
	// DeltaPP is the change in percentage points: 70.83 % → 75.00 % is
	// +4.17 pp (never +5.9 %).
	DeltaPP float64
	P       float64
	Change  Change
	// MinSamples is the fewest samples of any repetition's profile on
	// either side (0: unknown). Below profiles.min_samples, TooFewSamples is
	// true: the shares are shown but not tested, and Note says
	// "too few samples (N)".
	MinSamples    int64
	TooFewSamples bool
	Note          string
	// Missing names the sides without this function's share ("base",
	// "candidate", "base and candidate"); empty when both have it.
	Missing string
}

// judge decides one hotspot's verdict from the comparison's rows. The
// rules, in order:
//   - a latency metric of closed-model runs, or rps of open-model runs:
//     inconclusive (capacity runs give no latency verdicts; a scheduled
//     rate is an input);
//   - no metric row, or too few runs to see a change: inconclusive;
//   - metric regressed: regressed, unless a function's share shrank
//     significantly (metric and profile disagree: inconclusive);
//   - metric improved: improved, unless a declared function has no
//     profile at all (cannot confirm where: inconclusive) or a share grew
//     significantly (disagreement: inconclusive); shrinking shares are
//     stronger evidence;
//   - metric ~: no significant change, unless a profile is missing, or a
//     share changed significantly (inconclusive).
//
// A share from too few samples (profiles.min_samples) is no evidence
// either way: it does not feed the verdict, which then rests on the metric
// and the other functions, and the reason says so. A fix that takes a
// server from busy to idle leaves its candidate profile nearly empty; that
// must not make a clear metric change inconclusive, nor a thin profile
// "confirm" anything.
func judge(c *Comparison, h scenarios.Hotspot) HotspotVerdict {
	v := HotspotVerdict{Name: h.Name, Endpoint: h.Endpoint, Metric: h.Metric, Objective: h.Objective}
	// A function's share is evidence in every profile kind that has it: CPU
	// time for a compute hotspot, allocated bytes for an allocation one.
	kinds := metric.ShareKinds
	if h.Metric == metric.AllocPerReq {
		kinds = []string{"allocs", "cpu"}
	}
	var missing, thin, grew, shrank []string
	var fparts []string
	for _, f := range h.Functions {
		found, usable := false, false
		for _, kind := range kinds {
			r := c.Row(h.Endpoint, metric.Share(kind, f))
			if r == nil {
				continue
			}
			found = true
			fc := FunctionChange{Name: f, Kind: kind,
				BaseShare: r.Base.Center, CandidateShare: r.Candidate.Center, DeltaPP: r.DeltaPP,
				P: r.P, Change: r.Change, MinSamples: r.MinSamples, TooFewSamples: r.TooFewSamples}
			if r.TooFewSamples {
				fc.Note = fmt.Sprintf("too few samples (%d)", r.MinSamples)
				fparts = append(fparts, fmt.Sprintf("%s %s → %s of %s: %s", f,
					formatShare(r.Base.Center), formatShare(r.Candidate.Center), kindNoun(kind), fc.Note))
				v.Functions = append(v.Functions, fc)
				continue
			}
			usable = true
			v.Functions = append(v.Functions, fc)
			switch r.Change {
			case Regressed:
				grew = append(grew, f)
			case Improved:
				shrank = append(shrank, f)
			}
			fparts = append(fparts, fmt.Sprintf("%s %s → %s of %s (%s)", f,
				formatShare(r.Base.Center), formatShare(r.Candidate.Center), kindNoun(kind), formatPP(r.DeltaPP)))
		}
		switch {
		case found && !usable:
			thin = append(thin, f)
		case !found:
			kind := kinds[0]
			fc := FunctionChange{Name: f, Kind: kind, BaseShare: math.NaN(), CandidateShare: math.NaN(), DeltaPP: math.NaN(), P: math.NaN(), Change: NoChange}
			fc.Missing = missingSides(c, h.Endpoint, metric.Share(kind, f))
			missing = append(missing, f)
			fparts = append(fparts, fmt.Sprintf("%s: no %s profile in the %s", f, kindNoun(kind), fc.Missing))
			v.Functions = append(v.Functions, fc)
		}
	}
	grew, shrank = slices.Compact(grew), slices.Compact(shrank)

	m := c.Row(h.Endpoint, h.Metric)
	var evidence string
	if m == nil {
		evidence = fmt.Sprintf("%s %s: not measured on both sides", h.Endpoint, h.Metric)
	} else {
		evidence = metricEvidence(m)
		if !latencyUnjudged(c, h.Metric) && !m.Input {
			v.ObjectiveMet = objectiveMet(h, m)
		}
	}
	if len(fparts) > 0 {
		evidence += "; " + strings.Join(fparts, ", ")
	}
	v.Evidence = evidence

	// Why the profile cannot confirm where a change happened, if it cannot.
	var unconfirmed, unfed string
	if len(missing) > 0 {
		unconfirmed = fmt.Sprintf("missing %s profiles for %s", kindNoun(kinds[0]), strings.Join(missing, ", "))
	}
	if len(thin) > 0 {
		unfed = fmt.Sprintf("too few profile samples for %s: not used as evidence", strings.Join(thin, ", "))
	}
	switch {
	case latencyUnjudged(c, h.Metric):
		v.Verdict, v.Reason = VerdictInconclusive, closedModelWarning
	case m != nil && m.Input:
		v.Verdict, v.Reason = VerdictInconclusive, inputWarning
	case m == nil:
		v.Verdict, v.Reason = VerdictInconclusive, fmt.Sprintf("no %s values for %s on both sides", h.Metric, h.Endpoint)
	case m.TooFewRuns:
		v.Verdict, v.Reason = VerdictInconclusive, "too few runs: "+tooFewMessage(m.Base.N, m.Candidate.N, c.Alpha)
	case m.Change == Regressed && len(shrank) > 0:
		v.Verdict, v.Reason = VerdictInconclusive, fmt.Sprintf("%s regressed but %s shrank in the profile: metric and profile disagree", h.Metric, strings.Join(shrank, ", "))
	case m.Change == Regressed:
		v.Verdict = VerdictRegressed
		if unconfirmed != "" {
			v.Reason = unconfirmed + " to say where"
		}
	case unconfirmed != "":
		v.Verdict, v.Reason = VerdictInconclusive, unconfirmed+": cannot confirm where the change happened"
	case m.Change == Improved && len(grew) > 0:
		v.Verdict, v.Reason = VerdictInconclusive, fmt.Sprintf("%s improved but %s grew in the profile: metric and profile disagree", h.Metric, strings.Join(grew, ", "))
	case m.Change == Improved:
		v.Verdict = VerdictImproved
		if len(shrank) > 0 {
			v.Reason = "confirmed by the profile: " + strings.Join(shrank, ", ") + " shrank"
		}
	case len(grew)+len(shrank) > 0:
		v.Verdict, v.Reason = VerdictInconclusive, fmt.Sprintf("%s did not change significantly but %s did in the profile: metric and profile disagree",
			h.Metric, strings.Join(append(grew, shrank...), ", "))
	default:
		v.Verdict = VerdictNoChange
	}
	if unfed != "" && v.Verdict != VerdictInconclusive {
		v.Reason = strings.TrimPrefix(v.Reason+"; "+unfed, "; ")
	}
	if v.Reason != "" {
		v.Evidence += " — " + v.Reason
	}
	return v
}

// latencyUnjudged reports whether metric is a latency of closed-model runs,
// which measure capacity: docs/design.md gives them no latency verdicts.
func latencyUnjudged(c *Comparison, name string) bool {
	m, _ := metric.Lookup(name)
	return c.closed && m.IsLatency()
}

// metricEvidence is "p99 51.2ms → 12.3ms (-76.0%, p=0.00018, n=10+10)".
func metricEvidence(r *Row) string {
	b, c := formatValue(r.Metric, r.Base.Center), formatValue(r.Metric, r.Candidate.Center)
	change := formatChange(r.Delta)
	if !r.Significant {
		change = "~"
	}
	if r.TooFewRuns {
		change = "? n too small"
	}
	switch {
	case r.Input:
		return fmt.Sprintf("%s %s → %s (input: target %s)", r.Metric, b, c, formatTarget(r.Target))
	case r.Test == TestFisher:
		return fmt.Sprintf("%s %s → %s (%s, Fisher p=%s, %d/%d → %d/%d requests failed)", r.Metric, b, c, change, formatP(r.P),
			r.Base.Errors, r.Base.Requests, r.Candidate.Errors, r.Candidate.Requests)
	}
	return fmt.Sprintf("%s %s → %s (%s, p=%s, n=%d+%d)", r.Metric, b, c, change, formatP(r.P), r.Base.N, r.Candidate.N)
}

// objectiveMet compares the candidate's center with an absolute objective.
func objectiveMet(h scenarios.Hotspot, r *Row) *bool {
	if h.Objective.Relative || (h.Objective.Value == 0 && h.Objective.Text == "") {
		return nil
	}
	met := r.Candidate.Center <= h.Objective.Value
	if higherIsBetter(h.Metric) {
		met = r.Candidate.Center >= h.Objective.Value
	}
	return &met
}

// missingSides names the sides that have no values for a share row.
func missingSides(c *Comparison, endpoint, metric string) string {
	if s, ok := c.oneSided[endpoint+" "+metric]; ok {
		return s
	}
	return "base and candidate"
}

func kindNoun(kind string) string {
	if kind == "allocs" {
		return "allocations"
	}
	return "CPU"
}
