package runner

import (
	"fmt"
	"time"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// stallFactor sets the single-stall limit: a repetition whose largest send
// lag exceeds stallFactor × load.max_send_lag (250 ms at the default 10 ms)
// is invalid even when its p99 is fine.
//
// Why a second limit: a generator stall delays every request due during
// it, and since latency is measured from the scheduled time, the server is
// charged with the stall. A stall shorter than 1 % of the window leaves the
// send-lag p99 alone but still lands in max and p999 of latency, which
// hotspots may be judged on. Tying it to max_send_lag keeps one knob: a user
// who tightens the p99 limit tightens the stall limit with it; 25× leaves
// room for the odd scheduling hiccup (a GC pause, a page fault, a new
// connection's handshake) that a generator shows without having fallen
// behind, while a stall of a quarter second at the default is not one.
const stallFactor = 25

// lagLimits returns the send-lag p99 limit and the single-stall limit of
// a load. A zero max_send_lag (a scenario built in code without
// ApplyDefaults) means the default: a limit of zero would fail every run.
func lagLimits(l scenarios.LoadSpec) (p99, stall time.Duration) {
	p99 = l.MaxSendLag.D()
	if p99 <= 0 {
		p99 = scenarios.DefaultMaxSendLag.D()
	}
	return p99, stallFactor * p99
}

// lostFraction is the share of a window's scheduled requests that may go
// missing before the repetition is invalid; at least one must be missing.
const lostFraction = 0.01

// invalidReasons says why a finished repetition is not a sample: nil when
// it is one. The reasons are short sentences with their numbers, stored in
// run.json and printed, so a reader can tell a generator problem from a
// server problem without opening the histograms.
func invalidReasons(l scenarios.LoadSpec, rep results.Repetition) []string {
	if !rep.Complete {
		// Whatever else went wrong, the window is not a whole sample; send
		// lag and counts of a cut window describe the cut, not the load.
		return []string{results.ReasonInterrupted}
	}
	if l.Closed() {
		// In the closed model nothing is scheduled: there is no lag to
		// fall behind on and no count to lose.
		return nil
	}
	maxLag, stall := lagLimits(l)
	var out []string
	for _, e := range rep.Endpoints {
		p99, mx := e.SendLag.Quantile(0.99), e.SendLag.Max()
		switch {
		case p99 > maxLag.Seconds():
			out = append(out, fmt.Sprintf("generator fell behind on %s: send lag p99 %s > %s (load.max_send_lag)",
				e.Name, metric.Format(p99, metric.Seconds), metric.Format(maxLag.Seconds(), metric.Seconds)))
		case mx > stall.Seconds():
			out = append(out, fmt.Sprintf("generator stalled on %s: send lag max %s > %s (%d × load.max_send_lag)",
				e.Name, metric.Format(mx, metric.Seconds), metric.Format(stall.Seconds(), metric.Seconds), stallFactor))
		}
		if missing := e.Scheduled - e.Requests; missing >= 1 && float64(missing) > lostFraction*float64(e.Scheduled) {
			out = append(out, fmt.Sprintf("requests lost on %s: %d of %d due in the window were not recorded (%.1f%% > %g%%)",
				e.Name, missing, e.Scheduled, 100*float64(missing)/float64(e.Scheduled), 100*lostFraction))
		}
	}
	return out
}

// rateWarnings compares each endpoint's achieved rate (requests over the
// scheduled windows) with its target in the open model. rps is an input
// there: a shortfall is never a verdict, but more than 1 % means the
// generator could not keep up and the server saw less load than asked.
//
// A schedule of whole hits may hold up to one hit less per window than the
// continuous rate times the window (10/s with a third of the weight over 1 s
// is 3 hits, not 3.33); a shortfall within that is not the generator's.
func rateWarnings(run *results.Run) []string {
	if run.Scenario.Load.Closed() {
		return nil
	}
	// Judged on the repetitions the summary merges, as its numbers are.
	reps, _ := run.MergedRepetitions()
	var out []string
	for _, name := range run.EndpointNames() {
		target := run.TargetRPS(name)
		var requests int64
		var seconds float64
		for _, rep := range reps {
			if e := rep.Endpoint(name); e != nil {
				requests += e.Requests
				seconds += rep.Seconds()
			}
		}
		if target <= 0 || seconds <= 0 {
			continue
		}
		expected := target * seconds
		short := expected - float64(requests)
		if short > lostFraction*expected && short > float64(len(reps)) {
			out = append(out, fmt.Sprintf(
				"%s achieved %.1f/s of a target %.1f/s (%.1f%% short): the load generator could not keep up; lower the rate or use a bigger load machine",
				name, float64(requests)/seconds, target, 100*short/expected))
		}
	}
	return out
}
