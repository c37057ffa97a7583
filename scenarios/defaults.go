package scenarios

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/hotbench/hotbench/metric"
)

// Defaults, as doc.go documents them.
const (
	DefaultRuns    = 10
	DefaultTimeout = Duration(10 * time.Second)
	DefaultAlpha   = 0.05
	DefaultMethod  = http.MethodGet
	DefaultWeight  = 1
	DefaultMetric  = metric.P99
	// DefaultRetries is load.retries: invalid repetitions redone per run.
	DefaultRetries = 2
	// DefaultMaxSendLag is load.max_send_lag: past this send-lag p99 a
	// repetition measured the generator, not the server.
	DefaultMaxSendLag = Duration(10 * time.Millisecond)
	// DefaultCoalesce is load.coalesce: at 3,000/s groups of about 9 hits
	// share one wake-up of the generator, a third of its CPU a request.
	DefaultCoalesce = Duration(3 * time.Millisecond)
	// DefaultMinSamples is profiles.min_samples.
	DefaultMinSamples = 100
)

// DefaultSLO is gate.slo's entries when the scenario does not give them:
// an error rate above 1 % breaks the run (`error_rate: none` removes it).
func DefaultSLO() map[string]Quantity {
	return map[string]Quantity{metric.ErrorRate: {Value: 0.01, Text: "1%"}}
}

// DefaultKinds are the profiles captured when profiles.pprof or
// profiles.command is set and profiles.kinds is not: the kinds whose
// function shares hotbench measures (metric.ShareKinds).
func DefaultKinds() []string { return slices.Clone(metric.ShareKinds) }

// DefaultMaxRegression is gate.max_regression when no layer gives one: a
// significant slow-down of p50 or p99 by more than 10 % fails, and so does
// any significant rise of the error rate.
func DefaultMaxRegression() map[string]Quantity {
	return map[string]Quantity{
		metric.P50:       {Value: 0.10, Relative: true, Text: "10%"},
		metric.P99:       {Value: 0.10, Relative: true, Text: "10%"},
		metric.ErrorRate: {Value: 0, Text: "0"},
	}
}

// ApplyDefaults fills the zero fields that have defaults, as Load does for
// the keys a file leaves out. Call it on a scenario built in code before
// Validate.
func (s *Scenario) ApplyDefaults() {
	s.applyDefaults(func(_ string, nonzero bool) bool { return nonzero })
}

// applyDefaults sets each default whose field given says is not given.
// Load asks the file (an explicit "weight: 0" is an error, not a default);
// ApplyDefaults asks whether the field is zero.
func (s *Scenario) applyDefaults(given func(field string, nonzero bool) bool) {
	if !given("runs", s.Runs != 0) {
		s.Runs = DefaultRuns
	}
	if !given("load.timeout", s.Load.Timeout != 0) {
		s.Load.Timeout = DefaultTimeout
	}
	if !given("load.retries", s.Load.Retries != 0) {
		s.Load.Retries = DefaultRetries
	}
	if !given("load.max_send_lag", s.Load.MaxSendLag != 0) {
		s.Load.MaxSendLag = DefaultMaxSendLag
	}
	if !given("load.coalesce", s.Load.Coalesce != 0) {
		s.Load.Coalesce = DefaultCoalesce
	}
	if !given("profiles.min_samples", s.Profiles.MinSamples != 0) {
		s.Profiles.MinSamples = DefaultMinSamples
	}
	for i := range s.Endpoints {
		e := &s.Endpoints[i]
		field := fmt.Sprintf("endpoints[%d]", i)
		if !given(field+".method", e.Method != "") {
			e.Method = DefaultMethod
		}
		if !given(field+".weight", e.Weight != 0) {
			e.Weight = DefaultWeight
		}
	}
	if (s.Profiles.Pprof != "" || s.Profiles.Command != "") && !given("profiles.kinds", len(s.Profiles.Kinds) > 0) {
		s.Profiles.Kinds = DefaultKinds()
	}
	for i := range s.Hotspots {
		h := &s.Hotspots[i]
		if !given(fmt.Sprintf("hotspots[%d].metric", i), h.Metric != "") {
			h.Metric = DefaultMetric
		}
	}
	if !given("gate.alpha", s.Gate.Alpha != 0) {
		s.Gate.Alpha = DefaultAlpha
	}
	if !given("gate.max_regression", s.Gate.MaxRegression != nil) {
		s.Gate.MaxRegression = DefaultMaxRegression()
	}
	for k, q := range DefaultSLO() {
		if _, ok := s.Gate.SLO[k]; !ok {
			if s.Gate.SLO == nil {
				s.Gate.SLO = map[string]Quantity{}
			}
			s.Gate.SLO[k] = q
		}
	}
}
