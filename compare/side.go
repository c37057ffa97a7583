package compare

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// side is one side of a comparison: its runs, their pooled valid
// repetitions, and what the statistics read from them.
type side struct {
	role string
	runs []*results.Run
	// reps are the valid repetitions of all runs, in order; n counts them.
	reps []*results.Repetition
	n    int
	// repRun names each valid repetition's run: "manual-search@after".
	repRun []string
	// leftOut counts the invalid repetitions that are not samples.
	leftOut int
	// warnings are caveats found while pooling, like left-out repetitions.
	warnings []string

	// metrics are the metrics read: metricsFor's list (nil means
	// metric.Standard).
	metrics []string
	// vals holds the per-repetition values of every (endpoint, metric),
	// read once; counts the pooled error counts of every endpoint.
	vals   map[[2]string][]float64
	counts map[string]errorCounts
	// zero lists the endpoints that had requests but not one success in a
	// valid repetition: an outage, always an SLO breach in the candidate.
	zero []zeroSuccess
}

// errorCounts pools an endpoint's failed and total requests over a side's
// valid repetitions; reps counts the repetitions that sent requests.
type errorCounts struct {
	errors, requests int64
	reps             int
}

// zeroSuccess is one endpoint's repetitions without a successful response.
type zeroSuccess struct {
	endpoint string
	// reps names the repetitions: "manual-search@after #3".
	reps     []string
	requests int64
	// detail is how they failed: "status 404 ×200".
	detail string
}

// newSide pools the valid repetitions of runs and reads their values of
// metrics (metricsFor's list). Invalid ones (interrupted, generator behind,
// requests lost) are counted and named in a warning, never used: they
// measured something other than the server.
func newSide(role string, runs []*results.Run, metrics []string) (*side, error) {
	s := &side{role: role, metrics: metrics}
	var reasons []string
	total := 0
	for _, r := range runs {
		if r == nil {
			continue
		}
		s.runs = append(s.runs, r)
		valid, leftOut := r.ValidRepetitions()
		s.reps = append(s.reps, valid...)
		for range valid {
			s.repRun = append(s.repRun, r.Scenario.Name+"@"+r.Label)
		}
		s.leftOut += leftOut
		total += len(r.Repetitions)
		for i := range r.Repetitions {
			for _, why := range r.Repetitions[i].Reasons() {
				reasons = appendUnique(reasons, why)
			}
		}
	}
	s.n = len(s.reps)
	if len(s.runs) == 0 {
		return nil, fmt.Errorf("the %s has no runs: name at least one stored run", role)
	}
	if total == 0 {
		return nil, fmt.Errorf("the %s runs have no repetitions: run the scenario again, it measured nothing", role)
	}
	if s.n == 0 {
		return nil, &InconclusiveError{Side: role, LeftOut: s.leftOut, Reasons: reasons}
	}
	if s.leftOut > 0 {
		s.warnings = append(s.warnings, fmt.Sprintf("%s: left out %d invalid %s of %d (%s)",
			role, s.leftOut, plural(s.leftOut, "repetition", "repetitions"), total, strings.Join(reasons, "; ")))
	}
	s.read()
	return s, nil
}

// InconclusiveError is Compare's error when a side has no valid repetition
// at all: nothing can be decided, the runs must be repeated. The command
// maps it to exit status 3, like an inconclusive gate.
type InconclusiveError struct {
	// Side is "base" or "candidate".
	Side string
	// LeftOut counts the side's invalid repetitions; Reasons says why they
	// are invalid.
	LeftOut int
	Reasons []string
}

func (e *InconclusiveError) Error() string {
	why := ""
	if len(e.Reasons) > 0 {
		why = ": " + strings.Join(e.Reasons, "; ")
	}
	return fmt.Sprintf("inconclusive: the %s has no valid repetition (%d left out%s): run the scenario again",
		e.Side, e.LeftOut, why)
}

// read collects every value the comparison needs from the valid
// repetitions, once.
func (s *side) read() {
	s.vals = map[[2]string][]float64{}
	s.counts = map[string]errorCounts{}
	for _, e := range s.endpoints() {
		for _, m := range s.metricNames() {
			for _, rep := range s.reps {
				if x, ok := rep.Value(e, m); ok && !math.IsNaN(x) {
					s.vals[[2]string{e, m}] = append(s.vals[[2]string{e, m}], x)
				}
			}
		}
		var ec errorCounts
		var z zeroSuccess
		classes := map[string]int64{}
		for i, rep := range s.reps {
			er := rep.Endpoint(e)
			if er == nil || er.Requests <= 0 {
				continue
			}
			ec.errors += min(er.Errors, er.Requests)
			ec.requests += er.Requests
			ec.reps++
			// Format 2 latencies hold successes only; in format 1 they held
			// failures too, so the counts decide there.
			if er.Errors >= er.Requests || er.Latency.Count() == 0 {
				z.reps = append(z.reps, fmt.Sprintf("%s #%d", s.repRun[i], rep.Index))
				z.requests += er.Requests
				for k, v := range failureClasses(er) {
					classes[k] += v
				}
			}
		}
		if ec.reps > 0 {
			s.counts[e] = ec
		}
		if len(z.reps) > 0 {
			z.endpoint, z.detail = e, topClasses(classes, 3)
			s.zero = append(s.zero, z)
		}
	}
}

// failureClasses is how an endpoint's requests failed: its error classes
// when recorded, else its statuses.
func failureClasses(e *results.EndpointRun) map[string]int64 {
	if len(e.ErrorClasses) > 0 {
		return e.ErrorClasses
	}
	m := map[string]int64{}
	for code, n := range e.Status {
		if code == "0" {
			m["no response"] += n
		} else {
			m["status "+code] += n
		}
	}
	return m
}

// topClasses is "status 404 ×200, timeout ×3", the most frequent first.
func topClasses(m map[string]int64, k int) string {
	keys := make([]string, 0, len(m))
	for c := range m {
		keys = append(keys, c)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var parts []string
	for i, c := range keys {
		if i == k {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprintf("%s ×%d", c, m[c]))
	}
	return strings.Join(parts, ", ")
}

// closed reports whether any of the runs used the closed model (rate: max).
func (s *side) closed() bool {
	for _, r := range s.runs {
		if r.Scenario.Load.Closed() {
			return true
		}
	}
	return false
}

// target is the rate the open-model schedule asked of an endpoint (the
// first run's that knows it); 0 when unknown or closed.
func (s *side) target(endpoint string) float64 {
	for _, r := range s.runs {
		if t := r.TargetRPS(endpoint); t > 0 {
			return t
		}
	}
	return 0
}

// minSamples is profiles.min_samples of the side's scenario, at least 1:
// a share needs samples, and a stored 0 means the key was not known yet.
func (s *side) minSamples() int64 {
	if m := s.runs[0].Scenario.Profiles.MinSamples; m > 0 {
		return int64(m)
	}
	return scenarios.DefaultMinSamples
}

// name is "scenario@label", with the distinct labels joined by commas.
func (s *side) name() string {
	var labels []string
	for _, r := range s.runs {
		labels = appendUnique(labels, r.Label)
	}
	return s.runs[0].Scenario.Name + "@" + strings.Join(labels, ",")
}

func (s *side) paths() []string {
	var p []string
	for _, r := range s.runs {
		if r.Dir != "" {
			p = append(p, r.Dir)
		}
	}
	return p
}

// endpoints is the union of the runs' endpoints, in scenario order, each
// followed by its groups (group_by: "manual[size=large]"), which get rows
// of their own.
func (s *side) endpoints() []string {
	var names []string
	for _, r := range s.runs {
		for _, e := range r.EndpointAndGroupNames() {
			names = appendUnique(names, e)
		}
	}
	return names
}

// metricNames are the metrics the side reads.
func (s *side) metricNames() []string {
	if s.metrics == nil {
		return metric.Standard
	}
	return s.metrics
}

// values is the per-repetition sample of an endpoint's metric.
func (s *side) values(endpoint, metric string) []float64 {
	return s.vals[[2]string{endpoint, metric}]
}

// shares collects a function's share of one profile kind per repetition,
// and the fewest samples any of those shares was computed from (0 when a
// repetition does not say: an old run). A share recorded for another
// hotspot naming the same function counts too: it is the same measurement.
func (s *side) shares(hotspot, function, kind string) ([]float64, int64) {
	var v []float64
	fewest := int64(math.MaxInt64)
	for _, rep := range s.reps {
		var found results.FunctionShare
		ok := false
		for _, f := range rep.Functions {
			if f.Function != function || f.Kind != kind {
				continue
			}
			if !ok || f.Hotspot == hotspot {
				found, ok = f, true
			}
		}
		if ok {
			v = append(v, found.Share)
			fewest = min(fewest, max(found.Samples, 0))
		}
	}
	if len(v) == 0 {
		fewest = 0
	}
	return v, fewest
}

// checkSides refuses runs of different scenarios or endpoint sets, unless
// forced, in which case it warns.
func checkSides(c *Comparison, b, cand *side, force bool) error {
	var errs []*MismatchError
	names := func(s *side) []string {
		var n []string
		for _, r := range s.runs {
			n = appendUnique(n, r.Scenario.Name)
		}
		return n
	}
	bn, cn := names(b), names(cand)
	if len(bn) > 1 || len(cn) > 1 || bn[0] != cn[0] {
		errs = append(errs, &MismatchError{What: "scenarios", Base: strings.Join(bn, ", "), Candidate: strings.Join(cn, ", ")})
	}
	// Groups are not the scenario's shape: a group with no request in one
	// side's repetitions is simply not compared.
	notGroup := func(names []string) []string {
		return slices.DeleteFunc(slices.Clone(names), results.IsGroup)
	}
	be, ce := notGroup(b.endpoints()), notGroup(cand.endpoints())
	sort.Strings(be)
	sort.Strings(ce)
	if !slices.Equal(be, ce) {
		errs = append(errs, &MismatchError{What: "endpoints", Base: strings.Join(be, ", "), Candidate: strings.Join(ce, ", ")})
	}
	if len(errs) == 0 {
		return nil
	}
	if !force {
		return errs[0]
	}
	for _, e := range errs {
		c.Warnings = append(c.Warnings, fmt.Sprintf("forced: comparing runs with different %s (base: %s; candidate: %s); only what both have is compared",
			e.What, e.Base, e.Candidate))
	}
	return nil
}

// warnProvenance warns when the sides differ in what produced them.
func warnProvenance(c *Comparison, b, cand *side) {
	differ := func(what string, get func(*results.Run) string) {
		var bv, cv []string
		for _, r := range b.runs {
			bv = appendUnique(bv, get(r))
		}
		for _, r := range cand.runs {
			cv = appendUnique(cv, get(r))
		}
		all := slices.Clone(bv)
		for _, v := range cv {
			all = appendUnique(all, v)
		}
		if len(all) > 1 {
			c.Warnings = append(c.Warnings, fmt.Sprintf("runs differ in %s (base: %s; candidate: %s): differences may come from that, not from the change",
				what, quoteAll(bv), quoteAll(cv)))
		}
	}
	differ("scenario version", func(r *results.Run) string { return short(r.ScenarioHash) })
	differ("hotbench version", func(r *results.Run) string { return r.HotbenchVersion })
	differ("host", func(r *results.Run) string { return r.Host.Name })
	for _, s := range []*side{b, cand} {
		for _, r := range s.runs {
			id := r.Scenario.Name + "@" + r.Label
			if !r.Complete {
				msg := fmt.Sprintf("%s run %s is incomplete", s.role, id)
				if r.IncompleteReason != "" {
					msg += ": " + r.IncompleteReason
				}
				c.Warnings = appendUnique(c.Warnings, msg)
			}
			if r.FormatVersion == 1 {
				c.Warnings = appendUnique(c.Warnings, fmt.Sprintf(
					"%s run %s was stored by an older hotbench (format 1): its latencies include failed requests and its profile shares carry no sample counts (so they are not tested)",
					s.role, id))
			}
			for _, w := range r.AllWarnings() {
				c.Warnings = appendUnique(c.Warnings, fmt.Sprintf("%s run %s: %s", s.role, id, w))
			}
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
