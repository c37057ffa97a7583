package report

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/hotbench/hotbench/profiles"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// RunReport writes one run as a self-contained HTML page: header, summary
// table, and per endpoint its latency over time, its HdrHistogram
// percentile distribution, throughput and errors, status codes and send
// lag; then the top CPU functions when CPU profiles were captured.
func RunReport(w io.Writer, run *results.Run, opts Options) error {
	if run == nil {
		return fmt.Errorf("run report: no run to report")
	}
	opts = opts.withDefaults()
	v, err := buildRunView(run, opts, dataURI)
	if err != nil {
		return err
	}
	if err := runHTML.Execute(w, v); err != nil {
		return fmt.Errorf("write run report: %w", err)
	}
	return nil
}

// RunMarkdown writes the run report as Markdown. The charts are written as
// PNG files into chartDir and linked as relPrefix/NAME.png, so relPrefix is
// chartDir as seen from where the Markdown file will live.
func RunMarkdown(w io.Writer, run *results.Run, chartDir, relPrefix string, opts Options) error {
	if run == nil {
		return fmt.Errorf("run report: no run to report")
	}
	opts = opts.withDefaults()
	v, err := buildRunView(run, opts, pngFiles(chartDir, relPrefix))
	if err != nil {
		return err
	}
	if err := runMarkdown.Execute(w, v); err != nil {
		return fmt.Errorf("write run report: %w", err)
	}
	return nil
}

// runView is a run laid out for the templates: every value formatted.
type runView struct {
	Generated                             string
	Scenario, Description, Label, Ref     string
	Date, Duration, Host, Commit, Version string
	Load                                  string
	Repetitions                           int
	// Valid is "6", or "4 of 6" when repetitions were left out; LeftOut
	// counts those.
	Valid      string
	LeftOut    int
	RepRows    []repRow
	Complete   bool
	Incomplete string
	// Incident says the run started inside an incident annotation.
	Incident string
	Warnings []string
	Summary  []summaryRow
	// ErrorLatency describes failed requests where there were any.
	ErrorLatency         []errorLatencyRow
	Endpoints            []endpointView
	Hotspots             []runHotspotView
	HotspotOwners        bool
	CPU                  []cpuRow
	CPUNote              string
	CPUMerged, CPUCaveat string
}

type summaryRow struct {
	Name, Requests, Errors, RPS, ErrorRate string
	P50, P90, P99, P999, Max               string
	Failing                                bool
}

// errorLatencyRow is the latency of an endpoint's failed requests.
type errorLatencyRow struct {
	Name, Failed, P50, P90, P99, Max string
}

// repRow is one repetition's validity.
type repRow struct {
	Index          int
	Valid          bool
	Reasons, Retry string
}

type endpointView struct {
	Name, Method, Path    string
	Charts                []chartRef
	Status                []countRow
	ErrorClasses          []countRow
	ErrorSamples          []string
	SendLagP99, SendLagMx string
}

type countRow struct {
	Key, Count, Share string
	Bad               bool
}

// runHotspotView is a hotspot against its objective in this run.
type runHotspotView struct {
	Name, Metric, Objective, Due, Value, Interval, Status, Class, Functions string
	Owner                                                                   ownerView
}

type cpuRow struct {
	Name, Flat, FlatPct, Cum, CumPct string
}

func buildRunView(run *results.Run, opts Options, place placer) (*runView, error) {
	sc := run.Scenario
	sum := results.Summarize(run)
	v := &runView{
		Generated:   formatDateTime(opts.Now()),
		Scenario:    sc.Name,
		Description: sc.Description,
		Label:       run.Label,
		Ref:         run.Ref(),
		Date:        formatDateTime(run.Start),
		Host:        hostText(run.Host),
		Commit:      shortCommit(run.Git.Commit, run.Git.Dirty),
		Version:     versionText(run),
		Load:        loadText(sc),
		Repetitions: len(run.Repetitions),
		Complete:    run.Complete,
		Incomplete:  run.IncompleteReason,
		Warnings:    sum.Warnings,
	}
	if inc := results.IncidentDuring(opts.Annotations, run.Start, run.End, sc.Name); inc != nil {
		v.Incident = incidentCaveat(inc)
	}
	if !run.End.IsZero() && run.End.After(run.Start) {
		v.Duration = run.End.Sub(run.Start).Round(1e9).String()
	}
	if v.Label == "" {
		v.Label = "(none)"
	}
	valid, leftOut := run.ValidRepetitions()
	v.LeftOut, v.Valid = leftOut, strconv.Itoa(len(valid))
	if leftOut > 0 {
		v.Valid = fmt.Sprintf("%d of %d", len(valid), len(run.Repetitions))
	}
	for _, rep := range run.Repetitions {
		r := repRow{Index: rep.Index, Valid: rep.Valid(), Reasons: strings.Join(rep.Reasons(), "; ")}
		if rep.Retry {
			r.Retry = "yes"
		}
		v.RepRows = append(v.RepRows, r)
	}
	names := map[string]bool{}
	for _, e := range sum.Endpoints {
		v.Summary = append(v.Summary, summaryRow{
			Name: e.Name, Requests: formatCount(e.Requests), Errors: formatCount(e.Errors),
			RPS: formatRPS(e.RPS), ErrorRate: formatPercent(e.ErrorRate),
			P50: formatSeconds(e.Latency.P50), P90: formatSeconds(e.Latency.P90), P99: formatSeconds(e.Latency.P99),
			P999: formatSeconds(e.Latency.P999), Max: formatSeconds(e.Latency.Max),
			Failing: e.Errors > 0,
		})
		v.Summary = append(v.Summary, groupSummaryRows(e)...) // groups.go
		if el := e.ErrorLatency; el != nil {
			v.ErrorLatency = append(v.ErrorLatency, errorLatencyRow{Name: e.Name, Failed: formatCount(e.Errors),
				P50: formatSeconds(el.P50), P90: formatSeconds(el.P90), P99: formatSeconds(el.P99), Max: formatSeconds(el.Max)})
		}
		ev, err := endpointSection(run, e, opts, place, names)
		if err != nil {
			return nil, err
		}
		v.Endpoints = append(v.Endpoints, ev)
	}
	for _, h := range RunHotspots(run, opts) {
		v.Hotspots = append(v.Hotspots, runHotspotRow(h))
	}
	v.HotspotOwners = hasOwners(sc.Hotspots...)
	v.CPU, v.CPUNote, v.CPUMerged, v.CPUCaveat = cpuTop(run, opts.TopFunctions)
	return v, nil
}

func runHotspotRow(h RunHotspot) runHotspotView {
	hv := runHotspotView{Name: h.Name, Metric: metricLabel(h.Metric) + " of " + h.Endpoint, Objective: objectiveText(h.Hotspot),
		Due: dueText(h.Hotspot), Value: h.ValueText(), Status: string(h.Status), Functions: strings.Join(h.Functions, ", "),
		Owner: ownerOf(h.Hotspot)}
	if h.N > 0 {
		hv.Interval = interval(h.Metric, compareStat(h))
		hv.Value += fmt.Sprintf(" (n=%d)", h.N)
	}
	switch h.Status {
	case RunMet:
		hv.Class = "met"
	case RunNotMet:
		hv.Class = "off-track"
	default:
		hv.Class = "neutral"
	}
	return hv
}

// reportedRepetitions are the repetitions a report draws: the valid ones,
// or all of them when none is valid (results.Summarize merges all then,
// and warns).
func reportedRepetitions(run *results.Run) []*results.Repetition {
	reps, _ := run.ValidRepetitions()
	if len(reps) == 0 {
		for i := range run.Repetitions {
			reps = append(reps, &run.Repetitions[i])
		}
	}
	return reps
}

func endpointSection(run *results.Run, e results.EndpointSummary, opts Options, place placer, used map[string]bool) (endpointView, error) {
	ev := endpointView{Name: e.Name, SendLagP99: formatSeconds(e.SendLag.P99), SendLagMx: formatSeconds(e.SendLag.Max)}
	var expect scenarios.Expect
	for _, se := range run.Scenario.Endpoints {
		if se.Name == e.Name {
			ev.Method, ev.Path, expect = se.Method, se.Path, se.Expect
		}
	}
	var s series
	merged := results.NewHistogram()
	var hists []*results.Histogram
	for _, r := range reportedRepetitions(run) {
		rep := r.Endpoint(e.Name)
		if rep == nil {
			continue
		}
		if len(rep.Series) > 0 {
			s = append(s, rep.Series)
		}
		if rep.Latency.Count() > 0 {
			merged.Merge(rep.Latency)
			hists = append(hists, rep.Latency)
		}
		ev.ErrorSamples = appendNew(ev.ErrorSamples, rep.ErrorSamples...)
	}
	stem := uniqueName(used, chartName(run.Scenario.Name, e.Name))
	imgs, err := renderAll(opts.DPI,
		latencyOverTimeChart(stem+"-latency", e.Name, s),
		percentileChart(stem+"-percentiles", e.Name, merged, hists),
		throughputErrorsChart(stem+"-throughput", e.Name, s))
	if err != nil {
		return ev, fmt.Errorf("run report: %w", err)
	}
	for _, img := range imgs {
		ref, err := place(img)
		if err != nil {
			return ev, fmt.Errorf("run report: %w", err)
		}
		ev.Charts = append(ev.Charts, ref)
	}
	for _, k := range sortedKeys(e.Status) {
		code, err := strconv.Atoi(k)
		bad := err != nil || !expect.OK(code)
		key := k
		if k == "0" {
			key = "no response"
		}
		ev.Status = append(ev.Status, countRow{Key: key, Count: formatCount(e.Status[k]), Share: share(e.Status[k], e.Requests), Bad: bad})
	}
	for _, k := range sortedKeys(e.ErrorClasses) {
		ev.ErrorClasses = append(ev.ErrorClasses, countRow{Key: k, Count: formatCount(e.ErrorClasses[k]), Share: share(e.ErrorClasses[k], e.Requests), Bad: true})
	}
	return ev, nil
}

// cpuTop is the run's top CPU functions over its valid repetitions'
// profiles, with what they merged.
func cpuTop(run *results.Run, n int) (rows []cpuRow, note, merged, caveat string) {
	has := false
	for _, rep := range run.Repetitions {
		for _, p := range rep.Profiles {
			has = has || p.Kind == "cpu"
		}
	}
	if !has {
		return nil, "No CPU profiles were captured in this run.", "", ""
	}
	p, src, err := mergedProfile(run, "cpu")
	if errors.Is(err, errNoProfiles) {
		return nil, "No CPU profiles were captured in the valid repetitions.", "", ""
	}
	if err != nil {
		return nil, fmt.Sprintf("The CPU profiles could not be read: %v.", err), "", ""
	}
	idx, err := profiles.SampleIndex(p, "cpu")
	if err != nil {
		return nil, fmt.Sprintf("The CPU profile cannot be read: %v.", err), "", ""
	}
	unit := p.SampleType[idx].Unit
	for _, f := range profiles.Top(p, idx, n) {
		rows = append(rows, cpuRow{Name: f.Name, Flat: profiles.FormatValue(f.FlatValue, unit), FlatPct: formatPercent(f.Flat),
			Cum: profiles.FormatValue(f.CumValue, unit), CumPct: formatPercent(f.Cum)})
	}
	if len(rows) == 0 {
		return nil, "The CPU profiles hold no samples.", "", ""
	}
	merged, caveat = sourcesText(src)
	return rows, "", merged, caveat
}

func hostText(h results.Host) string {
	if h.Name == "" {
		return "unknown"
	}
	s := h.Name
	var parts []string
	if h.OS != "" {
		parts = append(parts, h.OS+"/"+h.Arch)
	}
	if h.CPUs > 0 {
		parts = append(parts, plural(h.CPUs, "CPU"))
	}
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

func versionText(r *results.Run) string {
	var parts []string
	if r.HotbenchVersion != "" {
		parts = append(parts, "hotbench "+r.HotbenchVersion)
	}
	if r.GoVersion != "" {
		parts = append(parts, r.GoVersion)
	}
	if r.VegetaVersion != "" {
		parts = append(parts, "vegeta "+r.VegetaVersion)
	}
	return strings.Join(parts, ", ")
}

func loadText(sc scenarios.Scenario) string {
	l := sc.Load
	var parts []string
	switch {
	case l.Closed():
		parts = append(parts, fmt.Sprintf("closed model, %d workers", l.Workers))
	case l.Rate.PerSecond > 0:
		parts = append(parts, l.Rate.String()+" (open model)")
	}
	if w := l.Window(); w > 0 {
		parts = append(parts, "measured "+w.String())
	}
	if l.Warmup > 0 {
		parts = append(parts, "after "+l.Warmup.String()+" warm-up")
	}
	return strings.Join(parts, ", ")
}

func share(n, total int64) string {
	if total == 0 {
		return "n/a"
	}
	return formatPercent(float64(n) / float64(total))
}

// sortedKeys sorts numerically where keys are numbers (status codes), then
// as strings.
func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		ai, aerr := strconv.Atoi(a)
		bi, berr := strconv.Atoi(b)
		if aerr == nil && berr == nil {
			return ai - bi
		}
		return strings.Compare(a, b)
	})
	return keys
}

func appendNew(list []string, items ...string) []string {
	for _, s := range items {
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}

// uniqueName returns name, or name-2, name-3 … when taken.
func uniqueName(used map[string]bool, name string) string {
	n := name
	for i := 2; used[n]; i++ {
		n = fmt.Sprintf("%s-%d", name, i)
	}
	used[n] = true
	return n
}
