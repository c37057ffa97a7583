package compare

import (
	"errors"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
)

// CheckRun checks one run against the SLOs of p, as `hotbench run` does at
// its end (like k6 thresholds): the same checks Gate applies to a
// candidate, on the run's valid repetitions. Each endpoint's error rate is
// pooled (failed over all requests) and held to its error_rate SLO, which
// defaults to scenarios.DefaultSLO (1 %) unless set, or lifted with none; an
// endpoint without one successful response in a valid repetition is a
// breach whatever the SLOs say; latencies, cpu_per_req and alloc_per_req
// are held to theirs on the median of the valid repetitions; rps only in
// the closed model (in the open model the schedule sets it). Only
// p.SLO is used: regressions need a base.
//
// A run without a valid repetition cannot be checked: that is one Failure
// of kind FailNoValid. No failures means the run met its SLOs.
func CheckRun(run *results.Run, p Policy) []Failure {
	if run == nil {
		return []Failure{{Kind: FailNoValid, Reason: "no run to check"}}
	}
	p.MaxRegression, p.SLO = canonicalKeys(p.MaxRegression), canonicalKeys(p.SLO)
	s, err := newSide("run", []*results.Run{run}, metricsFor([]*results.Run{run}, p.Metrics()))
	if err != nil {
		var ie *InconclusiveError
		if errors.As(err, &ie) {
			return []Failure{{Kind: FailNoValid, Reason: ie.Error()}}
		}
		return []Failure{{Kind: FailNoValid, Reason: err.Error()}}
	}
	open := !run.Scenario.Load.Closed()
	var values []candidateValue
	endpoints := s.endpoints()
	for _, e := range endpoints {
		for _, m := range s.metricNames() {
			switch {
			case serverWide(m):
			case m == metric.ErrorRate:
				if ec, ok := s.counts[e]; ok {
					values = append(values, candidateValue{e, m, countStat(ec, DefaultConfidence), false})
				}
			default:
				if v := s.values(e, m); len(v) > 0 {
					values = append(values, candidateValue{e, m, summarize(v, DefaultAlpha, DefaultConfidence), open && m == metric.RPS})
				}
			}
		}
	}
	if len(endpoints) > 0 {
		for _, m := range metric.ServerMetrics {
			if v := s.values(endpoints[0], m); len(v) > 0 {
				values = append(values, candidateValue{ServerEndpoint, m, summarize(v, DefaultAlpha, DefaultConfidence), false})
			}
		}
	}
	fails, _, _ := checkSLOs(values, s.zero, p, "", map[string]bool{})
	return fails
}
