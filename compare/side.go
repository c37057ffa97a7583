package compare

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/hotbench/hotbench/results"
)

// side is one side of a comparison: its runs and their pooled repetitions.
type side struct {
	role string
	runs []*results.Run
	reps []*results.Repetition
	// warnings are caveats found while pooling, like skipped repetitions.
	warnings []string
}

// newSide pools the complete repetitions of runs. An interrupted
// repetition holds only part of a window, so it is skipped, with a warning.
func newSide(role string, runs []*results.Run) (*side, error) {
	s := &side{role: role}
	skippedAll := 0
	for _, r := range runs {
		if r == nil {
			continue
		}
		s.runs = append(s.runs, r)
		skipped := 0
		for i := range r.Repetitions {
			if !r.Repetitions[i].Complete {
				skipped++
				continue
			}
			s.reps = append(s.reps, &r.Repetitions[i])
		}
		if skipped > 0 {
			noun := "repetitions"
			if skipped == 1 {
				noun = "repetition"
			}
			s.warnings = append(s.warnings, fmt.Sprintf("%s run %s: skipped %d incomplete %s of %d",
				role, r.Scenario.Name+"@"+r.Label, skipped, noun, len(r.Repetitions)))
			skippedAll += skipped
		}
	}
	if len(s.runs) == 0 {
		return nil, fmt.Errorf("the %s has no runs: name at least one stored run", role)
	}
	if len(s.reps) == 0 && skippedAll > 0 {
		return nil, fmt.Errorf("the %s runs have no complete repetitions (%d incomplete skipped): run the scenario again", role, skippedAll)
	}
	if len(s.reps) == 0 {
		return nil, fmt.Errorf("the %s runs have no repetitions: run the scenario again, it measured nothing", role)
	}
	return s, nil
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

// endpoints is the union of the runs' endpoints, in scenario order.
func (s *side) endpoints() []string {
	var names []string
	for _, r := range s.runs {
		for _, e := range r.EndpointNames() {
			names = appendUnique(names, e)
		}
	}
	return names
}

func (s *side) values(endpoint, metric string) []float64 {
	var v []float64
	for _, rep := range s.reps {
		if x, ok := rep.Value(endpoint, metric); ok && !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	return v
}

// shares collects a function's share of one profile kind per repetition.
// A share recorded for another hotspot naming the same function counts too:
// it is the same measurement.
func (s *side) shares(hotspot, function, kind string) []float64 {
	var v []float64
	for _, rep := range s.reps {
		found, ok := 0.0, false
		for _, f := range rep.Functions {
			if f.Function != function || f.Kind != kind {
				continue
			}
			if !ok || f.Hotspot == hotspot {
				found, ok = f.Share, true
			}
		}
		if ok {
			v = append(v, found)
		}
	}
	return v
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
	be, ce := slices.Clone(b.endpoints()), slices.Clone(cand.endpoints())
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
			for _, w := range r.Warnings {
				c.Warnings = appendUnique(c.Warnings, fmt.Sprintf("%s run %s: %s", s.role, id, w))
			}
		}
	}
}
