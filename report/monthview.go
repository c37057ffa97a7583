package report

import (
	"fmt"
	"io"
	"strings"
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
	Warnings                   []string
	Scenarios                  []scenarioView
}

type summaryLine struct{ Text, Status string }

type scenarioView struct {
	Name, Description, Period string
	Warnings                  []string
	Hotspots                  []hotspotView
	HotspotNames              []string
	Endpoints                 []trendView
	Verdicts                  []verdictView
	CPU                       []cpuDiffRow
	CPUFirst, CPULast         string
	CPUNote                   string
	Runs                      []runRow
}

type hotspotView struct {
	Name, Endpoint, Metric, Objective, Due string
	First, Last, Best, Change, Status      string
	StatusText, Evidence, Functions        string
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
	Repetitions                 int
	Values                      []string
}

func (m *Month) view(place placer) (*monthView, error) {
	opts := m.opts.withDefaults()
	v := &monthView{
		Title:     m.From.Format("January 2006"),
		From:      formatDate(m.From),
		To:        formatDate(m.To.Add(-1)),
		Generated: formatDateTime(m.Generated),
		Headline:  m.Headline(),
		Warnings:  m.Warnings,
	}
	used := map[string]bool{}
	for i := range m.Scenarios {
		s := &m.Scenarios[i]
		sv := scenarioView{Name: s.Name, Description: s.Description, Period: period(s.Runs), Warnings: s.Warnings, CPUNote: s.CPUNote}
		for j := range s.Hotspots {
			h := &s.Hotspots[j]
			v.Lines = append(v.Lines, summaryLine{Text: s.Name + " / " + h.Line(), Status: h.Status})
			hv, err := hotspotSection(h, m, place, used, s.Name, opts)
			if err != nil {
				return nil, err
			}
			sv.Hotspots = append(sv.Hotspots, hv)
			sv.HotspotNames = append(sv.HotspotNames, h.Name)
		}
		for j := range s.Endpoints {
			e := &s.Endpoints[j]
			tv := trendView{Name: e.Name}
			ref, err := placeChart(place, opts, endpointTrendChart(uniqueName(used, chartName(s.Name, e.Name, "trend")), e, m.From, m.To))
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
			sv.CPU = append(sv.CPU, cpuDiffRow{
				Name: d.Name, BaseCum: formatPercent(d.BaseCum), CandCum: formatPercent(d.CandCum), DeltaCum: formatPoints(d.DeltaCum),
				BaseFlat: formatPercent(d.BaseFlat), CandFlat: formatPercent(d.CandFlat), DeltaFlat: formatPoints(d.DeltaFlat),
				Better: d.DeltaCum <= -0.01, Worse: d.DeltaCum >= 0.01,
			})
		}
		sv.Runs = runRows(s)
		v.Scenarios = append(v.Scenarios, sv)
	}
	return v, nil
}

func hotspotSection(h *HotspotMonth, m *Month, place placer, used map[string]bool, scenario string, opts Options) (hotspotView, error) {
	hv := hotspotView{
		Name: h.Name, Endpoint: h.Endpoint, Metric: metricLabel(h.Metric) + " of " + h.Endpoint,
		Objective: h.objectiveText(), Due: "end of month", Change: h.Change, Status: h.Status,
		StatusText: statusSentence(h), Evidence: h.Evidence, Functions: strings.Join(h.Functions, ", "),
		First: "–", Last: "–", Best: "–",
	}
	if !h.Due.IsZero() {
		hv.Due = h.Due.String()
	}
	if len(h.Points) > 0 {
		u := unitFor(h.Metric, h.First.Center, h.Last.Center, h.Best.Center)
		hv.First, hv.Last, hv.Best = u.format(h.First.Center), u.format(h.Last.Center), u.format(h.Best.Center)
	}
	ref, err := placeChart(place, opts, hotspotChart(uniqueName(used, chartName(scenario, h.Name)), h, m.From, m.To, opts.Confidence))
	if err != nil {
		return hv, err
	}
	hv.Chart = ref
	return hv, nil
}

// statusSentence says what the status rests on, in a sentence.
func statusSentence(h *HotspotMonth) string {
	n := plural(len(h.Points), "run")
	switch h.Status {
	case StatusMet:
		return fmt.Sprintf("Met: the last run's %s is %s, objective %s (%s this month)",
			metricLabel(h.Metric), formatMetric(h.Metric, h.Last.Center), h.objectiveText(), n)
	case StatusOnTrack, StatusOffTrack:
		return fmt.Sprintf("%s: the last run's %s is %s; the linear trend of %s projects %s by %s, objective %s",
			capitalize(h.Status), metricLabel(h.Metric), formatMetric(h.Metric, h.Last.Center), n,
			formatMetric(h.Metric, h.Projected), h.judgedDate(), h.objectiveText())
	case StatusNoTrend:
		return fmt.Sprintf("Not met: the only run's %s is %s, objective %s; one run makes no trend",
			metricLabel(h.Metric), formatMetric(h.Metric, h.Last.Center), h.objectiveText())
	}
	if h.Objective.Relative {
		return "The objective is relative, so there is nothing absolute to meet"
	}
	return fmt.Sprintf("No run this month measured %s of %s", metricLabel(h.Metric), h.Endpoint)
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
	return fmt.Sprintf("%d runs, %s to %s", len(runs), formatDate(runs[0].Start), formatDate(runs[len(runs)-1].Start))
}

func verdictRow(v Verdict) verdictView {
	vv := verdictView{Date: formatDateTime(v.At), Kind: v.Kind, Base: v.Base, Candidate: v.Candidate, Hotspots: v.Hotspots, Failures: v.Failures}
	if v.Pass != nil {
		vv.Result, vv.ResultClass = "gate failed", "fail"
		if *v.Pass {
			vv.Result, vv.ResultClass = "gate passed", "pass"
		}
	}
	return vv
}

func runRows(s *ScenarioMonth) []runRow {
	values := map[string][]string{} // run ref+start → hotspot values
	key := func(ref string, p Point) string { return ref + p.At.String() }
	for _, h := range s.Hotspots {
		for _, p := range h.Points {
			k := key(p.Run, p)
			for len(values[k]) < len(s.Hotspots) {
				values[k] = append(values[k], "–")
			}
		}
	}
	for i, h := range s.Hotspots {
		for _, p := range h.Points {
			values[key(p.Run, p)][i] = formatMetric(h.Metric, p.Center)
		}
	}
	var rows []runRow
	for _, r := range s.Runs {
		complete := "yes"
		if !r.Complete {
			complete = "no"
		}
		vals := values[key(r.Ref, Point{At: r.Start})]
		for len(vals) < len(s.Hotspots) {
			vals = append(vals, "–")
		}
		rows = append(rows, runRow{Date: formatDateTime(r.Start), Ref: r.Ref, Commit: r.Commit, Complete: complete, Repetitions: r.Repetitions, Values: vals})
	}
	return rows
}
