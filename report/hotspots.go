package report

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// RunStatus is where one run leaves a hotspot against its objective.
type RunStatus string

// Statuses of a hotspot in one run.
const (
	RunMet     RunStatus = "met"
	RunNotMet  RunStatus = "not met"
	RunNoValue RunStatus = "no value"
	// RunRelative: a relative objective ("-50%") is met or not by a
	// comparison with a base, never by one run.
	RunRelative RunStatus = "relative"
)

// RunHotspot is a hotspot of a run's scenario against its objective, by
// that run's valid repetitions: the median of their values (the error
// rate pooled over their requests) with its confidence interval, as
// compare and the month report take a run's value.
type RunHotspot struct {
	scenarios.Hotspot
	Center, Lo, Hi float64
	// N is the number of valid repetitions with a value.
	N      int
	Status RunStatus
}

// RunHotspots judges each hotspot of the run's scenario by the run.
func RunHotspots(run *results.Run, opts Options) []RunHotspot {
	opts = opts.withDefaults()
	valid, _ := run.ValidRepetitions()
	var out []RunHotspot
	for _, h := range run.Scenario.Hotspots {
		var vals []float64
		var errs, reqs int64
		for _, rep := range valid {
			if v, ok := rep.Value(h.Endpoint, h.Metric); ok {
				vals = append(vals, v)
				if e := rep.Endpoint(h.Endpoint); e != nil {
					errs += e.Errors
					reqs += e.Requests
				}
			}
		}
		e := summarize(vals, opts.Confidence)
		if h.Metric == metric.ErrorRate && len(vals) > 0 {
			e = pooledRate(errs, reqs, len(vals), opts.Confidence)
		}
		rh := RunHotspot{Hotspot: h, Center: e.Center, Lo: e.Lo, Hi: e.Hi, N: e.N}
		switch {
		case h.Objective.Relative:
			rh.Status = RunRelative
		case len(vals) == 0 || math.IsNaN(e.Center):
			rh.Status = RunNoValue
		case meets(h, e.Center):
			rh.Status = RunMet
		default:
			rh.Status = RunNotMet
		}
		out = append(out, rh)
	}
	return out
}

// ValueText is the run's value, "49.0ms", or "–" without one.
func (h RunHotspot) ValueText() string {
	if h.N == 0 || math.IsNaN(h.Center) {
		return "–"
	}
	return formatMetric(h.Metric, h.Center)
}

// dueText is the due date, or "–".
func dueText(h scenarios.Hotspot) string {
	if h.Due.IsZero() {
		return "–"
	}
	return h.Due.String()
}

// WriteRunSummary writes the run's summary (WriteSummary) and then its
// scenario's hotspots against their objectives, where people look first:
//
//	hotspot                  metric         objective  due         value   status
//	search-steps-n-plus-one  p99 of search  15.0ms     2026-12-31  49.0ms  NOT MET
func WriteRunSummary(w io.Writer, run *results.Run) error {
	if err := WriteSummary(w, results.Summarize(run)); err != nil {
		return err
	}
	return writeRunHotspots(w, RunHotspots(run, Options{}))
}

func writeRunHotspots(w io.Writer, hs []RunHotspot) error {
	if len(hs) == 0 {
		return nil
	}
	ew := &errWriter{w: w}
	fmt.Fprintln(ew, "hotspots (each the median of the valid repetitions' values, as compare judges them):")
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	owners := false
	for _, h := range hs {
		owners = owners || hasOwners(h.Hotspot)
	}
	fmt.Fprint(tw, "  hotspot\tmetric\tobjective\tdue\tvalue\tstatus")
	if owners {
		fmt.Fprint(tw, "\towner\tteam\tticket")
	}
	fmt.Fprintln(tw)
	for _, h := range hs {
		status := string(h.Status)
		if h.Status == RunNotMet {
			status = "NOT MET"
		}
		fmt.Fprintf(tw, "  %s\t%s of %s\t%s\t%s\t%s\t%s", h.Name, metricLabel(h.Metric), h.Endpoint, objectiveText(h.Hotspot), dueText(h.Hotspot), h.ValueText(), status)
		if owners {
			o := ownerOf(h.Hotspot)
			fmt.Fprintf(tw, "\t%s\t%s\t%s", o.Owner, o.Team, o.Ticket)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	return ew.err
}

// compareStat is the hotspot's value as compare's Stat, for interval.
func compareStat(h RunHotspot) compare.Stat {
	return compare.Stat{Center: h.Center, Lo: h.Lo, Hi: h.Hi, N: h.N}
}

// ownerView is who answers for a hotspot and where it is tracked, as the
// scenario records them ("–" where it does not).
type ownerView struct{ Owner, Team, Ticket string }

func ownerOf(h scenarios.Hotspot) ownerView {
	dash := func(s string) string {
		if s == "" {
			return "–"
		}
		return s
	}
	return ownerView{Owner: dash(h.Owner), Team: dash(h.Team), Ticket: dash(h.Ticket)}
}

// hasOwners reports whether any hotspot names an owner, team or ticket: a
// table shows those columns only then.
func hasOwners(hs ...scenarios.Hotspot) bool {
	for _, h := range hs {
		if h.Owner != "" || h.Team != "" || h.Ticket != "" {
			return true
		}
	}
	return false
}
