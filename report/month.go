package report

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/profiles"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// Status is where a hotspot stands against its objective over a month:
// judged from the month's trend (one point per run, projected to the due
// date), not from one comparison, so it is the report's and not compare's.
type Status string

// Hotspot statuses.
const (
	// StatusMet: the month's last run without caveats meets the objective.
	StatusMet Status = "met"
	// StatusOnTrack: not met yet, but the month's trend reaches the
	// objective by the due date (by the month's end without one).
	StatusOnTrack Status = "on track"
	// StatusOffTrack: not met, and the trend does not reach it in time.
	StatusOffTrack Status = "off track"
	// StatusNoTrend: not met, and too few runs for a trend: a trend is
	// projected from at least TrendMinRuns runs without caveats on at least
	// TrendMinDays days (UTC). Two runs seconds apart are no trend.
	StatusNoTrend Status = "no trend yet"
	// StatusNoData: no run of the month measured the hotspot's metric.
	StatusNoData Status = "no data"
)

// What a trend needs: runs without caveats (no invalid repetition, no
// warning), on different days.
const (
	TrendMinRuns = 3
	TrendMinDays = 2
)

// MonthChange is a hotspot's change between the month's first and last
// runs, decided by the compare package's statistics (a compare.Change of
// the hotspot's row, or ChangeUnknown where that row was not tested).
type MonthChange string

// Changes of a hotspot over the month.
const (
	ChangeImproved  MonthChange = "improved"
	ChangeRegressed MonthChange = "regressed"
	ChangeNone      MonthChange = "unchanged"
	// ChangeUnknown: one run, or too few repetitions to tell.
	ChangeUnknown MonthChange = "cannot tell"
)

// Month is a calendar month (UTC) of a results store, ready to render.
type Month struct {
	// From and To bound the month: [From, To).
	From, To  time.Time
	Generated time.Time
	Scenarios []ScenarioMonth
	// Warnings are runs or verdicts that could not be read, and so are not
	// in the report.
	Warnings []string
	// Previous compares each hotspot with the month before.
	Previous *MonthOverMonth
	// Annotations are the store's annotations that overlap the month, of
	// every scenario, oldest first.
	Annotations []results.Annotation

	opts Options
}

// ScenarioMonth is one scenario's month.
type ScenarioMonth struct {
	Name, Description string
	// Runs are the month's runs, oldest first.
	Runs      []RunPoint
	Hotspots  []HotspotMonth
	Endpoints []EndpointMonth
	Verdicts  []Verdict
	// CPU compares the last run's merged CPU profile with the first's;
	// CPUNote says why it is missing when it is. CPUFirst and CPULast say
	// what each side merged ("6 profiles, 3,120 samples over 30 s");
	// CPUCaveats name profiles of too few samples.
	CPU               []profiles.FuncDiff
	CPUNote           string
	CPUFirst, CPULast string
	CPUCaveats        []string
	Warnings          []string
	// Annotations are those of the month that apply to the scenario: the
	// trend charts draw them.
	Annotations []results.Annotation
	// Fixes is the month's fix log: each hotspot that a saved verdict
	// found improved.
	Fixes []Fix
}

// RunPoint is one run of the month.
type RunPoint struct {
	Ref, Name   string
	Label       string
	Start       time.Time
	Commit      string
	Repetitions int
	// Valid is the number of valid repetitions: only they give values.
	Valid    int
	Complete bool
	// Caveats say why the run is marked on the charts and left out of
	// trends: invalid repetitions, the run's warnings, an interruption,
	// an incident.
	Caveats []string
	// Incident is the incident annotation the run started in
	// (results.InIncident), or nil: the run is greyed on the charts and
	// left out of trends.
	Incident *results.Annotation

	dir string // the run's folder
}

// Marked reports whether the run has caveats.
func (r RunPoint) Marked() bool { return len(r.Caveats) > 0 }

// HotspotMonth is a hotspot's progress over the month.
type HotspotMonth struct {
	scenarios.Hotspot
	// Points has one entry per run whose valid repetitions measured the
	// metric. Runs without a valid repetition have no value: they are in
	// NoValue.
	Points []Point
	// NoValue lists the runs that measured nothing valid.
	NoValue []RunPoint
	// First, Last and Best are of the runs without caveats (of all Points
	// when every run has caveats).
	First, Last, Best Point
	// Projected is the trend's value at JudgedAt: the due date, or the
	// month's end without one (NaN without a trend).
	Projected float64
	JudgedAt  time.Time
	Status    Status
	// TrendRuns and TrendDays are the runs without caveats and their UTC
	// days: what a trend is fitted to. NoTrend says why there is none.
	TrendRuns, TrendDays int
	NoTrend              string
	// Change is the first run against the last, by compare's statistics;
	// Evidence is compare's sentence behind it.
	Change   MonthChange
	Evidence string

	trendA, trendB float64
	trendOK        bool
}

// Point is one run's value of a metric from its valid repetitions: their
// median with the confidence interval around it (±Inf when too few), or
// for the error rate the pooled rate (errors over requests) with its
// Wilson interval.
type Point struct {
	At             time.Time
	Run            string
	Center, Lo, Hi float64
	// N is the number of valid repetitions behind the value; LeftOut the
	// invalid ones left out.
	N, LeftOut int
	// Marked: the run has caveats (RunPoint.Caveats). It is drawn hollow
	// and left out of the trend. Incident: one of them is that it ran
	// inside an incident; it is drawn grey.
	Marked, Incident bool

	dir string // the run's folder
}

// EndpointMonth is an endpoint's throughput and error rate per run.
type EndpointMonth struct {
	Name   string
	Points []EndpointPoint
	// NoValue lists the runs without a valid repetition of the endpoint.
	NoValue []RunPoint
}

// EndpointPoint is one run of an endpoint, its valid repetitions pooled.
type EndpointPoint struct {
	At        time.Time
	Run       string
	Requests  int64
	RPS       float64
	ErrorRate float64
	// N is the number of valid repetitions pooled; LeftOut the invalid
	// ones left out. Marked as in Point.
	N, LeftOut       int
	Marked, Incident bool
}

// monthRange is the calendar month (UTC) that contains t.
func monthRange(t time.Time) (from, to time.Time) {
	t = t.UTC()
	from = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return from, from.AddDate(0, 1, 0)
}

// BuildMonth reads the runs and saved verdicts of the calendar month (UTC)
// that contains month, and works out each hotspot's progress. Runs or
// verdicts that cannot be read are named in Month.Warnings, not dropped
// silently; a store that cannot be listed at all is an error.
func BuildMonth(ctx context.Context, store *results.Store, month time.Time, opts Options) (*Month, error) {
	opts = opts.withDefaults()
	from, to := monthRange(month)
	m := &Month{From: from, To: to, Generated: opts.Now().UTC(), opts: opts}

	infos, err := store.List()
	if err != nil {
		if infos == nil {
			return nil, fmt.Errorf("month report: %w", err)
		}
		m.Warnings = append(m.Warnings, splitErrors(err)...)
	}
	prevFrom, _ := monthRange(from.AddDate(0, -1, 0))
	byScenario, prevByScenario := map[string][]results.RunInfo{}, map[string][]results.RunInfo{}
	for _, info := range infos {
		switch {
		case info.Part || info.Calibration:
			// A shard's part is in its merged run; a calibration is noise.
		case !info.Start.Before(from) && info.Start.Before(to):
			byScenario[info.Scenario] = append(byScenario[info.Scenario], info)
		case !info.Start.Before(prevFrom) && info.Start.Before(from):
			prevByScenario[info.Scenario] = append(prevByScenario[info.Scenario], info)
		}
	}
	annotations, err := store.Annotations()
	if err != nil {
		m.Warnings = append(m.Warnings, fmt.Sprintf("annotations: %v", err))
	}
	for _, a := range annotations {
		if overlaps(a, prevFrom, to) {
			m.Annotations = append(m.Annotations, a)
		}
	}
	verdicts, err := store.Verdicts("", from, to)
	if err != nil {
		m.Warnings = append(m.Warnings, splitErrors(err)...)
	}
	verdictsOf := map[string][]results.SavedVerdict{}
	for _, v := range verdicts {
		verdictsOf[v.Scenario] = append(verdictsOf[v.Scenario], v)
	}

	names := make([]string, 0, len(byScenario))
	for name := range byScenario {
		names = append(names, name)
	}
	for name := range verdictsOf {
		if _, ok := byScenario[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("month report: %w", err)
		}
		sm, err := buildScenario(ctx, name, sortRuns(byScenario[name]), to, opts, true, m.Annotations)
		if err != nil {
			return nil, err
		}
		for _, a := range m.Annotations {
			if a.AppliesTo(name) && overlaps(a, from, to) {
				sm.Annotations = append(sm.Annotations, a)
			}
		}
		for _, v := range verdictsOf[name] {
			pv, err := parseVerdict(v.Data)
			if err != nil {
				sm.Warnings = append(sm.Warnings, fmt.Sprintf("%s: %v", v.Path, err))
				continue
			}
			pv.Kind, pv.At = v.Kind, v.At
			sm.Verdicts = append(sm.Verdicts, pv)
			fixes, _ := parseFixes(v.Data, v.Kind, v.At) // parseVerdict read it already
			sm.Fixes = append(sm.Fixes, fixes...)
		}
		m.Scenarios = append(m.Scenarios, *sm)
	}
	prev, err := buildPrevious(ctx, m, prevByScenario, opts)
	if err != nil {
		return nil, err
	}
	m.Previous = prev
	// The month before's were read for its runs only.
	var own []results.Annotation
	for _, a := range m.Annotations {
		if overlaps(a, from, to) {
			own = append(own, a)
		}
	}
	m.Annotations = own
	return m, nil
}

// overlaps reports whether an annotation (a moment, or a span to its End)
// falls in [from, to).
func overlaps(a results.Annotation, from, to time.Time) bool {
	end := a.Time
	if a.End != nil {
		end = *a.End
	}
	return a.Time.Before(to) && !end.Before(from)
}

// sortRuns sorts runs oldest first (by folder for the same start).
func sortRuns(runs []results.RunInfo) []results.RunInfo {
	slices.SortStableFunc(runs, func(a, b results.RunInfo) int {
		return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.Dir, b.Dir))
	})
	return runs
}

func splitErrors(err error) []string {
	var out []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// runSample is what the month keeps of a run: its values, not its
// histograms, so a month of hundreds of runs stays small in memory.
type runSample struct {
	point     RunPoint
	hotspot   []hotspotSample // per hotspot
	endpoints map[string]EndpointPoint
	order     []string // endpoint names in the run's order
}

// hotspotSample is a hotspot's metric in one run's valid repetitions: one
// value per repetition, and the pooled counts behind an error rate.
type hotspotSample struct {
	vals         []float64
	errors, reqs int64
}

func sampleRun(r *results.Run, hotspots []scenarios.Hotspot, annotations []results.Annotation) runSample {
	valid, leftOut := r.ValidRepetitions()
	var incident *results.Annotation
	if a := results.IncidentDuring(annotations, r.Start, r.End, r.Scenario.Name); a != nil {
		c := *a // not a pointer into the caller's slice
		incident = &c
	}
	s := runSample{
		point: RunPoint{
			Ref: r.Ref(), Name: r.Name(), Label: r.Label, Start: r.Start.UTC(),
			Commit: shortCommit(r.Git.Commit, r.Git.Dirty), Repetitions: len(r.Repetitions), Valid: len(valid), Complete: r.Complete,
			Caveats: runCaveats(r, leftOut, incident), Incident: incident, dir: r.Dir,
		},
		endpoints: map[string]EndpointPoint{},
		order:     r.EndpointNames(),
	}
	for _, h := range hotspots {
		var hs hotspotSample
		for _, rep := range valid {
			if v, ok := rep.Value(h.Endpoint, h.Metric); ok {
				hs.vals = append(hs.vals, v)
				if e := rep.Endpoint(h.Endpoint); e != nil {
					hs.errors += e.Errors
					hs.reqs += e.Requests
				}
			}
		}
		s.hotspot = append(s.hotspot, hs)
	}
	for _, name := range s.order {
		p := EndpointPoint{At: s.point.Start, Run: s.point.Ref, LeftOut: leftOut, Marked: s.point.Marked(), Incident: incident != nil}
		var errs int64
		var secs float64
		for _, rep := range valid {
			if e := rep.Endpoint(name); e != nil && e.Requests > 0 {
				p.N++
				p.Requests += e.Requests
				errs += e.Errors
				if d := rep.Seconds(); d > 0 {
					secs += d
				}
			}
		}
		if p.Requests > 0 {
			p.ErrorRate = float64(errs) / float64(p.Requests)
		}
		if secs > 0 {
			p.RPS = float64(p.Requests) / secs
		}
		s.endpoints[name] = p
	}
	return s
}

// runCaveats says why a run's values are not to be trusted as much as the
// others': the incident it ran in, invalid repetitions (with their
// reasons), the run's warnings, an interruption.
func runCaveats(r *results.Run, leftOut int, incident *results.Annotation) []string {
	var out []string
	if incident != nil {
		out = append(out, incidentCaveat(incident))
	}
	if leftOut > 0 {
		var reasons []string
		for _, rep := range r.Repetitions {
			for _, why := range rep.Reasons() {
				if !slices.Contains(reasons, why) {
					reasons = append(reasons, why)
				}
			}
		}
		c := fmt.Sprintf("%d of %d repetitions invalid, left out", leftOut, len(r.Repetitions))
		if len(reasons) > 0 {
			c += " (" + strings.Join(reasons, "; ") + ")"
		}
		out = append(out, c)
	}
	if !r.Complete {
		c := "incomplete"
		if r.IncompleteReason != "" {
			c += ": " + r.IncompleteReason
		}
		out = append(out, c)
	}
	for _, w := range r.Warnings {
		out = append(out, "warning: "+w)
	}
	return out
}

// buildScenario loads a scenario's runs of the month. The last run is
// loaded first: its scenario names the hotspots and objectives that the
// month is judged by. The first and last runs are kept whole, for the
// comparison and the profiles; the others are reduced to their values.
// Without full (the month before, which only needs its statuses and
// values) there is no comparison and no profile.
func buildScenario(ctx context.Context, name string, infos []results.RunInfo, to time.Time, opts Options, full bool, annotations []results.Annotation) (*ScenarioMonth, error) {
	sm := &ScenarioMonth{Name: name}
	if len(infos) == 0 {
		sm.CPUNote = "no runs this month"
		return sm, nil
	}
	var first, last *results.Run
	// The newest run that loads defines the scenario.
	for len(infos) > 0 && last == nil {
		r, err := results.Load(infos[len(infos)-1].Dir)
		if err != nil {
			sm.Warnings = append(sm.Warnings, err.Error())
			infos = infos[:len(infos)-1]
			continue
		}
		last = r
	}
	if last == nil {
		sm.CPUNote = "no readable runs this month"
		return sm, nil
	}
	sc := last.Scenario
	sm.Description = sc.Description
	hotspots := sc.Hotspots

	samples := make([]runSample, len(infos))
	loaded := make([]bool, len(infos))
	errs := make([]error, len(infos))
	samples[len(infos)-1], loaded[len(infos)-1] = sampleRun(last, hotspots, annotations), true
	var wg sync.WaitGroup
	next := make(chan int)
	var firstMu sync.Mutex
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(infos)-1); w++ {
		wg.Go(func() {
			for i := range next {
				r, err := results.Load(infos[i].Dir)
				if err != nil {
					errs[i] = err
					continue
				}
				samples[i], loaded[i] = sampleRun(r, hotspots, annotations), true
				if i == 0 {
					firstMu.Lock()
					first = r
					firstMu.Unlock()
				}
			}
		})
	}
feed:
	for i := 0; i < len(infos)-1; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("month report: %w", err)
	}
	var kept []runSample
	for i := range samples {
		if errs[i] != nil {
			sm.Warnings = append(sm.Warnings, errs[i].Error())
		}
		if loaded[i] {
			kept = append(kept, samples[i])
		}
	}
	if first == nil && len(infos) == 1 {
		first = last
	}
	for _, s := range kept {
		sm.Runs = append(sm.Runs, s.point)
	}

	// The first and last runs, compared as compare does: the month's change.
	var cmpn *compare.Comparison
	if full && first != nil && first != last {
		c, err := compare.Compare([]*results.Run{first}, []*results.Run{last},
			compare.Options{Alpha: opts.Alpha, Confidence: opts.Confidence, Force: true})
		if err != nil {
			sm.Warnings = append(sm.Warnings, fmt.Sprintf("compare the month's first and last runs: %v", err))
		} else {
			cmpn = c
		}
	}
	for i, h := range hotspots {
		sm.Hotspots = append(sm.Hotspots, buildHotspot(h, i, kept, cmpn, to, opts))
	}
	sm.Endpoints = buildEndpoints(kept)
	if full {
		cpuDiff(sm, first, last, opts.TopFunctions)
	}
	return sm, nil
}

func buildHotspot(h scenarios.Hotspot, i int, runs []runSample, c *compare.Comparison, monthEnd time.Time, opts Options) HotspotMonth {
	hm := HotspotMonth{Hotspot: h, Projected: math.NaN()}
	for _, r := range runs {
		if i >= len(r.hotspot) || len(r.hotspot[i].vals) == 0 {
			if r.point.Valid == 0 {
				hm.NoValue = append(hm.NoValue, r.point)
			}
			continue
		}
		hs := r.hotspot[i]
		e := summarize(hs.vals, opts.Confidence)
		if h.Metric == metric.ErrorRate {
			e = pooledRate(hs.errors, hs.reqs, len(hs.vals), opts.Confidence)
		}
		hm.Points = append(hm.Points, Point{At: r.point.Start, Run: r.point.Ref, Center: e.Center, Lo: e.Lo, Hi: e.Hi, N: e.N,
			LeftOut: r.point.Repetitions - r.point.Valid, Marked: r.point.Marked(), Incident: r.point.Incident != nil, dir: r.point.dir})
	}
	hm.JudgedAt = monthEnd
	if !h.Due.IsZero() {
		// Due on a day means by the end of that day.
		hm.JudgedAt = h.Due.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	}
	if len(hm.Points) == 0 {
		hm.Status, hm.Change = StatusNoData, ChangeUnknown
		return hm
	}
	clean := hm.cleanPoints()
	shown := clean
	if len(shown) == 0 {
		shown = hm.Points
	}
	hm.First, hm.Last, hm.Best = shown[0], shown[len(shown)-1], shown[0]
	for _, p := range shown {
		if better(h.Metric, p.Center, hm.Best.Center) {
			hm.Best = p
		}
	}
	hm.TrendRuns, hm.TrendDays = len(clean), days(clean)
	if hm.TrendRuns >= TrendMinRuns && hm.TrendDays >= TrendMinDays {
		var xs, ys []float64
		for _, p := range clean {
			xs, ys = append(xs, float64(p.At.Unix())), append(ys, p.Center)
		}
		hm.trendA, hm.trendB, hm.trendOK = linearFit(xs, ys)
	}
	if hm.trendOK {
		at := hm.JudgedAt
		if at.Before(hm.Last.At) {
			at = hm.Last.At // a due date already past: judge where it stands
		}
		// Every metric is ≥ 0: a falling line that crosses zero means "reaches 0".
		hm.Projected = math.Max(0, hm.trendA+hm.trendB*float64(at.Unix()))
	} else {
		hm.NoTrend = noTrendReason(hm.TrendRuns, hm.TrendDays, len(hm.Points)-len(clean))
	}
	hm.Status = hotspotStatus(h, clean, hm.Projected, hm.trendOK)

	hm.Change = ChangeUnknown
	if c != nil {
		if row := c.Row(h.Endpoint, h.Metric); row != nil {
			switch {
			case row.TooFewRuns, row.Input, row.TooFewSamples:
				// Not tested: an open-model rps is an input, and too few
				// runs or samples decide nothing.
			case row.Change == compare.Improved:
				hm.Change = ChangeImproved
			case row.Change == compare.Regressed:
				hm.Change = ChangeRegressed
			default:
				hm.Change = ChangeNone
			}
		}
		for _, v := range c.Hotspots {
			if v.Name == h.Name {
				hm.Evidence = v.Evidence
			}
		}
	}
	return hm
}

// cleanPoints are the points of runs without caveats: what the status and
// the trend rest on.
func (h *HotspotMonth) cleanPoints() []Point {
	var out []Point
	for _, p := range h.Points {
		if !p.Marked {
			out = append(out, p)
		}
	}
	return out
}

// days counts the distinct UTC dates the points' runs started on.
func days(pts []Point) int {
	seen := map[string]bool{}
	for _, p := range pts {
		seen[formatDate(p.At)] = true
	}
	return len(seen)
}

// noTrendReason: "2 runs on 1 day: a trend needs ≥ 3 runs on ≥ 2 days".
func noTrendReason(runs, days, marked int) string {
	s := fmt.Sprintf("%s on %s", plural(runs, "run"), plural(days, "day"))
	if marked > 0 {
		s = fmt.Sprintf("%s without caveats on %s (%s with caveats left out)", plural(runs, "run"), plural(days, "day"), plural(marked, "run"))
	}
	return fmt.Sprintf("%s: a trend needs ≥ %d runs on ≥ %d days", s, TrendMinRuns, TrendMinDays)
}

// hotspotStatus decides the status from the runs without caveats: met when
// the last of them meets the objective, else on or off track by the trend,
// else no trend yet. Relative objectives have nothing absolute to meet and
// are judged by nothing.
func hotspotStatus(h scenarios.Hotspot, clean []Point, projected float64, trend bool) Status {
	switch {
	case h.Objective.Relative:
		return StatusNoData
	case len(clean) > 0 && meets(h, clean[len(clean)-1].Center):
		return StatusMet
	case !trend:
		return StatusNoTrend
	case meets(h, projected):
		return StatusOnTrack
	}
	return StatusOffTrack
}

func meets(h scenarios.Hotspot, v float64) bool {
	if math.IsNaN(v) {
		return false
	}
	if m, _ := metric.Lookup(h.Metric); m.HigherIsBetter() {
		return v >= h.Objective.Value
	}
	return v <= h.Objective.Value
}

func better(name string, a, b float64) bool {
	if m, _ := metric.Lookup(name); m.HigherIsBetter() {
		return a > b
	}
	return a < b
}

func buildEndpoints(runs []runSample) []EndpointMonth {
	var names []string
	// The newest run's order first, then endpoints only older runs had.
	for i := len(runs) - 1; i >= 0; i-- {
		for _, n := range runs[i].order {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	var out []EndpointMonth
	for _, n := range names {
		e := EndpointMonth{Name: n}
		for _, r := range runs {
			p, ok := r.endpoints[n]
			switch {
			case ok && p.Requests > 0:
				e.Points = append(e.Points, p)
			case r.point.Valid == 0:
				e.NoValue = append(e.NoValue, r.point)
			}
		}
		out = append(out, e)
	}
	return out
}

// cpuDiff compares the merged CPU profiles of the last run against the
// first (their valid repetitions); the note says why there is no table.
func cpuDiff(sm *ScenarioMonth, first, last *results.Run, n int) {
	switch {
	case first == nil || last == nil:
		sm.CPUNote = "The month's first or last run could not be read (see above): nothing to compare."
		return
	case first == last:
		sm.CPUNote = "One run this month: nothing to compare."
		return
	}
	base, bsrc, err := mergedProfile(first, "cpu")
	if err != nil {
		sm.CPUNote = profileNote("first", first, err)
		return
	}
	cand, csrc, err := mergedProfile(last, "cpu")
	if err != nil {
		sm.CPUNote = profileNote("last", last, err)
		return
	}
	idx, err := profiles.SampleIndex(cand, "cpu")
	if err != nil {
		sm.CPUNote = fmt.Sprintf("The last run's CPU profile cannot be read: %v.", err)
		return
	}
	rows := profiles.Diff(base, cand, idx, n)
	if rows == nil {
		sm.CPUNote = "The two runs' CPU profiles measure different things and cannot be compared."
		return
	}
	sm.CPU = rows
	var caveat string
	sm.CPUFirst, caveat = sourcesText(bsrc)
	if caveat != "" {
		sm.CPUCaveats = append(sm.CPUCaveats, first.Ref()+": "+caveat)
	}
	sm.CPULast, caveat = sourcesText(csrc)
	if caveat != "" {
		sm.CPUCaveats = append(sm.CPUCaveats, last.Ref()+": "+caveat)
	}
}

func profileNote(which string, r *results.Run, err error) string {
	if errors.Is(err, errNoProfiles) {
		return fmt.Sprintf("No CPU profiles were captured in the month's %s run (%s), so there is nothing to compare.", which, r.Ref())
	}
	return fmt.Sprintf("The CPU profiles of the month's %s run (%s) could not be read: %v.", which, r.Ref(), err)
}

// Summary counts the hotspots of the month.
type Summary struct {
	Hotspots, Met, OnTrack, OffTrack, NoTrend        int
	Improved, Regressed, Unchanged, CannotTell, Runs int
}

// Summary counts hotspots by status and change, and runs.
func (m *Month) Summary() Summary {
	var s Summary
	for _, sc := range m.Scenarios {
		s.Runs += len(sc.Runs)
		for _, h := range sc.Hotspots {
			s.Hotspots++
			switch h.Status {
			case StatusMet:
				s.Met++
			case StatusOnTrack:
				s.OnTrack++
			case StatusOffTrack:
				s.OffTrack++
			case StatusNoTrend:
				s.NoTrend++
			}
			switch h.Change {
			case ChangeImproved:
				s.Improved++
			case ChangeRegressed:
				s.Regressed++
			case ChangeNone:
				s.Unchanged++
			default:
				s.CannotTell++
			}
		}
	}
	return s
}

// Headline is the summary's first line: "4 hotspots in 2 scenarios: 1 met,
// 1 on track, 2 off track; 2 improved, 1 regressed, 1 unchanged."
func (m *Month) Headline() string {
	s := m.Summary()
	if s.Hotspots == 0 {
		return fmt.Sprintf("%s: %d runs in %d scenarios, no hotspots declared.", m.From.Format("January 2006"), s.Runs, len(m.Scenarios))
	}
	noTrend := ""
	if s.NoTrend > 0 {
		noTrend = fmt.Sprintf(", %d no trend yet", s.NoTrend)
	}
	line := fmt.Sprintf("%s: %s in %s, %s. Status: %d met, %d on track, %d off track%s. Since the month's first run: %d improved, %d regressed, %d unchanged",
		m.From.Format("January 2006"), plural(s.Hotspots, "hotspot"), plural(len(m.Scenarios), "scenario"), plural(s.Runs, "run"),
		s.Met, s.OnTrack, s.OffTrack, noTrend, s.Improved, s.Regressed, s.Unchanged)
	if s.CannotTell > 0 {
		line += fmt.Sprintf(", %d cannot tell", s.CannotTell)
	}
	return line + "."
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Line is the hotspot's one line for the summary:
// "search-regexp: p99 48.1ms → 3.20ms, improved (objective 10.0ms, met)".
func (h *HotspotMonth) Line() string {
	if len(h.Points) == 0 {
		return fmt.Sprintf("%s: no %s values for %s this month (objective %s)", h.Name, metricLabel(h.Metric), h.Endpoint, h.objectiveText())
	}
	values := formatMetric(h.Metric, h.Last.Center)
	if len(h.Points) > 1 {
		values = formatMetric(h.Metric, h.First.Center) + " → " + values
	}
	change := ""
	if len(h.Points) > 1 {
		change = ", " + string(h.Change)
	}
	return fmt.Sprintf("%s: %s %s%s (objective %s, %s)", h.Name, metricLabel(h.Metric), values, change, h.objectiveText(), h.StatusText())
}

// StatusText is the status with what it rests on: "on track: trend
// reaches 8.00ms by 2026-12-31", "no trend yet: 2 runs on 1 day: a trend
// needs ≥ 3 runs on ≥ 2 days".
func (h *HotspotMonth) StatusText() string {
	due := h.judgedDate()
	switch h.Status {
	case StatusNoTrend:
		return "no trend yet: " + h.NoTrend
	case StatusOnTrack:
		return fmt.Sprintf("on track: trend reaches %s by %s", formatMetric(h.Metric, h.Projected), due)
	case StatusOffTrack:
		return fmt.Sprintf("off track: trend reaches %s by %s", formatMetric(h.Metric, h.Projected), due)
	case StatusMet:
		return "met"
	}
	return string(h.Status)
}

func (h *HotspotMonth) objectiveText() string { return objectiveText(h.Hotspot) }

// objectiveText is a hotspot's objective: "10.0ms", "+10% (relative)".
func objectiveText(h scenarios.Hotspot) string {
	if h.Objective.Relative {
		return h.Objective.String() + " (relative)"
	}
	return formatMetric(h.Metric, h.Objective.Value)
}

// judgedDate is the last day the objective may be met on: the due date, or
// the month's last day.
func (h *HotspotMonth) judgedDate() string { return formatDate(h.JudgedAt.Add(-time.Second)) }
