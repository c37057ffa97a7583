package report

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// Movement is what happened to a hotspot since the month before.
type Movement string

// Movements of a hotspot between two months.
const (
	// MovedClosed: the objective is met this month and was not last month
	// (or the hotspot is new and met at once).
	MovedClosed Movement = "closed"
	// MovedStillMet: met both months.
	MovedStillMet Movement = "still met"
	// MovedOpened: not met this month, and new this month, met last month
	// (reopened), or newly off track.
	MovedOpened Movement = "opened"
	// MovedStillOpen: not met either month.
	MovedStillOpen Movement = "still open"
	// MovedNotMeasured: a hotspot of last month without a value this
	// month.
	MovedNotMeasured Movement = "not measured"
)

// MonthOverMonth compares a month's hotspots with the month before's.
type MonthOverMonth struct {
	// From and To bound the month before: [From, To).
	From, To time.Time
	// Runs counts the month before's runs.
	Runs     int
	Hotspots []HotspotMove
	Warnings []string
}

// HotspotMove is one hotspot this month against the month before.
type HotspotMove struct {
	Scenario string
	// Hotspot is this month's declaration, or last month's when the
	// hotspot is gone.
	scenarios.Hotspot
	Movement Movement
	// Why qualifies the movement: "new this month", "newly off track",
	// "met in October 2026", "no run this month".
	Why string
	// StatusThen and StatusNow are each month's status ("" where the
	// hotspot was not declared).
	StatusThen, StatusNow Status
	// Then is the last value of the month before (its last run without
	// caveats), Now this month's; HasThen and HasNow say whether there is
	// one.
	Then, Now        Point
	HasThen, HasNow  bool
	Change           MonthChange
	Evidence         string
	RelativeChange   float64 // Now/Then − 1; NaN without both
	ObjectiveChanged bool    // last month judged it by another objective
}

// buildPrevious builds the month before m from its runs (no comparisons,
// no profiles) and compares each hotspot with it: its movement, and its
// last run without caveats then against now by compare's statistics.
func buildPrevious(ctx context.Context, m *Month, prevRuns map[string][]results.RunInfo, opts Options) (*MonthOverMonth, error) {
	from, to := monthRange(m.From.AddDate(0, -1, 0))
	mm := &MonthOverMonth{From: from, To: to}
	prev := map[string]*ScenarioMonth{}
	for _, name := range slices.Sorted(maps.Keys(prevRuns)) {
		sm, err := buildScenario(ctx, name, sortRuns(prevRuns[name]), to, opts, false, m.Annotations)
		if err != nil {
			return nil, err
		}
		mm.Runs += len(sm.Runs)
		mm.Warnings = append(mm.Warnings, sm.Warnings...)
		prev[name] = sm
	}
	lastMonth := from.Format("January 2006")
	runs := map[string]*results.Run{} // loaded once, by folder
	load := func(dir string) *results.Run {
		if r, ok := runs[dir]; ok {
			return r
		}
		r, err := results.Load(dir)
		if err != nil {
			mm.Warnings = append(mm.Warnings, err.Error())
		}
		runs[dir] = r
		return r
	}
	seen := map[string]bool{}
	for _, s := range m.Scenarios {
		for _, h := range s.Hotspots {
			if h.Objective.Relative {
				continue // judged by comparisons only, never by a month
			}
			seen[s.Name+"\x00"+h.Name] = true
			mv := HotspotMove{Scenario: s.Name, Hotspot: h.Hotspot, StatusNow: h.Status, RelativeChange: math.NaN(), Change: ChangeUnknown}
			if len(h.Points) > 0 {
				mv.Now, mv.HasNow = h.Last, true
			}
			var then *HotspotMonth
			if ps := prev[s.Name]; ps != nil {
				for i := range ps.Hotspots {
					if ps.Hotspots[i].Name == h.Name {
						then = &ps.Hotspots[i]
					}
				}
			}
			if then != nil {
				mv.StatusThen = then.Status
				mv.ObjectiveChanged = then.Metric != h.Metric || then.Objective.Value != h.Objective.Value
				if len(then.Points) > 0 && then.Metric == h.Metric && then.Endpoint == h.Endpoint {
					mv.Then, mv.HasThen = then.Last, true
				}
			}
			mv.Movement, mv.Why = movement(mv.StatusThen, mv.StatusNow, then != nil, lastMonth)
			if mv.HasThen && mv.HasNow {
				mv.RelativeChange = mv.Now.Center/mv.Then.Center - 1
				if mv.Then.Center == 0 {
					mv.RelativeChange = math.NaN()
				}
				a, b := load(mv.Then.dir), load(mv.Now.dir)
				if a != nil && b != nil {
					mv.Change, mv.Evidence = changeBetween(a, b, h.Hotspot, opts)
				}
			}
			mm.Hotspots = append(mm.Hotspots, mv)
		}
	}
	// Last month's hotspots that this month did not measure.
	for _, name := range slices.Sorted(maps.Keys(prev)) {
		for _, h := range prev[name].Hotspots {
			if h.Objective.Relative || seen[name+"\x00"+h.Name] {
				continue
			}
			mv := HotspotMove{Scenario: name, Hotspot: h.Hotspot, StatusThen: h.Status, Movement: MovedNotMeasured,
				Why: "no run this month", RelativeChange: math.NaN(), Change: ChangeUnknown}
			if len(h.Points) > 0 {
				mv.Then, mv.HasThen = h.Last, true
			}
			if slices.ContainsFunc(m.Scenarios, func(s ScenarioMonth) bool { return s.Name == name }) {
				mv.Why = "no longer declared by the scenario"
			}
			mm.Hotspots = append(mm.Hotspots, mv)
		}
	}
	return mm, nil
}

// movement classifies a hotspot by its statuses of both months; declared
// says whether last month declared it at all.
func movement(then, now Status, declared bool, lastMonth string) (Movement, string) {
	switch {
	case now == StatusNoData:
		return MovedNotMeasured, "no value this month"
	case now == StatusMet && then == StatusMet:
		return MovedStillMet, ""
	case now == StatusMet && !declared:
		return MovedClosed, "new this month, met at once"
	case now == StatusMet:
		return MovedClosed, fmt.Sprintf("not met in %s (%s)", lastMonth, then)
	case !declared:
		return MovedOpened, "new this month"
	case then == StatusNoData:
		return MovedOpened, "first measured this month"
	case then == StatusMet:
		return MovedOpened, fmt.Sprintf("reopened: met in %s", lastMonth)
	case now == StatusOffTrack && then != StatusOffTrack:
		return MovedOpened, fmt.Sprintf("newly off track (%s in %s)", then, lastMonth)
	}
	return MovedStillOpen, fmt.Sprintf("not met in %s either (%s)", lastMonth, then)
}

// changeBetween compares the hotspot's metric of two runs as compare does
// (their valid repetitions): improved, regressed, unchanged or cannot
// tell, and compare's sentence.
func changeBetween(then, now *results.Run, h scenarios.Hotspot, opts Options) (MonthChange, string) {
	c, err := compare.Compare([]*results.Run{then}, []*results.Run{now},
		compare.Options{Alpha: opts.Alpha, Confidence: opts.Confidence, Force: true})
	if err != nil {
		return ChangeUnknown, ""
	}
	row := c.Row(h.Endpoint, h.Metric)
	if row == nil {
		return ChangeUnknown, ""
	}
	change := ChangeNone
	switch {
	case row.TooFewRuns, row.Input, row.TooFewSamples:
		change = ChangeUnknown
	case row.Change == compare.Improved:
		change = ChangeImproved
	case row.Change == compare.Regressed:
		change = ChangeRegressed
	}
	for _, v := range c.Hotspots {
		if v.Name == h.Name {
			return change, v.Evidence
		}
	}
	return change, ""
}

// Count is the number of hotspots that moved so.
func (mm *MonthOverMonth) Count(mv Movement) int {
	n := 0
	for _, h := range mm.Hotspots {
		if h.Movement == mv {
			n++
		}
	}
	return n
}

// Improvements are the hotspots that compare finds improved since last
// month's last run, the largest relative improvement first.
func (mm *MonthOverMonth) Improvements() []HotspotMove {
	var out []HotspotMove
	for _, h := range mm.Hotspots {
		if h.Change == ChangeImproved && finite(h.RelativeChange) {
			out = append(out, h)
		}
	}
	gain := func(h HotspotMove) float64 {
		if m, _ := metric.Lookup(h.Metric); m.HigherIsBetter() {
			return h.RelativeChange
		}
		return -h.RelativeChange
	}
	slices.SortStableFunc(out, func(a, b HotspotMove) int { return cmp.Compare(gain(b), gain(a)) })
	return out
}

// ValuesText is "90.0ms → 3.02ms (-96.6%)", or what is missing.
func (h HotspotMove) ValuesText() string {
	switch {
	case h.HasThen && h.HasNow:
		return fmt.Sprintf("%s → %s (%s)", formatMetric(h.Metric, h.Then.Center), formatMetric(h.Metric, h.Now.Center), formatDelta(h.Then.Center, h.Now.Center))
	case h.HasNow:
		return formatMetric(h.Metric, h.Now.Center) + " (none last month)"
	case h.HasThen:
		return formatMetric(h.Metric, h.Then.Center) + " last month, none this month"
	}
	return "no values"
}

// label is "search-regexp (p99 of search)".
func (h HotspotMove) label() string {
	return fmt.Sprintf("%s (%s of %s)", h.Name, metricLabel(h.Metric), h.Endpoint)
}

// Minutes are the few lines a chair pastes into the minutes: objectives
// met, hotspots closed and opened since last month, and the biggest
// improvements, each with its ticket.
func (m *Month) Minutes() []string {
	var lines []string
	var met, all []string
	for _, s := range m.Scenarios {
		for _, h := range s.Hotspots {
			if h.Objective.Relative {
				continue
			}
			all = append(all, h.Name)
			if h.Status == StatusMet {
				met = append(met, h.Name+ticketNote(h.Hotspot))
			}
		}
	}
	if len(all) == 0 {
		return []string{"No hotspots declared by the month's runs."}
	}
	line := fmt.Sprintf("Objectives met: %d of %d", len(met), len(all))
	if len(met) > 0 {
		line += " (" + strings.Join(met, ", ") + ")"
	}
	lines = append(lines, line+".")
	mm := m.Previous
	if mm == nil {
		return lines
	}
	lastMonth := mm.From.Format("January 2006")
	list := func(title string, mv Movement, why bool) {
		var items []string
		for _, h := range mm.Hotspots {
			if h.Movement != mv {
				continue
			}
			item := h.Name + ticketNote(h.Hotspot)
			if why && h.Why != "" {
				item += " — " + h.Why
			}
			items = append(items, item)
		}
		if len(items) == 0 {
			items = []string{"none"}
		}
		lines = append(lines, fmt.Sprintf("%s: %s.", title, strings.Join(items, "; ")))
	}
	list("Closed since "+lastMonth, MovedClosed, false)
	list("Opened", MovedOpened, true)
	list("Still open", MovedStillOpen, false)
	if n := mm.Count(MovedNotMeasured); n > 0 {
		list("Not measured this month", MovedNotMeasured, true)
	}
	// One item a hotspot, with every ticket and PR its fixes recorded.
	var names []string
	tracked := map[string][]string{}
	for _, s := range m.Scenarios {
		for _, f := range s.Fixes {
			names = appendNew(names, f.Hotspot)
			if t := f.TrackedAs(); t != "–" {
				tracked[f.Hotspot] = appendNew(tracked[f.Hotspot], t)
			}
		}
	}
	var fixed []string
	for _, n := range names {
		if t := tracked[n]; len(t) > 0 {
			n += " (" + strings.Join(t, "; ") + ")"
		}
		fixed = append(fixed, n)
	}
	if len(fixed) > 0 {
		lines = append(lines, "Fixed this month, by saved verdicts: "+strings.Join(fixed, "; ")+".")
	}
	var best []string
	for i, h := range mm.Improvements() {
		if i == 3 {
			break
		}
		best = append(best, fmt.Sprintf("%s %s %s%s", h.Name, metricLabel(h.Metric), h.ValuesText(), ticketNote(h.Hotspot)))
	}
	if len(best) == 0 {
		best = []string{fmt.Sprintf("none measured against %s's last run", lastMonth)}
	}
	lines = append(lines, "Biggest improvements since "+lastMonth+": "+strings.Join(best, "; ")+".")
	return lines
}

// ticketNote is " [PERF-12]" for a hotspot with a ticket.
func ticketNote(h scenarios.Hotspot) string {
	if h.Ticket == "" {
		return ""
	}
	return " [" + h.Ticket + "]"
}

// moveView is a hotspot's row in the month-over-month table.
type moveView struct {
	Scenario, Name, Metric       string
	Movement, MovementClass, Why string
	StatusThen, StatusNow        string
	Values, Change, Evidence     string
	Owner                        ownerView
}

// previousView is the month-over-month section.
type previousView struct {
	Title, From, To string
	Runs            int
	Moves           []moveView
	Owners          bool
	Warnings        []string
}

func (mm *MonthOverMonth) view() *previousView {
	if mm == nil {
		return nil
	}
	pv := &previousView{Title: mm.From.Format("January 2006"), From: formatDate(mm.From), To: formatDate(mm.To.Add(-1)),
		Runs: mm.Runs, Warnings: mm.Warnings}
	order := []Movement{MovedClosed, MovedOpened, MovedStillOpen, MovedStillMet, MovedNotMeasured}
	moves := slices.Clone(mm.Hotspots)
	slices.SortStableFunc(moves, func(a, b HotspotMove) int {
		return cmp.Compare(slices.Index(order, a.Movement), slices.Index(order, b.Movement))
	})
	for _, h := range moves {
		mv := moveView{Scenario: h.Scenario, Name: h.Name, Metric: metricLabel(h.Metric) + " of " + h.Endpoint,
			Movement: string(h.Movement), Why: h.Why, StatusThen: statusOrDash(h.StatusThen), StatusNow: statusOrDash(h.StatusNow),
			Values: h.ValuesText(), Change: "–", Evidence: h.Evidence, Owner: ownerOf(h.Hotspot)}
		switch h.Movement {
		case MovedClosed, MovedStillMet:
			mv.MovementClass = "met"
		case MovedOpened:
			mv.MovementClass = "off-track"
		default:
			mv.MovementClass = "neutral"
		}
		if h.HasThen && h.HasNow {
			mv.Change = string(h.Change)
		}
		if h.ObjectiveChanged {
			mv.Why = strings.TrimPrefix(mv.Why+"; last month's objective differed", "; ")
		}
		pv.Owners = pv.Owners || hasOwners(h.Hotspot)
		pv.Moves = append(pv.Moves, mv)
	}
	return pv
}

func statusOrDash(s Status) string {
	if s == "" {
		return "–"
	}
	return string(s)
}
