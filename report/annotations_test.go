package report

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hotbench/hotbench/results"
)

// The month fixture's annotations: a failover on Nov 9 that
// manual-search@week-2 ran into, a release, a fix and a deploy.
func TestMonthAnnotations(t *testing.T) {
	m, err := BuildMonth(context.Background(), monthFixture(t), day(1, 0), quick)
	if err != nil {
		t.Fatal(err)
	}
	ms := m.Scenarios[1]
	if ms.Name != "manual-search" {
		t.Fatalf("scenario 1 is %s", ms.Name)
	}
	// October's release is not November's; the incident and the fix name
	// manual-search only.
	var kinds []string
	for _, a := range ms.Annotations {
		kinds = append(kinds, a.Kind)
	}
	if got := strings.Join(kinds, " "); got != "note incident release fix deploy" {
		t.Errorf("manual-search's annotations: %s", got)
	}
	for _, a := range m.Scenarios[0].Annotations {
		if a.Kind == results.AnnotationIncident || a.Kind == results.AnnotationFix {
			t.Errorf("checkout has manual-search's %s %q", a.Kind, a.Title)
		}
	}
	t.Run("a run that started inside an incident is greyed and kept out of the trend", func(t *testing.T) {
		var week2 *RunPoint
		for i := range ms.Runs {
			if ms.Runs[i].Label == "week-2" {
				week2 = &ms.Runs[i]
			}
		}
		if week2 == nil || week2.Incident == nil || week2.Incident.Title != "database failover" || !week2.Marked() {
			t.Fatalf("week-2 is not in the incident: %+v", week2)
		}
		h := ms.Hotspots[0]
		if h.TrendRuns != 4 {
			t.Errorf("search-regexp's trend rests on %d runs, want 4: before, regexp-fix, after, final", h.TrendRuns)
		}
		for _, p := range h.Points {
			if p.Incident != (p.Run == "manual-search@week-2") {
				t.Errorf("%s: Incident %v", p.Run, p.Incident)
			}
		}
	})
	t.Run("the pages list the annotations and say what the marks mean", func(t *testing.T) {
		var page, md bytes.Buffer
		if err := m.WriteHTML(&page); err != nil {
			t.Fatal(err)
		}
		if err := m.WriteMarkdown(&md, t.TempDir(), "charts"); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			`manual-search@week-2 (2026-11-09 10:00 UTC): greyed on the charts and left out of the trends; inside incident "database failover"`,
			"On the trend charts releases are solid purple lines, deploys dashed teal lines, fixes green squares over dotted lines, incidents pale orange spans",
			"2026-11-09 09:00 UTC to 2026-11-09 12:00 UTC",
		} {
			if !strings.Contains(md.String(), want) {
				t.Errorf("the Markdown lacks %q", want)
			}
		}
		for _, want := range []string{
			`<tr class="incident">`,
			"incident: database failover",
			`<span class="badge ann-release">release</span>`,
			"<strong>v2.4.0</strong>",
		} {
			if !strings.Contains(page.String(), want) {
				t.Errorf("the page lacks %q", want)
			}
		}
	})
}

// Titles take the first row where they do not overlap the one before; a
// title at the month's right edge ends at its line; past the last row a
// title is left out (its mark stays).
func TestLayoutTitles(t *testing.T) {
	from, to := day(1, 0), day(1, 0).AddDate(0, 1, 0)
	at := func(d, h int) time.Time { return day(d, h) }
	as := []results.Annotation{
		{Kind: results.AnnotationRelease, Time: at(2, 0), Title: "v1.0.0"},
		{Kind: results.AnnotationDeploy, Time: at(2, 6), Title: "canary 10%"},
		{Kind: results.AnnotationFix, Time: at(2, 12), Title: "cache warm-up"},
		{Kind: results.AnnotationRelease, Time: at(2, 18), Title: "v1.0.1"},
		{Kind: results.AnnotationNote, Time: at(10, 0), Title: "not drawn"},
		{Kind: results.AnnotationIncident, Time: at(15, 0), Title: "failover"},
		{Kind: results.AnnotationDeploy, Time: at(30, 20), Title: "late deploy"},
	}
	titles, rows := layoutTitles(as, from, to, 500)
	got := map[string]annotationTitle{}
	for _, tt := range titles {
		got[tt.text] = tt
	}
	if rows != maxTitleRows {
		t.Errorf("%d rows, want %d", rows, maxTitleRows)
	}
	for text, row := range map[string]int{"v1.0.0": 0, "canary 10%": 1, "cache warm-up": 2, "failover": 0, "late deploy": 0} {
		if tt, ok := got[text]; !ok || tt.row != row {
			t.Errorf("%q: %+v (placed %v), want row %d", text, tt, ok, row)
		}
	}
	if _, ok := got["v1.0.1"]; ok {
		t.Error("a fourth title over the others was not left out")
	}
	if _, ok := got["not drawn"]; ok {
		t.Error("a note has a title on the chart")
	}
	if !got["late deploy"].left {
		t.Error("a title at the right edge does not end at its line")
	}
}

// A chart with every kind of annotation renders, and the incident span
// does not stretch past the month.
func TestTrendChartWithAnnotations(t *testing.T) {
	m, err := BuildMonth(context.Background(), monthFixture(t), day(1, 0), quick)
	if err != nil {
		t.Fatal(err)
	}
	ms := &m.Scenarios[1]
	end := day(1, 0).AddDate(0, 2, 0)
	as := append(ms.Annotations, results.Annotation{Kind: results.AnnotationIncident, Time: day(29, 0), End: &end, Title: "a span past the month"})
	c := hotspotChart("t", &ms.Hotspots[0], m.From, m.To, 0.95, as)
	if _, err := c.render(36); err != nil {
		t.Fatal(err)
	}
	if p := c.panels[0]; p.X.Max != float64(m.To.Unix()) {
		t.Errorf("the time axis ends at %v, want the month's end", time.Unix(int64(p.X.Max), 0).UTC())
	}
}

// The run report and the before/after report, given the store's
// annotations, say when a run started inside an incident.
func TestReportsNameTheIncidentARunWasIn(t *testing.T) {
	r := storedRun(t, 5)
	end := r.Start.Add(time.Hour)
	as := []results.Annotation{{Kind: results.AnnotationIncident, Time: r.Start.Add(-time.Minute), End: &end, Title: "disk full on bench-1"}}
	var buf bytes.Buffer
	if err := RunReport(&buf, r, Options{Now: fixedNow, DPI: 36, Annotations: as}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "This run was measured during an incident") || !strings.Contains(buf.String(), "disk full on bench-1") {
		t.Error("the run report does not name the incident its run started in")
	}
	base, cand := beforeAfterFixture(t)
	end = base[0].Start.Add(time.Hour)
	as[0].Time, as[0].End = base[0].Start, &end
	b := buildBeforeAfterOf(t, base, cand, Options{Now: fixedNow, DPI: 36, Annotations: as})
	var md bytes.Buffer
	if err := b.WriteMarkdown(&md, t.TempDir(), ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), `manual-search@before: inside incident "disk full on bench-1"`) {
		t.Errorf("the before/after report does not name the incident the base ran in:\n%.1200s", md.String())
	}
}
