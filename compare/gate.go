package compare

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/scenarios"
)

// Policy is the CI gate: which regressions fail and which limits must hold.
// Keys of MaxRegression and SLO are a metric ("p99", any percentile:
// "p95", "p99.9"), applying to every endpoint, or "endpoint.metric"
// ("search.p99", "search.p99.9"), which takes precedence. A key may name a
// metric by either spelling (p99.9 or p999).
// Metrics without a MaxRegression entry are not gated for regressions;
// metrics without an SLO entry have no limit, except error_rate, which
// falls back to scenarios.DefaultSLO (1 %). An SLO entry with None set
// ("error_rate: none") is no limit, the default's included.
type Policy struct {
	Alpha         float64
	MaxRegression map[string]scenarios.Quantity
	SLO           map[string]scenarios.Quantity
}

// DefaultPolicy is the gate of a scenario that declares none: p50 and p99
// may not regress by more than 10 %, the error rate not at all, and the
// candidate's error rate may not exceed scenarios.DefaultSLO's 1 %.
func DefaultPolicy() Policy {
	return Policy{
		Alpha: DefaultAlpha,
		MaxRegression: map[string]scenarios.Quantity{
			metric.P50:       {Value: 0.10, Relative: true, Text: "10%"},
			metric.P99:       {Value: 0.10, Relative: true, Text: "10%"},
			metric.ErrorRate: {Value: 0, Text: "0"},
		},
		SLO: scenarios.DefaultSLO(),
	}
}

// PolicyFromScenario is a scenario's gate, with DefaultPolicy's alpha when
// it sets none and DefaultPolicy's max_regression when it has no
// max_regression key at all (an explicit empty map gates no regressions).
func PolicyFromScenario(g scenarios.Gate) Policy {
	def := DefaultPolicy()
	p := Policy{Alpha: g.Alpha, MaxRegression: def.MaxRegression, SLO: map[string]scenarios.Quantity{}}
	if p.Alpha == 0 {
		p.Alpha = def.Alpha
	}
	if g.MaxRegression != nil {
		p.MaxRegression = map[string]scenarios.Quantity{}
		for k, v := range g.MaxRegression {
			p.MaxRegression[k] = v
		}
	}
	for k, v := range g.SLO {
		p.SLO[k] = v
	}
	return p
}

// ParseOverrides applies command-line overrides to p: maxRegression like
// "p99=10%,error_rate=0", slo like "p95=300ms,search.p99.9=200ms" (or
// "error_rate=none" to lift a limit, the default one included), and alpha
// when it is not 0. Entries are merged over p's, key by key, under the
// metric's canonical name (p99.9 is p999). A key names a metric (any
// percentile) or endpoint.metric; an unknown metric or endpoint (one not in
// endpoints) is an error with a suggestion, so a typo never passes silently.
// Server-wide metrics (cpu_per_req, alloc_per_req) are measured over all
// endpoints together, so an endpoint-qualified key for one is an error too.
func ParseOverrides(maxRegression, slo string, alpha float64, p *Policy, endpoints []string) error {
	if alpha != 0 {
		// The same limits as gate.alpha in a scenario file.
		if err := scenarios.CheckAlpha(alpha); err != nil {
			return fmt.Errorf("alpha %w", err)
		}
		p.Alpha = alpha
	}
	mr, err := parseQuantities("--max-regression", maxRegression, true, endpoints)
	if err != nil {
		return err
	}
	sl, err := parseQuantities("--slo", slo, false, endpoints)
	if err != nil {
		return err
	}
	if len(mr) > 0 && p.MaxRegression == nil {
		p.MaxRegression = map[string]scenarios.Quantity{}
	}
	for k, v := range mr {
		p.MaxRegression[k] = v
	}
	if len(sl) > 0 && p.SLO == nil {
		p.SLO = map[string]scenarios.Quantity{}
	}
	for k, v := range sl {
		p.SLO[k] = v
	}
	return nil
}

// parseQuantities parses "key=value,key=value".
func parseQuantities(flag, s string, relative bool, endpoints []string) (map[string]scenarios.Quantity, error) {
	out := map[string]scenarios.Quantity{}
	written := map[string]string{} // canonical key → as written
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, val, ok := strings.Cut(item, "=")
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if !ok || key == "" {
			return nil, fmt.Errorf("%s: %q is not metric=value: write it like p99=10%%", flag, item)
		}
		endpoint, name := metric.SplitKey(key)
		m, err := metric.Parse(name)
		switch {
		case err != nil && !metric.LooksLikePercentile(name) && suggest(name, metric.Known) != "":
			return nil, fmt.Errorf("%s: unknown metric %q%s: use %s", flag, name, suggest(name, metric.Known), metric.Forms)
		case err != nil:
			return nil, fmt.Errorf("%s: %v", flag, err)
		case m.IsShare():
			return nil, fmt.Errorf("%s: %s is a profile share, which hotspot verdicts use and the gate does not: use %s", flag, name, metric.Forms)
		}
		if endpoint != "" && m.ServerWide() {
			return nil, fmt.Errorf("%s %s: %s is measured over all endpoints, not per endpoint: write it without an endpoint, like %s=%s",
				flag, key, name, name, val)
		}
		if endpoint != "" && !slices.Contains(endpoints, endpoint) {
			return nil, fmt.Errorf("%s: unknown endpoint %q%s: the runs have %s",
				flag, endpoint, suggest(endpoint, endpoints), strings.Join(endpoints, ", "))
		}
		canon := joinKey(endpoint, m.Name) // p99.9 is p999
		switch first, dup := written[canon]; {
		case dup && first == key:
			return nil, fmt.Errorf("%s: %s is given twice: keep one", flag, key)
		case dup:
			return nil, fmt.Errorf("%s: %s and %s are the same metric: keep one", flag, first, key)
		}
		written[canon] = key
		if !relative && strings.EqualFold(val, "none") {
			out[canon] = scenarios.Quantity{None: true, Text: "none"}
			continue
		}
		q, err := scenarios.ParseQuantity(name, val, relative)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", flag, key, err)
		}
		out[canon] = q
	}
	return out, nil
}

// joinKey is a policy key: "search.p999", or "p999" for every endpoint.
func joinKey(endpoint, name string) string {
	if endpoint == "" {
		return name
	}
	return endpoint + "." + name
}

// canonicalKeys is a policy map with each key's metric under its canonical
// name ("search.p99.9" → "search.p999"); the first of two keys that name one
// metric wins.
func canonicalKeys(m map[string]scenarios.Quantity) map[string]scenarios.Quantity {
	out := make(map[string]scenarios.Quantity, len(m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e, name := metric.SplitKey(k)
		key := joinKey(e, metric.Canonical(name))
		if _, dup := out[key]; !dup {
			out[key] = m[k]
		}
	}
	return out
}

// Metrics lists the metrics the policy's keys name, canonical, each once:
// what Options.Metrics needs for a policy given on the command line.
func (p Policy) Metrics() []string {
	var names []string
	for _, m := range []map[string]scenarios.Quantity{p.MaxRegression, p.SLO} {
		for k := range m {
			_, name := metric.SplitKey(k)
			if name = metric.Canonical(name); !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	slices.SortStableFunc(names, metric.Compare)
	return names
}

// suggest is ` (did you mean "p90"?)` for the closest candidate, if close.
func suggest(s string, candidates []string) string {
	if best := scenarios.Suggest(s, candidates); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// CorrectionHolm names the gate's multiple-comparison correction: Holm's
// step-down method over the rows it gates.
const CorrectionHolm = "holm"

// Kinds of Failure.
const (
	// FailRegression is a significant regression beyond its allowance.
	FailRegression = "regression"
	// FailSLO is a limit the candidate (or a run) broke.
	FailSLO = "slo"
	// FailNoValid is a run without one valid repetition: nothing in it can
	// be checked (CheckRun only).
	FailNoValid = "invalid"
)

// GateResult is the gate's decision. It passes only when it could decide
// and found nothing: Failures fail it (exit 1), and otherwise Inconclusive
// does (exit 3, or a pass with a warning where the user allows it).
type GateResult struct {
	Pass     bool
	Alpha    float64
	Failures []Failure
	// Inconclusive is true when a side has too few valid repetitions for a
	// gated row to reach significance at Alpha after the correction: the
	// gate cannot see regressions there, and not failing is no pass.
	// InconclusiveReason says why and how many repetitions are needed.
	// Failures still fail: a breach seen is a breach.
	Inconclusive       bool
	InconclusiveReason string
	// Gated counts the rows whose regressions were tested: the family the
	// correction spans. Correction is CorrectionHolm.
	Gated      int
	Correction string
	// Tested lists those rows with their own and their Holm-adjusted
	// p-values, smallest first.
	Tested []TestedRow
	// Warnings are caveats about the decision.
	Warnings []string
}

// TestedRow is one gated row's test: P is the row's own p-value (the one
// the table prints), AdjustedP Holm's adjustment of it over the gated rows;
// Rejected is AdjustedP ≤ alpha (a significant change, either way).
type TestedRow struct {
	Endpoint, Metric string
	P, AdjustedP     float64
	Rejected         bool
}

// Failure is one reason the gate (or a run's own check) fails.
type Failure struct {
	Endpoint, Metric string
	// Kind is FailRegression, FailSLO or FailNoValid.
	Kind   string
	Reason string
}

// Gate applies p to c.
//
// Regressions: every row with a MaxRegression entry is tested, and the
// family of those rows is corrected with Holm's step-down method, so the
// chance that an A/A pair fails on any of them is at most alpha. A row
// fails when its Holm-adjusted p ≤ alpha, it moved the worse way, and by
// more than its allowance: a relative allowance compares |delta| (an
// infinite relative change against a zero base always exceeds it), an
// absolute one compares |candidate − base| of the centers (pooled rates for
// error_rate), and an allowance of 0 fails any significant regression.
// Not tested: open-model rps (an input, see Row.Input) and latencies of
// closed-model runs (capacity runs), each with a warning.
//
// SLOs: the candidate's center breaks an SLO when above it (latencies, error
// rate, per-request costs) or below it (closed-model rps), whatever the
// number of runs and also on metrics only the candidate measured. The
// error-rate SLO is on the pooled rate and defaults to scenarios.DefaultSLO;
// an endpoint without one successful response in a valid repetition breaks
// it always.
//
// Inconclusive: when some gated row could not reach significance at
// alpha/Gated (Holm's first step) with the repetitions it has.
func Gate(c *Comparison, p Policy) GateResult {
	alpha := p.Alpha
	if alpha == 0 {
		alpha = DefaultAlpha
	}
	g := GateResult{Alpha: alpha, Correction: CorrectionHolm}
	p.MaxRegression, p.SLO = canonicalKeys(p.MaxRegression), canonicalKeys(p.SLO)
	if c.Alpha != 0 && c.Alpha != alpha {
		g.Warnings = append(g.Warnings, fmt.Sprintf("the gate tests at alpha %g but the table marks changes at alpha %g: compare with the gate's alpha so they agree", alpha, c.Alpha))
	}
	used := map[string]bool{}
	var family []gatedRow
	var unjudged, inputs []string
	for i := range c.Rows {
		r := &c.Rows[i]
		if metric.IsShare(r.Metric) {
			continue // profile shares are evidence for verdicts, not gated
		}
		q, key, ok := lookup(p.MaxRegression, r.Endpoint, r.Metric)
		if !ok {
			continue
		}
		used[key] = true
		switch {
		case r.Input:
			inputs = appendUnique(inputs, "max_regression "+key+"="+q.String())
		case latencyUnjudged(c, r.Metric):
			unjudged = appendUnique(unjudged, r.Endpoint+" "+r.Metric)
		default:
			family = append(family, gatedRow{row: r, allow: q})
		}
	}
	holm(family)
	g.Gated = len(family)
	for _, f := range family {
		rejected := f.adjusted <= alpha
		g.Tested = append(g.Tested, TestedRow{f.row.Endpoint, f.row.Metric, f.row.P, f.adjusted, rejected})
		if !rejected {
			continue
		}
		if reason, fail := regressionFails(*f.row, f.allow, f.adjusted, len(family)); fail {
			g.Failures = append(g.Failures, Failure{f.row.Endpoint, f.row.Metric, FailRegression, reason})
		}
	}
	g.Inconclusive, g.InconclusiveReason = undecidable(c, family, alpha)

	values := make([]candidateValue, 0, len(c.Rows)+len(c.candidateOnly))
	for _, r := range c.Rows {
		if !metric.IsShare(r.Metric) {
			values = append(values, candidateValue{r.Endpoint, r.Metric, r.Candidate, r.Input})
		}
	}
	values = append(values, c.candidateOnly...)
	fails, ignored, warns := checkSLOs(values, c.candZero, p, "candidate ", used)
	g.Failures = append(g.Failures, fails...)
	g.Warnings = append(g.Warnings, warns...)
	inputs = append(inputs, ignored...)

	if len(inputs) > 0 {
		g.Warnings = append(g.Warnings, fmt.Sprintf(
			"rps is an input in the open model (the schedule sets it, so a change says how the generator kept up, not how the server did): %s not checked; a shortfall against the target is a warning",
			strings.Join(inputs, ", ")))
	}
	if len(unjudged) > 0 {
		g.Warnings = append(g.Warnings, fmt.Sprintf(
			"closed-model runs (rate: max) measure capacity, not latency: latency regressions in %s were not gated; SLOs were checked",
			strings.Join(unjudged, ", ")))
	}
	// A policy key that matched no row gates nothing: say so.
	var unused []string
	for _, m := range []map[string]scenarios.Quantity{p.MaxRegression, p.SLO} {
		for k := range m {
			if !used[k] {
				unused = appendUnique(unused, k)
			}
		}
	}
	sort.Strings(unused)
	for _, k := range unused {
		g.Warnings = append(g.Warnings, fmt.Sprintf("gate: %s matches no compared metric, so it checked nothing", k))
	}
	g.Pass = len(g.Failures) == 0 && !g.Inconclusive
	return g
}

// Allowance is the max_regression entry that gates endpoint's metric: the
// endpoint-specific key first, then the metric's, under the metric's
// canonical name (p99.9 is p999). ok is false for a metric not gated.
func (p Policy) Allowance(endpoint, name string) (q scenarios.Quantity, ok bool) {
	q, _, ok = lookup(canonicalKeys(p.MaxRegression), endpoint, name)
	return q, ok
}

// gatedRow is a row in the gate's family, with its allowance and its
// Holm-adjusted p-value.
type gatedRow struct {
	row      *Row
	allow    scenarios.Quantity
	adjusted float64
}

// holm sets each row's Holm-adjusted p-value and sorts the family by it:
// with the m p-values in increasing order p(1) ≤ … ≤ p(m), the adjusted
// p(k) is max over j ≤ k of min(1, (m−j+1)·p(j)). A row is significant at
// family-wise level alpha exactly when its adjusted p ≤ alpha, which is
// Holm's step-down procedure (reject while p(k) ≤ alpha/(m−k+1)). A row
// without a p-value counts as p = 1.
func holm(family []gatedRow) {
	pOf := func(f gatedRow) float64 {
		if math.IsNaN(f.row.P) {
			return 1
		}
		// benchmath's p of an even split can be 1.0000000000000002; an
		// adjusted p must never be below its own p.
		return min(f.row.P, 1)
	}
	sort.SliceStable(family, func(i, j int) bool { return pOf(family[i]) < pOf(family[j]) })
	m, prev := len(family), 0.0
	for k := range family {
		adj := max(min(1, float64(m-k)*pOf(family[k])), prev)
		family[k].adjusted, prev = adj, adj
	}
}

// undecidable reports whether some gated row could not be significant at
// Holm's first step, alpha/m, with the samples it has, and says what to do.
func undecidable(c *Comparison, family []gatedRow, alpha float64) (bool, string) {
	m := len(family)
	if m == 0 {
		return false, ""
	}
	level := alpha / float64(m)
	short := map[string]int{} // side → fewest repetitions among blind rows
	var thin []string         // error-rate rows with too few requests
	for _, f := range family {
		r := f.row
		if r.Test == TestFisher {
			if fisherMinP(r.Base.Requests, r.Candidate.Requests) > level {
				thin = append(thin, fmt.Sprintf("%s %s (%d+%d requests)", r.Endpoint, r.Metric, r.Base.Requests, r.Candidate.Requests))
			}
			continue
		}
		if MinP(r.Base.N, r.Candidate.N) <= level {
			continue
		}
		for side, n := range map[string]int{"base": r.Base.N, "candidate": r.Candidate.N} {
			if v, ok := short[side]; !ok || n < v {
				short[side] = n
			}
		}
	}
	if len(short) == 0 && len(thin) == 0 {
		return false, ""
	}
	rows := fmt.Sprintf("%d gated %s", m, plural(m, "row", "rows"))
	need := NeedRuns(level)
	if need == 0 {
		return true, fmt.Sprintf("inconclusive: no number of repetitions up to %d a side reaches significance at alpha %g across %s (Holm): gate fewer rows or use a larger alpha",
			maxRunsSearched, alpha, rows)
	}
	var have, left []string
	for _, side := range []string{"base", "candidate"} {
		if n, ok := short[side]; ok && n < need {
			have = append(have, fmt.Sprintf("%s has %d", side, n))
			if lo := c.leftOutOf(side); lo > 0 {
				left = append(left, fmt.Sprintf("%s %d", side, lo))
			}
		}
	}
	if len(have) == 0 {
		return true, fmt.Sprintf("inconclusive: too few requests for %s to reach significance at alpha %g across %s (Holm): rerun with a longer load.duration",
			strings.Join(thin, ", "), alpha, rows)
	}
	invalid := ""
	if len(left) > 0 {
		invalid = " (left out as invalid: " + strings.Join(left, ", ") + ")"
	}
	return true, fmt.Sprintf("inconclusive: %s valid repetitions%s, at least %d are needed a side at alpha %g across %s (Holm): rerun with --runs %d or more (%d recommended)",
		strings.Join(have, " and "), invalid, need, alpha, rows, need, max(need, RecommendedRuns))
}

func (c *Comparison) leftOutOf(side string) int {
	if side == "base" {
		return c.LeftOut.Base
	}
	return c.LeftOut.Candidate
}

// checkSLOs checks values (the candidate's, or a run's) against p's SLOs
// and the default error-rate SLO; zero lists endpoints without a successful
// response in some repetition, a breach always. who prefixes the messages
// ("candidate "). It marks the policy keys it used, and returns the SLOs it
// ignored on open-model rps and warnings about those it could not check.
func checkSLOs(values []candidateValue, zero []zeroSuccess, p Policy, who string, used map[string]bool) (fails []Failure, ignored, warns []string) {
	for _, v := range values {
		q, key, ok := lookup(p.SLO, v.Endpoint, v.Metric)
		if ok {
			used[key] = true
		}
		if !ok && v.Metric == metric.ErrorRate {
			q, ok = scenarios.DefaultSLO()[metric.ErrorRate], true
			q.Text += " (default)"
		}
		switch {
		case !ok || q.None:
		case v.input:
			ignored = appendUnique(ignored, "slo "+key+"="+q.String())
		case q.Relative:
			warns = appendUnique(warns, fmt.Sprintf("SLO %s=%s is relative and was not checked: write an SLO as an amount, like 500ms", key, q))
		default:
			if reason, fail := sloFails(v.Metric, v.Candidate, q, who); fail {
				fails = append(fails, Failure{v.Endpoint, v.Metric, FailSLO, reason})
			}
		}
	}
	for _, z := range zero {
		how := ""
		if z.detail != "" {
			how = ": " + z.detail
		}
		fails = append(fails, Failure{z.endpoint, metric.ErrorRate, FailSLO, fmt.Sprintf(
			"no successful response in %s %s (%d requests, all failed%s): an endpoint that never succeeds breaks every SLO",
			plural(len(z.reps), "repetition", "repetitions"), strings.Join(z.reps, ", "), z.requests, how)})
	}
	return fails, ignored, warns
}

// lookup finds the endpoint-specific entry, then the metric-wide one.
func lookup(m map[string]scenarios.Quantity, endpoint, metric string) (scenarios.Quantity, string, bool) {
	if q, ok := m[endpoint+"."+metric]; ok {
		return q, endpoint + "." + metric, true
	}
	q, ok := m[metric]
	return q, metric, ok
}

// regressionFails says whether a row the correction rejected moved the
// worse way beyond its allowance, and how.
func regressionFails(r Row, allow scenarios.Quantity, adjusted float64, m int) (string, bool) {
	if r.Candidate.Center == r.Base.Center {
		return "", false
	}
	worse := r.Candidate.Center < r.Base.Center
	if !higherIsBetter(r.Metric) {
		worse = !worse
	}
	if !worse {
		return "", false
	}
	stats := fmt.Sprintf("p=%s, n=%d+%d", formatP(r.P), r.Base.N, r.Candidate.N)
	if r.Test == TestFisher {
		stats = fmt.Sprintf("%d/%d → %d/%d requests failed, Fisher p=%s",
			r.Base.Errors, r.Base.Requests, r.Candidate.Errors, r.Candidate.Requests, formatP(r.P))
	}
	if m > 1 {
		stats += fmt.Sprintf("; Holm-adjusted p=%s over %d gated rows", formatP(adjusted), m)
	}
	if allow.Relative {
		if !math.IsNaN(r.Delta) && math.Abs(r.Delta) <= allow.Value {
			return "", false
		}
		return fmt.Sprintf("regressed %s (%s), allowed %s", formatChange(r.Delta), stats, allow), true
	}
	diff := math.Abs(r.Candidate.Center - r.Base.Center)
	if diff <= allow.Value {
		return "", false
	}
	b, c := formatValue(r.Metric, r.Base.Center), formatValue(r.Metric, r.Candidate.Center)
	return fmt.Sprintf("regressed %s → %s (%s), allowed %s", b, c, stats, allow), true
}

func sloFails(name string, cand Stat, slo scenarios.Quantity, who string) (string, bool) {
	v := cand.Center
	if math.IsNaN(v) {
		return "", false
	}
	value := formatValue(name, v)
	if name == metric.ErrorRate && cand.Requests > 0 {
		value += fmt.Sprintf(" (%d of %d requests failed)", cand.Errors, cand.Requests)
	}
	if higherIsBetter(name) {
		if v >= slo.Value {
			return "", false
		}
		return fmt.Sprintf("%s%s %s is below the SLO %s", who, name, value, slo), true
	}
	if v <= slo.Value {
		return "", false
	}
	return fmt.Sprintf("%s%s %s is above the SLO %s", who, name, value, slo), true
}
