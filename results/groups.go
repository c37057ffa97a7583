package results

import (
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/scenarios"
)

// Groups: an endpoint whose scenario sets group_by records its requests per
// value of that field of its data file as well (scenarios' Feeders). Each
// group is stored under its endpoint (EndpointRun.Groups) and named like
// an endpoint where results are read: "manual[size=large]"
// (scenarios.GroupEndpoint). Repetition.Endpoint and Value accept that
// name, so compare, gates, hotspots and reports read a group as they read
// an endpoint. The fields are additions to format version 2.

// GroupRun is what one group of an endpoint saw in one repetition: its
// requests and errors, and the latencies of its successes and failures,
// measured as the endpoint's.
type GroupRun struct {
	// Name is the group_by field's value ("large"), or
	// scenarios.OtherGroup for the values pooled beyond
	// scenarios.MaxGroups.
	Name         string     `json:"name"`
	Requests     int64      `json:"requests"`
	Errors       int64      `json:"errors"`
	Latency      *Histogram `json:"latency"`
	ErrorLatency *Histogram `json:"error_latency,omitempty"`
}

// Group returns the endpoint's group named value, or nil.
func (e *EndpointRun) Group(value string) *GroupRun {
	for i := range e.Groups {
		if e.Groups[i].Name == value {
			return &e.Groups[i]
		}
	}
	return nil
}

// groupEndpoint returns a group named as an endpoint ("manual[size=large]")
// as the results of an endpoint of its own, or nil. Its fields share the
// group's histograms.
func (rep *Repetition) groupEndpoint(name string) *EndpointRun {
	endpoint, field, value, ok := scenarios.SplitGroupEndpoint(name)
	if !ok {
		return nil
	}
	var parent *EndpointRun
	for i := range rep.Endpoints {
		if rep.Endpoints[i].Name == endpoint {
			parent = &rep.Endpoints[i]
		}
	}
	if parent == nil || parent.GroupBy != field {
		return nil
	}
	g := parent.Group(value)
	if g == nil {
		return nil
	}
	return &EndpointRun{
		Name:         name,
		Requests:     g.Requests,
		Errors:       g.Errors,
		Latency:      g.Latency,
		ErrorLatency: g.ErrorLatency,
	}
}

// GroupNames lists the groups of an endpoint the run recorded, named as
// endpoints ("manual[size=large]"), in the order of the scenario's data
// file (the first repetition's order, then any others).
func (r *Run) GroupNames(endpoint string) []string {
	var names []string
	seen := map[string]bool{}
	for i := range r.Repetitions {
		e := r.Repetitions[i].Endpoint(endpoint)
		if e == nil || e.GroupBy == "" {
			continue
		}
		for _, g := range e.Groups {
			n := scenarios.GroupEndpoint(endpoint, e.GroupBy, g.Name)
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	return names
}

// EndpointAndGroupNames is EndpointNames with each endpoint's groups after
// it: what a comparison gives rows.
func (r *Run) EndpointAndGroupNames() []string {
	var names []string
	for _, e := range r.EndpointNames() {
		names = append(names, e)
		names = append(names, r.GroupNames(e)...)
	}
	return names
}

// IsGroup reports whether name names a group ("manual[size=large]") rather
// than an endpoint.
func IsGroup(name string) bool {
	_, _, _, ok := scenarios.SplitGroupEndpoint(name)
	return ok
}

// GroupSummary is one group of an endpoint over the repetitions a summary
// merges.
type GroupSummary struct {
	// Name is the group's value ("large"); Endpoint names it as an
	// endpoint ("manual[size=large]").
	Name      string  `json:"name"`
	Endpoint  string  `json:"endpoint"`
	Requests  int64   `json:"requests"`
	Errors    int64   `json:"errors"`
	ErrorRate float64 `json:"error_rate"`
	RPS       float64 `json:"rps"`
	// Latency describes the group's successful responses, ErrorLatency
	// its failed ones (nil when there were none).
	Latency      LatencySummary  `json:"latency"`
	ErrorLatency *LatencySummary `json:"error_latency,omitempty"`
}

// summarizeGroups merges an endpoint's groups over reps.
func summarizeGroups(r *Run, endpoint string, reps []*Repetition, extra []metric.Metric) []GroupSummary {
	var out []GroupSummary
	for _, name := range r.GroupNames(endpoint) {
		_, _, value, _ := scenarios.SplitGroupEndpoint(name)
		gs := GroupSummary{Name: value, Endpoint: name}
		lat, errLat := NewHistogram(), NewHistogram()
		var seconds float64
		for _, rep := range reps {
			e := rep.Endpoint(name)
			if sec := rep.Seconds(); sec > 0 && rep.Endpoint(endpoint) != nil {
				seconds += sec
			}
			if e == nil {
				continue
			}
			gs.Requests += e.Requests
			gs.Errors += e.Errors
			lat.Merge(e.Latency)
			errLat.Merge(e.ErrorLatency)
		}
		if gs.Requests > 0 {
			gs.ErrorRate = float64(gs.Errors) / float64(gs.Requests)
		}
		if seconds > 0 {
			gs.RPS = float64(gs.Requests) / seconds
		}
		gs.Latency = latencySummary(lat, extra)
		if errLat.Count() > 0 {
			el := latencySummary(errLat, extra)
			gs.ErrorLatency = &el
		}
		out = append(out, gs)
	}
	return out
}

// MergeGroups adds the groups of e, one part of a measurement (a shard's),
// to dst's, exactly: counts summed, histograms merged, a group dst lacks
// appended in e's order.
func MergeGroups(dst *EndpointRun, e EndpointRun) {
	if e.GroupBy == "" {
		return
	}
	dst.GroupBy = e.GroupBy
	dst.GroupsPooled = max(dst.GroupsPooled, e.GroupsPooled)
	for _, g := range e.Groups {
		d := dst.Group(g.Name)
		if d == nil {
			dst.Groups = append(dst.Groups, GroupRun{Name: g.Name, Latency: NewHistogram()})
			d = &dst.Groups[len(dst.Groups)-1]
		}
		d.Requests += g.Requests
		d.Errors += g.Errors
		if d.Latency == nil {
			d.Latency = NewHistogram()
		}
		d.Latency.Merge(g.Latency)
		if g.ErrorLatency != nil {
			if d.ErrorLatency == nil {
				d.ErrorLatency = NewHistogram()
			}
			d.ErrorLatency.Merge(g.ErrorLatency)
		}
	}
}
