package results

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/hotbench/hotbench/metric"
)

// Summary is a run with its repetitions merged: the JSON shape that
// `run --json` and `show --json` print (docs/design.md). Fields may be added,
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
	// Percentiles are the percentiles the run's scenario names (its
	// hotspots' metrics, its gate's keys), by canonical name and quantile;
	// latency and error_latency carry each, beside those they always have.
	Percentiles []string `json:"percentiles,omitempty"`
	// Shard is set for one shard's part of a sharded run, Shards for the
	// run merged from the parts.
	Shard  *ShardPart `json:"shard,omitempty"`
	Shards *ShardSet  `json:"shards,omitempty"`
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
	// Groups are the endpoint's groups (group_by), in the data file's
	// order; GroupsPooled counts the values pooled in the group other.
	Groups       []GroupSummary `json:"groups,omitempty"`
	GroupsPooled int            `json:"groups_pooled,omitempty"`
}

// LatencySummary holds latency statistics in seconds: the mean, the
// percentiles of metric.SummaryPercentiles, any other percentile the run's
// scenario names (in Extra), and the largest latency.
type LatencySummary struct {
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P75  float64 `json:"p75"`
	P90  float64 `json:"p90"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
	// Extra holds the other percentiles the scenario names (its hotspots'
	// metrics, its gate's keys) by canonical name: "p99.99", "p97". JSON
	// writes each as a key of its own beside p50.
	Extra map[string]float64 `json:"-"`
}

// Percentile returns the summary's value of a percentile ("p95", "p99.9",
// "p99.99"), and whether the summary has it.
func (l LatencySummary) Percentile(name string) (float64, bool) {
	m, ok := metric.Lookup(name)
	if !ok || !m.IsPercentile() {
		return 0, false
	}
	if p := l.fixed(m.Name); p != nil {
		return *p, true
	}
	v, ok := l.Extra[m.Name]
	return v, ok
}

// fixed points at the field of a percentile of metric.SummaryPercentiles,
// or is nil.
func (l *LatencySummary) fixed(name string) *float64 {
	switch name {
	case metric.P50:
		return &l.P50
	case metric.P75:
		return &l.P75
	case metric.P90:
		return &l.P90
	case metric.P95:
		return &l.P95
	case metric.P99:
		return &l.P99
	case metric.P999:
		return &l.P999
	}
	return nil
}

// MarshalJSON writes mean, every percentile by quantile (Extra's among
// the fields') and max: {"mean": …, "p50": …, "p75": …, …, "p999": …,
// "p99.99": …, "max": …}.
func (l LatencySummary) MarshalJSON() ([]byte, error) {
	names := slices.Clone(metric.SummaryPercentiles)
	for name := range l.Extra {
		if m, ok := metric.Lookup(name); ok && m.IsPercentile() && l.fixed(m.Name) == nil && !slices.Contains(names, m.Name) {
			names = append(names, m.Name)
		}
	}
	slices.SortStableFunc(names, func(a, b string) int {
		qa, _ := metric.Lookup(a)
		qb, _ := metric.Lookup(b)
		return cmp.Compare(qa.Quantile, qb.Quantile)
	})
	var b bytes.Buffer
	field := func(key string, v float64) error {
		if b.Len() > 0 {
			b.WriteByte(',')
		} else {
			b.WriteByte('{')
		}
		k, _ := json.Marshal(key)
		x, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("latency %s: %w", key, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(x)
		return nil
	}
	if err := field(metric.Mean, l.Mean); err != nil {
		return nil, err
	}
	for _, name := range names {
		v, _ := l.Percentile(name)
		if err := field(name, v); err != nil {
			return nil, err
		}
	}
	if err := field(metric.Max, l.Max); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads what MarshalJSON writes; a percentile beyond the
// fields goes to Extra, other keys are ignored.
func (l *LatencySummary) UnmarshalJSON(data []byte) error {
	var m map[string]float64
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*l = LatencySummary{Mean: m[metric.Mean], Max: m[metric.Max]}
	for key, v := range m {
		mt, ok := metric.Lookup(key)
		switch {
		case !ok || !mt.IsPercentile():
		case l.fixed(mt.Name) != nil:
			*l.fixed(mt.Name) = v
		default:
			if l.Extra == nil {
				l.Extra = map[string]float64{}
			}
			l.Extra[mt.Name] = v
		}
	}
	return nil
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
		Warnings: r.AllWarnings(),
		Shard:    r.Shard,
		Shards:   r.Shards,
	}
	for _, rep := range r.Repetitions {
		s.Repetitions = append(s.Repetitions, RepetitionSummary{Index: rep.Index, Valid: rep.Valid(), Reasons: rep.Reasons()})
	}
	reps, fallback := r.MergedRepetitions()
	if !fallback {
		s.Runs = len(reps)
	} else {
		s.Warnings = append(slices.Clone(s.Warnings), "no repetition is valid: these numbers merge invalid repetitions and are not evidence; run the scenario again")
	}
	var extra []metric.Metric // the scenario's percentiles beyond the fixed ones
	s.Percentiles = r.Scenario.Percentiles()
	for _, name := range s.Percentiles {
		if m, _ := metric.Lookup(name); !slices.Contains(metric.SummaryPercentiles, m.Name) {
			extra = append(extra, m)
		}
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
		es.Latency = latencySummary(lat, extra)
		if errLat.Count() > 0 {
			el := latencySummary(errLat, extra)
			es.ErrorLatency = &el
		}
		es.SendLag = SendLagSummary{P99: lag.Quantile(0.99), Max: lag.Max()}
		es.Groups = summarizeGroups(r, name, reps, extra) // groups.go
		for _, rep := range reps {
			if e := rep.Endpoint(name); e != nil {
				es.GroupsPooled = max(es.GroupsPooled, e.GroupsPooled)
			}
		}
		s.Endpoints = append(s.Endpoints, es)
	}
	return s
}

// latencySummary summarises h: the fixed percentiles and extra ones.
func latencySummary(h *Histogram, extra []metric.Metric) LatencySummary {
	l := LatencySummary{Mean: h.Mean(), Max: h.Max()}
	for _, name := range metric.SummaryPercentiles {
		m, _ := metric.Lookup(name)
		*l.fixed(name) = h.Quantile(m.Quantile)
	}
	for _, m := range extra {
		if l.Extra == nil {
			l.Extra = map[string]float64{}
		}
		l.Extra[m.Name] = h.Quantile(m.Quantile)
	}
	return l
}

// TargetRPS is the average rate the schedule asks of an endpoint over the
// measured window: load.rate (or the stages' mean) times the endpoint's
// share of the weights, and for one shard's part of a sharded run its
// share of that. It is 0 for the closed model and unknown endpoints.
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
	rps := l.MeanRate() * float64(weight) / float64(total)
	if r.Shard != nil && r.Shard.Count > 1 {
		rps /= float64(r.Shard.Count)
	}
	return rps
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
	return rep.groupEndpoint(name) // a group, "manual[size=large]": groups.go
}

// Value returns one repetition's value of a metric for an endpoint, in the
// metric's canonical unit (seconds, fraction, requests per second, bytes or
// CPU seconds per request). Any percentile is a metric ("p95", "p99.9",
// "p99.99"). ok is false when the repetition has no such value (unknown
// endpoint or metric, no requests, no latencies recorded, or no server
// statistics).
func (rep *Repetition) Value(endpoint, name string) (v float64, ok bool) {
	e := rep.Endpoint(endpoint)
	m, known := metric.Lookup(name)
	if e == nil || e.Requests == 0 || !known {
		return 0, false
	}
	if m.IsLatency() && e.Latency.Count() == 0 {
		// A latency of 0 would be a measurement; a missing histogram is not.
		return 0, false
	}
	switch {
	case m.IsPercentile():
		return e.Latency.Quantile(m.Quantile), true
	case m.Name == metric.Mean:
		return e.Latency.Mean(), true
	case m.Name == metric.Max:
		return e.Latency.Max(), true
	case m.Name == metric.RPS:
		if s := rep.Seconds(); s > 0 {
			return float64(e.Requests) / s, true
		}
	case m.Name == metric.ErrorRate:
		return float64(e.Errors) / float64(e.Requests), true
	case m.ServerWide():
		// Server statistics cover the whole window, all endpoints.
		total := int64(0)
		for _, x := range rep.Endpoints {
			total += x.Requests
		}
		if rep.Server == nil || total == 0 {
			return 0, false
		}
		if m.Name == metric.CPUPerReq && rep.Server.CPUSeconds > 0 {
			return rep.Server.CPUSeconds / float64(total), true
		}
		if m.Name == metric.AllocPerReq && rep.Server.AllocBytes > 0 {
			return float64(rep.Server.AllocBytes) / float64(total), true
		}
		if m.Name == metric.RSSPeak && rep.Server.RSSPeakBytes > 0 {
			return float64(rep.Server.RSSPeakBytes), true
		}
	}
	return 0, false
}
