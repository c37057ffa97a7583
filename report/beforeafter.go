package report

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/profiles"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// BeforeAfter is one comparison of a base and a candidate set of runs,
// laid out for people (`hotbench report BASE CAND`): per endpoint the two
// latency-by-percentile curves overlaid, every row of the comparison with
// each side's interval and the p-value, the hotspot verdicts with their
// evidence, and the change of every captured profile kind. The statistics
// are compare's (Comparison): this package only lays them out.
type BeforeAfter struct {
	Comparison *compare.Comparison
	Generated  time.Time
	// Base and Candidate describe the runs of each side.
	Base, Candidate BeforeAfterSide
	// Hotspots are the candidate scenario's hotspots, in the order of the
	// comparison's verdicts, for their objectives and owners.
	Hotspots []scenarios.Hotspot
	// Endpoints hold each endpoint's latency histograms, the valid
	// repetitions of every run of a side merged.
	Endpoints []EndpointCurves
	// Profiles is the change of each profile kind captured on either side.
	Profiles []ProfileChange

	opts Options
}

// BeforeAfterSide is one side's runs.
type BeforeAfterSide struct {
	// Name is compare's name of the side ("manual-search@before").
	Name string
	Runs []RunPoint
	// Repetitions counts every repetition of the side's runs; Valid the
	// valid ones, the samples.
	Repetitions, Valid int
}

// EndpointCurves are an endpoint's merged latency histograms of both sides
// (nil on a side that did not measure the endpoint).
type EndpointCurves struct {
	Name            string
	Base, Candidate *results.Histogram
}

// ProfileChange compares the merged profiles of one kind: the functions
// whose share changed most, in percentage points (profiles.Diff). Note
// says why Rows is empty.
type ProfileChange struct {
	Kind string
	Rows []profiles.FuncDiff
	// BaseSources and CandidateSources say what each side merged ("6
	// profiles, 3,120 samples over 30 s"); Caveats name thin profiles.
	BaseSources, CandidateSources string
	Caveats                       []string
	Note                          string
}

// kindOrder is the order profile kinds are shown in.
var kindOrder = []string{"cpu", "allocs", "heap", "mutex", "block", "goroutine"}

// BuildBeforeAfter lays out c, the comparison of base against cand that
// the caller made with compare.Compare (its policy resolved as `compare`
// resolves it), for WriteHTML and WriteMarkdown. It reads the runs'
// histograms and profiles; it computes no statistics of its own.
func BuildBeforeAfter(base, cand []*results.Run, c *compare.Comparison, opts Options) (*BeforeAfter, error) {
	if c == nil || len(base) == 0 || len(cand) == 0 {
		return nil, errors.New("before/after report: it needs a comparison and the runs of both sides")
	}
	opts = opts.withDefaults()
	b := &BeforeAfter{Comparison: c, Generated: opts.Now().UTC(), opts: opts,
		Base: sideOf(c.Base, base, opts.Annotations), Candidate: sideOf(c.Candidate, cand, opts.Annotations)}
	for _, v := range c.Hotspots {
		h := scenarios.Hotspot{Name: v.Name, Endpoint: v.Endpoint, Metric: v.Metric, Objective: v.Objective}
		for _, sh := range cand[0].Scenario.Hotspots {
			if sh.Name == v.Name {
				h = sh
			}
		}
		b.Hotspots = append(b.Hotspots, h)
	}
	var names []string
	for _, runs := range [][]*results.Run{cand, base} {
		for _, r := range runs {
			for _, n := range r.EndpointNames() {
				if !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
		}
	}
	for _, n := range names {
		b.Endpoints = append(b.Endpoints, EndpointCurves{Name: n, Base: mergedLatency(base, n), Candidate: mergedLatency(cand, n)})
	}
	for _, kind := range capturedKinds(base, cand) {
		b.Profiles = append(b.Profiles, profileChange(base, cand, kind, opts.TopFunctions))
	}
	return b, nil
}

func sideOf(name string, runs []*results.Run, annotations []results.Annotation) BeforeAfterSide {
	s := BeforeAfterSide{Name: name}
	for _, r := range runs {
		valid, leftOut := r.ValidRepetitions()
		var incident *results.Annotation
		if a := results.IncidentDuring(annotations, r.Start, r.End, r.Scenario.Name); a != nil {
			c := *a
			incident = &c
		}
		s.Repetitions += len(r.Repetitions)
		s.Valid += len(valid)
		s.Runs = append(s.Runs, RunPoint{Ref: r.Ref(), Name: r.Name(), Label: r.Label, Start: r.Start.UTC(),
			Commit: shortCommit(r.Git.Commit, r.Git.Dirty), Repetitions: len(r.Repetitions), Valid: len(valid),
			Complete: r.Complete, Caveats: runCaveats(r, leftOut, incident), Incident: incident})
	}
	return s
}

// mergedLatency merges an endpoint's latency histograms over the valid
// repetitions of runs: the sample compare used. Nil when none measured it.
func mergedLatency(runs []*results.Run, endpoint string) *results.Histogram {
	var merged *results.Histogram
	for _, r := range runs {
		valid, _ := r.ValidRepetitions()
		for _, rep := range valid {
			if e := rep.Endpoint(endpoint); e != nil && e.Latency.Count() > 0 {
				if merged == nil {
					merged = results.NewHistogram()
				}
				merged.Merge(e.Latency)
			}
		}
	}
	return merged
}

// capturedKinds are the profile kinds of the valid repetitions of either
// side, in kindOrder and then by name.
func capturedKinds(sides ...[]*results.Run) []string {
	var kinds []string
	for _, runs := range sides {
		for _, r := range runs {
			valid, _ := r.ValidRepetitions()
			for _, rep := range valid {
				for _, p := range rep.Profiles {
					if !slices.Contains(kinds, p.Kind) {
						kinds = append(kinds, p.Kind)
					}
				}
			}
		}
	}
	rank := func(k string) int {
		if i := slices.Index(kindOrder, k); i >= 0 {
			return i
		}
		return len(kindOrder)
	}
	slices.SortFunc(kinds, func(a, b string) int { return cmp.Or(cmp.Compare(rank(a), rank(b)), strings.Compare(a, b)) })
	return kinds
}

// profileChange merges each side's profiles of kind and diffs them.
func profileChange(base, cand []*results.Run, kind string, n int) ProfileChange {
	pc := ProfileChange{Kind: kind}
	bfiles, bnames, bmin := results.ProfilesOf(base, kind)
	cfiles, cnames, cmin := results.ProfilesOf(cand, kind)
	switch {
	case len(bfiles) == 0:
		pc.Note = fmt.Sprintf("Only the candidate captured %s profiles: nothing to compare them with.", kind)
		return pc
	case len(cfiles) == 0:
		pc.Note = fmt.Sprintf("Only the base captured %s profiles: nothing to compare them with.", kind)
		return pc
	}
	bp, bsrc, err := profiles.LoadMerged(bfiles, bnames)
	if err != nil {
		pc.Note = fmt.Sprintf("The base's %s profiles could not be read: %v.", kind, err)
		return pc
	}
	cp, csrc, err := profiles.LoadMerged(cfiles, cnames)
	if err != nil {
		pc.Note = fmt.Sprintf("The candidate's %s profiles could not be read: %v.", kind, err)
		return pc
	}
	idx, err := profiles.SampleIndex(cp, kind)
	if err != nil {
		pc.Note = fmt.Sprintf("The candidate's %s profile cannot be read: %v.", kind, err)
		return pc
	}
	pc.Rows = profiles.Diff(bp, cp, idx, n)
	if pc.Rows == nil {
		pc.Note = fmt.Sprintf("The two sides' %s profiles measure different things and cannot be compared.", kind)
		return pc
	}
	if len(pc.Rows) == 0 {
		pc.Note = fmt.Sprintf("The %s profiles hold no samples.", kind)
	}
	bsrc.MinSamples, csrc.MinSamples = bmin, cmin
	var caveat string
	if pc.BaseSources, caveat = sourcesText(bsrc); caveat != "" {
		pc.Caveats = append(pc.Caveats, "base: "+caveat)
	}
	if pc.CandidateSources, caveat = sourcesText(csrc); caveat != "" {
		pc.Caveats = append(pc.Caveats, "candidate: "+caveat)
	}
	return pc
}

// WriteHTML writes the comparison as one self-contained HTML page, charts
// embedded.
func (b *BeforeAfter) WriteHTML(w io.Writer) error {
	v, err := b.view(dataURI)
	if err != nil {
		return err
	}
	if err := beforeAfterHTML.Execute(w, v); err != nil {
		return fmt.Errorf("write before/after report: %w", err)
	}
	return nil
}

// WriteMarkdown writes the comparison as Markdown. The charts are written
// as PNG files into chartDir and linked as relPrefix/NAME.png, so relPrefix
// is chartDir as seen from where the Markdown file will live.
func (b *BeforeAfter) WriteMarkdown(w io.Writer, chartDir, relPrefix string) error {
	v, err := b.view(pngFiles(chartDir, relPrefix))
	if err != nil {
		return err
	}
	if err := beforeAfterMarkdown.Execute(w, v); err != nil {
		return fmt.Errorf("write before/after report: %w", err)
	}
	return nil
}

// Headline is the comparison in a sentence: "2 hotspots: 1 improved, 1 no
// significant change. 18 rows: 3 improved, 1 regressed, 14 ~."
func (b *BeforeAfter) Headline() string {
	c := b.Comparison
	var parts []string
	if n := len(c.Hotspots); n > 0 {
		counts := map[compare.Verdict]int{}
		for _, h := range c.Hotspots {
			counts[h.Verdict]++
		}
		var vs []string
		for _, v := range []compare.Verdict{compare.VerdictImproved, compare.VerdictRegressed, compare.VerdictNoChange, compare.VerdictInconclusive} {
			if counts[v] > 0 {
				vs = append(vs, fmt.Sprintf("%d %s", counts[v], v))
			}
		}
		parts = append(parts, fmt.Sprintf("%s: %s.", plural(n, "hotspot"), strings.Join(vs, ", ")))
	}
	var improved, regressed, same, untested int
	for _, r := range c.Rows {
		switch {
		case r.Input || r.TooFewSamples || r.TooFewRuns:
			untested++
		case r.Change == compare.Improved:
			improved++
		case r.Change == compare.Regressed:
			regressed++
		default:
			same++
		}
	}
	rows := fmt.Sprintf("%s compared: %d improved, %d regressed, %d without a significant change", plural(len(c.Rows), "metric"), improved, regressed, same)
	if untested > 0 {
		rows += fmt.Sprintf(", %d not tested", untested)
	}
	parts = append(parts, rows+".")
	return strings.Join(parts, " ")
}

// beforeAfterView is the comparison laid out for the templates.
type beforeAfterView struct {
	Scenario, Base, Candidate, Generated string
	Headline                             string
	Alpha, Confidence                    string
	Sides                                []sideView
	Warnings                             []string
	TooFewRuns                           string
	Hotspots                             []baHotspotView
	HotspotOwners                        bool
	Endpoints                            []baEndpointView
	Profiles                             []profileView
}

type sideView struct {
	Role, Name, Runs, Repetitions, Dates, Commits string
	Caveats                                       []string
}

type baHotspotView struct {
	Name, Metric, Objective, ObjectiveMet, Verdict, Evidence string
	Owner                                                    ownerView
}

type baEndpointView struct {
	Name  string
	Chart *chartRef
	Rows  []rowView
}

// rowView is one row of the comparison, every value formatted.
type rowView struct {
	Metric, Base, BaseCI, Candidate, CandidateCI, Delta, P, N string
	// Change is "improved", "regressed" or "" (no significant change).
	Change string
	Share  bool
}

type profileView struct {
	Kind, Title, BaseSources, CandidateSources string
	Caveats                                    []string
	Rows                                       []cpuDiffRow
	Note                                       string
}

func (b *BeforeAfter) view(place placer) (*beforeAfterView, error) {
	c := b.Comparison
	v := &beforeAfterView{
		Scenario: c.Scenario, Base: c.Base, Candidate: c.Candidate, Generated: formatDateTime(b.Generated),
		Headline: b.Headline(), Alpha: strconv.FormatFloat(c.Alpha, 'g', -1, 64),
		Confidence: strconv.FormatFloat(c.Confidence*100, 'g', -1, 64) + "%", Warnings: c.Warnings,
	}
	if c.TooFewRuns {
		v.TooFewRuns = fmt.Sprintf("With %d+%d valid repetitions some metrics cannot reach significance at alpha %s: a side needs at least %d (%d recommended). Their “~” means “cannot tell”, not “unchanged”.",
			c.BaseRuns, c.CandidateRuns, v.Alpha, c.NeedRuns, c.RecommendedRuns)
	}
	for _, s := range []struct {
		role string
		side BeforeAfterSide
	}{{"base", b.Base}, {"candidate", b.Candidate}} {
		v.Sides = append(v.Sides, sideRow(s.role, s.side))
	}
	for i, h := range c.Hotspots {
		hv := baHotspotView{Name: h.Name, Metric: metricLabel(h.Metric) + " of " + h.Endpoint, Objective: "–", ObjectiveMet: "–",
			Verdict: string(h.Verdict), Evidence: h.Evidence}
		if h.Objective != (scenarios.Quantity{}) {
			hv.Objective = objectiveText(b.Hotspots[i])
		}
		if h.ObjectiveMet != nil {
			hv.ObjectiveMet = map[bool]string{true: "met", false: "not met"}[*h.ObjectiveMet]
		}
		hv.Owner = ownerOf(b.Hotspots[i])
		v.Hotspots = append(v.Hotspots, hv)
	}
	v.HotspotOwners = hasOwners(b.Hotspots...)
	used := map[string]bool{}
	for _, name := range c.Endpoints() {
		ev := baEndpointView{Name: name}
		if name == compare.ServerEndpoint {
			ev.Name = "the server"
		}
		for _, e := range b.Endpoints {
			if e.Name != name {
				continue
			}
			ch := percentileOverlayChart(uniqueName(used, chartName(c.Scenario, name, "percentiles")), name,
				e.Base, e.Candidate, c.Base, c.Candidate, b.objectivesOf(name))
			ref, err := placeChart(place, b.opts, ch)
			if err != nil {
				return nil, err
			}
			ev.Chart = ref
		}
		for _, r := range c.Rows {
			if r.Endpoint == name {
				ev.Rows = append(ev.Rows, rowOf(r))
			}
		}
		// The endpoint's metrics first, then the hotspot functions' shares.
		slices.SortStableFunc(ev.Rows, func(a, b rowView) int {
			return cmp.Compare(btoi(a.Share), btoi(b.Share))
		})
		v.Endpoints = append(v.Endpoints, ev)
	}
	for _, p := range b.Profiles {
		pv := profileView{Kind: p.Kind, Title: profileTitle(p.Kind), BaseSources: p.BaseSources, CandidateSources: p.CandidateSources,
			Caveats: p.Caveats, Note: p.Note}
		for _, d := range p.Rows {
			pv.Rows = append(pv.Rows, diffRow(d))
		}
		v.Profiles = append(v.Profiles, pv)
	}
	return v, nil
}

func sideRow(role string, s BeforeAfterSide) sideView {
	sv := sideView{Role: role, Name: s.Name, Runs: strconv.Itoa(len(s.Runs)), Repetitions: strconv.Itoa(s.Valid)}
	if s.Valid < s.Repetitions {
		sv.Repetitions = fmt.Sprintf("%d of %d", s.Valid, s.Repetitions)
	}
	var dates, commits []string
	for _, r := range s.Runs {
		dates = appendNew(dates, formatDate(r.Start))
		commits = appendNew(commits, r.Commit)
		for _, c := range r.Caveats {
			sv.Caveats = append(sv.Caveats, r.Ref+": "+c)
		}
	}
	sv.Dates, sv.Commits = strings.Join(dates, ", "), strings.Join(commits, ", ")
	return sv
}

// objectivesOf are the absolute latency objectives of the hotspots of an
// endpoint: a percentile chart draws them.
func (b *BeforeAfter) objectivesOf(endpoint string) []objectiveLine {
	var out []objectiveLine
	for _, h := range b.Hotspots {
		m, _ := metric.Lookup(h.Metric)
		if h.Endpoint != endpoint || !m.IsLatency() || h.Objective.Relative || h.Objective.Value <= 0 {
			continue
		}
		out = append(out, objectiveLine{Label: fmt.Sprintf("objective of %s: %s ≤ %s", h.Name, m.Label, formatMetric(h.Metric, h.Objective.Value)),
			Value: h.Objective.Value, Quantile: m.Quantile})
	}
	return out
}

// rowOf formats one row as compare's tables do: each side's median with
// its interval, the relative change (in points for shares and pooled
// rates) only where significant, and the p-value.
func rowOf(r compare.Row) rowView {
	share := metric.IsShare(r.Metric)
	rv := rowView{Metric: rowLabel(r.Metric), Share: share,
		Base: formatMetric(r.Metric, r.Base.Center), Candidate: formatMetric(r.Metric, r.Candidate.Center),
		BaseCI: interval(r.Metric, r.Base), CandidateCI: interval(r.Metric, r.Candidate),
		N: fmt.Sprintf("%d+%d", r.Base.N, r.Candidate.N)}
	if share {
		rv.Base, rv.Candidate = formatPercent(r.Base.Center), formatPercent(r.Candidate.Center)
	}
	switch {
	case r.Input:
		rv.Delta, rv.P = "input", "target "+formatRPS(r.Target)
		if r.Target <= 0 {
			rv.P = "target unknown"
		}
		return rv
	case r.TooFewSamples:
		rv.Delta = fmt.Sprintf("too few samples (%d)", r.MinSamples)
	case r.TooFewRuns:
		rv.Delta = "? n too small"
	case !r.Significant:
		rv.Delta = "~"
	case share || r.Test == compare.TestFisher:
		rv.Delta = formatPoints(r.DeltaPP / 100)
	case math.IsNaN(r.Delta):
		rv.Delta = "from 0"
	default:
		rv.Delta = metric.Format(r.Delta, metric.Delta)
	}
	if r.Significant && !r.TooFewRuns && !r.TooFewSamples {
		switch r.Change {
		case compare.Improved, compare.Regressed:
			rv.Change = string(r.Change)
		}
	}
	rv.P = formatP(r.P)
	if r.Test == compare.TestFisher && !math.IsNaN(r.P) {
		rv.P += " (Fisher)"
	}
	return rv
}

// rowLabel names a row's metric: "p99", "error rate", "CPU share of
// regexp.Compile".
func rowLabel(name string) string {
	switch {
	case strings.HasPrefix(name, metric.CPUSharePrefix):
		return "CPU share of " + strings.TrimPrefix(name, metric.CPUSharePrefix)
	case strings.HasPrefix(name, metric.AllocSharePrefix):
		return "allocation share of " + strings.TrimPrefix(name, metric.AllocSharePrefix)
	}
	return metricLabel(name)
}

// interval is a side's confidence interval, "[47.1ms, 49.3ms]", or "[?]"
// when the sample is too small to bound it.
func interval(name string, s compare.Stat) string {
	if !finite(s.Lo) || !finite(s.Hi) {
		return "[?]"
	}
	f := func(v float64) string { return formatMetric(name, v) }
	if metric.IsShare(name) {
		f = formatPercent
	}
	return "[" + f(s.Lo) + ", " + f(s.Hi) + "]"
}

// formatP writes a p-value with two significant digits, as compare does:
// "0.00018", "0.31"; "not tested" without one.
func formatP(p float64) string {
	if math.IsNaN(p) {
		return "not tested"
	}
	return strconv.FormatFloat(p, 'g', 2, 64)
}

func profileTitle(kind string) string {
	switch kind {
	case "cpu":
		return "CPU time"
	case "allocs":
		return "allocated bytes"
	case "heap":
		return "in-use heap"
	case "mutex":
		return "mutex contention"
	case "block":
		return "blocking"
	case "goroutine":
		return "goroutines"
	}
	return kind
}

func diffRow(d profiles.FuncDiff) cpuDiffRow {
	return cpuDiffRow{
		Name: d.Name, BaseCum: formatPercent(d.BaseCum), CandCum: formatPercent(d.CandCum), DeltaCum: formatPoints(d.DeltaCum),
		BaseFlat: formatPercent(d.BaseFlat), CandFlat: formatPercent(d.CandFlat), DeltaFlat: formatPoints(d.DeltaFlat),
		Better: d.DeltaCum <= -0.01, Worse: d.DeltaCum >= 0.01,
	}
}
