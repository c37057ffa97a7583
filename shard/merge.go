package shard

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hotbench/hotbench/results"
)

// MergeOptions says what Merge cannot read from the parts themselves.
type MergeOptions struct {
	// Label is the merged run's label; the parts' run label when empty.
	Label string
	// Failures says, per shard, why it failed, as the coordinator saw it
	// (Outcome.Failed); a part's own run.json cannot say that its process
	// was killed.
	Failures map[int]string
}

// maxErrorSamples is the runner's bound on the distinct error messages an
// endpoint keeps; a merged endpoint keeps as many.
const maxErrorSamples = 10

// Merge makes one run of a sharded run's parts: the run a single process
// would have stored, had it generated the whole load. Repetition k of the
// merged run is repetition k of every part (the shards ran it together),
// so it is one sample of the whole load, never one shard's: latency,
// error-latency and send-lag histograms are the exact HDR merge of the
// parts', requests, errors, scheduled hits, statuses and error classes
// are sums, and the per-second series are merged second by second
// (counts summed; a second's p50 and p99 are the parts' weighted by their
// successful requests, since run.json keeps no per-second histogram). A
// repetition is valid when every part's is; one a shard is missing from
// is not. Profiles, hotspot shares and server statistics are shard 0's,
// which alone captured them.
//
// The merged run is complete when every shard's part is there and
// complete; otherwise IncompleteReason names the shards that failed and
// why. Parts of different runs, scenarios or shard counts are an error.
func Merge(parts []*results.Run, o MergeOptions) (*results.Run, error) {
	if len(parts) == 0 {
		return nil, errors.New("merge: no parts")
	}
	byIndex := map[int]*results.Run{}
	var first *results.Run
	for _, p := range parts {
		switch {
		case p.Shard == nil:
			return nil, fmt.Errorf("merge: %s is not a shard's part (it was not run with --shard or --shards)", p.Dir)
		case first == nil:
			first = p
		case p.Shard.RunID != first.Shard.RunID:
			return nil, fmt.Errorf("merge: %s is a part of run %s, %s of run %s: merge the parts of one run", p.Dir, p.Shard.RunID, first.Dir, first.Shard.RunID)
		case p.Shard.Count != first.Shard.Count:
			return nil, fmt.Errorf("merge: %s is a part of %d shards, %s of %d", p.Dir, p.Shard.Count, first.Dir, first.Shard.Count)
		case p.ScenarioHash != first.ScenarioHash:
			return nil, fmt.Errorf("merge: %s ran another scenario than %s", p.Dir, first.Dir)
		}
		if q := byIndex[p.Shard.Index]; q != nil {
			return nil, fmt.Errorf("merge: %s and %s are both shard %d", q.Dir, p.Dir, p.Shard.Index)
		}
		byIndex[p.Shard.Index] = p
	}
	count := first.Shard.Count
	ref := byIndex[slices.Min(slices.Collect(maps.Keys(byIndex)))] // shard 0 when it is there
	label := o.Label
	if label == "" {
		label = ref.Shard.Label
	}
	m := &results.Run{
		FormatVersion:   results.FormatVersion,
		Scenario:        ref.Scenario,
		ScenarioHash:    ref.ScenarioHash,
		Label:           label,
		Start:           ref.Start,
		End:             ref.End,
		Git:             ref.Git,
		Host:            ref.Host,
		GoVersion:       ref.GoVersion,
		HotbenchVersion: ref.HotbenchVersion,
		VegetaVersion:   ref.VegetaVersion,
		Shards:          &results.ShardSet{Count: count, RunID: ref.Shard.RunID},
	}
	var failures []string
	nreps := 0
	for i := range count {
		p := byIndex[i]
		if p == nil {
			m.Shards.Missing = append(m.Shards.Missing, i)
			why := o.Failures[i]
			if why == "" {
				why = "its part was not found"
			}
			failures = append(failures, fmt.Sprintf("shard %d of %d: %s", i, count, why))
			continue
		}
		m.Start, m.End = minTime(m.Start, p.Start), maxTime(m.End, p.End)
		nreps = max(nreps, len(p.Repetitions))
		m.Shards.Parts = append(m.Shards.Parts, results.ShardSource{
			Index: i, Run: p.Name(), Host: p.Host.Name, Complete: p.Complete, Reason: p.IncompleteReason,
			ClockOffset: p.Shard.ClockOffset, RTT: p.Shard.RTT,
		})
		for _, w := range p.Warnings {
			m.Warnings = append(m.Warnings, fmt.Sprintf("shard %d: %s", i, w))
		}
		if i == 0 {
			m.ProfileWarnings = p.ProfileWarnings
		}
		switch why := o.Failures[i]; {
		case why != "":
			failures = append(failures, fmt.Sprintf("shard %d of %d: %s", i, count, why))
		case p.Complete:
		case p.IncompleteReason == "":
			failures = append(failures, fmt.Sprintf("shard %d of %d: its part is incomplete and says no reason (its process ended before it finished)", i, count))
		case !strings.Contains(p.IncompleteReason, ErrAborted.Error()):
			// A shard aborted because another failed is not a cause.
			failures = append(failures, fmt.Sprintf("shard %d of %d: %s", i, count, p.IncompleteReason))
		}
	}
	if len(failures) == 0 && len(m.Shards.Missing) == 0 {
		// Every part is there; one whose run was aborted names the cause.
		for _, p := range m.Shards.Parts {
			if !p.Complete {
				failures = append(failures, fmt.Sprintf("shard %d of %d: %s", p.Index, count, p.Reason))
			}
		}
	}
	m.Complete = len(failures) == 0
	if !m.Complete {
		m.IncompleteReason = "sharded run incomplete: " + strings.Join(failures, "; ")
	}
	for k := range nreps {
		rep, skew := mergeRepetition(k, count, byIndex)
		m.Repetitions = append(m.Repetitions, rep)
		m.Shards.StartSkew = append(m.Shards.StartSkew, skew)
	}
	return m, nil
}

// mergeRepetition merges repetition k (from 0) of every part, and returns
// the spread of the parts' starts on the coordinator's clock.
func mergeRepetition(k, count int, byIndex map[int]*results.Run) (results.Repetition, float64) {
	out := results.Repetition{Index: k + 1, Complete: true}
	var starts []time.Time
	var invalid []string
	endpoints := map[string]*results.EndpointRun{}
	var order []string
	for i := range count {
		p := byIndex[i]
		if p == nil || k >= len(p.Repetitions) {
			out.Complete = false
			invalid = append(invalid, fmt.Sprintf("shard %d of %d did not run this repetition", i, count))
			continue
		}
		r := p.Repetitions[k]
		offset := time.Duration(p.Shard.ClockOffset * float64(time.Second))
		start, end := r.Start.Add(offset).UTC(), r.End.Add(offset).UTC()
		starts = append(starts, start)
		if len(starts) == 1 {
			out.Start, out.End, out.Window = start, end, r.Window
		} else {
			out.Start, out.End = minTime(out.Start, start), maxTime(out.End, end)
			out.Window = min(out.Window, r.Window)
		}
		out.Complete = out.Complete && r.Complete
		out.Retry = out.Retry || r.Retry
		for _, why := range r.Reasons() {
			invalid = append(invalid, fmt.Sprintf("shard %d: %s", i, why))
		}
		if i == 0 {
			out.Profiles, out.Functions, out.Server = r.Profiles, r.Functions, r.Server
		}
		for _, e := range r.Endpoints {
			dst := endpoints[e.Name]
			if dst == nil {
				dst = &results.EndpointRun{Name: e.Name, Status: map[string]int64{}, Latency: results.NewHistogram(), SendLag: results.NewHistogram()}
				endpoints[e.Name] = dst
				order = append(order, e.Name)
			}
			mergeEndpoint(dst, e)
		}
	}
	if !out.Complete && !slices.Contains(invalid, results.ReasonInterrupted) {
		invalid = append([]string{results.ReasonInterrupted}, invalid...)
	}
	out.Invalid = invalid
	for _, name := range order {
		e := endpoints[name]
		e.Series = mergedSeries(e.Series)
		out.Endpoints = append(out.Endpoints, *e)
	}
	var skew float64
	if len(starts) > 1 {
		skew = slices.MaxFunc(starts, time.Time.Compare).Sub(slices.MinFunc(starts, time.Time.Compare)).Seconds()
	}
	return out, skew
}

// mergeEndpoint adds one part's endpoint to dst. dst.Series collects
// every part's seconds, merged by mergedSeries once all are in.
func mergeEndpoint(dst *results.EndpointRun, e results.EndpointRun) {
	dst.Requests += e.Requests
	dst.Errors += e.Errors
	dst.Scheduled += e.Scheduled
	for k, v := range e.Status {
		dst.Status[k] += v
	}
	for k, v := range e.ErrorClasses {
		if dst.ErrorClasses == nil {
			dst.ErrorClasses = map[string]int64{}
		}
		dst.ErrorClasses[k] += v
	}
	for _, s := range e.ErrorSamples {
		if len(dst.ErrorSamples) < maxErrorSamples && !slices.Contains(dst.ErrorSamples, s) {
			dst.ErrorSamples = append(dst.ErrorSamples, s)
		}
	}
	dst.Latency.Merge(e.Latency)
	dst.SendLag.Merge(e.SendLag)
	if e.ErrorLatency != nil {
		if dst.ErrorLatency == nil {
			dst.ErrorLatency = results.NewHistogram()
		}
		dst.ErrorLatency.Merge(e.ErrorLatency)
	}
	dst.Series = append(dst.Series, e.Series...)
	results.MergeGroups(dst, e) // group_by's histograms, exactly like the endpoint's
}

// mergedSeries merges seconds with the same T (seconds since the common
// start of the measured window): requests and errors are summed; p50 and
// p99 are the parts' weighted by their successful requests.
func mergedSeries(all []results.Second) []results.Second {
	if len(all) == 0 {
		return nil
	}
	type acc struct {
		s          results.Second
		p50, p99   float64
		successful int64
	}
	byT := map[int]*acc{}
	for _, s := range all {
		a := byT[s.T]
		if a == nil {
			a = &acc{s: results.Second{T: s.T}}
			byT[s.T] = a
		}
		a.s.Requests += s.Requests
		a.s.Errors += s.Errors
		a.s.Warmup = a.s.Warmup || s.Warmup
		if ok := s.Requests - s.Errors; ok > 0 {
			a.p50 += s.P50 * float64(ok)
			a.p99 += s.P99 * float64(ok)
			a.successful += ok
		}
	}
	out := make([]results.Second, 0, len(byT))
	for _, a := range byT {
		if a.successful > 0 {
			a.s.P50 = a.p50 / float64(a.successful)
			a.s.P99 = a.p99 / float64(a.successful)
		}
		out = append(out, a.s)
	}
	slices.SortFunc(out, func(a, b results.Second) int { return a.T - b.T })
	return out
}

// Store creates the merged run's folder in store (its label in the name,
// as any run's) and copies shard 0's profiles into it, so that the merged
// run is an ordinary run: compare, gate, report and profile read it.
func Store(store *results.Store, merged *results.Run, parts []*results.Run) error {
	var zero *results.Run
	for _, p := range parts {
		if p.Shard != nil && p.Shard.Index == 0 {
			zero = p
		}
	}
	if err := store.Create(merged); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	if zero != nil {
		for _, rep := range merged.Repetitions {
			for _, pr := range rep.Profiles {
				if err := copyFile(filepath.Join(zero.Dir, filepath.FromSlash(pr.File)), filepath.Join(merged.Dir, filepath.FromSlash(pr.File))); err != nil {
					merged.ProfileWarnings = append(merged.ProfileWarnings, fmt.Sprintf("profile %s of shard 0 not copied: %v", pr.File, err))
				}
			}
		}
	}
	if err := results.Save(merged); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	return nil
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}

// FindParts loads the parts of run runID of a scenario from store: the
// folders under <store>/<scenario>/ whose run.json is a shard's part of
// that run, in shard order. A folder that cannot be read is skipped.
func FindParts(store *results.Store, scenario, runID string) ([]*results.Run, error) {
	dir := filepath.Join(store.Dir, scenario)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find parts of run %s: %w", runID, err)
	}
	var parts []*results.Run
	for _, e := range entries {
		if !e.IsDir() || !strings.Contains(e.Name(), "shard-") {
			continue
		}
		r, err := results.Load(filepath.Join(dir, e.Name()))
		if err != nil || r.Shard == nil || r.Shard.RunID != runID {
			continue
		}
		parts = append(parts, r)
	}
	slices.SortFunc(parts, func(a, b *results.Run) int { return a.Shard.Index - b.Shard.Index })
	return parts, nil
}

// Siblings adds to parts the other parts of their run found beside them
// (in the same scenario folder), for a merge given one part.
func Siblings(parts []*results.Run) ([]*results.Run, error) {
	if len(parts) != 1 || parts[0].Shard == nil || parts[0].Dir == "" {
		return parts, nil
	}
	p := parts[0]
	scenarioDir := filepath.Dir(p.Dir)
	return FindParts(results.Open(filepath.Dir(scenarioDir)), filepath.Base(scenarioDir), p.Shard.RunID)
}

func minTime(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
