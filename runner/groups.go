package runner

import (
	"fmt"
	"time"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// groupRecorder records an endpoint's measured requests per group of its
// group_by field (scenarios' Feeders): counts and the latency histograms of
// successes and failures, each made when its group first needs it, so a
// group costs memory only once it has requests.
type groupRecorder struct {
	by     string
	names  []string
	pooled int
	groups []results.GroupRun
}

func newGroupRecorder(by string, f *scenarios.Feed) *groupRecorder {
	if by == "" || f == nil || f.Groups() == nil {
		return nil
	}
	names := f.Groups()
	return &groupRecorder{by: by, names: names, pooled: f.Pooled(), groups: make([]results.GroupRun, len(names))}
}

// add records one measured request of group g.
func (r *groupRecorder) add(g int, latency time.Duration, failed bool) {
	if g < 0 || g >= len(r.groups) {
		return
	}
	gr := &r.groups[g]
	gr.Requests++
	if failed {
		gr.Errors++
		if gr.ErrorLatency == nil {
			gr.ErrorLatency = results.NewHistogram()
		}
		gr.ErrorLatency.Record(latency)
		return
	}
	if gr.Latency == nil {
		gr.Latency = results.NewHistogram()
	}
	gr.Latency.Record(latency)
}

// finish sets out's groups: those that had requests, in the data file's
// order.
func (r *groupRecorder) finish(out *results.EndpointRun) {
	out.GroupBy, out.GroupsPooled = r.by, r.pooled
	for i, g := range r.groups {
		if g.Requests == 0 {
			continue
		}
		g.Name = r.names[i]
		if g.Latency == nil {
			g.Latency = results.NewHistogram()
		}
		out.Groups = append(out.Groups, g)
	}
}

// pooledGroups says, once per run, which endpoints pool values of their
// group_by field in the group other.
func pooledGroups(streams []*stream) []string {
	var out []string
	for _, s := range streams {
		if g := s.rec.groups; g != nil && g.pooled > 0 {
			out = append(out, fmt.Sprintf("%s: group_by %s has %d values: the %d most frequent are groups of their own, the other %d are pooled as %s",
				s.ep.Name, g.by, g.pooled+len(g.names)-1, len(g.names)-1, g.pooled, scenarios.OtherGroup))
		}
	}
	return out
}
