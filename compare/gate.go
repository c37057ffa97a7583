package compare

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/hotbench/hotbench/scenarios"
)

// Policy is the CI gate: which regressions fail and which limits must hold.
// Keys of MaxRegression and SLO are a metric ("p99"), applying to every
// endpoint, or "endpoint.metric" ("search.p99"), which takes precedence.
// Metrics without a MaxRegression entry are not gated for regressions;
// metrics without an SLO entry have no limit.
type Policy struct {
	Alpha         float64
	MaxRegression map[string]scenarios.Quantity
	SLO           map[string]scenarios.Quantity
}

// DefaultPolicy is the gate of a scenario that declares none: p50 and p99
// may not regress by more than 10 %, the error rate not at all.
func DefaultPolicy() Policy {
	return Policy{
		Alpha: DefaultAlpha,
		MaxRegression: map[string]scenarios.Quantity{
			scenarios.P50:       {Value: 0.10, Relative: true, Text: "10%"},
			scenarios.P99:       {Value: 0.10, Relative: true, Text: "10%"},
			scenarios.ErrorRate: {Value: 0, Text: "0"},
		},
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
// "p99=10%,error_rate=0", slo like "p99=500ms,search.p99=200ms", and alpha
// when it is not 0. Entries are merged over p's, key by key. A key names a
// metric or endpoint.metric; an unknown metric or endpoint (one not in
// endpoints) is an error with a suggestion, so a typo never passes silently.
// Server-wide metrics (cpu_per_req, alloc_per_req) are measured over all
// endpoints together, so an endpoint-qualified key for one is an error too.
func ParseOverrides(maxRegression, slo string, alpha float64, p *Policy, endpoints []string) error {
	if alpha != 0 {
		if !(alpha > 0 && alpha < 1) {
			return fmt.Errorf("alpha %g is out of range: use a value between 0 and 1, like 0.05", alpha)
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
		endpoint, metric := splitKey(key)
		if !scenarios.IsMetric(metric) {
			return nil, fmt.Errorf("%s: unknown metric %q%s: use one of %s",
				flag, metric, suggest(metric, scenarios.Metrics), strings.Join(scenarios.Metrics, ", "))
		}
		if endpoint != "" && serverWide(metric) {
			return nil, fmt.Errorf("%s %s: %s is measured over all endpoints, not per endpoint: write it without an endpoint, like %s=%s",
				flag, key, metric, metric, val)
		}
		if endpoint != "" && !slices.Contains(endpoints, endpoint) {
			return nil, fmt.Errorf("%s: unknown endpoint %q%s: the runs have %s",
				flag, endpoint, suggest(endpoint, endpoints), strings.Join(endpoints, ", "))
		}
		q, err := scenarios.ParseQuantity(metric, val, relative)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", flag, key, err)
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("%s: %s is given twice: keep one", flag, key)
		}
		out[key] = q
	}
	return out, nil
}

// splitKey splits "search.p99" into endpoint and metric; metric names have
// no dots, endpoint names may.
func splitKey(key string) (endpoint, metric string) {
	if i := strings.LastIndex(key, "."); i >= 0 {
		return key[:i], key[i+1:]
	}
	return "", key
}

// suggest is ` (did you mean "p90"?)` for the closest candidate, if close.
func suggest(s string, candidates []string) string {
	if best := scenarios.Suggest(s, candidates); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// GateResult is the gate's decision.
type GateResult struct {
	Pass     bool
	Alpha    float64
	Failures []Failure
	// Blind is true when some gated row had too few runs for any regression
	// to be significant: the gate could not see regressions there, and
	// passing means only that the SLOs held.
	Blind bool
	// Warnings are caveats about the decision; a blind gate says so here.
	Warnings []string
}

// Failure is one reason the gate fails.
type Failure struct {
	Endpoint, Metric string
	// Kind is "regression" or "slo".
	Kind   string
	Reason string
}

// Gate applies p to c. A row fails when it regressed significantly
// (p ≤ p.Alpha) by more than its allowance: a relative allowance compares
// |delta| (an infinite relative change against a zero base always exceeds
// it), an absolute one compares |candidate − base| of the centers, and an
// allowance of 0 fails any significant regression. A row also fails when
// the candidate's center breaks an SLO: latencies, error rate and per-request
// costs above, rps below. SLOs are checked whatever the number of runs, and
// also on metrics only the candidate measured. Latency regressions of
// closed-model runs (rate: max) are not gated: they measure capacity.
func Gate(c *Comparison, p Policy) GateResult {
	alpha := p.Alpha
	if alpha == 0 {
		alpha = DefaultAlpha
	}
	g := GateResult{Pass: true, Alpha: alpha}
	if c.Alpha != 0 && c.Alpha != alpha {
		g.Warnings = append(g.Warnings, fmt.Sprintf("the gate tests at alpha %g but the table marks changes at alpha %g: compare with the gate's alpha so they agree", alpha, c.Alpha))
	}
	var blind, unjudged []string
	gated := map[string]bool{}
	checkSLO := func(endpoint, metric string, cand Stat) {
		q, key, ok := lookup(p.SLO, endpoint, metric)
		if !ok {
			return
		}
		gated[key] = true
		if q.Relative {
			g.Warnings = appendUnique(g.Warnings, fmt.Sprintf("SLO %s=%s is relative and was not checked: write an SLO as an amount, like 500ms", key, q))
		} else if reason, fail := sloFails(metric, cand, q); fail {
			g.Failures = append(g.Failures, Failure{endpoint, metric, "slo", reason})
		}
	}
	for _, r := range c.Rows {
		if !scenarios.IsMetric(r.Metric) {
			continue // profile shares are evidence for verdicts, not gated
		}
		if q, key, ok := lookup(p.MaxRegression, r.Endpoint, r.Metric); ok {
			gated[key] = true
			switch {
			case latencyUnjudged(c, r.Metric):
				unjudged = appendUnique(unjudged, r.Endpoint+" "+r.Metric)
			case MinP(r.Base.N, r.Candidate.N) > alpha:
				blind = appendUnique(blind, fmt.Sprintf("%s %s (%d+%d)", r.Endpoint, r.Metric, r.Base.N, r.Candidate.N))
			default:
				if reason, fail := regressionFails(r, q, alpha); fail {
					g.Failures = append(g.Failures, Failure{r.Endpoint, r.Metric, "regression", reason})
				}
			}
		}
		checkSLO(r.Endpoint, r.Metric, r.Candidate)
	}
	// Metrics only the candidate measured have no regression to judge, but
	// their SLOs hold all the same.
	for _, v := range c.candidateOnly {
		checkSLO(v.Endpoint, v.Metric, v.Candidate)
	}
	if len(unjudged) > 0 {
		g.Warnings = append(g.Warnings, fmt.Sprintf(
			"closed-model runs (rate: max) measure capacity, not latency: latency regressions in %s were not gated; SLOs were checked",
			strings.Join(unjudged, ", ")))
	}
	if len(blind) > 0 {
		g.Blind = true
		need := NeedRuns(alpha)
		g.Warnings = append([]string{fmt.Sprintf(
			"GATE IS BLIND to regressions in %s: with so few runs nothing can be significant at alpha %g; only SLOs were checked. Run ≥%d runs a side (%d recommended)",
			strings.Join(blind, ", "), alpha, need, max(need, RecommendedRuns))}, g.Warnings...)
	}
	// A policy key that matched no row gates nothing: say so.
	var unused []string
	for _, m := range []map[string]scenarios.Quantity{p.MaxRegression, p.SLO} {
		for k := range m {
			if !gated[k] {
				unused = appendUnique(unused, k)
			}
		}
	}
	sort.Strings(unused)
	for _, k := range unused {
		g.Warnings = append(g.Warnings, fmt.Sprintf("gate: %s matches no compared metric, so it checked nothing", k))
	}
	g.Pass = len(g.Failures) == 0
	return g
}

// lookup finds the endpoint-specific entry, then the metric-wide one.
func lookup(m map[string]scenarios.Quantity, endpoint, metric string) (scenarios.Quantity, string, bool) {
	if q, ok := m[endpoint+"."+metric]; ok {
		return q, endpoint + "." + metric, true
	}
	q, ok := m[metric]
	return q, metric, ok
}

func regressionFails(r Row, allow scenarios.Quantity, alpha float64) (string, bool) {
	if r.P > alpha || r.Candidate.Center == r.Base.Center {
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
	if allow.Relative {
		if !math.IsNaN(r.Delta) && math.Abs(r.Delta) <= allow.Value {
			return "", false
		}
		return fmt.Sprintf("regressed %s (%s), allowed %s", formatDeltaShort(r.Delta), stats, allow), true
	}
	diff := math.Abs(r.Candidate.Center - r.Base.Center)
	if diff <= allow.Value {
		return "", false
	}
	b, c := formatPair(r.Metric, r.Base.Center, r.Candidate.Center)
	return fmt.Sprintf("regressed %s → %s (%s), allowed %s", b, c, stats, allow), true
}

func sloFails(metric string, cand Stat, slo scenarios.Quantity) (string, bool) {
	v := cand.Center
	if higherIsBetter(metric) {
		if v >= slo.Value {
			return "", false
		}
		return fmt.Sprintf("candidate %s %s is below the SLO %s", metric, newScaler(metric, v).format(v), slo), true
	}
	if v <= slo.Value {
		return "", false
	}
	return fmt.Sprintf("candidate %s %s is above the SLO %s", metric, newScaler(metric, v).format(v), slo), true
}
