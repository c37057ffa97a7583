package report

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	goldenfile "github.com/hotbench/hotbench/internal/golden"
)

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}

func TestMonthMarkdownGolden(t *testing.T) {
	store := monthFixture(t)
	m, err := BuildMonth(context.Background(), store, day(15, 0), quick)
	if err != nil {
		t.Fatal(err)
	}
	charts := filepath.Join(t.TempDir(), "charts")
	var buf bytes.Buffer
	if err := m.WriteMarkdown(&buf, charts, "charts"); err != nil {
		t.Fatal(err)
	}
	golden(t, "month-2026-11.md", buf.Bytes())
	checkLinkedCharts(t, buf.String(), filepath.Dir(charts))
	if dir := os.Getenv("REPORT_SAMPLE_DIR"); dir != "" {
		// The samples are for people to look at: full resolution.
		m, err := BuildMonth(context.Background(), store, day(15, 0), Options{Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		var h bytes.Buffer
		if err := m.WriteHTML(&h); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "month.html"), h.Bytes(), 0o644)
		m.WriteMarkdown(new(bytes.Buffer), filepath.Join(dir, "charts"), "charts")
	}
}

// checkLinkedCharts checks that every image the Markdown links exists
// under base and is a PNG.
func checkLinkedCharts(t *testing.T, md, base string) {
	t.Helper()
	links := mdImage.FindAllStringSubmatch(md, -1)
	if len(links) == 0 {
		t.Error("the Markdown links no charts")
	}
	for _, l := range links {
		f, err := os.Open(filepath.Join(base, filepath.FromSlash(l[1])))
		if err != nil {
			t.Errorf("linked chart: %v", err)
			continue
		}
		if _, err := png.Decode(f); err != nil {
			t.Errorf("%s: %v", l[1], err)
		}
		f.Close()
	}
}

var mdImage = regexp.MustCompile(`!\[[^\]]*\]\(([^)]+)\)`)

func TestMonthKeepsToItsCalendarMonth(t *testing.T) {
	m, err := BuildMonth(context.Background(), monthFixture(t), day(30, 23), quick)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Scenarios) != 3 {
		t.Fatalf("%d scenarios, want checkout, manual-search and suggest", len(m.Scenarios))
	}
	for _, s := range m.Scenarios {
		for _, r := range s.Runs {
			if r.Start.Month() != 11 || r.Label == "october" {
				t.Errorf("%s: run %s of %s is not in November", s.Name, r.Ref, r.Start)
			}
		}
		for _, v := range s.Verdicts {
			if v.At.Month() != 11 {
				t.Errorf("%s: verdict of %s is not in November", s.Name, v.At)
			}
		}
	}
	ms := m.Scenarios[1]
	if len(ms.Runs) != 7 || len(ms.Verdicts) != 2 {
		t.Errorf("manual-search has %d runs and %d verdicts, want 7 and 2", len(ms.Runs), len(ms.Verdicts))
	}
	// October's run is slower than November's first: the month starts at 47.5 ms, not 90.
	if got := ms.Hotspots[0].First.Run; got != "manual-search@before" {
		t.Errorf("the month's first search-regexp run is %s, want manual-search@before", got)
	}
}

func TestMonthNamesWhatItCannotRead(t *testing.T) {
	store := monthFixture(t)
	runs, err := store.List()
	if err != nil {
		t.Fatal(err)
	}
	var broken string
	for _, r := range runs {
		if r.Label == "week-2" {
			broken = filepath.Join(r.Dir, "run.json")
		}
	}
	if err := os.WriteFile(broken, []byte(`{"format_version": 1, "repetitions": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	vdir := filepath.Join(store.Dir, "checkout", "verdicts")
	os.MkdirAll(vdir, 0o755)
	if err := os.WriteFile(filepath.Join(vdir, "20261110T000000Z-compare.json"), []byte(`{"rows": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := BuildMonth(context.Background(), store, day(1, 0), quick)
	if err != nil {
		t.Fatal(err)
	}
	var warnings []string
	warnings = append(warnings, m.Warnings...)
	for _, s := range m.Scenarios {
		warnings = append(warnings, s.Warnings...)
	}
	all := strings.Join(warnings, "\n")
	for _, want := range []string{broken, "20261110T000000Z-compare.json"} {
		if !strings.Contains(all, want) {
			t.Errorf("the warnings do not name %s:\n%s", want, all)
		}
	}
	if n := len(m.Scenarios[1].Runs); n != 6 {
		t.Errorf("manual-search has %d runs, want the 6 readable ones", n)
	}
	var buf bytes.Buffer
	if err := m.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Some results could not be read") {
		t.Error("the page does not say that some results could not be read")
	}
}

func TestEmptyMonth(t *testing.T) {
	m, err := BuildMonth(context.Background(), monthFixture(t), day(1, 0).AddDate(0, 2, 0), quick)
	if err != nil {
		t.Fatal(err)
	}
	var page, md bytes.Buffer
	if err := m.WriteHTML(&page); err != nil {
		t.Fatal(err)
	}
	if err := m.WriteMarkdown(&md, t.TempDir(), ""); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{page.String(), md.String()} {
		if !strings.Contains(out, "January 2027") || !strings.Contains(out, "No runs and no saved verdicts in this month.") {
			t.Errorf("an empty month does not say so:\n%.400s", out)
		}
	}
}

func TestMonthHTML(t *testing.T) {
	page := fullMonthPage(t)
	var buf bytes.Buffer
	buf.Write(page)
	// 4 hotspot trends and 4 endpoint trends.
	if n := checkSelfContained(t, buf.Bytes()); n != 8 {
		t.Errorf("the month page has %d charts, want 8", n)
	}
	for _, want := range []string{
		"manual-search / search-regexp: p99 47.5ms → 3.02ms, improved (objective 10.0ms, met)",
		`<span class="badge off-track">off track</span>`,
		"manual-search@regexp-fix → manual-search@after",
		"gate passed",
		"regexp/syntax.Parse",
		`<span class="badge no-trend">no trend yet</span>`,
		"no trend yet: 2 runs on 1 day: a trend needs ≥ 3 runs on ≥ 2 days",
		"manual-search@noisy-neighbour (2026-11-19 10:00 UTC): marked on the charts and left out of the trends",
		"manual-search@generator-stalled (2026-11-20 10:00 UTC): no valid repetition",
		"8 invalid repetitions of 2 runs were left out",
		"-49.3 pp", // regexp.Compile's share: 53.1% → 3.81%
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("the month page lacks %q", want)
		}
	}
}
