package results

import (
	"slices"
	"sort"

	"github.com/hotbench/hotbench/scenarios"
)

// Summary is a run with its repetitions merged: the JSON shape that
// `run --json` and `show --json` print (DESIGN.md). Fields may be added,
// never renamed.
type Summary struct {
	Scenario string `json:"scenario"`
	Label    string `json:"label"`
	Path     string `json:"path"`
	Complete bool   `json:"complete"`
	// Runs is the number of valid repetitions: the samples. Repetitions
	// lists every one run, retries and invalid ones included.
	Runs      int               `json:"runs"`
	Warnings  []string          `json:"warnings,omitempty"`
	Endpoints []EndpointSummary `json:"endpoints"`
	// Repetitions says which repetitions are samples and why the others
	// are not. Endpoints merge the valid ones only (all of them, with a
	// warning, when none is valid).
	Repetitions []RepetitionSummary `json:"repetitions"`
}

// RepetitionSummary is one repetition's validity.
type RepetitionSummary struct {
	Index   int      `json:"index"`
	Valid   bool     `json:"valid"`
	Reasons []string `json:"reasons,omitempty"`
}

// EndpointSummary is one endpoint over all repetitions of a run.
type EndpointSummary struct {
	Name      string  `json:"name"`
	Requests  int64   `json:"requests"`
	Errors    int64   `json:"errors"`
	ErrorRate float64 `json:"error_rate"`
	RPS       float64 `json:"rps"`
	// TargetRPS is the rate the open-model schedule asked for, for the
	// endpoint (0 for the closed model): rps is an input measured against it.
	TargetRPS float64        `json:"target_rps,omitempty"`
	Latency   LatencySummary `json:"latency"`
	// ErrorLatency describes failed requests; nil when there were none.
	ErrorLatency *LatencySummary  `json:"error_latency,omitempty"`
	SendLag      SendLagSummary   `json:"send_lag"`
	Status       map[string]int64 `json:"status"`
	ErrorClasses map[string]int64 `json:"error_classes,omitempty"`
}

// LatencySummary holds latency statistics in seconds.
type LatencySummary struct {
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
}

// SendLagSummary says how far behind schedule requests were sent, in seconds.
type SendLagSummary struct {
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// Summarize merges a run's valid repetitions into its summary. Histograms
// merge exactly; rps is total requests over total scheduled seconds. When no
// repetition is valid, all are merged and a warning says so.
func Summarize(r *Run) Summary {
	s := Summary{
		Scenario: r.Scenario.Name,
		Label:    r.Label,
		Path:     r.Dir,
		Complete: r.Complete,
		Warnings: r.Warnings,
	}
	for _, rep := range r.Repetitions {
		s.Repetitions = append(s.Repetitions, RepetitionSummary{Index: rep.Index, Valid: rep.Valid(), Reasons: rep.Reasons()})
	}
	reps, leftOut := r.ValidRepetitions()
	s.Runs = len(reps)
	if len(reps) == 0 && leftOut > 0 {
		for i := range r.Repetitions {
			reps = append(reps, &r.Repetitions[i])
		}
		s.Warnings = append(slices.Clone(s.Warnings), "no repetition is valid: these numbers merge invalid repetitions and are not evidence; run the scenario again")
	}
	for _, name := range r.EndpointNames() {
		es := EndpointSummary{Name: name, Status: map[string]int64{}}
		lat, lag, errLat := NewHistogram(), NewHistogram(), NewHistogram()
		var seconds float64
		for _, rep := range reps {
			e := rep.Endpoint(name)
			if e == nil {
				continue
			}
			if sec := rep.Seconds(); sec > 0 { // an interrupted window may have no end
				seconds += sec
			}
			es.Requests += e.Requests
			es.Errors += e.Errors
			for k, v := range e.Status {
				es.Status[k] += v
			}
			for k, v := range e.ErrorClasses {
				if es.ErrorClasses == nil {
					es.ErrorClasses = map[string]int64{}
				}
				es.ErrorClasses[k] += v
			}
			lat.Merge(e.Latency)
			lag.Merge(e.SendLag)
			errLat.Merge(e.ErrorLatency)
		}
		if es.Requests > 0 {
			es.ErrorRate = float64(es.Errors) / float64(es.Requests)
		}
		if seconds > 0 {
			es.RPS = float64(es.Requests) / seconds
		}
		es.TargetRPS = r.TargetRPS(name)
		es.Latency = latencySummary(lat)
		if errLat.Count() > 0 {
			el := latencySummary(errLat)
			es.ErrorLatency = &el
		}
		es.SendLag = SendLagSummary{P99: lag.Quantile(0.99), Max: lag.Max()}
		s.Endpoints = append(s.Endpoints, es)
	}
	return s
}

func latencySummary(h *Histogram) LatencySummary {
	return LatencySummary{
		Mean: h.Mean(),
		P50:  h.Quantile(0.50),
		P90:  h.Quantile(0.90),
		P99:  h.Quantile(0.99),
		P999: h.Quantile(0.999),
		Max:  h.Max(),
	}
}

// TargetRPS is the average rate the schedule asks of an endpoint over the
// measured window: load.rate (or the stages' mean) times the endpoint's
// share of the weights. It is 0 for the closed model and unknown endpoints.
func (r *Run) TargetRPS(endpoint string) float64 {
	l := r.Scenario.Load
	if l.Closed() {
		return 0
	}
	total, weight := 0, 0
	for _, e := range r.Scenario.Endpoints {
		total += e.Weight
		if e.Name == endpoint {
			weight = e.Weight
		}
	}
	if total == 0 || weight == 0 {
		return 0
	}
	return l.MeanRate() * float64(weight) / float64(total)
}

// EndpointNames lists the endpoints in scenario order, then any others seen
// in the repetitions (sorted).
func (r *Run) EndpointNames() []string {
	seen := map[string]bool{}
	var names []string
	for _, e := range r.Scenario.Endpoints {
		if !seen[e.Name] {
			seen[e.Name] = true
			names = append(names, e.Name)
		}
	}
	var extra []string
	for _, rep := range r.Repetitions {
		for _, e := range rep.Endpoints {
			if !seen[e.Name] {
				seen[e.Name] = true
				extra = append(extra, e.Name)
			}
		}
	}
	sort.Strings(extra)
	return append(names, extra...)
}

// Endpoint returns the named endpoint's results, or nil.
func (rep *Repetition) Endpoint(name string) *EndpointRun {
	for i := range rep.Endpoints {
		if rep.Endpoints[i].Name == name {
			return &rep.Endpoints[i]
		}
	}
	return nil
}

// Value returns one repetition's value of a metric for an endpoint, in the
// metric's canonical unit (seconds, fraction, requests per second, bytes or
// CPU seconds per request). ok is false when the repetition has no such
// value (unknown endpoint, no requests, no latencies recorded, or no server
// statistics).
func (rep *Repetition) Value(endpoint, metric string) (v float64, ok bool) {
	e := rep.Endpoint(endpoint)
	if e == nil || e.Requests == 0 {
		return 0, false
	}
	if scenarios.IsLatency(metric) && e.Latency.Count() == 0 {
		// A latency of 0 would be a measurement; a missing histogram is not.
		return 0, false
	}
	switch metric {
	case scenarios.P50:
		return e.Latency.Quantile(0.50), true
	case scenarios.P90:
		return e.Latency.Quantile(0.90), true
	case scenarios.P99:
		return e.Latency.Quantile(0.99), true
	case scenarios.P999:
		return e.Latency.Quantile(0.999), true
	case scenarios.Mean:
		return e.Latency.Mean(), true
	case scenarios.Max:
		return e.Latency.Max(), true
	case scenarios.RPS:
		if s := rep.Seconds(); s > 0 {
			return float64(e.Requests) / s, true
		}
	case scenarios.ErrorRate:
		return float64(e.Errors) / float64(e.Requests), true
	case scenarios.CPUPerReq, scenarios.AllocPerReq:
		// Server statistics cover the whole window, all endpoints.
		total := int64(0)
		for _, x := range rep.Endpoints {
			total += x.Requests
		}
		if rep.Server == nil || total == 0 {
			return 0, false
		}
		if metric == scenarios.CPUPerReq && rep.Server.CPUSeconds > 0 {
			return rep.Server.CPUSeconds / float64(total), true
		}
		if metric == scenarios.AllocPerReq && rep.Server.AllocBytes > 0 {
			return float64(rep.Server.AllocBytes) / float64(total), true
		}
	}
	return 0, false
}
