package compare

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"golang.org/x/perf/benchmath"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// Defaults for Options, the same as benchstat's.
const (
	DefaultAlpha      = 0.05
	DefaultConfidence = 0.95
)

// Change is what a Row (or a hotspot function's share) did, in the
// metric's direction, as docs/design.md names it in the JSON's "change":
// Improved, Regressed or NoChange ("~": not significant, or not tested).
type Change string

// The changes of a Row.
const (
	Improved  Change = "improved"
	Regressed Change = "regressed"
	NoChange  Change = "~"
)

// Metric name prefixes of the rows that hold a hotspot function's share of
// the profile's samples, per repetition: "cpu_share:manuals.(*Store).StepsFor"
// (metric's names).
const (
	CPUSharePrefix   = metric.CPUSharePrefix
	AllocSharePrefix = metric.AllocSharePrefix
)

// Options configure Compare.
type Options struct {
	// Alpha is the significance level: a change is reported only when
	// p ≤ Alpha. 0 means DefaultAlpha.
	Alpha float64
	// Confidence is the level of the intervals around each center.
	// 0 means DefaultConfidence.
	Confidence float64
	// Force compares runs of different scenarios or endpoint sets, with a
	// warning, instead of refusing with a *MismatchError.
	Force bool
	// Metrics are more metrics to compare, beyond metric.Standard and the
	// percentiles the runs' scenarios name (hotspots, gate keys): those a
	// policy from the command line names, say (Policy.Metrics). Any
	// percentile is a metric ("p95", "p99.9").
	Metrics []string
}

// Stat summarises one side's sample of a metric: its median and the
// order-statistic confidence interval around it. Lo and Hi are ±Inf when the
// sample is too small for an interval at the requested confidence.
//
// For error_rate rows the center is the pooled rate (all failed requests
// over all requests of the valid repetitions), the interval is Wilson's,
// Errors and Requests are those pooled counts, and N still counts the
// repetitions.
type Stat struct {
	Center, Lo, Hi   float64
	N                int
	Errors, Requests int64
}

// Row is the comparison of one metric of one endpoint.
type Row struct {
	Endpoint, Metric string
	Base, Candidate  Stat
	// Delta is the relative change of the centers, cand/base − 1. It is 0
	// when both centers are equal (also both 0) and NaN when only the base
	// center is 0, where no relative change exists (JSON writes null).
	Delta float64
	// DeltaPP is the change of a profile-share or error_rate row (fractions
	// both) in percentage points, (cand − base) × 100: a share of 70.83 % →
	// 75.00 % is +4.17 pp, never +5.9 %. 0 for other rows.
	DeltaPP float64
	// P is the row's own p-value, not corrected for the other rows (the
	// gate corrects, see Gate): Mann–Whitney U on per-repetition values as
	// benchstat computes it, 1 when all values are equal; Fisher's exact
	// test on pooled counts for error_rate. NaN when the row is not tested
	// (Input, TooFewSamples).
	P float64
	// Test names where P comes from: TestMannWhitney, TestFisher, or ""
	// for a row that is not tested.
	Test string
	// Significant is P ≤ alpha, as benchstat decides it.
	Significant bool
	// Change is Improved, Regressed or NoChange, in the metric's direction.
	Change Change
	// TooFewRuns is true when, with these sample sizes, no difference could
	// be significant at alpha: a "~" here means "cannot tell", not "same".
	TooFewRuns bool
	// Input is true for rps in the open model: the schedule sets the rate,
	// so the row shows the achieved rate against Target and is never
	// significant, never a change, never gated.
	Input bool
	// Target is the rate the open-model schedule asked of the endpoint
	// (the candidate's; the base's when the candidate does not know it).
	Target float64
	// MinSamples is, for profile-share rows, the fewest profile samples any
	// repetition's share on either side was computed from (0: unknown).
	// TooFewSamples is true when it is below profiles.min_samples: then the
	// shares are shown but not tested.
	MinSamples    int64
	TooFewSamples bool
	// Warnings are benchmath's caveats and hotbench's own.
	Warnings []string
}

// Comparison is the result of comparing a base and a candidate set of runs.
type Comparison struct {
	// Base and Candidate name the two sides: "scenario@label".
	Base, Candidate string
	// BasePaths and CandidatePaths are the run folders, where known.
	BasePaths, CandidatePaths []string
	Scenario                  string
	Alpha, Confidence         float64
	// BaseRuns and CandidateRuns count the pooled valid repetitions of each
	// side: the samples.
	BaseRuns, CandidateRuns int
	// LeftOut counts each side's invalid repetitions, which are never
	// samples; Warnings say why they are invalid.
	LeftOut LeftOut
	// NeedRuns is the fewest repetitions a side with which anything can be
	// significant at Alpha; RecommendedRuns is what we advise.
	NeedRuns, RecommendedRuns int
	// TooFewRuns is true when some row cannot reach significance.
	TooFewRuns bool
	Rows       []Row
	Hotspots   []HotspotVerdict
	// Warnings are caveats about the whole comparison: too few runs,
	// different scenario versions, hosts or hotbench versions.
	Warnings []string

	// candZero lists the candidate's endpoints without one successful
	// response in some valid repetition: an SLO breach, always.
	candZero []zeroSuccess

	// oneSided maps "endpoint metric" to the side without values, for
	// metrics measured on one side only.
	oneSided map[string]string
	// candidateOnly holds the candidate's summaries of the metrics that
	// only the candidate measured (a base without server statistics, a
	// forced comparison with an endpoint only the candidate has): nothing
	// can be compared there, but the candidate's SLOs must still hold.
	candidateOnly []candidateValue
	// closed is true when either side ran the closed model (rate: max):
	// such runs measure capacity, so latencies are shown but not judged.
	closed bool
}

// LeftOut counts the invalid repetitions of each side.
type LeftOut struct {
	Base, Candidate int
}

// candidateValue is the candidate's summary of a metric the base lacks.
type candidateValue struct {
	Endpoint, Metric string
	Candidate        Stat
	// input marks open-model rps, which no SLO judges.
	input bool
}

// closedModelWarning is the Comparison warning for closed-model runs.
const closedModelWarning = "closed-model runs (rate: max) measure capacity, not latency: latency changes are shown but not judged"

// Row returns the row of an endpoint's metric, or nil. The metric may be
// spelt either way (p99.9 or p999).
func (c *Comparison) Row(endpoint, name string) *Row {
	name = metric.Canonical(name)
	if serverWide(name) {
		endpoint = ServerEndpoint
	}
	for i := range c.Rows {
		if c.Rows[i].Endpoint == endpoint && c.Rows[i].Metric == name {
			return &c.Rows[i]
		}
	}
	return nil
}

// Endpoints lists the endpoints that have rows, in row order.
func (c *Comparison) Endpoints() []string {
	var names []string
	for _, r := range c.Rows {
		if !slices.Contains(names, r.Endpoint) {
			names = append(names, r.Endpoint)
		}
	}
	return names
}

// MismatchError is returned when the two sides are not runs of the same
// scenario with the same endpoints. The command maps it to exit status 2.
type MismatchError struct {
	// What differs: "scenario" or "endpoints".
	What            string
	Base, Candidate string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("cannot compare runs with different %s (base: %s; candidate: %s): compare runs of one scenario, or pass --force",
		e.What, e.Base, e.Candidate)
}

// Compare pools the valid repetitions of each side's runs and compares
// every endpoint metric and every hotspot function share between them,
// then judges each hotspot of the candidate's scenario. Invalid
// repetitions are left out and counted (Comparison.LeftOut); a side with no
// valid repetition at all is an *InconclusiveError.
func Compare(base, cand []*results.Run, opts Options) (*Comparison, error) {
	if opts.Alpha == 0 {
		opts.Alpha = DefaultAlpha
	}
	if opts.Confidence == 0 {
		opts.Confidence = DefaultConfidence
	}
	if !(opts.Alpha > 0 && opts.Alpha < 1) {
		return nil, fmt.Errorf("alpha %g is out of range: use a value between 0 and 1, like 0.05", opts.Alpha)
	}
	if !(opts.Confidence > 0 && opts.Confidence < 1) {
		return nil, fmt.Errorf("confidence %g is out of range: use a value between 0 and 1, like 0.95", opts.Confidence)
	}
	for _, name := range opts.Metrics {
		if m, err := metric.Parse(name); err != nil || m.IsShare() {
			return nil, fmt.Errorf("compare %q: %v", name, cmpOr(err, "profile shares are compared for the hotspots' functions"))
		}
	}
	names := metricsFor(append(slices.Clone(base), cand...), opts.Metrics)
	b, err := newSide("base", base, names)
	if err != nil {
		return nil, err
	}
	c, err := newSide("candidate", cand, names)
	if err != nil {
		return nil, err
	}
	return compareSides(b, c, opts)
}

// compareSides is Compare on sides already read.
func compareSides(b, c *side, opts Options) (*Comparison, error) {
	cmp := &Comparison{
		Base:            b.name(),
		Candidate:       c.name(),
		BasePaths:       b.paths(),
		CandidatePaths:  c.paths(),
		Scenario:        c.runs[0].Scenario.Name,
		Alpha:           opts.Alpha,
		Confidence:      opts.Confidence,
		BaseRuns:        b.n,
		CandidateRuns:   c.n,
		LeftOut:         LeftOut{Base: b.leftOut, Candidate: c.leftOut},
		NeedRuns:        NeedRuns(opts.Alpha),
		RecommendedRuns: RecommendedRuns,
		candZero:        c.zero,
	}
	if err := checkSides(cmp, b, c, opts.Force); err != nil {
		return nil, err
	}
	cmp.Warnings = append(cmp.Warnings, b.warnings...)
	cmp.Warnings = append(cmp.Warnings, c.warnings...)
	warnProvenance(cmp, b, c)
	if b.closed() || c.closed() {
		cmp.closed = true
		cmp.Warnings = append(cmp.Warnings, closedModelWarning)
	}
	for _, s := range []*side{b, c} {
		for _, z := range s.zero {
			cmp.Warnings = append(cmp.Warnings, zeroSuccessMessage(s.role, z))
		}
	}

	// Endpoints in the base's order; with Force, only those both sides have
	// are compared, and those only the candidate has keep its values for
	// the SLOs.
	bEndpoints, cEndpoints := b.endpoints(), c.endpoints()
	names := b.metricNames()
	for _, e := range bEndpoints {
		if !slices.Contains(cEndpoints, e) {
			continue
		}
		for _, m := range names {
			switch {
			case serverWide(m):
				continue
			case m == metric.ErrorRate:
				cmp.addCountRow(e, m, b.counts[e], c.counts[e])
			case m == metric.RPS && !cmp.closed:
				cmp.addInputRow(e, b, c)
			default:
				cmp.addRow(e, m, b.values(e, m), c.values(e, m))
			}
		}
	}
	for _, e := range cEndpoints {
		if slices.Contains(bEndpoints, e) {
			continue
		}
		for _, m := range names {
			switch {
			case serverWide(m):
			case m == metric.ErrorRate:
				if ec, ok := c.counts[e]; ok {
					cmp.candidateOnly = append(cmp.candidateOnly, candidateValue{e, m, countStat(ec, cmp.Confidence), false})
				}
			default:
				cmp.addCandidateOnly(e, m, c.values(e, m))
			}
		}
	}
	// CPU and allocations per request are the server's over the whole mix:
	// one row each, not a copy under every endpoint.
	if common := commonEndpoints(bEndpoints, cEndpoints); len(common) > 0 {
		for _, m := range metric.ServerMetrics {
			cmp.addRow(ServerEndpoint, m, b.values(common[0], m), c.values(common[0], m))
		}
	} else if len(cEndpoints) > 0 {
		for _, m := range metric.ServerMetrics {
			cmp.addCandidateOnly(ServerEndpoint, m, c.values(cEndpoints[0], m))
		}
	}
	minSamples := max(b.minSamples(), c.minSamples())
	hotspots := c.runs[0].Scenario.Hotspots
	for _, h := range hotspots {
		for _, f := range h.Functions {
			for _, kind := range metric.ShareKinds {
				share := metric.Share(kind, f)
				if cmp.Row(h.Endpoint, share) != nil {
					continue
				}
				bv, bmin := b.shares(h.Name, f, kind)
				cv, cmin := c.shares(h.Name, f, kind)
				if len(bv) == 0 && len(cv) == 0 {
					continue // this kind was not profiled; verdicts note it when needed
				}
				if r := cmp.addRow(h.Endpoint, share, bv, cv); r != nil {
					r.MinSamples = min(bmin, cmin)
					if r.MinSamples < minSamples {
						untested(r, fmt.Sprintf("too few samples (%d): shares are tested only when every repetition's profile on both sides has ≥%d samples (profiles.min_samples)",
							r.MinSamples, minSamples))
						r.TooFewSamples = true
					}
				}
			}
		}
	}
	warnPower(cmp)
	for _, h := range hotspots {
		cmp.Hotspots = append(cmp.Hotspots, judge(cmp, h))
	}
	return cmp, nil
}

// zeroSuccessMessage says that an endpoint had no successful response in
// some repetitions.
func zeroSuccessMessage(role string, z zeroSuccess) string {
	how := ""
	if z.detail != "" {
		how = ": " + z.detail
	}
	return fmt.Sprintf("%s %s: no successful response in %s %s (%d requests, all failed%s)",
		role, z.endpoint, plural(len(z.reps), "repetition", "repetitions"), strings.Join(z.reps, ", "), z.requests, how)
}

// untested turns a row into a description: its centers and intervals stay,
// but it has no p-value, no significance and no change.
func untested(r *Row, why string) {
	r.P, r.Test, r.Significant, r.Change, r.TooFewRuns = math.NaN(), "", false, NoChange, false
	// Caveats about testing go; those about the intervals stay.
	r.Warnings = append([]string{why}, slices.DeleteFunc(r.Warnings, func(w string) bool {
		return strings.HasPrefix(w, "need ≥") || strings.Contains(w, "to detect a difference")
	})...)
}

// addRow compares two samples, or warns when one side has none. It returns
// the new row, or nil.
func (c *Comparison) addRow(endpoint, metric string, b, cand []float64) *Row {
	if !c.bothSides(endpoint, metric, len(b) > 0, len(cand) > 0) {
		if len(b) == 0 {
			c.addCandidateOnly(endpoint, metric, cand)
		}
		return nil
	}
	r := compareSamples(endpoint, metric, b, cand, c.Alpha, c.Confidence)
	if isShareRow(metric) {
		r.DeltaPP = (r.Candidate.Center - r.Base.Center) * 100
	}
	c.Rows = append(c.Rows, r)
	return &c.Rows[len(c.Rows)-1]
}

// addCountRow compares pooled error counts with Fisher's exact test.
func (c *Comparison) addCountRow(endpoint, metric string, b, cand errorCounts) {
	if !c.bothSides(endpoint, metric, b.reps > 0, cand.reps > 0) {
		if b.reps == 0 && cand.reps > 0 {
			c.candidateOnly = append(c.candidateOnly, candidateValue{endpoint, metric, countStat(cand, c.Confidence), false})
		}
		return
	}
	c.Rows = append(c.Rows, compareCounts(endpoint, metric, b, cand, c.Alpha, c.Confidence))
}

// inputWarning is the footnote of an open-model rps row.
const inputWarning = "rps is an input in the open model: the schedule sets it, so it is shown against the target and never judged"

// addInputRow shows an open-model endpoint's achieved rate: summaries as
// benchstat computes them, no test. A side more than 1 % short of its
// target warns: its generator could not keep up.
func (c *Comparison) addInputRow(endpoint string, b, cand *side) {
	r := c.addRow(endpoint, metric.RPS, b.values(endpoint, metric.RPS), cand.values(endpoint, metric.RPS))
	if r == nil {
		return
	}
	untested(r, inputWarning)
	r.Input = true
	bt, ct := b.target(endpoint), cand.target(endpoint)
	r.Target = ct
	if r.Target == 0 {
		r.Target = bt
	}
	for _, s := range []struct {
		role   string
		center float64
		target float64
	}{{"base", r.Base.Center, bt}, {"candidate", r.Candidate.Center, ct}} {
		if s.target > 0 && s.center < 0.99*s.target {
			c.Warnings = append(c.Warnings, fmt.Sprintf(
				"%s %s achieved %s of its %s target (%s): the load generator could not keep up, so the server got less load than the scenario asks",
				s.role, endpoint, formatTarget(s.center), formatTarget(s.target), formatChange(s.center/s.target-1)))
		}
	}
}

// bothSides reports whether both sides have values; if only one has, it
// warns and remembers the side without.
func (c *Comparison) bothSides(endpoint, metric string, b, cand bool) bool {
	switch {
	case b && cand:
		return true
	case !b && !cand:
		return false // metric not measured at all (no server statistics, say)
	}
	missing := "base"
	if !cand {
		missing = "candidate"
	}
	c.Warnings = append(c.Warnings, fmt.Sprintf("%s %s: the %s has no values, so it is not compared", endpoint, metric, missing))
	if c.oneSided == nil {
		c.oneSided = map[string]string{}
	}
	c.oneSided[endpoint+" "+metric] = missing
	return false
}

// addCandidateOnly keeps the candidate's summary of a metric the base
// lacks, so that Gate checks its SLOs; no values, no entry.
func (c *Comparison) addCandidateOnly(endpoint, name string, cand []float64) {
	if len(cand) == 0 {
		return
	}
	input := name == metric.RPS && !c.closed
	c.candidateOnly = append(c.candidateOnly, candidateValue{endpoint, name, summarize(cand, c.Alpha, c.Confidence), input})
}

// summarize is one sample's Stat, the AssumeNothing summary as in
// compareSamples.
func summarize(values []float64, alpha, confidence float64) Stat {
	s := benchmath.NewSample(slices.Clone(values), &benchmath.Thresholds{CompareAlpha: alpha})
	sum := benchmath.AssumeNothing.Summary(s, confidence)
	return Stat{Center: sum.Center, Lo: sum.Lo, Hi: sum.Hi, N: len(s.Values)}
}

// CompareSamples is one row's statistics of two samples of per-repetition
// values, exactly as Compare computes them (benchstat's median, interval
// and U test at alpha). Calibration simulates the gate's power with it.
func CompareSamples(endpoint, metric string, base, cand []float64, alpha float64) Row {
	return compareSamples(endpoint, metric, base, cand, alpha, DefaultConfidence)
}

// compareSamples is the statistics of one row, done as cmd/benchstat does
// them: benchmath samples with CompareAlpha thresholds, the AssumeNothing
// summary (median, order-statistic interval) and U test.
func compareSamples(endpoint, metric string, base, cand []float64, alpha, confidence float64) Row {
	th := &benchmath.Thresholds{CompareAlpha: alpha}
	// NewSample sorts in place; the callers' slices stay untouched.
	bs := benchmath.NewSample(slices.Clone(base), th)
	cs := benchmath.NewSample(slices.Clone(cand), th)
	bsum := benchmath.AssumeNothing.Summary(bs, confidence)
	csum := benchmath.AssumeNothing.Summary(cs, confidence)
	cmp := benchmath.AssumeNothing.Compare(bs, cs)

	r := Row{
		Endpoint:  endpoint,
		Metric:    metric,
		Base:      Stat{Center: bsum.Center, Lo: bsum.Lo, Hi: bsum.Hi, N: len(bs.Values)},
		Candidate: Stat{Center: csum.Center, Lo: csum.Lo, Hi: csum.Hi, N: len(cs.Values)},
		Delta:     relDelta(bsum.Center, csum.Center),
		P:         cmp.P,
		Test:      TestMannWhitney,
		// benchstat prints "~" exactly when P > Alpha.
		Significant: !(cmp.P > alpha),
		Change:      NoChange,
		TooFewRuns:  MinP(len(bs.Values), len(cs.Values)) > alpha,
	}
	if r.Significant && csum.Center != bsum.Center {
		if (csum.Center > bsum.Center) == higherIsBetter(metric) {
			r.Change = Improved
		} else {
			r.Change = Regressed
		}
	}
	if r.TooFewRuns {
		r.Warnings = append(r.Warnings, tooFewMessage(r.Base.N, r.Candidate.N, alpha))
	}
	for _, ws := range [][]error{bs.Warnings, cs.Warnings, bsum.Warnings, csum.Warnings, cmp.Warnings} {
		for _, w := range ws {
			r.Warnings = appendUnique(r.Warnings, w.Error())
		}
	}
	if r.Significant && r.Change == NoChange {
		r.Warnings = append(r.Warnings, "the distributions differ but their medians are equal")
	}
	return r
}

// relDelta is benchstat's delta of centers: 0 for equal centers, undefined
// (NaN) against a zero base.
func relDelta(base, cand float64) float64 {
	switch {
	case base == cand:
		return 0
	case base == 0:
		return math.NaN()
	}
	return cand/base - 1
}

// higherIsBetter is the direction of a row's metric; shares of a profile
// are better smaller.
func higherIsBetter(name string) bool {
	m, _ := metric.Lookup(name)
	return m.HigherIsBetter()
}

// isShareRow reports whether a row holds a function's profile share.
func isShareRow(name string) bool { return metric.IsShare(name) }

// metricsFor lists the metrics compared for runs: metric.Standard, the
// percentiles the runs' scenarios name and extra ones, each once under its
// canonical name, in display order (percentiles by quantile).
func metricsFor(runs []*results.Run, extra []string) []string {
	names := slices.Clone(metric.Standard)
	add := func(name string) {
		if m, ok := metric.Lookup(name); ok && !m.IsShare() && !slices.Contains(names, m.Name) {
			names = append(names, m.Name)
		}
	}
	for _, r := range runs {
		if r != nil {
			for _, p := range r.Scenario.Percentiles() {
				add(p)
			}
		}
	}
	for _, name := range extra {
		add(name)
	}
	slices.SortStableFunc(names, metric.Compare)
	return names
}

// cmpOr is err's message, or why when err is nil.
func cmpOr(err error, why string) string {
	if err != nil {
		return err.Error()
	}
	return why
}

// warnPower says loudly when nothing, or only large changes, can be seen.
func warnPower(c *Comparison) {
	var few []string
	for _, r := range c.Rows {
		// Pooled error rates depend on requests, not runs, and say so.
		if r.TooFewRuns && r.Test != TestFisher {
			c.TooFewRuns = true
			few = appendUnique(few, fmt.Sprintf("%d+%d", r.Base.N, r.Candidate.N))
		}
	}
	if c.TooFewRuns {
		need := c.NeedRuns
		c.Warnings = append([]string{fmt.Sprintf(
			"too few runs: with %s repetitions nothing can be significant at alpha %g, so \"no change\" cannot be told from \"cannot tell\"; need ≥%d runs a side, %d recommended",
			strings.Join(few, ", "), c.Alpha, need, max(need, RecommendedRuns))}, c.Warnings...)
		return
	}
	if n := min(c.BaseRuns, c.CandidateRuns); n < RecommendedRuns {
		c.Warnings = append(c.Warnings, fmt.Sprintf(
			"only %d+%d runs: small changes may go unseen; %d runs a side are recommended", c.BaseRuns, c.CandidateRuns, RecommendedRuns))
	}
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func quoteAll(v []string) string {
	q := make([]string, len(v))
	for i, s := range v {
		if s == "" {
			s = "unknown"
		}
		q[i] = s
	}
	return strings.Join(q, ", ")
}

// short abbreviates a hash for messages.
func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// ServerEndpoint names the rows of server-wide metrics (cpu_per_req,
// alloc_per_req), which profiles measure over all endpoints together.
const ServerEndpoint = scenarios.ServerEndpoint

func serverWide(name string) bool {
	m, _ := metric.Lookup(name)
	return m.ServerWide()
}

func commonEndpoints(a, b []string) []string {
	var out []string
	for _, e := range a {
		if slices.Contains(b, e) {
			out = append(out, e)
		}
	}
	return out
}
