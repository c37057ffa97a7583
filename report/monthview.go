package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotbench/hotbench/results"
)

// WriteHTML writes the month as one self-contained HTML page, charts
// embedded.
func (m *Month) WriteHTML(w io.Writer) error {
	v, err := m.view(dataURI)
	if err != nil {
		return err
	}
	if err := monthHTML.Execute(w, v); err != nil {
		return fmt.Errorf("write month report: %w", err)
	}
	return nil
}

// WriteMarkdown writes the month as Markdown. The charts are written as PNG
// files into chartDir and linked as relPrefix/NAME.png, so relPrefix is
// chartDir as seen from where the Markdown file will live.
func (m *Month) WriteMarkdown(w io.Writer, chartDir, relPrefix string) error {
	v, err := m.view(pngFiles(chartDir, relPrefix))
	if err != nil {
		return err
	}
	if err := monthMarkdown.Execute(w, v); err != nil {
		return fmt.Errorf("write month report: %w", err)
	}
	return nil
}

type monthView struct {
	Title, From, To, Generated string
	Headline                   string
	Lines                      []summaryLine
	// Minutes are the lines a chair pastes into the minutes.
	Minutes   []string
	Previous  *previousView
	Warnings  []string
	Scenarios []scenarioView
}

type summaryLine struct{ Text, Status string }

type scenarioView struct {
	Name, Description, Period string
	Warnings                  []string
	// Caveats list the runs marked on the charts and left out of trends,
	// and those without a value; LeftOut says how many invalid
	// repetitions the values leave out.
	Caveats           []string
	LeftOut           string
	Hotspots          []hotspotView
	HotspotNames      []string
	HotspotOwners     bool
	Endpoints         []trendView
	Verdicts          []verdictView
	CPU               []cpuDiffRow
	CPUFirst, CPULast string
	CPUFirstSamples   string
	CPULastSamples    string
	CPUCaveats        []string
	CPUNote           string
	Runs              []runRow
	Annotations       []annotationRow
	// AnnotationKey says what the annotations' marks on the charts mean.
	AnnotationKey string
	Fixes         []fixRow
}

// annotationRow is one annotation of the month, as the month lists them.
type annotationRow struct {
	When, Kind, Title, Text, Commit, URL string
}

// fixRow is one line of the fix log.
type fixRow struct {
	Date, Kind, Hotspot, Tracked, Commits, Change, Profile, Note, Sides string
}

type hotspotView struct {
	Name, Endpoint, Metric, Objective, Due string
	First, Last, Best, Change, Status      string
	StatusText, Evidence, Functions        string
	Owner                                  ownerView
	Chart                                  *chartRef
}

type trendView struct {
	Name  string
	Chart *chartRef
}

type verdictView struct {
	Date, Kind, Base, Candidate string
	Result, ResultClass         string
	Hotspots                    []VerdictHotspot
	Failures                    []string
}

type cpuDiffRow struct {
	Name, BaseCum, CandCum, DeltaCum, BaseFlat, CandFlat, DeltaFlat string
	Better, Worse                                                   bool
}

type runRow struct {
	Date, Ref, Commit, Complete string
	// Repetitions is "6", or "4 of 6" valid.
	Repetitions string
	// Caveats is "yes" for a run marked on the charts, "incident: TITLE"
	// for one inside an incident (Incident).
	Caveats  string
	Incident bool
	Values   []string
}

func (m *Month) view(place placer) (*monthView, error) {
	opts := m.opts.withDefaults()
	v := &monthView{
		Title:     m.From.Format("January 2006"),
		From:      formatDate(m.From),
		To:        formatDate(m.To.Add(-1)),
		Generated: formatDateTime(m.Generated),
		Headline:  m.Headline(),
		Minutes:   m.Minutes(),
		Previous:  m.Previous.view(),
		Warnings:  m.Warnings,
	}
	used := map[string]bool{}
	for i := range m.Scenarios {
		s := &m.Scenarios[i]
		sv := scenarioView{Name: s.Name, Description: s.Description, Period: period(s.Runs), Warnings: s.Warnings, CPUNote: s.CPUNote,
			CPUFirstSamples: s.CPUFirst, CPULastSamples: s.CPULast, CPUCaveats: s.CPUCaveats}
		sv.Caveats, sv.LeftOut = runCaveatLines(s.Runs)
		for j := range s.Hotspots {
			h := &s.Hotspots[j]
			v.Lines = append(v.Lines, summaryLine{Text: s.Name + " / " + h.Line(), Status: string(h.Status)})
			hv, err := hotspotSection(h, m, place, used, s.Name, s.Annotations, opts)
			if err != nil {
				return nil, err
			}
			sv.Hotspots = append(sv.Hotspots, hv)
			sv.HotspotNames = append(sv.HotspotNames, h.Name)
			sv.HotspotOwners = sv.HotspotOwners || hasOwners(h.Hotspot)
		}
		for j := range s.Endpoints {
			e := &s.Endpoints[j]
			tv := trendView{Name: e.Name}
			ref, err := placeChart(place, opts, endpointTrendChart(uniqueName(used, chartName(s.Name, e.Name, "trend")), e, m.From, m.To, s.Annotations))
			if err != nil {
				return nil, err
			}
			tv.Chart = ref
			sv.Endpoints = append(sv.Endpoints, tv)
		}
		for _, vd := range s.Verdicts {
			sv.Verdicts = append(sv.Verdicts, verdictRow(vd))
		}
		if len(s.CPU) > 0 && len(s.Runs) > 1 {
			sv.CPUFirst, sv.CPULast = s.Runs[0].Ref, s.Runs[len(s.Runs)-1].Ref
			if sv.CPUFirst == sv.CPULast {
				sv.CPUFirst, sv.CPULast = s.Runs[0].Name, s.Runs[len(s.Runs)-1].Name
			}
		}
		for _, d := range s.CPU {
			sv.CPU = append(sv.CPU, diffRow(d))
		}
		sv.Runs = runRows(s)
		for _, a := range s.Annotations {
			sv.Annotations = append(sv.Annotations, annotationRowOf(a))
		}
		sv.AnnotationKey = annotationKey(s.Annotations)
		for _, f := range s.Fixes {
			sv.Fixes = append(sv.Fixes, fixRow{Date: formatDateTime(f.At), Kind: f.Kind, Hotspot: f.Hotspot, Tracked: f.TrackedAs(),
				Commits: f.CommitsText(), Change: f.ChangeText(), Profile: f.Profile, Note: f.Note, Sides: f.Base + " → " + f.Candidate})
		}
		v.Scenarios = append(v.Scenarios, sv)
	}
	return v, nil
}

func hotspotSection(h *HotspotMonth, m *Month, place placer, used map[string]bool, scenario string, annotations []results.Annotation, opts Options) (hotspotView, error) {
	hv := hotspotView{
		Name: h.Name, Endpoint: h.Endpoint, Metric: metricLabel(h.Metric) + " of " + h.Endpoint,
		Objective: h.objectiveText(), Due: "end of month", Change: string(h.Change), Status: string(h.Status),
		StatusText: statusSentence(h), Evidence: h.Evidence, Functions: strings.Join(h.Functions, ", "),
		First: "–", Last: "–", Best: "–", Owner: ownerOf(h.Hotspot),
	}
	if !h.Due.IsZero() {
		hv.Due = h.Due.String()
	}
	if len(h.Points) > 0 {
		hv.First, hv.Last, hv.Best = formatMetric(h.Metric, h.First.Center), formatMetric(h.Metric, h.Last.Center), formatMetric(h.Metric, h.Best.Center)
	}
	ref, err := placeChart(place, opts, hotspotChart(uniqueName(used, chartName(scenario, h.Name)), h, m.From, m.To, opts.Confidence, annotations))
	if err != nil {
		return hv, err
	}
	hv.Chart = ref
	return hv, nil
}

// statusSentence says what the status rests on, in a sentence.
func statusSentence(h *HotspotMonth) string {
	if len(h.Points) > 0 {
		last := "the last run's " + metricLabel(h.Metric)
		if latest := h.Points[len(h.Points)-1]; latest.Marked && !latest.At.Equal(h.Last.At) {
			last = fmt.Sprintf("the %s of the last run without caveats (%s)", metricLabel(h.Metric), h.Last.Run)
		}
		value := formatMetric(h.Metric, h.Last.Center)
		switch h.Status {
		case StatusMet:
			return fmt.Sprintf("Met: %s is %s, objective %s (%s measured it this month)",
				last, value, h.objectiveText(), plural(len(h.Points), "run"))
		case StatusOnTrack, StatusOffTrack:
			return fmt.Sprintf("%s: %s is %s; the linear trend of %s on %s projects %s by %s, objective %s",
				capitalize(string(h.Status)), last, value, plural(h.TrendRuns, "run"), plural(h.TrendDays, "day"),
				formatMetric(h.Metric, h.Projected), h.judgedDate(), h.objectiveText())
		case StatusNoTrend:
			return fmt.Sprintf("No trend yet: %s. Not met: %s is %s, objective %s",
				h.NoTrend, last, value, h.objectiveText())
		}
	}
	if h.Objective.Relative {
		return "The objective is relative, so there is nothing absolute to meet"
	}
	return fmt.Sprintf("No run this month measured %s of %s", metricLabel(h.Metric), h.Endpoint)
}

// runCaveatLines lists the runs marked on the charts and the runs without
// a value, one line each, and says how many invalid repetitions the
// month's values leave out.
func runCaveatLines(runs []RunPoint) (lines []string, leftOut string) {
	reps, inRuns := 0, 0
	for _, r := range runs {
		if n := r.Repetitions - r.Valid; n > 0 {
			reps += n
			inRuns++
		}
		if !r.Marked() {
			continue
		}
		what := "marked on the charts and left out of the trends"
		switch {
		case r.Valid == 0:
			what = "no valid repetition: no value, crossed on the time axis"
		case r.Incident != nil:
			what = "greyed on the charts and left out of the trends"
		}
		lines = append(lines, fmt.Sprintf("%s (%s): %s; %s", r.Ref, formatDateTime(r.Start), what, strings.Join(r.Caveats, "; ")))
	}
	if reps > 0 {
		verb := "were"
		if reps == 1 {
			verb = "was"
		}
		leftOut = fmt.Sprintf("Every value uses valid repetitions only: %s of %s %s left out.",
			plural(reps, "invalid repetition"), plural(inRuns, "run"), verb)
	}
	return lines, leftOut
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func placeChart(place placer, opts Options, c *chart) (*chartRef, error) {
	if c == nil {
		return nil, nil
	}
	img, err := c.render(opts.DPI)
	if err != nil {
		return nil, fmt.Errorf("month report: %w", err)
	}
	ref, err := place(img)
	if err != nil {
		return nil, fmt.Errorf("month report: %w", err)
	}
	return &ref, nil
}

func period(runs []RunPoint) string {
	switch len(runs) {
	case 0:
		return "no runs this month"
	case 1:
		return "1 run, on " + formatDate(runs[0].Start)
	}
	if first, last := formatDate(runs[0].Start), formatDate(runs[len(runs)-1].Start); first == last {
		return fmt.Sprintf("%d runs, all on %s", len(runs), first)
	}
	return fmt.Sprintf("%d runs, %s to %s", len(runs), formatDate(runs[0].Start), formatDate(runs[len(runs)-1].Start))
}

func verdictRow(v Verdict) verdictView {
	vv := verdictView{Date: formatDateTime(v.At), Kind: v.Kind, Base: v.Base, Candidate: v.Candidate, Hotspots: v.Hotspots, Failures: v.Failures}
	switch {
	case v.Pass == nil:
	case *v.Pass:
		vv.Result, vv.ResultClass = "gate passed", "pass"
	case v.Inconclusive && len(v.Failures) == 0:
		// Not a failure of the change: the gate could not decide.
		vv.Result, vv.ResultClass = "gate inconclusive", "cannot-tell"
		if v.InconclusiveReason != "" {
			vv.Failures = []string{v.InconclusiveReason}
		}
	default:
		vv.Result, vv.ResultClass = "gate failed", "fail"
	}
	return vv
}

func runRows(s *ScenarioMonth) []runRow {
	values := map[string][]string{} // run ref+start → hotspot values
	key := func(ref string, at time.Time) string { return ref + at.String() }
	for _, r := range s.Runs {
		values[key(r.Ref, r.Start)] = slices.Repeat([]string{"–"}, len(s.Hotspots))
	}
	for i, h := range s.Hotspots {
		for _, p := range h.Points {
			if v, ok := values[key(p.Run, p.At)]; ok {
				v[i] = formatMetric(h.Metric, p.Center)
			}
		}
	}
	var rows []runRow
	for _, r := range s.Runs {
		row := runRow{Date: formatDateTime(r.Start), Ref: r.Ref, Commit: r.Commit, Complete: "yes",
			Repetitions: strconv.Itoa(r.Repetitions), Values: values[key(r.Ref, r.Start)]}
		if !r.Complete {
			row.Complete = "no"
		}
		if r.Valid < r.Repetitions {
			row.Repetitions = fmt.Sprintf("%d of %d", r.Valid, r.Repetitions)
		}
		if r.Marked() {
			row.Caveats = "yes"
		}
		if r.Incident != nil {
			row.Caveats, row.Incident = "incident: "+r.Incident.Title, true
		}
		rows = append(rows, row)
	}
	return rows
}

func annotationRowOf(a results.Annotation) annotationRow {
	r := annotationRow{When: formatDateTime(a.Time), Kind: a.Kind, Title: a.Title, Text: a.Text, Commit: a.Commit, URL: a.URL}
	if a.End != nil {
		r.When += " to " + formatDateTime(*a.End)
	}
	if len(r.Commit) > 12 {
		r.Commit = r.Commit[:12]
	}
	return r
}
